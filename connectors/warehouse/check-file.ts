import type { WarehouseMessage, WarehouseParseResult } from './port';
import { FILE_FORMATS, parseWarehouseFile } from './formats';

/**
 * `npm run warehouse -- check FILE`: a dry run for onboarding a 3PL. Reads the file with the
 * adapter of its extension, offline (no database, no secrets), and prints each message it could
 * read and each error with its message and line. Nothing is applied.
 */
export function checkWarehouseFile(fileName: string, content: string): { ok: boolean; text: string } {
  const result = parseWarehouseFile(fileName, content);
  if (!result) return { ok: false, text: `${fileName}: not a warehouse file; extensions read: ${Object.keys(FILE_FORMATS).join(', ')}\n` };
  return { ok: result.errors.length === 0, text: report(fileName, result) };
}

function report(fileName: string, result: WarehouseParseResult): string {
  const lines = [`${fileName}: ${result.messages.length} message(s) read, ${result.errors.length} error(s)`];
  for (const message of result.messages) lines.push(...describe(message));
  if (result.errors.length > 0) lines.push('errors:');
  for (const error of result.errors) {
    const where = `${error.messageId ?? '(message id unreadable)'}${error.lineNumber === null ? '' : ` line ${error.lineNumber}`}`;
    lines.push(`  ${where}: ${error.code} — ${error.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function describe(message: WarehouseMessage): string[] {
  const head = `  ${message.kind} ${message.messageId} from ${message.warehouseId}: return ${message.returnId} at ${message.locationId}, ${message.occurredAt.toISOString()}`;
  const target = (line: { returnLineId: string | null; sku: string | null }) => [line.returnLineId, line.sku].filter(Boolean).join(' / ');
  const lines =
    message.kind === 'receipt'
      ? message.lines.map((line) => `    line ${line.lineNumber}: ${target(line)} × ${line.quantity}`)
      : message.lines.map(
          (line) => `    line ${line.lineNumber}: ${target(line)} → ${line.dispositions.map((d) => `${d.disposition} × ${d.quantity}`).join(', ')}`,
        );
  return [head, ...lines];
}
