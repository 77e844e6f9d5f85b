import { composeServices } from '@apollo/composition';
import type { Schema } from '@apollo/federation-internals';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { Messages } from './messages';

/** One subgraph as composition sees it: its name, routing url and SDL text. */
export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/** One reason a candidate does not compose; `code` is federation's error code (e.g. `FIELD_TYPE_MISMATCH`). */
export interface CompositionError {
  code: string;
  message: string;
}

/**
 * The outcome of composing a set of subgraphs: either the supergraph (its SDL and the schema
 * object the breaking-change check reads) or the errors, never both.
 */
export type Composition = { ok: true; supergraphSdl: string; schema: Schema } | { ok: false; errors: CompositionError[] };

/** Code reported for an SDL that is not even valid GraphQL syntax (federation uses the same name). */
const INVALID_GRAPHQL = 'INVALID_GRAPHQL';

/**
 * Composes `subgraphs` into a supergraph with @apollo/composition. `publishing` names the
 * subgraph whose change triggered this composition: every error message starts with it, so a
 * CI log says at once which publish failed, followed by federation's own message (which names the
 * subgraphs and the type or field in conflict) and its code.
 */
export function compose(subgraphs: readonly SubgraphSource[], publishing: string): Composition {
  const services: { name: string; url: string; typeDefs: DocumentNode }[] = [];
  const syntaxErrors: CompositionError[] = [];
  for (const subgraph of subgraphs) {
    try {
      services.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) });
    } catch (error) {
      const detail = error instanceof GraphQLError ? error.message : String(error);
      syntaxErrors.push({ code: INVALID_GRAPHQL, message: Messages.compositionError(publishing, INVALID_GRAPHQL, `subgraph "${subgraph.name}": ${detail}`) });
    }
  }
  if (syntaxErrors.length > 0) return { ok: false, errors: syntaxErrors };

  const result = composeServices(services);
  if (result.errors) {
    return {
      ok: false,
      errors: result.errors.map((error) => {
        const code = errorCode(error);
        return { code, message: Messages.compositionError(publishing, code, error.message) };
      }),
    };
  }
  return { ok: true, supergraphSdl: result.supergraphSdl, schema: result.schema };
}

/** Federation puts its error code in `extensions.code`; anything without one is reported as such. */
function errorCode(error: GraphQLError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'COMPOSITION_ERROR';
}
