/**
 * The fake NetSuite's records: items, customers, currencies and sales orders seeded by the test;
 * return authorizations, credit memos, item receipts and inventory adjustments created through the
 * REST calls, with NetSuite's rules that matter to us (an external id is unique per record type; a
 * transform copies entity and currency from its source and may only take lines the source has; a
 * receipt cannot receive more than was authorized). Amounts are kept in cents (the fake is USD/EUR-minded).
 */
import { formatMinor, parseDecimal } from '../../../../platform/money';

/** One record, as the fake keeps it. */
export interface FakeRecord {
  type: string;
  id: string;
  externalId: string | null;
  tranId: string;
  entity: string | null;
  currency: string | null;
  createdFrom: string | null;
  /** Transaction lines: item, quantity, amount in cents, quantity received (return authorizations). */
  lines: { line: number; item: string; quantity: number; amountCents: number; received: number; location: string | null }[];
  totalCents: number;
  createdAt: Date;
  body: Record<string, unknown>;
}

/** A seeded sales order. */
export interface FakeSalesOrder {
  id: string;
  otherRefNum: string;
  externalId?: string;
  entity: string;
  currency: string;
  lines: { item: string; quantity: number; amountCents: number }[];
}

/** A booking the fake made: what the exactly-once assertions count. */
export interface FakeBooking {
  type: string;
  id: string;
  externalId: string | null;
  how: 'create' | 'transform' | 'upsert-update';
}

/** A refusal in NetSuite's terms: HTTP status, error code, detail. */
export class FakeNetSuiteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

type Body = Record<string, unknown>;
type LineInput = { item?: { id?: string }; quantity?: number; amount?: number; location?: { id?: string }; adjustQtyBy?: number };

const TRAN_PREFIX: Record<string, string> = { returnAuthorization: 'RMA', creditMemo: 'CM', itemReceipt: 'IR', inventoryAdjustment: 'IA', salesOrder: 'SO' };

const cents = (amount: unknown): number => {
  if (typeof amount !== 'number') throw new FakeNetSuiteError(400, 'USER_ERROR', 'Please enter a value for amount.');
  return parseDecimal(String(amount), 'USD');
};

/** The fake's records and its journal of bookings. */
export class FakeNetSuiteBooks {
  readonly records = new Map<string, FakeRecord>();
  readonly journal: FakeBooking[] = [];
  /** Item internal id → itemid (SKU or charge item name). */
  readonly items = new Map<string, string>();
  readonly customers = new Map<string, string | null>();
  /** Currency internal id → ISO symbol. */
  readonly currencies = new Map<string, string>();
  /** On hand per `item|location`. */
  readonly onHand = new Map<string, number>();
  private nextId = 1000;

  constructor(private readonly now: () => number) {}

  addItem(id: string, itemid: string): void {
    this.items.set(id, itemid);
  }

  addSalesOrder(order: FakeSalesOrder): void {
    this.put({
      type: 'salesOrder',
      id: order.id,
      externalId: order.externalId ?? null,
      tranId: `SO${order.id}`,
      entity: order.entity,
      currency: order.currency,
      createdFrom: null,
      lines: order.lines.map((l, i) => ({ line: i + 1, item: l.item, quantity: l.quantity, amountCents: l.amountCents, received: 0, location: null })),
      totalCents: order.lines.reduce((s, l) => s + l.amountCents, 0),
      createdAt: new Date(this.now()),
      body: { otherRefNum: order.otherRefNum },
    });
  }

  /** A record by internal id or `eid:<external id>`. */
  find(type: string, key: string): FakeRecord | undefined {
    if (key.startsWith('eid:')) {
      const externalId = key.slice(4);
      return [...this.records.values()].find((r) => r.type === type && r.externalId === externalId);
    }
    const record = this.records.get(key);
    return record?.type === type ? record : undefined;
  }

  /** Every booking of a record with this external id: exactly one, for exactly-once. */
  bookingsOf(type: string, externalId: string): FakeBooking[] {
    return this.journal.filter((b) => b.type === type && b.externalId === externalId);
  }

  /** `POST /record/v1/<type>`. */
  create(type: string, body: Body): FakeRecord {
    this.assertFreeExternalId(type, body.externalId);
    const record = type === 'inventoryAdjustment' ? this.adjustment(body) : this.standaloneMemo(type, body);
    return this.book(record, 'create');
  }

  /** `PUT /record/v1/<type>/eid:<x>`: creates, or replaces the existing record's body (NetSuite's upsert). */
  upsert(type: string, externalId: string, body: Body): FakeRecord {
    const existing = this.find(type, `eid:${externalId}`);
    if (!existing) return this.create(type, { ...body, externalId });
    // The replaced adjustment's quantities no longer count.
    if (type === 'inventoryAdjustment') for (const line of existing.lines) this.addOnHand(line.item, line.location, -line.quantity);
    const replaced = type === 'inventoryAdjustment' ? this.adjustment(body) : this.standaloneMemo(type, body);
    const updated = { ...replaced, id: existing.id, tranId: existing.tranId, externalId, createdAt: existing.createdAt };
    this.records.set(existing.id, updated);
    this.journal.push({ type, id: existing.id, externalId, how: 'upsert-update' });
    return updated;
  }

  /** `POST /record/v1/<from>/<id>/!transform/<to>`. */
  transform(fromType: string, fromKey: string, toType: string, body: Body): FakeRecord {
    const source = this.find(fromType, fromKey);
    if (!source) throw new FakeNetSuiteError(404, 'NONEXISTENT_ID', `The record instance does not exist. Provide a valid record instance ID.`);
    const pair = `${fromType}>${toType}`;
    if (!['salesOrder>returnAuthorization', 'returnAuthorization>creditMemo', 'returnAuthorization>itemReceipt'].includes(pair))
      throw new FakeNetSuiteError(400, 'INVALID_TRANSFORM', `Transformation from ${fromType} to ${toType} is not supported by the fake.`);
    this.assertFreeExternalId(toType, body.externalId);
    const inputs = this.lineInputs(body.item);
    const lines = toType === 'itemReceipt' ? this.receiptLines(source, inputs) : this.transformLines(source, inputs, toType === 'returnAuthorization');
    const record = this.newRecord(toType, body, {
      entity: source.entity,
      currency: source.currency,
      createdFrom: source.id,
      lines,
      totalCents: lines.reduce((s, l) => s + l.amountCents, 0),
    });
    return this.book(record, 'transform');
  }

  /** The record as NetSuite's GET renders it (the fields the connector reads, and a few more). */
  render(record: FakeRecord, base: string): Record<string, unknown> {
    const currency = record.currency ? { id: record.currency, refName: this.currencies.get(record.currency) ?? '?' } : undefined;
    return {
      links: [{ rel: 'self', href: `${base}/services/rest/record/v1/${record.type}/${record.id}` }],
      id: record.id,
      externalId: record.externalId ?? undefined,
      tranId: record.tranId,
      ...(record.entity ? { entity: { id: record.entity } } : {}),
      ...(currency ? { currency } : {}),
      ...(record.createdFrom ? { createdFrom: { id: record.createdFrom } } : {}),
      ...(record.type === 'inventoryAdjustment' ? {} : { total: Number(formatMinor(record.totalCents, 'USD')) }),
      tranDate: record.body.tranDate,
    };
  }

  private book(record: FakeRecord, how: FakeBooking['how']): FakeRecord {
    this.put(record);
    this.journal.push({ type: record.type, id: record.id, externalId: record.externalId, how });
    return record;
  }

  private put(record: FakeRecord): void {
    this.records.set(record.id, record);
  }

  private assertFreeExternalId(type: string, externalId: unknown): void {
    if (externalId === undefined) return;
    if (typeof externalId !== 'string' || !/^[\w-]+$/.test(externalId))
      throw new FakeNetSuiteError(400, 'USER_ERROR', `Invalid externalId ${JSON.stringify(externalId)}.`);
    if (this.find(type, `eid:${externalId}`))
      throw new FakeNetSuiteError(400, 'DUP_RCRD', `This record already exists: a ${type} with external ID ${externalId} already exists.`);
  }

  private newRecord(type: string, body: Body, fields: Pick<FakeRecord, 'entity' | 'currency' | 'createdFrom' | 'lines' | 'totalCents'>): FakeRecord {
    this.nextId += 1;
    const id = String(this.nextId);
    return {
      type,
      id,
      externalId: typeof body.externalId === 'string' ? body.externalId : null,
      tranId: `${TRAN_PREFIX[type] ?? 'T'}${id}`,
      createdAt: new Date(this.now()),
      body,
      ...fields,
    };
  }

  private lineInputs(sublist: unknown): LineInput[] {
    const items = (sublist as { items?: unknown } | undefined)?.items;
    if (!Array.isArray(items) || items.length === 0)
      throw new FakeNetSuiteError(400, 'USER_ERROR', 'You must enter at least one line item for this transaction.');
    return items as LineInput[];
  }

  private item(input: LineInput): string {
    const id = input.item?.id;
    if (!id || !this.items.has(id)) throw new FakeNetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid item reference key ${String(id)}.`);
    return id;
  }

  /** RA lines come from the sales order (quantity too, unless given); memo lines from the RA, plus charge lines the source lacks. */
  private transformLines(source: FakeRecord, inputs: LineInput[], sourceItemsOnly: boolean): FakeRecord['lines'] {
    return inputs.map((input, i) => {
      const item = this.item(input);
      const onSource = source.lines.find((l) => l.item === item);
      if (!onSource && sourceItemsOnly)
        throw new FakeNetSuiteError(400, 'USER_ERROR', `Item ${this.items.get(item)} is not on ${source.type} ${source.tranId}.`);
      const quantity = input.quantity ?? onSource?.quantity ?? 1;
      return { line: i + 1, item, quantity, amountCents: cents(input.amount), received: 0, location: null };
    });
  }

  private receiptLines(authorization: FakeRecord, inputs: LineInput[]): FakeRecord['lines'] {
    return inputs.map((input, i) => {
      const item = this.item(input);
      const line = authorization.lines.find((l) => l.item === item && l.quantity - l.received >= (input.quantity ?? 0));
      if (!line || !Number.isInteger(input.quantity) || (input.quantity ?? 0) <= 0)
        throw new FakeNetSuiteError(
          400,
          'USER_ERROR',
          `You cannot receive more of item ${this.items.get(item)} than was authorized on ${authorization.tranId}.`,
        );
      line.received += input.quantity as number;
      const location = input.location?.id ?? null;
      this.addOnHand(item, location, input.quantity as number);
      return { line: i + 1, item, quantity: input.quantity as number, amountCents: 0, received: 0, location };
    });
  }

  private standaloneMemo(type: string, body: Body): FakeRecord {
    if (type !== 'creditMemo') throw new FakeNetSuiteError(400, 'USER_ERROR', `The fake creates ${type} records only by transform.`);
    const entity = body.entity as { id?: string; externalId?: string } | undefined;
    const entityId = entity?.id ?? [...this.customers].find(([, externalId]) => externalId !== null && externalId === entity?.externalId)?.[0];
    if (!entityId || !this.customers.has(entityId))
      throw new FakeNetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid entity reference key ${JSON.stringify(entity)}.`);
    const currency = (body.currency as { id?: string } | undefined)?.id;
    if (!currency || !this.currencies.has(currency))
      throw new FakeNetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid currency reference key ${String(currency)}.`);
    const lines = this.lineInputs(body.item).map((input, i) => {
      const item = this.item(input);
      return { line: i + 1, item, quantity: input.quantity ?? 1, amountCents: cents(input.amount), received: 0, location: null };
    });
    return this.newRecord(type, body, { entity: entityId, currency, createdFrom: null, lines, totalCents: lines.reduce((s, l) => s + l.amountCents, 0) });
  }

  private adjustment(body: Body): FakeRecord {
    if (typeof (body.account as { id?: unknown } | undefined)?.id !== 'string')
      throw new FakeNetSuiteError(400, 'USER_ERROR', 'Please enter a value for Adjustment Account.');
    const lines = this.lineInputs(body.inventory).map((input, i) => {
      const item = this.item(input);
      const change = input.adjustQtyBy;
      if (!Number.isInteger(change) || change === 0) throw new FakeNetSuiteError(400, 'USER_ERROR', 'Please enter a value for Adjust Qty. By.');
      const location = input.location?.id ?? null;
      this.addOnHand(item, location, change as number);
      return { line: i + 1, item, quantity: change as number, amountCents: 0, received: 0, location };
    });
    return this.newRecord('inventoryAdjustment', body, { entity: null, currency: null, createdFrom: null, lines, totalCents: 0 });
  }

  private addOnHand(item: string, location: string | null, change: number): void {
    const key = `${item}|${location ?? ''}`;
    this.onHand.set(key, (this.onHand.get(key) ?? 0) + change);
  }
}
