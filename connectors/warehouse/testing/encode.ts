import type { Disposition } from '../../../contracts/vocabulary';
import type { WarehouseMessage } from '../port';

/**
 * Writes logical warehouse messages in each format, as a sender would: the contract suite feeds
 * the same messages through every adapter, and the returns tests build 944/947 files for returns
 * they just created. Each encoder also says which line number the adapter should report for a
 * message's line, so tests can check errors name the right line.
 */

/** A message as tests write it: lineNumber is the encoder's business, and dispositions may be any text (to test refusals). */
export type LogicalMessage =
  | (Omit<Extract<WarehouseMessage, { kind: 'receipt' }>, 'lines'> & { lines: { returnLineId: string | null; sku: string | null; quantity: number }[] })
  | (Omit<Extract<WarehouseMessage, { kind: 'inspection' }>, 'lines'> & {
      lines: { returnLineId: string | null; sku: string | null; dispositions: { disposition: Disposition | string; quantity: number }[] }[];
    });

/** Encoded input and the line number an adapter reports for line `line` of message `message` (both 0-based). */
export interface Encoded {
  content: string;
  lineNumberOf(message: number, line: number): number;
}

/** The documented JSON of one message (`message-schema.ts`). */
export function toJsonObject(message: LogicalMessage): Record<string, unknown> {
  const optional = (line: { returnLineId: string | null; sku: string | null }) => ({
    ...(line.returnLineId ? { returnLineId: line.returnLineId } : {}),
    ...(line.sku ? { sku: line.sku } : {}),
  });
  return {
    messageId: message.messageId,
    warehouseId: message.warehouseId,
    type: message.kind,
    returnId: message.returnId,
    locationId: message.locationId,
    occurredAt: message.occurredAt.toISOString(),
    lines:
      message.kind === 'receipt'
        ? message.lines.map((line) => ({ ...optional(line), quantity: line.quantity }))
        : message.lines.map((line) => ({ ...optional(line), dispositions: line.dispositions })),
  };
}

/** One message as a webhook body. */
export function toWebhookJson(message: LogicalMessage): Encoded {
  return { content: JSON.stringify(toJsonObject(message)), lineNumberOf: (_, line) => line + 1 };
}

/** Messages as CSV rows under the header (inspection: one row per disposition). */
export function toCsv(messages: readonly LogicalMessage[]): Encoded {
  const rows = ['message_id,warehouse_id,type,return_id,location_id,occurred_at,return_line_id,sku,quantity,disposition'];
  const firstRow = new Map<string, number>();
  messages.forEach((message, m) => {
    const head = [message.messageId, message.warehouseId, message.kind, message.returnId, message.locationId, message.occurredAt.toISOString()];
    message.lines.forEach((line, l) => {
      firstRow.set(`${m}:${l}`, rows.length + 1);
      const target = [line.returnLineId ?? '', line.sku ?? ''];
      if ('quantity' in line) rows.push([...head, ...target, String(line.quantity), ''].join(','));
      else for (const d of line.dispositions) rows.push([...head, ...target, String(d.quantity), d.disposition].join(','));
    });
  });
  return { content: `${rows.join('\n')}\n`, lineNumberOf: (m, l) => firstRow.get(`${m}:${l}`) ?? -1 };
}

/** Reason codes a sender uses for each disposition (the reverse of `REASON_TO_DISPOSITION`); an unknown disposition is sent as `ZZ`. */
const REASON: Readonly<Record<string, string>> = { SELLABLE: '88', DAMAGED: 'AU', REFURBISH: '52', VENDOR_RETURN: 'AW', SCRAP: '07' };

/** Options of `toX12`: envelope numbers (tests break them on purpose). */
export interface X12Options {
  interchangeControl?: number;
  /** IEA02; default the ISA13 control number. */
  ieaControl?: number;
  /** GE01 override; default the number of sets. */
  geCount?: number;
  /** Extra segments appended to every set before SE (e.g. an unsupported one). */
  extraSegments?: string[];
}

const ymd = (date: Date) => date.toISOString().slice(0, 10).replace(/-/g, '');
const isaField = (value: string, width: number) => value.padEnd(width, ' ').slice(0, width);

/** Messages as one X12 interchange from `messages[0].warehouseId`: 944s in one RE group, 947s in one AW group. */
export function toX12(messages: readonly LogicalMessage[], options: X12Options = {}): Encoded {
  const control = options.interchangeControl ?? 101;
  const sender = messages[0]?.warehouseId ?? 'WAREHOUSE';
  const date = ymd(messages[0]?.occurredAt ?? new Date());
  const isa = ['ISA', '00', isaField('', 10), '00', isaField('', 10), 'ZZ', isaField(sender, 15), 'ZZ', isaField('RETURNSGRAPH', 15)];
  const segments = [[...isa, date.slice(2), '1200', 'U', '00401', String(control).padStart(9, '0'), '0', 'P', '>'].join('*')];
  const ordinal = new Map<string, number>();
  let setNumber = 0;
  const groups = [
    { id: 'RE', members: messages.map((message, m) => ({ message, m })).filter(({ message }) => message.kind === 'receipt') },
    { id: 'AW', members: messages.map((message, m) => ({ message, m })).filter(({ message }) => message.kind === 'inspection') },
  ].filter((group) => group.members.length > 0);
  groups.forEach((group, g) => {
    const groupControl = control * 10 + g;
    segments.push(`GS*${group.id}*${sender}*RETURNSGRAPH*${date}*1200*${groupControl}*X*004010`);
    for (const { message, m } of group.members) {
      setNumber += 1;
      const st = String(setNumber).padStart(4, '0');
      const body = message.kind === 'receipt' ? receiptSegments(message, m, ordinal) : inspectionSegments(message, m, ordinal);
      const set = [`ST*${message.kind === 'receipt' ? '944' : '947'}*${st}`, ...body, ...(options.extraSegments ?? [])];
      segments.push(...set, `SE*${set.length + 1}*${st}`);
    }
    segments.push(`GE*${options.geCount ?? group.members.length}*${groupControl}`);
  });
  segments.push(`IEA*${groups.length}*${String(options.ieaControl ?? control).padStart(9, '0')}`);
  return { content: `${segments.join('~\n')}~\n`, lineNumberOf: (m, l) => ordinal.get(`${m}:${l}`) ?? -1 };
}

const product = (line: { sku: string | null }) => (line.sku ? `**SK*${line.sku}` : '');
const reference = (line: { returnLineId: string | null }) => (line.returnLineId ? [`N9*LI*${line.returnLineId}`] : []);

function receiptSegments(message: Extract<LogicalMessage, { kind: 'receipt' }>, m: number, ordinal: Map<string, number>): string[] {
  const segments = [`W17*F*${ymd(message.occurredAt)}*${message.messageId}*${message.returnId}`, `N1*WH*Returns warehouse*ZZ*${message.locationId}`];
  message.lines.forEach((line, l) => {
    ordinal.set(`${m}:${l}`, l + 1);
    segments.push(`W07*${line.quantity}*EA${product(line)}`, ...reference(line));
  });
  segments.push(`W14*${message.lines.reduce((sum, line) => sum + line.quantity, 0)}`);
  return segments;
}

function inspectionSegments(message: Extract<LogicalMessage, { kind: 'inspection' }>, m: number, ordinal: Map<string, number>): string[] {
  const segments = [`W15*${ymd(message.occurredAt)}*${message.messageId}`, `N1*WH*Returns warehouse*ZZ*${message.locationId}`, `N9*RZ*${message.returnId}`];
  let w19 = 0;
  message.lines.forEach((line, l) => {
    ordinal.set(`${m}:${l}`, w19 + 1);
    for (const d of line.dispositions) {
      w19 += 1;
      segments.push(`W19*${REASON[d.disposition] ?? 'ZZ'}*${d.quantity}*EA${product(line)}`, ...reference(line));
    }
  });
  return segments;
}
