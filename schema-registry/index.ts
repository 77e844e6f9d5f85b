/**
 * The schema registry: versioned subgraph SDLs, composition, breaking-change checks and the
 * supergraph gateways poll. See README.md for the HTTP API and the CLI.
 */
export { SchemaRegistry, sha256Of, type PublishInput, type PublishResult, type PublishStatus, type CurrentSupergraph, type SubgraphSummary } from './service';
export { startRegistry, type RegistryServerOptions } from './server';
export {
  RegistryClient,
  RegistryClientError,
  DEFAULT_REGISTRY_URL,
  type RegistryClientOptions,
  type PublishOptions,
  type SupergraphDocument,
  type SupergraphPoll,
  type SubgraphListing,
} from './client';
export { compose, type SubgraphSource, type CompositionError, type Composition } from './composition';
export { findApiBreakingChanges, apiSchemaOf, apiSchemaOfSupergraph, type BreakingChange } from './breaking-changes';
export { SUBGRAPH_NAME, RegistryInputError } from './validation';
export { MIN_PUBLISH_TOKEN_LENGTH } from './http-auth';
