import { extname } from 'node:path';
import type { WarehouseParseResult } from './port';
import { parseWarehouseJsonFile, parseWarehouseJsonLines } from './json/json-adapter';
import { parseWarehouseCsv } from './csv/csv-adapter';
import { parseWarehouseX12 } from './x12/x12-adapter';

/** The adapter of each file extension a warehouse may drop (lower case). */
export const FILE_FORMATS: Readonly<Record<string, (content: string) => WarehouseParseResult>> = {
  '.json': parseWarehouseJsonFile,
  '.jsonl': parseWarehouseJsonLines,
  '.csv': parseWarehouseCsv,
  '.x12': parseWarehouseX12,
  '.edi': parseWarehouseX12,
};

/** Reads a file by its extension; null when no adapter reads it. */
export function parseWarehouseFile(fileName: string, content: string): WarehouseParseResult | null {
  const adapter = FILE_FORMATS[extname(fileName).toLowerCase()];
  return adapter ? adapter(content) : null;
}
