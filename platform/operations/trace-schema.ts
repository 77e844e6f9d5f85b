import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';

/** The business trace's hop types, the same in every subgraph (`trace-hops.graphql`). */
export const TRACE_HOP_TYPE_DEFS: DocumentNode = parse(readFileSync(join(__dirname, 'trace-hops.graphql'), 'utf8'));
