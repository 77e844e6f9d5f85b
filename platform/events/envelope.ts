import { z } from 'zod';

/**
 * The canonical event envelope of CONTRACT.md. `data` is validated against the versioned schema
 * of its type (see catalog.ts) when appended and again when consumed.
 */
export interface EventEnvelope<TData = unknown> {
  /** `evt_...`, unique across the graph; consumers deduplicate by it. */
  id: string;
  /** e.g. `OrderRecorded`. */
  type: string;
  /** Schema version of `data` for this type. */
  version: number;
  /** ISO-8601 UTC. */
  occurredAt: string;
  /** The subgraph that emitted it. */
  source: string;
  /** The request that caused it, end to end. */
  correlationId: string;
  /** The event or command that directly caused it, if any. */
  causationId: string | null;
  /** The entity it is about (order id, return id...); per-aggregate order is kept. */
  aggregateId: string;
  data: TData;
  /**
   * Optional, beyond the canonical fields: the W3C trace context of the request that appended the
   * event, present only when that request was traced. Consumers continue the trace from it; a
   * malformed value starts a new trace and never makes the event poison (`envelopeSchema` ignores it).
   */
  traceparent?: string;
}

/** An envelope as delivered by a bus: with the publisher's outbox position, for per-aggregate order. */
export interface DeliveredEvent {
  envelope: EventEnvelope;
  /** The event's outbox position in the publishing subgraph: increasing per source, in commit order. */
  sourceSeq: number;
}

/** Structural check of an envelope arriving from a bus (its `data` is checked by the catalog). */
export const envelopeSchema = z.object({
  id: z.string().regex(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/),
  type: z.string().regex(/^[A-Z][A-Za-z]{2,80}$/),
  version: z.number().int().min(1),
  occurredAt: z.string().datetime({ offset: true }),
  source: z.string().min(1).max(60),
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).nullable(),
  aggregateId: z.string().min(1).max(200),
  data: z.unknown(),
});
