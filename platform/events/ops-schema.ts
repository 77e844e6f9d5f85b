import { parse, type DocumentNode } from 'graphql';
import type { Principal } from '../auth';
import { pageRequest, toConnection, type PageArgs } from '../graphql/connection';
import type { Queryable } from '../db';
import type { WritePath } from '../write-path/write-path';
import type { Payload } from '../idempotency/idempotency';
import { mutation } from '../write-path/mutation';
import { listDeadLetters, pipelineStatus, replayDeadLetters, type DeadLetterFilter, type DeadLetterRow } from './dead-letters';

const capitalised = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The operations surface of one subgraph's event pipeline, added to its schema. Root fields are
 * named after the subgraph (`returnsEventPipeline`, `replayReturnsDeadLetters`) because each
 * subgraph owns its own outbox and dead letters and federation gives every root field one owner;
 * the types are shared (@shareable) and identical in every subgraph.
 */
export function eventOpsTypeDefs(subgraph: string): DocumentNode {
  const Name = capitalised(subgraph);
  return parse(`
"Health of one subgraph's event pipeline: its outbox and its consumers' retries and dead letters."
type EventPipeline @shareable {
  "The subgraph whose pipeline this is."
  subgraph: String!
  "Outbox events not yet published to the bus."
  outboxPending: Int!
  "Age in seconds of the oldest unpublished outbox event (0 when none): the relay's lag."
  outboxLagSeconds: Int!
  "Deliveries waiting for a retry (or parked behind one for ordering)."
  pendingRetries: Int!
  "Events given up on and not yet replayed."
  deadLetterCount: Int!
  "Dead letters, newest first."
  deadLetters(first: Int, after: String, consumer: String @limit(minLength: 1, maxLength: 100), eventType: String @limit(minLength: 1, maxLength: 100), status: DeadLetterStatus): DeadLetterConnection!
}

"Where a dead letter stands."
enum DeadLetterStatus {
  "Given up on; replayable."
  DEAD
  "Sent back to its consumer."
  REPLAYED
  "Set aside by an operator."
  DISCARDED
}

"An event a consumer gave up on, with why."
type DeadLetter @shareable {
  "Opaque id within its subgraph."
  id: ID!
  "The consumer that gave up."
  consumer: String!
  "The event's id."
  eventId: String!
  "The event's type."
  eventType: String!
  "The entity the event is about."
  aggregateId: String!
  "The last error."
  error: String!
  "Attempts made."
  attempts: Int!
  "Where it stands."
  status: DeadLetterStatus!
  "When it was given up on."
  deadAt: DateTime!
  "When it was replayed."
  replayedAt: DateTime
  "Who replayed it."
  replayedBy: String
  "The delivered event (envelope and position) as JSON."
  payload: String!
}

"A page of dead letters."
type DeadLetterConnection @shareable {
  "Dead letters on this page."
  edges: [DeadLetterEdge!]!
  "Where this page sits."
  pageInfo: PageInfo!
}

"A dead letter and its cursor."
type DeadLetterEdge @shareable {
  "Opaque position."
  cursor: String!
  "The dead letter."
  node: DeadLetter!
}

"Which dead letters to replay: by id, or every DEAD one of a consumer and/or event type."
input ReplayDeadLettersInput {
  "Exactly these (from deadLetters)."
  ids: [ID!]
  "Only this consumer's (not blank: a blank filter would mean every consumer)."
  consumer: String @limit(minLength: 1, maxLength: 100)
  "Only this event type (not blank)."
  eventType: String @limit(minLength: 1, maxLength: 100)
  "Say what would happen without doing it."
  dryRun: Boolean
}

"What a replay did, or would do, with one dead letter."
enum ReplayOutcome {
  "Dry run: it would go back to its consumer."
  WOULD_REPLAY
  "It went back to its consumer, which will apply it at most once."
  REPLAYED
  "Its consumer handled it meanwhile; nothing to do."
  ALREADY_HANDLED
  "It is not DEAD (already replayed or discarded)."
  NOT_DEAD
}

"One dead letter's replay."
type DeadLetterReplay @shareable {
  "The dead letter."
  deadLetter: DeadLetter!
  "What happened."
  outcome: ReplayOutcome!
}

"Result of a replay."
type ReplayDeadLettersPayload @shareable {
  "True when nothing was written."
  dryRun: Boolean!
  "Each matching dead letter and its outcome (at most 500 per call)."
  replays: [DeadLetterReplay!]!
  "Why the replay was refused, if it was."
  userErrors: [UserError!]!
}

extend type Query {
  "The ${subgraph} subgraph's event pipeline (operations roles)."
  ${subgraph}EventPipeline: EventPipeline!
}

extend type Mutation {
  "Sends dead letters of the ${subgraph} subgraph back to their consumers, or says what would happen (operations roles; audited)."
  replay${Name}DeadLetters(input: ReplayDeadLettersInput!, idempotencyKey: String!): ReplayDeadLettersPayload!
}
`);
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
