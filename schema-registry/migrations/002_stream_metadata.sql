-- Up Migration

-- What a subgraph version published beside its SDL (platform/events/streams.ts): for now the
-- subscription streams it serves, {"streams": [{field, eventTypes, one, page, filters}, ...]}.
-- Versions published before this migration declared nothing.
ALTER TABLE registry.subgraph_versions
  ADD COLUMN metadata jsonb NOT NULL DEFAULT '{"streams": []}'::jsonb
  CHECK (jsonb_typeof(metadata) = 'object' AND jsonb_typeof(metadata -> 'streams') = 'array');

-- The streams of a composition: each subgraph's declared streams with its name as `source`. Kept
-- with the supergraph so a gateway receives the SDL and the stream routing of one version together.
ALTER TABLE registry.supergraph_versions
  ADD COLUMN streams jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(streams) = 'array');

-- Down Migration

ALTER TABLE registry.supergraph_versions DROP COLUMN streams;
ALTER TABLE registry.subgraph_versions DROP COLUMN metadata;
