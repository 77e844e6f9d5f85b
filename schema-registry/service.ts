import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Db, Queryable } from '../platform/db';
import { componentLogger } from '../platform/logger';
import type { StreamDefinition, SubgraphMetadata } from '../platform/events/streams';
import { apiSchemaOf, apiSchemaOfSupergraph, findApiBreakingChanges, type BreakingChange } from './breaking-changes';
import { compose, type CompositionError } from './composition';
import * as store from './store';
import { graphStreams, streamErrors } from './stream-check';
import { assertSubgraphName } from './validation';

const log = componentLogger('registry');

/**
 * What became of a publish or check:
 * - `PUBLISHED`: a new subgraph version and a new supergraph version were stored;
 * - `UNCHANGED`: the same SDL and url are already the latest version; nothing was stored;
 * - `PASSED`: a check or dry run that would publish; nothing was stored;
 * - `REJECTED`: composition failed, or the API would break and `force` was not given.
 */
export type PublishStatus = 'PUBLISHED' | 'UNCHANGED' | 'PASSED' | 'REJECTED';

/** A subgraph SDL offered to the registry. */
export interface PublishInput {
  name: string;
  /** Where the gateway reaches the subgraph. */
  url: string;
  sdl: string;
  /**
   * What the subgraph publishes beside its SDL (its subscription streams). Omitted: the latest
   * version's metadata is kept, so publishing an SDL file from the CLI does not drop the streams.
   */
  metadata?: SubgraphMetadata;
  /** Publish despite breaking changes to the client-facing API; default false. Never overrides composition errors. */
  force?: boolean;
  /** Evaluate only, like `check`; default false. */
  dryRun?: boolean;
  /** Who publishes (a user, a CI job, a service instance); stored with the version. */
  publishedBy: string;
}

/** The answer to a publish or check. */
export interface PublishResult {
  status: PublishStatus;
  /** True when nothing could have been written (`check`, or `dryRun`). */
  dryRun: boolean;
  /** The subgraph's version after this call: the new one when published, the existing one when unchanged. */
  subgraphVersion?: number;
  /** The supergraph version after this call, as for `subgraphVersion`. */
  supergraphVersion?: number;
  /** True when a breaking change was published because `force` was given. */
  forced: boolean;
  compositionErrors: CompositionError[];
  breakingChanges: BreakingChange[];
}

/** The supergraph gateways serve. */
export interface CurrentSupergraph {
  version: number;
  supergraphSdl: string;
  /** The subscription streams the subgraphs serve, by which gateways route subscriptions. */
  streams: StreamDefinition[];
  createdAt: Date;
}

/** One subgraph's latest version, as `list()` shows it. */
export interface SubgraphSummary {
  name: string;
  version: number;
  url: string;
  sha256: string;
  publishedAt: Date;
  publishedBy: string;
  forced: boolean;
}

/** How a candidate fared against the latest versions, before anything is written. */
type Evaluation =
  | { kind: 'unchanged'; subgraphVersion: number; supergraphVersion?: number }
  | { kind: 'rejected'; compositionErrors: CompositionError[]; breakingChanges: BreakingChange[] }
  | {
      kind: 'accepted';
      supergraphSdl: string;
      metadata: SubgraphMetadata;
      streams: StreamDefinition[];
      others: store.SubgraphVersion[];
      breakingChanges: BreakingChange[];
      forced: boolean;
    };

/**
 * The schema registry: stores every subgraph SDL version, composes the supergraph from the latest
 * version of each subgraph, and refuses a change that does not compose or (unless forced) breaks
 * what clients already use.
 */
export class SchemaRegistry {
  constructor(private readonly db: Db) {}

  /**
   * Publishes a subgraph version. The whole publish runs in one transaction under the publish
   * lock, so concurrent publishes are serialised and each composes against the true latest base.
   */
  async publish(input: PublishInput): Promise<PublishResult> {
    assertSubgraphName(input.name);
    if (input.dryRun) return this.check(input);
    return this.db.transaction(async (tx) => {
      await store.lockPublishing(tx);
      const evaluation = await evaluate(tx, input);
      if (evaluation.kind !== 'accepted') return resultOf(evaluation, false);
      const sha256 = sha256Of(input.sdl);
      const published = await store.insertSubgraphVersion(tx, {
        name: input.name,
        url: input.url,
        sdl: input.sdl,
        sha256,
        publishedBy: input.publishedBy,
        forced: evaluation.forced,
        metadata: evaluation.metadata,
      });
      const subgraphVersions = Object.fromEntries([
        ...evaluation.others.map((other) => [other.name, other.version] as const),
        [published.name, published.version] as const,
      ]);
      const supergraph = await store.insertSupergraph(tx, {
        supergraphSdl: evaluation.supergraphSdl,
        subgraphVersions,
        streams: evaluation.streams,
        publishedVersionId: published.id,
      });
      log.info(
        { subgraph: input.name, subgraphVersion: published.version, supergraphVersion: supergraph.version, forced: evaluation.forced },
        'published subgraph',
      );
      return {
        status: 'PUBLISHED',
        dryRun: false,
        subgraphVersion: published.version,
        supergraphVersion: supergraph.version,
        forced: evaluation.forced,
        compositionErrors: [],
        breakingChanges: evaluation.breakingChanges,
      };
    });
  }

  /** Evaluates a candidate exactly as `publish` would, and writes nothing. */
  async check(input: Omit<PublishInput, 'dryRun'>): Promise<PublishResult> {
    assertSubgraphName(input.name);
    return resultOf(await evaluate(this.db, input), true);
  }

  /** The latest supergraph, or null before the first publish. */
  async current(): Promise<CurrentSupergraph | null> {
    const latest = await store.latestSupergraph(this.db);
    return latest && { version: latest.version, supergraphSdl: latest.supergraphSdl, streams: latest.streams, createdAt: latest.createdAt };
  }

  /** The number of the latest supergraph, or null; cheap enough to answer every gateway poll. */
  async currentVersion(): Promise<number | null> {
    return store.latestSupergraphVersion(this.db);
  }

  /** Each subgraph's latest version, by name. */
  async list(): Promise<SubgraphSummary[]> {
    const latest = await store.latestSubgraphs(this.db);
    return latest.map(({ name, version, url, sha256, publishedAt, publishedBy, forced }) => ({
      name,
      version,
      url,
      sha256,
      publishedAt,
      publishedBy,
      forced,
    }));
  }
}

/** Composes the candidate with the latest version of every other subgraph and compares APIs. */
async function evaluate(q: Queryable, input: Omit<PublishInput, 'dryRun'>): Promise<Evaluation> {
  const latest = await store.latestSubgraphs(q);
  const current = await store.latestSupergraph(q);
  const previous = latest.find((subgraph) => subgraph.name === input.name);
  const metadata = input.metadata ?? previous?.metadata ?? { streams: [] };
  if (previous && previous.url === input.url && previous.sha256 === sha256Of(input.sdl) && isDeepStrictEqual(previous.metadata, metadata)) {
    return { kind: 'unchanged', subgraphVersion: previous.version, supergraphVersion: current?.version };
  }

  const others = latest.filter((subgraph) => subgraph.name !== input.name);
  const composition = compose([...others, { name: input.name, url: input.url, sdl: input.sdl }], input.name);
  if (!composition.ok) return { kind: 'rejected', compositionErrors: composition.errors, breakingChanges: [] };
  const candidate = { name: input.name, sdl: input.sdl, streams: metadata.streams };
  const declared = others.map((other) => ({ name: other.name, sdl: other.sdl, streams: other.metadata.streams }));
  const invalidStreams = streamErrors(candidate);
  if (invalidStreams.length > 0) return { kind: 'rejected', compositionErrors: invalidStreams, breakingChanges: [] };

  const breakingChanges = current ? findApiBreakingChanges(apiSchemaOfSupergraph(current.supergraphSdl), apiSchemaOf(composition.schema)) : [];
  if (breakingChanges.length > 0 && !input.force) return { kind: 'rejected', compositionErrors: [], breakingChanges };
  const streams = graphStreams([...declared, candidate]);
  return { kind: 'accepted', supergraphSdl: composition.supergraphSdl, metadata, streams, others, breakingChanges, forced: breakingChanges.length > 0 };
}

/** The result of an evaluation that writes nothing (any check, or a publish that is unchanged or rejected). */
function resultOf(evaluation: Evaluation, dryRun: boolean): PublishResult {
  switch (evaluation.kind) {
    case 'unchanged':
      return {
        status: 'UNCHANGED',
        dryRun,
        subgraphVersion: evaluation.subgraphVersion,
        supergraphVersion: evaluation.supergraphVersion,
        forced: false,
        compositionErrors: [],
        breakingChanges: [],
      };
    case 'rejected':
      return {
        status: 'REJECTED',
        dryRun,
        forced: false,
        compositionErrors: evaluation.compositionErrors,
        breakingChanges: evaluation.breakingChanges,
      };
    case 'accepted':
      return { status: 'PASSED', dryRun, forced: evaluation.forced, compositionErrors: [], breakingChanges: evaluation.breakingChanges };
  }
}

/** Lowercase hex sha256 of the SDL text, as stored in `sdl_sha256`. */
export function sha256Of(sdl: string): string {
  return createHash('sha256').update(sdl, 'utf8').digest('hex');
}
