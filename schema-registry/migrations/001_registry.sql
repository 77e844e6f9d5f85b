-- Up Migration

-- Every SDL version ever published for a subgraph. Rows are never updated or deleted: the history
-- is what lets an operator see who changed the graph, when, and whether a breaking change was forced.
CREATE TABLE registry.subgraph_versions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The subgraph's name as it appears in the supergraph's join__Graph enum.
  subgraph text NOT NULL CHECK (subgraph ~ '^[a-z][a-z0-9-]{1,40}$'),
  -- 1, 2, 3 ... per subgraph, assigned under the publish lock so there are no gaps or duplicates.
  version integer NOT NULL CHECK (version >= 1),
  -- Where the gateway sends this subgraph's fetches.
  routing_url text NOT NULL CHECK (routing_url ~ '^https?://' AND length(routing_url) <= 2048),
  sdl text NOT NULL CHECK (length(sdl) > 0),
  -- Lowercase hex sha256 of `sdl`; an identical re-publish is recognised by it without comparing text.
  sdl_sha256 char(64) NOT NULL CHECK (sdl_sha256 ~ '^[0-9a-f]{64}$'),
  published_at timestamptz NOT NULL DEFAULT now(),
  -- Who or what published it (a CLI user, a service instance at start-up).
  published_by text NOT NULL CHECK (length(published_by) BETWEEN 1 AND 200),
  -- True when the publish overrode breaking changes to the client-facing API with `force`.
  forced boolean NOT NULL DEFAULT false,
  CONSTRAINT subgraph_versions_subgraph_version_key UNIQUE (subgraph, version)
);

-- Every supergraph the registry has composed; the row with the highest version is what gateways serve.
CREATE TABLE registry.supergraph_versions (
  -- Monotonic across the whole graph; gateways use it as the ETag of GET /supergraph.
  version integer PRIMARY KEY CHECK (version >= 1),
  supergraph_sdl text NOT NULL CHECK (length(supergraph_sdl) > 0),
  -- The subgraph versions it was composed from: {"orders": 3, "returns": 5, ...}.
  subgraph_versions jsonb NOT NULL CHECK (jsonb_typeof(subgraph_versions) = 'object' AND subgraph_versions <> '{}'::jsonb),
  -- The publish that produced this composition.
  published_subgraph_version_id bigint NOT NULL UNIQUE REFERENCES registry.subgraph_versions (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE registry.supergraph_versions;
DROP TABLE registry.subgraph_versions;
