import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_REGISTRY_URL, RegistryClient, RegistryClientError } from './client';
import type { PublishResult } from './service';

/** Where the CLI writes; tests pass their own to read the output. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `Usage:
  npm run registry -- publish <name> --url <url> --schema <file> [--force] [--dry-run]
  npm run registry -- check <name> --url <url> --schema <file>
  npm run registry -- list
  npm run registry -- supergraph
Environment: REGISTRY_URL (default ${DEFAULT_REGISTRY_URL}), REGISTRY_TOKEN (every command).`;

/** What the CLI is configured with; its entry point, app/registry-cli.ts, takes it from app/config.ts. */
export interface CliSettings {
  /** The registry's base URL (`REGISTRY_URL`); default `DEFAULT_REGISTRY_URL`. */
  registryUrl?: string;
  /** `REGISTRY_TOKEN`: every command authenticates with it. */
  registryToken?: string;
  /** Who publishes, recorded with each version (`cli:<user>`). */
  publishedBy: string;
}

/** Exit codes: success, a rejected schema or a failed call, and a usage mistake. */
const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/**
 * Runs one CLI command against the registry and returns the process exit code: 0 on success,
 * 1 when the schema is rejected or the registry call fails, 2 on a usage error.
 */
export async function main(argv: readonly string[], settings: CliSettings, io: CliIo = consoleIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        schema: { type: 'string' },
        force: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  const [command, name] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? EXIT.OK : EXIT.USAGE;
  }
  const client = new RegistryClient({
    baseUrl: settings.registryUrl ?? DEFAULT_REGISTRY_URL,
    publishToken: settings.registryToken,
    publishedBy: settings.publishedBy,
  });

  try {
    switch (command) {
      case 'publish':
      case 'check': {
        if (!name || !values.url || !values.schema) {
          io.err(`${command} needs <name>, --url and --schema.\n${USAGE}`);
          return EXIT.USAGE;
        }
        const sdl = await readFile(values.schema, 'utf8');
        const result =
          command === 'publish'
            ? await client.publish(name, values.url, sdl, { force: values.force, dryRun: values['dry-run'] })
            : await client.check(name, values.url, sdl, { force: values.force });
        for (const line of describeResult(name, result)) io.out(line);
        return result.status === 'REJECTED' ? EXIT.FAILED : EXIT.OK;
      }
      case 'list': {
        const subgraphs = await client.list();
        if (subgraphs.length === 0) io.out('No subgraphs published yet.');
        for (const s of subgraphs) {
          io.out(`${s.name}\tv${s.version}\t${s.url}\t${s.publishedAt}\t${s.publishedBy}${s.forced ? '\t(forced)' : ''}`);
        }
        return EXIT.OK;
      }
      case 'supergraph': {
        const supergraph = await client.supergraph();
        if (!supergraph) {
          io.err('No supergraph has been composed yet.');
          return EXIT.FAILED;
        }
        io.out(supergraph.supergraphSdl);
        return EXIT.OK;
      }
      default:
        io.err(`Unknown command "${command}".\n${USAGE}`);
        return EXIT.USAGE;
    }
  } catch (error) {
    if (error instanceof RegistryClientError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err((error as Error).message);
      return EXIT.FAILED;
    }
    throw error;
  }
}

/** A publish or check result as lines for a terminal or a CI log. */
export function describeResult(name: string, result: PublishResult): string[] {
  const lines: string[] = [];
  const versions = `subgraph v${result.subgraphVersion ?? '?'}, supergraph v${result.supergraphVersion ?? '?'}`;
  switch (result.status) {
    case 'PUBLISHED':
      lines.push(`Published ${name}: ${versions}${result.forced ? ' (breaking changes forced)' : ''}.`);
      break;
    case 'UNCHANGED':
      lines.push(`Unchanged: ${name} is already at this SDL and url (${versions}).`);
      break;
    case 'PASSED':
      lines.push(`Check passed for ${name}${result.forced ? ' (breaking changes would be forced)' : ''}; nothing was written.`);
      break;
    case 'REJECTED':
      lines.push(`Rejected ${name}${result.dryRun ? ' (check only)' : ''}.`);
      break;
  }
  if (result.compositionErrors.length > 0) {
    lines.push('Composition errors:');
    for (const error of result.compositionErrors) lines.push(`  - ${error.message}`);
  }
  if (result.breakingChanges.length > 0) {
    lines.push(result.status === 'REJECTED' ? 'Breaking changes (publish with --force to accept):' : 'Breaking changes:');
    for (const change of result.breakingChanges) lines.push(`  - ${change.type}: ${change.description}`);
  }
  return lines;
}

const consoleIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
