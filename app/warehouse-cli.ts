import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { checkWarehouseFile } from '../connectors/warehouse/check-file';

/**
 * `npm run warehouse -- check FILE`: reads a 3PL's file offline with the adapter of its extension
 * and prints the messages and line errors (connectors/warehouse/check-file.ts); applies nothing
 * and needs no settings. Exit 0 when every message reads, 1 when any does not, 2 on misuse.
 */
function run(args: readonly string[]): number {
  const [command, file] = args;
  if (command !== 'check' || !file || args.length !== 2) {
    process.stderr.write('usage: npm run warehouse -- check FILE   (.csv, .json, .jsonl, .x12, .edi)\n');
    return 2;
  }
  const { ok, text } = checkWarehouseFile(basename(file), readFileSync(file, 'utf8'));
  process.stdout.write(text);
  return ok ? 0 : 1;
}

try {
  process.exit(run(process.argv.slice(2)));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
