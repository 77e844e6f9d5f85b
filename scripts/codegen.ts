/**
 * Resolver and argument types generated from each subgraph's SDL, checked in beside its resolvers
 * (`subgraphs/<name>/generated/graphql.ts`), so a resolver map that no longer fits its schema fails
 * `tsc`.
 *
 *   npm run codegen          regenerate the files
 *   npm run codegen:check    regenerate in memory and fail, naming the files, if any differ (CI)
 *
 * The schema fed in is the one the subgraph serves and publishes — its `schema.graphql` plus the
 * common types and event-pipeline operations that `platform/subgraph.ts` adds (`fullTypeDefs`) — so
 * the shared types resolve. Nothing is fetched: everything comes from files in this repository.
 * It calls `@graphql-codegen/core` directly rather than the `graphql-codegen` CLI, whose schema
 * loaders need a newer `@graphql-tools/utils` than the one package.json pins for Apollo.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { codegen } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as resolversPlugin from '@graphql-codegen/typescript-resolvers';
import { GENERATED_HEADER, SUBGRAPH_TYPES, sharedConfig, type SubgraphTypes } from './codegen-config';
import { fullTypeDefs, loadTypeDefs } from '../platform/subgraph';

const root = join(__dirname, '..');

/** The generated module of one subgraph, as text. */
async function generate(target: SubgraphTypes): Promise<{ path: string; text: string }> {
  const folder = join(root, 'subgraphs', target.name);
  const path = join(folder, 'generated', 'graphql.ts');
  const schema = fullTypeDefs({ name: target.name, typeDefs: loadTypeDefs(join(folder, 'schema.graphql')) });
  const output = await codegen({
    filename: path,
    schema,
    documents: [],
    plugins: [{ typescript: {} }, { typescriptResolvers: {} }],
    pluginMap: { typescript: typescriptPlugin, typescriptResolvers: resolversPlugin },
    config: {
      ...sharedConfig,
      contextType: target.context,
      mappers: { ...sharedConfig.mappers, ...target.mappers },
    },
  });
  return { path, text: `${GENERATED_HEADER}\n${target.imports.join('\n')}\n\n${output}` };
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const target of SUBGRAPH_TYPES) {
    const { path, text } = await generate(target);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        // A missing file is as stale as a different one.
      }
      if (current !== text) stale.push(relative(root, path));
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
  if (stale.length > 0) {
    console.error(`Generated resolver types are out of date with the SDL: ${stale.join(', ')}. Run \`npm run codegen\` and commit the result.`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
