import { z } from 'zod';

/**
 * Subscription streams as metadata: each subgraph declares the update streams it serves from its
 * own event log, publishes the declarations to the schema registry beside its SDL, and the gateway
 * routes `Subscription` fields by what the registry hands it with the supergraph. Nothing in the
 * gateway names a stream, an event type or a subgraph.
 */

/** A GraphQL field or argument name. */
const graphqlName = z.string().regex(/^[_A-Za-z][_0-9A-Za-z]{0,63}$/, 'must be a GraphQL name');

/** What a subgraph declares about one stream it serves (its own outbox is the stream's event log). */
export const streamDeclaration = z.object({
  /** The `Subscription` root field, declared in the subgraph's SDL. */
  field: graphqlName,
  /** The event types of the subgraph's log that are updates of this stream. */
  eventTypes: z
    .array(z.string().regex(/^[A-Z][A-Za-z]{2,80}$/))
    .min(1)
    .max(100),
  /** `Query` field resolving one update by cursor (`(cursor: String!)`), for live updates. */
  one: graphqlName,
  /**
   * `Query` field reading one page of the log after a cursor (catch-up): `{ updates scannedCursor
   * endOfLog }`, paged by the scanned cursor so a subscriber who sees few events reads to the end.
   */
  page: graphqlName,
  /** Arguments of the field that filter the stream; each is also an argument of `page` and a key of the events' data. */
  filters: z.array(graphqlName).max(20),
});

/** One stream as a subgraph declares it. */
export type StreamDeclaration = z.infer<typeof streamDeclaration>;

/** One stream as the gateway routes it: the declaration and the subgraph whose log feeds it. */
export const streamDefinition = streamDeclaration.extend({ source: z.string().min(1).max(60) });

/** A stream the gateway serves. */
export type StreamDefinition = z.infer<typeof streamDefinition>;

/** What a subgraph publishes to the registry beside its SDL. */
export const subgraphMetadata = z.object({
  /** The streams it serves; none by default. */
  streams: z.array(streamDeclaration).max(50).default([]),
});

/** A subgraph's published metadata. */
export type SubgraphMetadata = z.infer<typeof subgraphMetadata>;
