import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatAST, parse, type DocumentNode } from 'graphql';
import { assertMayPerform, type Principal } from '../auth';
import type { Queryable } from '../db';
import { qualified } from '../events/outbox';
import { decodeExceptionQueryId, exceptionContribution, exceptionQuery, type ExceptionSource } from './exceptions';

/** The shared types, the same in every subgraph (`exceptions.graphql`). */
const EXCEPTION_TYPES = parse(readFileSync(join(__dirname, 'exceptions.graphql'), 'utf8'));

const capitalised = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The exceptions surface of one subgraph: the shared types and its own contribution to the
 * `ExceptionConnection` entity, `<subgraph>Exceptions`. Every subgraph has dead letters, so every
 * subgraph contributes; the returns subgraph owns the root field and merges (its schema.graphql).
 */
export function exceptionTypeDefs(subgraph: string): DocumentNode {
  return concatAST([
    EXCEPTION_TYPES,
    parse(`
"A page of the exceptions queue; its id encodes the arguments (first, after, kind), so every subgraph reads the same page."
type ExceptionConnection @key(fields: "id") {
  "Opaque: the page's arguments."
  id: ID!
  "The ${subgraph} subgraph's part of this page: at most first + 1 exceptions after the cursor, and its exact counts."
  ${subgraph}Exceptions: ExceptionContribution!
}
`),
  ]);
}

interface ExceptionsContext {
  db: Queryable;
  principal: Principal;
}

/**
 * Resolvers of `exceptionTypeDefs(subgraph)`. The reference resolver asks the capability table
 * itself: the root field's guard runs in the returns subgraph, and an entity fetch must not be a
 * way around it.
 */
export function exceptionResolvers(subgraph: string, sources: readonly ExceptionSource[]) {
  return {
    ExceptionConnection: {
      __resolveReference(reference: { id: string }, ctx: ExceptionsContext) {
        assertMayPerform(ctx.principal, 'exceptions');
        decodeExceptionQueryId(reference.id);
        return reference;
      },
      [`${subgraph}Exceptions`]: (page: { id: string }, _: unknown, ctx: ExceptionsContext) =>
        exceptionContribution(ctx.db, subgraph, sources, decodeExceptionQueryId(page.id)),
    },
  };
}

/**
 * The field a subgraph declares on the `ReturnsKpis` entity for its part of the KPIs' exception
 * backlog (`<subgraph>ExceptionCounts`): counts only, no items. The platform resolves it because it
 * holds the subgraph's exception sources; the entity's reference resolver (the subgraph's own) has
 * already asked the capability table.
 */
export const exceptionCountsField = (subgraph: string) => `${subgraph}ExceptionCounts`;

/** Resolver of `exceptionCountsField(subgraph)` on `ReturnsKpis`: the open exceptions now, whatever the KPI window. */
export function exceptionCountsResolvers(subgraph: string, sources: readonly ExceptionSource[]) {
  return {
    ReturnsKpis: {
      [exceptionCountsField(subgraph)]: (_: unknown, __: unknown, ctx: ExceptionsContext) =>
        exceptionContribution(ctx.db, subgraph, sources, exceptionQuery({ first: 0 })),
    },
  };
}

/** Error texts in evidence are cut here: a stack trace is evidence enough in its first lines. */
const EVIDENCE_TEXT_MAX = 500;

/** Text for an evidence value, bounded. */
export const evidenceText = (text: string | null | undefined): string => {
  const value = text ?? '';
  return value.length > EVIDENCE_TEXT_MAX ? `${value.slice(0, EVIDENCE_TEXT_MAX)}…` : value;
};

/** Every subgraph's DEAD_LETTER exceptions: its dead letters still DEAD; replayed by `replay<Subgraph>DeadLetters`. */
export function deadLetterSource(subgraph: string, schema: string): ExceptionSource {
  return {
    kind: 'DEAD_LETTER',
    select: `SELECT 'dead-letter.' || d.id AS exception_id, d.dead_at AS opened_at, d.id, d.consumer, d.event_type, d.event_id, d.aggregate_id,
                    d.error, d.attempts, d.event->'envelope'->>'correlationId' AS correlation_id
               FROM ${qualified(schema, 'dead_letters')} d WHERE d.status = 'DEAD'`,
    toException: (row: {
      exception_id: string;
      opened_at: Date;
      id: string;
      consumer: string;
      event_type: string;
      event_id: string;
      aggregate_id: string;
      error: string;
      attempts: number;
      correlation_id: string | null;
    }) => ({
      summary: `${row.consumer} gave up on ${row.event_type} for ${row.aggregate_id}`,
      openedAt: new Date(row.opened_at),
      orderId: row.aggregate_id.startsWith('ord_') ? row.aggregate_id : null,
      returnId: row.aggregate_id.startsWith('ret_') ? row.aggregate_id : null,
      refundId: row.aggregate_id.startsWith('rfd_') ? row.aggregate_id : null,
      correlationId: row.correlation_id,
      evidence: [
        { label: 'Consumer', value: row.consumer },
        { label: 'Event', value: `${row.event_type} ${row.event_id}` },
        { label: 'Error', value: evidenceText(row.error) },
        { label: 'Attempts', value: String(row.attempts) },
      ],
      action: { kind: 'REPLAY_DEAD_LETTER', label: 'Replay', mutation: `replay${capitalised(subgraph)}DeadLetters`, targetId: String(row.id) },
    }),
  };
}
