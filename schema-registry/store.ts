import type { Queryable } from '../platform/db';
import type { StreamDefinition, SubgraphMetadata } from '../platform/events/streams';

/** The latest stored version of one subgraph. */
export interface SubgraphVersion {
  id: number;
  name: string;
  version: number;
  url: string;
  sdl: string;
  sha256: string;
  publishedAt: Date;
  publishedBy: string;
  forced: boolean;
  /** What it published beside the SDL. */
  metadata: SubgraphMetadata;
}

/** One composed supergraph. */
export interface SupergraphVersion {
  version: number;
  supergraphSdl: string;
  /** Subgraph name to the version it was composed from. */
  subgraphVersions: Record<string, number>;
  /** The subscription streams of the subgraphs it was composed from. */
  streams: StreamDefinition[];
  createdAt: Date;
}

/** What a publish writes for the subgraph. */
export interface NewSubgraphVersion {
  name: string;
  url: string;
  sdl: string;
  sha256: string;
  publishedBy: string;
  forced: boolean;
  metadata: SubgraphMetadata;
}

/**
 * Name of the transaction-scoped advisory lock every publish holds while it reads the latest
 * versions, composes and writes (hashed to the lock's integer key). One lock for the whole graph,
 * not per subgraph: a publish of `orders` composes against `returns`, so two publishes of
 * different subgraphs must not both compose against the same stale base.
 */
const PUBLISH_LOCK_NAME = 'registry.publish';

const SUBGRAPH_COLUMNS = `id, subgraph, version, routing_url, sdl, sdl_sha256, published_at, published_by, forced, metadata`;

type SubgraphRow = {
  id: number;
  subgraph: string;
  version: number;
  routing_url: string;
  sdl: string;
  sdl_sha256: string;
  published_at: Date;
  published_by: string;
  forced: boolean;
  metadata: SubgraphMetadata;
};

type SupergraphRow = {
  version: number;
  supergraph_sdl: string;
  subgraph_versions: Record<string, number>;
  streams: StreamDefinition[];
  created_at: Date;
};

/**
 * Waits for the publish lock; it is released when the surrounding transaction ends. Must run
 * inside `db.transaction` (outside one it would be released at once).
 */
export async function lockPublishing(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1::text))', [PUBLISH_LOCK_NAME]);
}

/** The latest version of every subgraph, by name. */
export async function latestSubgraphs(q: Queryable): Promise<SubgraphVersion[]> {
  const { rows } = await q.query<SubgraphRow>(
    `SELECT DISTINCT ON (subgraph) ${SUBGRAPH_COLUMNS}
       FROM registry.subgraph_versions
      ORDER BY subgraph, version DESC`,
  );
  return rows.map(toSubgraphVersion);
}

/** Stores the next version of a subgraph (its latest version + 1) and returns it. */
export async function insertSubgraphVersion(tx: Queryable, input: NewSubgraphVersion): Promise<SubgraphVersion> {
  const { rows } = await tx.query<SubgraphRow>(
    `INSERT INTO registry.subgraph_versions (subgraph, version, routing_url, sdl, sdl_sha256, published_by, forced, metadata)
     SELECT $1::text, COALESCE(MAX(version), 0) + 1, $2::text, $3::text, $4::text, $5::text, $6::boolean, $7::jsonb
       FROM registry.subgraph_versions WHERE subgraph = $1::text
     RETURNING ${SUBGRAPH_COLUMNS}`,
    [input.name, input.url, input.sdl, input.sha256, input.publishedBy, input.forced, JSON.stringify(input.metadata)],
  );
  return toSubgraphVersion(rows[0] as SubgraphRow);
}

/** The most recently composed supergraph, or null before the first publish. */
export async function latestSupergraph(q: Queryable): Promise<SupergraphVersion | null> {
  const { rows } = await q.query<SupergraphRow>(
    `SELECT version, supergraph_sdl, subgraph_versions, streams, created_at
       FROM registry.supergraph_versions ORDER BY version DESC LIMIT 1`,
  );
  return rows[0] ? toSupergraphVersion(rows[0]) : null;
}

/** The version number of the latest supergraph without fetching its SDL (the 304 path). */
export async function latestSupergraphVersion(q: Queryable): Promise<number | null> {
  const { rows } = await q.query<{ version: number | null }>('SELECT MAX(version) AS version FROM registry.supergraph_versions');
  return rows[0]?.version ?? null;
}

/** Stores the next supergraph version (latest + 1), composed when `publishedVersionId` was published. */
export async function insertSupergraph(
  tx: Queryable,
  input: { supergraphSdl: string; subgraphVersions: Record<string, number>; streams: StreamDefinition[]; publishedVersionId: number },
): Promise<SupergraphVersion> {
  const { rows } = await tx.query<SupergraphRow>(
    `INSERT INTO registry.supergraph_versions (version, supergraph_sdl, subgraph_versions, streams, published_subgraph_version_id)
     SELECT COALESCE(MAX(version), 0) + 1, $1, $2::jsonb, $3::jsonb, $4 FROM registry.supergraph_versions
     RETURNING version, supergraph_sdl, subgraph_versions, streams, created_at`,
    [input.supergraphSdl, JSON.stringify(input.subgraphVersions), JSON.stringify(input.streams), input.publishedVersionId],
  );
  return toSupergraphVersion(rows[0] as SupergraphRow);
}

function toSubgraphVersion(row: SubgraphRow): SubgraphVersion {
  return {
    id: row.id,
    name: row.subgraph,
    version: row.version,
    url: row.routing_url,
    sdl: row.sdl,
    sha256: row.sdl_sha256,
    publishedAt: row.published_at,
    publishedBy: row.published_by,
    forced: row.forced,
    metadata: row.metadata,
  };
}

function toSupergraphVersion(row: SupergraphRow): SupergraphVersion {
  return {
    version: row.version,
    supergraphSdl: row.supergraph_sdl,
    subgraphVersions: row.subgraph_versions,
    streams: row.streams,
    createdAt: row.created_at,
  };
}
