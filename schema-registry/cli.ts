import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_REGISTRY_URL, RegistryClient, RegistryClientError } from './client';
import type { PublishResult, PublishStatus } from './service';

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

/** The options every command accepts. */
const OPTIONS = {
  url: { type: 'string' },
  schema: { type: 'string' },
  force: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type CommandLine = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>;

/** What a command runs with: the subgraph name (publish, check), the options, a client, the output. */
interface Invocation {
  command: string;
  name: string | undefined;
  values: CommandLine['values'];
  client: RegistryClient;
  io: CliIo;
}

/** A command returns the process exit code. */
type Command = (invocation: Invocation) => Promise<number>;

/**
 * Runs one CLI command against the registry and returns the process exit code: 0 on success,
 * 1 when the schema is rejected or the registry call fails, 2 on a usage error.
 */
export async function main(argv: readonly string[], settings: CliSettings, io: CliIo = consoleIo): Promise<number> {
  const parsed = parseCommandLine(argv, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [command, name] = positionals;
  if (values.help) {
    io.out(USAGE);
    return EXIT.OK;
  }
  if (!command) {
    io.err(USAGE);
    return EXIT.USAGE;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    io.err(`Unknown command "${command}".\n${USAGE}`);
    return EXIT.USAGE;
  }
  try {
    return await run({ command, name, values, client: registryClient(settings), io });
  } catch (error) {
    // A refused call or a missing schema file is the operator's to fix: a message, not a stack.
    if (error instanceof RegistryClientError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err((error as Error).message);
      return EXIT.FAILED;
    }
    throw error;
  }
}

/** The parsed command line, or the exit code of a usage mistake (reported on `io`). */
function parseCommandLine(argv: readonly string[], io: CliIo): CommandLine | number {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return EXIT.USAGE;
  }
}

function registryClient(settings: CliSettings): RegistryClient {
  return new RegistryClient({
    baseUrl: settings.registryUrl ?? DEFAULT_REGISTRY_URL,
    publishToken: settings.registryToken,
    publishedBy: settings.publishedBy,
  });
}

/** `publish` and `check` share their arguments; only check writes nothing. */
const publishOrCheck: Command = async ({ command, name, values, client, io }) => {
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
};

const list: Command = async ({ client, io }) => {
  const subgraphs = await client.list();
  if (subgraphs.length === 0) io.out('No subgraphs published yet.');
  for (const s of subgraphs) {
    io.out(`${s.name}\tv${s.version}\t${s.url}\t${s.publishedAt}\t${s.publishedBy}${s.forced ? '\t(forced)' : ''}`);
  }
  return EXIT.OK;
};

const supergraph: Command = async ({ client, io }) => {
  const composed = await client.supergraph();
  if (!composed) {
    io.err('No supergraph has been composed yet.');
    return EXIT.FAILED;
  }
  io.out(composed.supergraphSdl);
  return EXIT.OK;
};

/** The commands by name, as USAGE lists them. */
const COMMANDS: Record<string, Command> = { publish: publishOrCheck, check: publishOrCheck, list, supergraph };

/** The first line of a result, per status. */
const HEADLINES: Record<PublishStatus, (name: string, result: PublishResult, versions: string) => string> = {
  PUBLISHED: (name, result, versions) => `Published ${name}: ${versions}${result.forced ? ' (breaking changes forced)' : ''}.`,
  UNCHANGED: (name, _result, versions) => `Unchanged: ${name} is already at this SDL and url (${versions}).`,
  PASSED: (name, result) => `Check passed for ${name}${result.forced ? ' (breaking changes would be forced)' : ''}; nothing was written.`,
  REJECTED: (name, result) => `Rejected ${name}${result.dryRun ? ' (check only)' : ''}.`,
};

/** A publish or check result as lines for a terminal or a CI log. */
export function describeResult(name: string, result: PublishResult): string[] {
  const versions = `subgraph v${result.subgraphVersion ?? '?'}, supergraph v${result.supergraphVersion ?? '?'}`;
  const lines = [HEADLINES[result.status](name, result, versions)];
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
