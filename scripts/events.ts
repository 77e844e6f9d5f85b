/**
 * The event pipeline's operations from a terminal, through the gateway (so it works the same on
 * the embedded default and in production, under the caller's own authorization and audit):
 *
 *   npm run events -- status
 *   npm run events -- list   --subgraph returns [--status DEAD] [--consumer <name>] [--type <EventType>]
 *   npm run events -- replay --subgraph returns [--id <id> ...] [--consumer <name>] [--type <EventType>] [--dry-run]
 *
 * Its entry point, app/events-cli.ts, takes `GATEWAY_URL` and `TOKEN` from app/config.ts.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { signClientToken } from '../platform/auth';
import { loadOrCreateDevKeys } from '../platform/auth/dev-keys';

const SUBGRAPHS = ['orders', 'returns', 'inventory', 'refunds'] as const;
type Subgraph = (typeof SUBGRAPHS)[number];
/** Dead letters fetched per page when listing. */
const LIST_PAGE_SIZE = 100;
/** The server replays at most this many per call; bulk replays loop until none are left. */
const REPLAY_BATCH = 500;

/** The options the commands share; `--subgraph` is required by all but `status`. */
const OPTIONS = {
  subgraph: { type: 'string' },
  status: { type: 'string' },
  consumer: { type: 'string' },
  type: { type: 'string' },
  id: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
} as const;

/** The minted token serves one run of this CLI: ten minutes covers the longest bulk replay. */
const DEV_TOKEN_TTL_SECONDS = 600;

const USAGE = `usage: npm run events -- status
       npm run events -- list   --subgraph <${SUBGRAPHS.join('|')}> [--status DEAD|REPLAYED|DISCARDED] [--consumer <name>] [--type <EventType>]
       npm run events -- replay --subgraph <${SUBGRAPHS.join('|')}> [--id <id> ...] [--consumer <name>] [--type <EventType>] [--dry-run]`;

const capitalised = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Where output goes; tests pass their own. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

async function call<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  return body.data as T;
}

/** What the CLI is configured with. */
export interface EventsCliSettings {
  /** The gateway's GraphQL URL (`GATEWAY_URL`). */
  gatewayUrl: string;
  /** A client token to call with (`TOKEN`); absent, an operations_admin token is minted with the local dev key (embedded default only). */
  token?: string;
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function main(
  argv: string[],
  settings: EventsCliSettings,
  io: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) },
): Promise<number> {
  const invocation = parseInvocation(argv, io);
  if (typeof invocation === 'number') return invocation;
  const url = settings.gatewayUrl;
  const token = settings.token ?? (await operationsAdminToken());
  try {
    await run(url, token, invocation, io);
    return 0;
  } catch (error) {
    io.err(`events: ${(error as Error).message}`);
    return 1;
  }
}

/** The command line, understood: `status` over every subgraph, or a command on one subgraph's dead letters. */
type Invocation = { command: 'status' } | { command: 'list' | 'replay'; subgraph: Subgraph; values: Filters };

/** The command line as an `Invocation`, or the usage exit code (2) once the usage is printed. */
function parseInvocation(argv: string[], io: Io): Invocation | number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command] = parsed.positionals;
  const subgraph = SUBGRAPHS.find((name) => name === parsed.values.subgraph);
  if (command === 'status') return { command };
  if ((command === 'list' || command === 'replay') && subgraph) return { command, subgraph, values: parsed.values };
  io.err(USAGE);
  return 2;
}

function run(url: string, token: string, invocation: Invocation, io: Io): Promise<void> {
  switch (invocation.command) {
    case 'status':
      return status(url, token, io);
    case 'list':
      return list(url, token, invocation.subgraph, invocation.values, io);
    case 'replay':
      return replay(url, token, invocation.subgraph, invocation.values, io);
  }
}

/** Only for the embedded default: the local dev key signs a short-lived operations_admin token. */
async function operationsAdminToken(): Promise<string> {
  const { privateJwk } = await loadOrCreateDevKeys();
  return signClientToken({ subject: 'cli:events', roles: ['operations_admin'], storeIds: [] }, privateJwk, DEV_TOKEN_TTL_SECONDS);
}

async function status(url: string, token: string, io: Io): Promise<void> {
  const fields = SUBGRAPHS.map((name) => `${name}: ${name}EventPipeline { outboxPending outboxLagSeconds pendingRetries deadLetterCount }`).join(' ');
  const data = await call<Record<string, { outboxPending: number; outboxLagSeconds: number; pendingRetries: number; deadLetterCount: number }>>(
    url,
    token,
    `{ ${fields} }`,
  );
  io.out(`${'subgraph'.padEnd(10)} ${'outbox pending'.padStart(14)} ${'lag s'.padStart(6)} ${'retries'.padStart(8)} ${'dead'.padStart(6)}`);
  for (const name of SUBGRAPHS) {
    const s = data[name];
    if (s)
      io.out(
        `${name.padEnd(10)} ${String(s.outboxPending).padStart(14)} ${String(s.outboxLagSeconds).padStart(6)} ${String(s.pendingRetries).padStart(8)} ${String(s.deadLetterCount).padStart(6)}`,
      );
  }
}

type Filters = { status?: string; consumer?: string; type?: string; id?: string[]; 'dry-run'?: boolean };

async function list(url: string, token: string, subgraph: Subgraph, values: Filters, io: Io): Promise<void> {
  let after: string | null = null;
  let total = 0;
  do {
    const data: Record<string, { deadLetters: { edges: { node: Record<string, unknown> }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }> =
      await call(
        url,
        token,
        `query($first: Int, $after: String, $status: DeadLetterStatus, $consumer: String, $type: String) {
         p: ${subgraph}EventPipeline { deadLetters(first: $first, after: $after, status: $status, consumer: $consumer, eventType: $type) {
           edges { node { id consumer eventId eventType aggregateId attempts status deadAt error } } pageInfo { hasNextPage endCursor } } } }`,
        { first: LIST_PAGE_SIZE, after, status: values.status ?? null, consumer: values.consumer ?? null, type: values.type ?? null },
      );
    const page = data.p?.deadLetters;
    for (const { node } of page?.edges ?? []) {
      io.out(
        `${node.id}\t${node.status}\t${node.consumer}\t${node.eventType}\t${node.aggregateId}\tattempts=${node.attempts}\t${node.deadAt}\t${String(node.error).slice(0, 120)}`,
      );
      total += 1;
    }
    after = page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  io.out(`${total} dead letter(s)`);
}

async function replay(url: string, token: string, subgraph: Subgraph, values: Filters, io: Io): Promise<void> {
  const input = replayInput(values);
  const { dryRun } = input;
  const counts: Record<string, number> = {};
  // Each call handles up to REPLAY_BATCH; replayed letters leave the DEAD filter, so loop until none.
  for (let batch = 1; ; batch++) {
    const replays = await replayBatch(url, token, subgraph, input);
    for (const { outcome, deadLetter } of replays) {
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      if (dryRun) io.out(`${outcome}\t${deadLetter.id}\t${deadLetter.consumer}\t${deadLetter.eventType}`);
    }
    const replayed = replays.filter((r) => r.outcome === 'REPLAYED').length;
    io.out(`batch ${batch}: ${replays.length} matched, ${replayed} replayed${dryRun ? ' (dry run: nothing written)' : ''}`);
    if (dryRun || values.id || replayed < REPLAY_BATCH) break;
  }
  io.out(
    `done: ${
      Object.entries(counts)
        .map(([outcome, n]) => `${outcome}=${n}`)
        .join(' ') || 'nothing matched'
    }`,
  );
}

/** The mutation's input from the filters; absent filters are null (match any). */
function replayInput(values: Filters) {
  return { ids: values.id ?? null, consumer: values.consumer ?? null, eventType: values.type ?? null, dryRun: values['dry-run'] ?? false };
}

interface Replay {
  outcome: string;
  deadLetter: { id: string; consumer: string; eventType: string };
}

/** One replay call, under a fresh idempotency key; its user errors fail the command. */
async function replayBatch(url: string, token: string, subgraph: Subgraph, input: ReturnType<typeof replayInput>): Promise<Replay[]> {
  const mutation = `mutation($input: ReplayDeadLettersInput!, $key: String!) {
    r: replay${capitalised(subgraph)}DeadLetters(input: $input, idempotencyKey: $key) {
      dryRun replays { outcome deadLetter { id consumer eventType } } userErrors { code message } } }`;
  const data = await call<{ r: { replays: Replay[]; userErrors: { code: string; message: string }[] } }>(url, token, mutation, {
    input,
    key: `cli-replay-${randomUUID()}`,
  });
  if (data.r.userErrors.length) throw new Error(data.r.userErrors.map((e) => `${e.code}: ${e.message}`).join('; '));
  return data.r.replays;
}
