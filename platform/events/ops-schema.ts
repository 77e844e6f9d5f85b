import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatAST, parse, type DocumentNode } from 'graphql';
import type { Principal } from '../auth';
import { pageRequest, toConnection, type PageArgs } from '../graphql/connection';
import type { Queryable } from '../db';
import type { WritePath } from '../write-path/write-path';
import type { Payload } from '../idempotency/idempotency';
import { mutation } from '../write-path/mutation';
import { listDeadLetters, pipelineStatus, replayDeadLetters, type DeadLetterFilter, type DeadLetterRow } from './dead-letters';

const capitalised = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** The shared types, the same in every subgraph (`ops-schema.graphql`). */
const OPS_TYPES = parse(readFileSync(join(__dirname, 'ops-schema.graphql'), 'utf8'));

/**
 * The operations surface of one subgraph's event pipeline, added to its schema. Root fields are
 * named after the subgraph (`returnsEventPipeline`, `replayReturnsDeadLetters`) because each
 * subgraph owns its own outbox and dead letters and federation gives every root field one owner;
 * the types are shared (@shareable) and identical in every subgraph.
 */
export function eventOpsTypeDefs(subgraph: string): DocumentNode {
  const Name = capitalised(subgraph);
  return concatAST([
    OPS_TYPES,
    parse(`
extend type Query {
  "The ${subgraph} subgraph's event pipeline (operations roles)."
  ${subgraph}EventPipeline: EventPipeline!
}

extend type Mutation {
  "Sends dead letters of the ${subgraph} subgraph back to their consumers, or says what would happen (operations roles; audited)."
  replay${Name}DeadLetters(input: ReplayDeadLettersInput!, idempotencyKey: String!): ReplayDeadLettersPayload!
}
`),
  ]);
}

interface OpsContext {
  db: Queryable;
  principal: Principal;
  writes: WritePath;
}

type ReplayInput = DeadLetterFilter & { dryRun?: boolean | null };
type ReplayPayload = { dryRun: boolean; replays: { deadLetter: ReturnType<typeof serialise>; outcome: string }[]; userErrors: Payload['userErrors'] };

/** Resolvers of `eventOpsTypeDefs(subgraph)`; `schema` is where the pipeline's tables live. */
export function eventOpsResolvers(subgraph: string, schema: string) {
  const Name = capitalised(subgraph);
  return {
    Query: {
      [`${subgraph}EventPipeline`]: async (_: unknown, __: unknown, ctx: OpsContext) => {
        const status = await pipelineStatus(ctx.db, schema);
        return {
          subgraph,
          outboxPending: status.pending,
          outboxLagSeconds: Math.floor(status.oldestPendingAgeMs / 1000),
          pendingRetries: status.pendingRetries,
          deadLetterCount: status.deadLetters,
        };
      },
    },
    Mutation: {
      [`replay${Name}DeadLetters`]: mutation<ReplayInput, ReplayPayload>(
        `replay${Name}DeadLetters`,
        async (tx, principal, input) => {
          const dryRun = input.dryRun ?? false;
          const results = await replayDeadLetters(tx, schema, input, { dryRun, actor: principal.subject });
          if (!dryRun) {
            await tx.audit({
              principal,
              action: 'replayDeadLetters',
              target: input.ids?.length ? input.ids.join(',') : `consumer=${input.consumer ?? '*'} type=${input.eventType ?? '*'}`,
              details: { replayed: results.filter((r) => r.outcome === 'REPLAYED').map((r) => r.row.id), outcomes: results.map((r) => r.outcome) },
            });
          }
          return { dryRun, replays: results.map((r) => ({ deadLetter: serialise(r.row), outcome: r.outcome })), userErrors: [] };
        },
        (error, input) => ({ dryRun: input.dryRun ?? false, replays: [], userErrors: [error] }),
      ),
    },
    EventPipeline: {
      deadLetters: async (_: unknown, args: PageArgs & DeadLetterFilter, ctx: OpsContext) => {
        const page = pageRequest(args);
        const rows = await listDeadLetters(ctx.db, schema, args, page.limit, page.after);
        return toConnection(rows.map(serialise), page.limit, (row) => ({ sort: row.deadAt, id: row.id }), Boolean(page.after));
      },
    },
  };
}

/** A dead letter as the API shows it (plain JSON: payloads are stored for idempotent replays). */
function serialise(row: DeadLetterRow) {
  return {
    id: String(row.id),
    consumer: row.consumer,
    eventId: row.event_id,
    eventType: row.event_type,
    aggregateId: row.aggregate_id,
    error: row.error,
    attempts: row.attempts,
    status: row.status,
    deadAt: new Date(row.dead_at).toISOString(),
    replayedAt: row.replayed_at ? new Date(row.replayed_at).toISOString() : null,
    replayedBy: row.replayed_by,
    payload: JSON.stringify(row.event),
  };
}
