-- Up Migration
-- Trace lookups (issue 14, docs/design/011): the stock movements and ERP stock postings of one flow.
CREATE INDEX movements_correlation_idx ON inventory.movements (correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX erp_postings_correlation_idx ON inventory.erp_postings (correlation_id);

-- Down Migration
DROP INDEX erp_postings_correlation_idx;
DROP INDEX movements_correlation_idx;
