import { Kind, parse, type DocumentNode, type FieldDefinitionNode } from 'graphql';
import type { StreamDeclaration, StreamDefinition } from '../platform/events/streams';
import type { CompositionError } from './composition';
import { Messages } from './messages';

/** Code of a stream declaration that does not match its subgraph's SDL or collides with another subgraph's. */
export const INVALID_STREAM = 'INVALID_STREAM';

/** A subgraph's declared streams, as the registry checks and stores them. */
export interface DeclaredStreams {
  name: string;
  sdl: string;
  streams: readonly StreamDeclaration[];
}

/**
 * Why the streams a subgraph declares cannot be served, or none: each stream's field must be a
 * `Subscription` field of its own SDL, filtered only by that field's arguments, and resolved by
 * `Query` fields of the same SDL. Checked at publish, after composition (which already refuses a
 * `Subscription` field in two subgraphs), so a gateway never routes a subscription to a query
 * that does not exist.
 */
export function streamErrors(candidate: DeclaredStreams): CompositionError[] {
  if (candidate.streams.length === 0) return [];
  const fields = rootFields(parse(candidate.sdl));
  const errors: string[] = [];
  for (const stream of candidate.streams) {
    const subscription = fields.get(`Subscription.${stream.field}`);
    if (!subscription) errors.push(Messages.streamFieldMissing(candidate.name, stream.field));
    for (const query of [stream.one, stream.page]) {
      if (!fields.has(`Query.${query}`)) errors.push(Messages.streamQueryMissing(candidate.name, stream.field, query));
    }
    const argumentNames = new Set((subscription?.arguments ?? []).map((argument) => argument.name.value));
    for (const filter of stream.filters) {
      if (subscription && !argumentNames.has(filter)) errors.push(Messages.streamFilterMissing(candidate.name, stream.field, filter));
    }
  }
  return errors.map((message) => ({ code: INVALID_STREAM, message }));
}

/** Every stream of the graph, each with the subgraph whose event log feeds it. */
export function graphStreams(subgraphs: readonly DeclaredStreams[]): StreamDefinition[] {
  return subgraphs.flatMap((subgraph) => subgraph.streams.map((stream) => ({ ...stream, source: subgraph.name })));
}

/** `Type.field` to its definition, for the root types (and their extensions) of an SDL. */
function rootFields(document: DocumentNode): Map<string, FieldDefinitionNode> {
  const fields = new Map<string, FieldDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) fields.set(`${definition.name.value}.${field.name.value}`, field);
  }
  return fields;
}
