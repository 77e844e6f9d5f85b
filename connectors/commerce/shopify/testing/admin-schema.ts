/** The fake's Admin API schema, built once from `admin-schema.graphql`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, type GraphQLSchema } from 'graphql';

let schema: GraphQLSchema | null = null;

/** The SUBSET of Shopify's Admin API (2026-10) the fake serves. */
export function adminSchema(): GraphQLSchema {
  schema ??= buildSchema(readFileSync(join(__dirname, 'admin-schema.graphql'), 'utf8'));
  return schema;
}
