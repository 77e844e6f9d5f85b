import type { GraphError } from './graph-client';

/** Why one row (or one backfilled item) failed: the report's line. */
export interface RowError {
  /** 1-based record number in the file (the header of a CSV is not a record); for backfill, the item's position read. */
  row: number;
  /** Dotted path of the field at fault (`input.name`, `quantity`), or null when the row as a whole. */
  field: string | null;
  /** A userError code (`INVALID_VALUE`, `UNKNOWN_LOCATION`, ...), a GraphQL error code (`BAD_USER_INPUT`), or `UNREADABLE_ROW` for a record that could not be parsed. */
  code: string;
  message: string;
}

/** A userError as every mutation of the graph answers it. */
export interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}

/** The row errors of a mutation's userErrors. */
export const fromUserErrors = (row: number, errors: readonly UserError[]): RowError[] =>
  errors.map((error) => ({ row, field: error.field?.join('.') ?? null, code: error.code, message: error.message }));

/** The row errors of a GraphQL response's errors (refused before any resolver: validation, limits, authorization). */
export const fromGraphErrors = (row: number, errors: readonly GraphError[]): RowError[] =>
  errors.map((error) => ({ row, field: error.extensions?.argument ?? null, code: error.extensions?.code ?? 'GRAPHQL_ERROR', message: error.message }));
