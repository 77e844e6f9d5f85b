export type { Db, Queryable, QueryResult, Row, IsolationLevel } from './types';
export { PostgresDb } from './postgres';
export { PgliteDb } from './pglite';
export { migrate, type MigrationSet } from './migrate';
export { SQLSTATE, sqlState, violatedConstraint } from './errors';
