import type { WarehouseConnector } from './port';
import { parseWarehouseWebhookJson } from './json/json-adapter';
import { parseWarehouseFile } from './formats';
import { WarehouseWebhookVerifier, type WarehouseWebhookOptions } from './webhook/signature';

/** The warehouse connector `app/` hands the returns subgraph: the webhook verifier over the configured secrets, and every file adapter. */
export function createWarehouseConnector(options: WarehouseWebhookOptions): WarehouseConnector {
  const verifier = new WarehouseWebhookVerifier(options);
  return {
    verifyWebhook: (rawBody, headers) => verifier.verify(rawBody, headers),
    parseWebhook: parseWarehouseWebhookJson,
    parseFile: parseWarehouseFile,
  };
}
