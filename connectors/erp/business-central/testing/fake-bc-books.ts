/**
 * The fake Business Central's data: customers, items and G/L accounts (seeded), sales credit
 * memos with their lines, ETags that change with every write, tax computed by BC from each
 * line's tax code (as BC does), and posting: a draft gets the next number of the posted series
 * (`PCM-1001`, …) and a journal entry tests use to assert exactly-once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { formatMinor, parseDecimal } from '../../../../platform/money';

/** An error BC would answer: status plus `{ error: { code, message } }`. */
export class FakeBcError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One credit memo line as the fake holds it; money in minor units of the memo's currency. */
export interface FakeBcLine {
  id: string;
  version: number;
  sequence: number;
  lineType: 'Item' | 'Account';
  lineObjectNumber: string;
  description: string;
  quantity: number;
  unitPriceMinor: number;
  taxCode: string;
}

/** One sales credit memo as the fake holds it. */
export interface FakeBcMemo {
  id: string;
  version: number;
  number: string;
  externalDocumentNumber: string;
  customerNumber: string;
  currencyCode: string;
  creditMemoDate: string;
  postingDate: string;
  status: 'Draft' | 'Open';
  lines: FakeBcLine[];
}

/** A posting, for exactly-once assertions. */
export interface FakeBcPosting {
  memoNumber: string;
  externalDocumentNumber: string;
  totalAmountIncludingTaxMinor: number;
}

/** What the fake company holds at start. */
export interface FakeBcSeed {
  customers: string[];
  /** Item number → its default tax group code. */
  items: Record<string, string>;
  /** G/L account number → its default tax group code. */
  accounts: Record<string, string>;
  /** Tax group code → rate in basis points (825 = 8.25 %); a code not listed taxes nothing. */
  taxRates: Record<string, number>;
  /** The company's local currency, written as an empty `currencyCode`. */
  localCurrency: string;
}

const etagOf = (id: string, version: number) => `W/"JzQ0O${Buffer.from(`${version};${id}`).toString('base64')}Jyc="`;
/** Lines are numbered in steps of 10 000, as BC numbers them, leaving room to insert between. */
const SEQUENCE_STEP = 10_000;

/** The company's records and its posting rules. */
export class FakeBcBooks {
  readonly memos = new Map<string, FakeBcMemo>();
  readonly journal: FakeBcPosting[] = [];
  private draftSeries = 1001;
  private postedSeries = 1001;

  constructor(readonly seed: FakeBcSeed) {}

  customer(number: string): { id: string; number: string; displayName: string } | undefined {
    return this.seed.customers.includes(number) ? { id: uuidFor(`customer:${number}`), number, displayName: `Customer ${number}` } : undefined;
  }

  item(number: string): { id: string; number: string; displayName: string } | undefined {
    return number in this.seed.items ? { id: uuidFor(`item:${number}`), number, displayName: `Item ${number}` } : undefined;
  }

  createMemo(body: Record<string, unknown>): FakeBcMemo {
    const customerNumber = String(body.customerNumber ?? '');
    if (!this.customer(customerNumber)) throw notFound('Customer', customerNumber);
    const memo: FakeBcMemo = {
      id: randomUUID(),
      version: 1,
      number: `S-CR${this.draftSeries++}`,
      externalDocumentNumber: String(body.externalDocumentNumber ?? '').slice(0, 35),
      customerNumber,
      currencyCode: String(body.currencyCode ?? ''),
      creditMemoDate: String(body.creditMemoDate ?? new Date().toISOString().slice(0, 10)),
      postingDate: String(body.creditMemoDate ?? new Date().toISOString().slice(0, 10)),
      status: 'Draft',
      lines: [],
    };
    this.memos.set(memo.id, memo);
    return memo;
  }

  memo(id: string): FakeBcMemo {
    const memo = this.memos.get(id);
    if (!memo) throw new FakeBcError(404, 'BadRequest_NotFound', `The salesCreditMemo ${id} does not exist.`);
    return memo;
  }

  draft(id: string): FakeBcMemo {
    const memo = this.memo(id);
    if (memo.status !== 'Draft') throw new FakeBcError(400, 'Internal_ValidationError', `Credit memo ${memo.number} is posted and cannot be changed.`);
    return memo;
  }

  line(memo: FakeBcMemo, lineId: string): FakeBcLine {
    const line = memo.lines.find((l) => l.id === lineId);
    if (!line) throw new FakeBcError(404, 'BadRequest_NotFound', `The salesCreditMemoLine ${lineId} does not exist.`);
    return line;
  }

  addLine(memo: FakeBcMemo, body: Record<string, unknown>): FakeBcLine {
    const lineType = body.lineType === 'Item' ? 'Item' : body.lineType === 'Account' ? 'Account' : null;
    if (!lineType) throw new FakeBcError(400, 'BadRequest', `lineType ${String(body.lineType)} is not supported here.`);
    const number = String(body.lineObjectNumber ?? '');
    const defaults = lineType === 'Item' ? this.seed.items : this.seed.accounts;
    if (!(number in defaults)) throw notFound(lineType === 'Item' ? 'Item' : 'G/L Account', number);
    const line: FakeBcLine = {
      id: randomUUID(),
      version: 1,
      sequence: (memo.lines.at(-1)?.sequence ?? 0) + SEQUENCE_STEP,
      lineType,
      lineObjectNumber: number,
      description: String(body.description ?? ''),
      quantity: 1,
      unitPriceMinor: 0,
      taxCode: defaults[number] ?? '',
    };
    this.applyLineChanges(memo, line, body);
    memo.lines.push(line);
    memo.version++;
    return line;
  }

  updateLine(memo: FakeBcMemo, line: FakeBcLine, body: Record<string, unknown>): void {
    this.applyLineChanges(memo, line, body);
    line.version++;
    memo.version++;
  }

  deleteLine(memo: FakeBcMemo, line: FakeBcLine): void {
    memo.lines = memo.lines.filter((l) => l !== line);
    memo.version++;
  }

  updateMemo(memo: FakeBcMemo, body: Record<string, unknown>): void {
    if (typeof body.currencyCode === 'string') memo.currencyCode = body.currencyCode;
    if (typeof body.creditMemoDate === 'string') memo.creditMemoDate = memo.postingDate = body.creditMemoDate;
    if (typeof body.customerNumber === 'string') {
      if (!this.customer(body.customerNumber)) throw notFound('Customer', body.customerNumber);
      memo.customerNumber = body.customerNumber;
    }
    memo.version++;
  }

  /** `Microsoft.NAV.post`: the draft becomes a posted memo with a number of the posted series. */
  post(memo: FakeBcMemo): void {
    if (memo.lines.length === 0) throw new FakeBcError(400, 'Internal_ValidationError', 'There is nothing to post.');
    memo.status = 'Open';
    memo.number = `PCM-${this.postedSeries++}`;
    memo.postingDate = memo.creditMemoDate;
    memo.version++;
    this.journal.push({
      memoNumber: memo.number,
      externalDocumentNumber: memo.externalDocumentNumber,
      totalAmountIncludingTaxMinor: this.totals(memo).including,
    });
  }

  /** Totals in minor units: BC computes each line's tax from its tax code, rounding half up per line. */
  totals(memo: FakeBcMemo): { excluding: number; tax: number; including: number } {
    let excluding = 0;
    let tax = 0;
    for (const line of memo.lines) {
      const amount = line.quantity * line.unitPriceMinor;
      excluding += amount;
      tax += Math.sign(amount) * Math.floor((Math.abs(amount) * (this.seed.taxRates[line.taxCode] ?? 0) + 5_000) / 10_000);
    }
    return { excluding, tax, including: excluding + tax };
  }

  currencyOf(memo: FakeBcMemo): string {
    return memo.currencyCode === '' ? this.seed.localCurrency : memo.currencyCode;
  }

  /** The memo as BC's JSON shows it. */
  memoJson(memo: FakeBcMemo): Record<string, unknown> {
    const totals = this.totals(memo);
    const amount = (minor: number) => Number(formatMinor(minor, this.currencyOf(memo)));
    return {
      '@odata.etag': etagOf(memo.id, memo.version),
      id: memo.id,
      number: memo.number,
      externalDocumentNumber: memo.externalDocumentNumber,
      creditMemoDate: memo.creditMemoDate,
      postingDate: memo.postingDate,
      customerId: uuidFor(`customer:${memo.customerNumber}`),
      customerNumber: memo.customerNumber,
      currencyCode: memo.currencyCode,
      pricesIncludeTax: false,
      totalAmountExcludingTax: amount(totals.excluding),
      totalTaxAmount: amount(totals.tax),
      totalAmountIncludingTax: amount(totals.including),
      status: memo.status,
    };
  }

  lineJson(memo: FakeBcMemo, line: FakeBcLine): Record<string, unknown> {
    const currency = this.currencyOf(memo);
    return {
      '@odata.etag': etagOf(line.id, line.version),
      id: line.id,
      documentId: memo.id,
      sequence: line.sequence,
      lineType: line.lineType,
      lineObjectNumber: line.lineObjectNumber,
      description: line.description,
      quantity: line.quantity,
      unitPrice: Number(formatMinor(line.unitPriceMinor, currency)),
      taxCode: line.taxCode,
      taxPercent: (this.seed.taxRates[line.taxCode] ?? 0) / 100,
    };
  }

  memoEtag(memo: FakeBcMemo): string {
    return etagOf(memo.id, memo.version);
  }

  lineEtag(line: FakeBcLine): string {
    return etagOf(line.id, line.version);
  }

  private applyLineChanges(memo: FakeBcMemo, line: FakeBcLine, body: Record<string, unknown>): void {
    if (typeof body.description === 'string') line.description = body.description.slice(0, 100);
    if (body.quantity !== undefined) {
      if (typeof body.quantity !== 'number' || !Number.isInteger(body.quantity))
        throw new FakeBcError(400, 'BadRequest', 'quantity must be a whole number here.');
      line.quantity = body.quantity;
    }
    if (body.unitPrice !== undefined) {
      try {
        line.unitPriceMinor = parseDecimal(String(body.unitPrice), this.currencyOf(memo));
      } catch {
        throw new FakeBcError(400, 'BadRequest', `unitPrice ${String(body.unitPrice)} is not an amount of ${this.currencyOf(memo)}.`);
      }
    }
    if (typeof body.taxCode === 'string') {
      if (body.taxCode !== '' && !(body.taxCode in this.seed.taxRates)) throw notFound('Tax Group', body.taxCode);
      line.taxCode = body.taxCode;
    }
  }
}

function notFound(table: string, number: string): FakeBcError {
  return new FakeBcError(404, 'Internal_RecordNotFound', `The ${table} does not exist. Identification fields and values: No.='${number}'`);
}

/** A stable GUID for a seeded record, so ids survive restarts of a test. */
function uuidFor(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
