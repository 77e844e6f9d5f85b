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

/** How a set of candidates fared against the latest versions, before anything is written. */
type Evaluation =
  | { kind: 'unchanged' }
  | { kind: 'rejected'; compositionErrors: CompositionError[]; breakingChanges: BreakingChange[] }
  | {
      kind: 'accepted';
      supergraphSdl: string;
      /** The candidates that differ from their latest version, with the metadata each will store. */
      changed: { input: Omit<PublishInput, 'dryRun'>; metadata: SubgraphMetadata }[];
      streams: StreamDefinition[];
      /** The latest version of every subgraph not changed by this set. */
      others: store.SubgraphVersion[];
      breakingChanges: BreakingChange[];
      forced: boolean;
    };

/** The latest versions a set was evaluated against: what an unchanged candidate answers. */
interface Baseline {
  latest: store.SubgraphVersion[];
  current: store.SupergraphVersion | null;
}

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
    const [result] = await this.publishAll([input]);
    return result as PublishResult;
  }

  /**
   * Publishes several subgraphs as one change: one composition, one breaking-change check and one
   * new supergraph, in one transaction. For a process that starts every subgraph at once (the
   * embedded default, the tests): publishing them one by one composes one, two, three, then four
   * subgraphs and stores three supergraphs no gateway needs. All or nothing: a set that does not
   * compose, or breaks the API without `force` on every changed candidate, stores nothing and
   * answers REJECTED for each input. A candidate equal to its latest version answers UNCHANGED.
   */
  async publishAll(inputs: readonly Omit<PublishInput, 'dryRun'>[]): Promise<PublishResult[]> {
    for (const input of inputs) assertSubgraphName(input.name);
    assertDistinct(inputs);
    return this.db.transaction(async (tx) => {
      await store.lockPublishing(tx);
      const baseline = await baselineOf(tx);
      const evaluation = evaluate(baseline, inputs);
      if (evaluation.kind !== 'accepted') return inputs.map((input) => resultOf(evaluation, baseline, input, false));
      const published: store.SubgraphVersion[] = [];
      for (const { input, metadata } of evaluation.changed) {
        published.push(
          await store.insertSubgraphVersion(tx, {
            name: input.name,
            url: input.url,
            sdl: input.sdl,
            sha256: sha256Of(input.sdl),
            publishedBy: input.publishedBy,
            forced: evaluation.forced,
            metadata,
          }),
        );
      }
      const supergraph = await store.insertSupergraph(tx, {
        supergraphSdl: evaluation.supergraphSdl,
        subgraphVersions: Object.fromEntries([...evaluation.others, ...published].map((version) => [version.name, version.version] as const)),
        streams: evaluation.streams,
        // The supergraph's row names one subgraph version that made it; for a set, the last one stored.
        publishedVersionId: (published[published.length - 1] as store.SubgraphVersion).id,
      });
      for (const version of published) {
        log.info(
          { subgraph: version.name, subgraphVersion: version.version, supergraphVersion: supergraph.version, forced: evaluation.forced },
          'published subgraph',
        );
      }
      return inputs.map((input) => {
        const version = published.find((candidate) => candidate.name === input.name);
        if (!version) return resultOf({ kind: 'unchanged' }, baseline, input, false);
        return {
          status: 'PUBLISHED',
          dryRun: false,
          subgraphVersion: version.version,
          supergraphVersion: supergraph.version,
          forced: evaluation.forced,
          compositionErrors: [],
          breakingChanges: evaluation.breakingChanges,
        };
      });
    });
  }

  /** Evaluates a candidate exactly as `publish` would, and writes nothing. */
  async check(input: Omit<PublishInput, 'dryRun'>): Promise<PublishResult> {
    assertSubgraphName(input.name);
    const baseline = await baselineOf(this.db);
    return resultOf(evaluate(baseline, [input]), baseline, input, true);
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

/** A set names each subgraph once: two versions of one subgraph in one change have no order. */
function assertDistinct(inputs: readonly Omit<PublishInput, 'dryRun'>[]): void {
  const names = inputs.map((input) => input.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new Error(`Subgraph ${repeated} appears twice in one publish`);
  if (names.length === 0) throw new Error('A publish needs at least one subgraph');
}

async function baselineOf(q: Queryable): Promise<Baseline> {
  return { latest: await store.latestSubgraphs(q), current: await store.latestSupergraph(q) };
}

/** Composes the changed candidates with the latest version of every other subgraph and compares APIs. */
function evaluate(baseline: Baseline, inputs: readonly Omit<PublishInput, 'dryRun'>[]): Evaluation {
  const changed = inputs.flatMap((input) => {
    const previous = baseline.latest.find((subgraph) => subgraph.name === input.name);
    const metadata = input.metadata ?? previous?.metadata ?? { streams: [] };
    const same = previous && previous.url === input.url && previous.sha256 === sha256Of(input.sdl) && isDeepStrictEqual(previous.metadata, metadata);
    return same ? [] : [{ input, metadata }];
  });
  if (changed.length === 0) return { kind: 'unchanged' };

  const names = new Set(changed.map(({ input }) => input.name));
  const others = baseline.latest.filter((subgraph) => !names.has(subgraph.name));
  const publishing = changed.map(({ input }) => input.name).join(', ');
  const composition = compose([...others, ...changed.map(({ input }) => ({ name: input.name, url: input.url, sdl: input.sdl }))], publishing);
  if (!composition.ok) return { kind: 'rejected', compositionErrors: composition.errors, breakingChanges: [] };
  const candidates = changed.map(({ input, metadata }) => ({ name: input.name, sdl: input.sdl, streams: metadata.streams }));
  const declared = others.map((other) => ({ name: other.name, sdl: other.sdl, streams: other.metadata.streams }));
  const invalidStreams = candidates.flatMap((candidate) => streamErrors(candidate));
  if (invalidStreams.length > 0) return { kind: 'rejected', compositionErrors: invalidStreams, breakingChanges: [] };

  const current = baseline.current;
  const breakingChanges = current ? findApiBreakingChanges(apiSchemaOfSupergraph(current.supergraphSdl), apiSchemaOf(composition.schema)) : [];
  if (breakingChanges.length > 0 && !changed.every(({ input }) => input.force)) return { kind: 'rejected', compositionErrors: [], breakingChanges };
  const streams = graphStreams([...declared, ...candidates]);
  return { kind: 'accepted', supergraphSdl: composition.supergraphSdl, changed, streams, others, breakingChanges, forced: breakingChanges.length > 0 };
}

/** One input's answer to an evaluation that writes nothing (any check, or a publish that is unchanged or rejected). */
function resultOf(evaluation: Evaluation, baseline: Baseline, input: Omit<PublishInput, 'dryRun'>, dryRun: boolean): PublishResult {
  switch (evaluation.kind) {
    case 'unchanged':
      return {
        status: 'UNCHANGED',
        dryRun,
        subgraphVersion: baseline.latest.find((subgraph) => subgraph.name === input.name)?.version,
        supergraphVersion: baseline.current?.version,
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
