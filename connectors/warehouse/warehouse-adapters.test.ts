import { describeWarehouseAdapterContract } from './testing/warehouse.contract';
import { toCsv, toWebhookJson, toX12 } from './testing/encode';
import { parseWarehouseWebhookJson } from './json/json-adapter';
import { parseWarehouseCsv } from './csv/csv-adapter';
import { parseWarehouseX12 } from './x12/x12-adapter';

describeWarehouseAdapterContract('webhook JSON', { encode: toWebhookJson, parse: parseWarehouseWebhookJson, unknownDispositionCodes: ['UNKNOWN_DISPOSITION'] });
describeWarehouseAdapterContract('CSV', { encode: (message) => toCsv([message]), parse: parseWarehouseCsv, unknownDispositionCodes: ['UNKNOWN_DISPOSITION'] });
describeWarehouseAdapterContract('X12 944/947', {
  encode: (message) => toX12([message]),
  parse: parseWarehouseX12,
  unknownDispositionCodes: ['UNSUPPORTED_REASON_CODE'],
});
