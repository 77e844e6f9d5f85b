/**
 * The fake Shopify's data: locations, product variants, orders and what hangs off them, with
 * seeding helpers and the changes a merchant makes in the admin (update, cancel, fulfil, deliver,
 * refund), each bumping the order's `updatedAt` as Shopify does.
 */
import { formatMinor, parseDecimal } from '../../../../platform/money';
import {
  bag,
  type BulkOperationRecord,
  type FulfillmentRecord,
  type LineItemRecord,
  type LocationRecord,
  type MetafieldRecord,
  type NodeRecord,
  type OrderRecord,
  type ProductRecord,
  type RefundRecord,
  type TransactionRecord,
  type VariantRecord,
} from './fake-records';

/** A line of a seeded order; amounts are decimal strings as Shopify shows them. */
export interface SeedLine {
  sku: string | null;
  title?: string;
  quantity?: number;
  /** Unit price. */
  price: string;
  /** Discount of the whole line. */
  discount?: string;
  /** Tax of the whole line. */
  tax?: string;
  productType?: string;
}

/** A payment of a seeded order. */
export interface SeedPayment {
  gateway: string;
  amount: string;
  kind?: 'SALE' | 'CAPTURE' | 'AUTHORIZATION';
  status?: 'SUCCESS' | 'FAILURE' | 'PENDING';
  authorizationCode?: string | null;
  receiptJson?: unknown;
}

/** An order to seed. Unset: USD, online (`web`), a customer, one SALE through shopify_payments of the whole total. */
export interface SeedOrder {
  currency?: string;
  sourceName?: string;
  /** Numeric id of a seeded location: a POS sale there. */
  retailLocation?: string;
  customer?: { id: string; name: string; email: string | null } | null;
  email?: string | null;
  lines: SeedLine[];
  shipping?: { title: string; price: string; tax?: string }[];
  payments?: SeedPayment[];
}

/** Where a seeded thing is numbered from (Shopify ids are large integers; any will do). */
const FIRST_ID = 1000;

function minor(amount: string, currency: string): number {
  return parseDecimal(amount, currency);
}

/** The in-memory shop. */
export class FakeShopifyStore {
  readonly orders: OrderRecord[] = [];
  readonly locations: LocationRecord[] = [];
  readonly variants: VariantRecord[] = [];
  readonly bulkOperations: BulkOperationRecord[] = [];
  private readonly nodes = new Map<string, NodeRecord>();
  private nextId = FIRST_ID;
  private lastStamp = 0;

  constructor(private readonly now: () => number) {}

  /** A new gid of `type`. */
  gid(type: string): string {
    this.nextId += 1;
    return `gid://shopify/${type}/${this.nextId}`;
  }

  /** Makes a record reachable by `node(id:)` and the typed root queries. */
  register<T extends NodeRecord>(record: T): T {
    this.nodes.set(record.id, record);
    return record;
  }

  node(id: string): NodeRecord | null {
    return this.nodes.get(id) ?? null;
  }

  /** A strictly increasing timestamp (whole seconds, like Shopify's), so every change sorts after the previous one. */
  stamp(): string {
    const next = Math.max(Math.floor(this.now() / 1000) * 1000, this.lastStamp + 1000);
    this.lastStamp = next;
    return new Date(next).toISOString().replace('.000Z', 'Z');
  }

  seedLocation(input: { name: string; city?: string | null; isFulfillmentService?: boolean; isActive?: boolean }): LocationRecord {
    const id = this.gid('Location');
    const location: LocationRecord = this.register({
      __typename: 'Location',
      id,
      legacyResourceId: id.split('/').pop() as string,
      name: input.name,
      isActive: input.isActive ?? true,
      isFulfillmentService: input.isFulfillmentService ?? false,
      fulfillsOnlineOrders: true,
      address: { city: input.city ?? null, countryCode: 'US' },
    });
    this.locations.push(location);
    return location;
  }

  seedVariant(input: { sku: string | null; title?: string; productTitle: string; productType?: string }): VariantRecord {
    const product: ProductRecord = this.register({
      __typename: 'Product',
      id: this.gid('Product'),
      title: input.productTitle,
      productType: input.productType ?? '',
    });
    const title = input.title ?? 'Default Title';
    const record: VariantRecord = {
      __typename: 'ProductVariant',
      id: this.gid('ProductVariant'),
      sku: input.sku,
      title,
      displayName: title === 'Default Title' ? input.productTitle : `${input.productTitle} - ${title}`,
      product,
    };
    this.variants.push(this.register(record));
    return record;
  }

  /** A seeded order; its id is `order.id`, its numeric id `order.legacyResourceId`. */
  seedOrder(input: SeedOrder): OrderRecord {
    const currency = input.currency ?? 'USD';
    const id = this.gid('Order');
    const at = this.stamp();
    const customer =
      input.customer === null
        ? null
        : {
            __typename: 'Customer' as const,
            id: `gid://shopify/Customer/${input.customer?.id ?? '7'}`,
            displayName: input.customer?.name ?? 'Ada Lovelace',
            email: input.customer?.email ?? 'ada@example.com',
          };
    const order: OrderRecord = {
      __typename: 'Order',
      id,
      legacyResourceId: id.split('/').pop() as string,
      name: `#${this.orders.length + 1001}`,
      createdAt: at,
      updatedAt: at,
      processedAt: at,
      cancelledAt: null,
      sourceName: input.sourceName ?? (input.retailLocation ? 'pos' : 'web'),
      email: input.email === undefined ? (customer?.email ?? null) : input.email,
      currencyCode: currency,
      customer,
      retailLocation: input.retailLocation ? (this.node(`gid://shopify/Location/${input.retailLocation}`) as LocationRecord) : null,
      lineItems: input.lines.map((line) => this.lineItem(line, currency)),
      shippingLines: (input.shipping ?? []).map((s) => ({
        __typename: 'ShippingLine' as const,
        id: this.gid('ShippingLine'),
        title: s.title,
        discountedPriceSet: bag(s.price, currency),
        originalPriceSet: bag(s.price, currency),
        taxLines: s.tax ? [{ title: 'Tax', rate: 0.1, priceSet: bag(s.tax, currency) }] : [],
      })),
      transactions: [],
      fulfillments: [],
      returns: [],
      refunds: [],
      metafields: [],
      metafield: ({ namespace, key }) => order.metafields.find((m) => m.key === key && (namespace === undefined || m.namespace === namespace)) ?? null,
    };
    const payments = input.payments ?? [{ gateway: 'shopify_payments', amount: formatMinor(this.totalMinor(order), currency) }];
    order.transactions = payments.map((p) => this.transaction(p, currency, at));
    this.orders.push(this.register(order));
    return order;
  }

  private lineItem(line: SeedLine, currency: string): LineItemRecord {
    const title = line.title ?? line.sku ?? 'Custom item';
    const product: ProductRecord | null = line.sku ? { __typename: 'Product', id: this.gid('Product'), title, productType: line.productType ?? '' } : null;
    return this.register({
      __typename: 'LineItem',
      id: this.gid('LineItem'),
      sku: line.sku,
      title,
      name: title,
      quantity: line.quantity ?? 1,
      currentQuantity: line.quantity ?? 1,
      originalUnitPriceSet: bag(line.price, currency),
      discountAllocations: line.discount ? [{ allocatedAmountSet: bag(line.discount, currency) }] : [],
      taxLines: line.tax ? [{ title: 'Tax', rate: 0.1, priceSet: bag(line.tax, currency) }] : [],
      product,
      variant: null,
    });
  }

  private transaction(p: SeedPayment, currency: string, at: string, parent: TransactionRecord | null = null, kind?: string): TransactionRecord {
    return this.register({
      __typename: 'OrderTransaction',
      id: this.gid('OrderTransaction'),
      kind: kind ?? p.kind ?? 'SALE',
      status: p.status ?? 'SUCCESS',
      gateway: p.gateway,
      authorizationCode: p.authorizationCode ?? null,
      receiptJson: p.receiptJson ?? {},
      amountSet: bag(p.amount, currency),
      processedAt: at,
      createdAt: at,
      parentTransaction: parent,
    });
  }

  /** Lines less discounts plus tax and shipping, in minor units. */
  totalMinor(order: OrderRecord): number {
    const c = order.currencyCode;
    const lines = order.lineItems.reduce((sum, line) => {
      const gross = minor(line.originalUnitPriceSet.shopMoney.amount, c) * line.quantity;
      const discount = line.discountAllocations.reduce((s, d) => s + minor(d.allocatedAmountSet.shopMoney.amount, c), 0);
      const tax = line.taxLines.reduce((s, t) => s + minor(t.priceSet.shopMoney.amount, c), 0);
      return sum + gross - discount + tax;
    }, 0);
    const shipping = order.shippingLines.reduce(
      (sum, s) => sum + minor(s.discountedPriceSet.shopMoney.amount, c) + s.taxLines.reduce((t, l) => t + minor(l.priceSet.shopMoney.amount, c), 0),
      0,
    );
    return lines + shipping;
  }

  /** The order by gid or numeric id; throws for an unknown one (a test mistake). */
  order(id: string): OrderRecord {
    const gid = id.startsWith('gid://') ? id : `gid://shopify/Order/${id}`;
    const order = this.node(gid);
    if (!order || order.__typename !== 'Order') throw new Error(`fake Shopify has no order ${id}`);
    return order as OrderRecord;
  }

  /** Marks the order changed now. */
  touch(order: OrderRecord): OrderRecord {
    order.updatedAt = this.stamp();
    return order;
  }

  updateOrder(id: string, patch: Partial<Pick<OrderRecord, 'email' | 'sourceName'>>): OrderRecord {
    const order = this.order(id);
    Object.assign(order, patch);
    return this.touch(order);
  }

  cancelOrder(id: string): OrderRecord {
    const order = this.order(id);
    order.cancelledAt = this.stamp();
    return this.touch(order);
  }

  /** Fulfils every line (all units) from `locationId` (numeric; default the first location); `delivered` sets `deliveredAt` at once. */
  fulfilOrder(id: string, options: { locationId?: string; delivered?: boolean } = {}): FulfillmentRecord {
    const order = this.order(id);
    const location = options.locationId ? (this.node(`gid://shopify/Location/${options.locationId}`) as LocationRecord) : (this.locations[0] ?? null);
    const at = this.stamp();
    const fulfillment: FulfillmentRecord = this.register({
      __typename: 'Fulfillment',
      id: this.gid('Fulfillment'),
      status: 'SUCCESS',
      createdAt: at,
      deliveredAt: options.delivered ? at : null,
      location,
      fulfillmentLineItems: order.lineItems.map((lineItem) =>
        this.register({ __typename: 'FulfillmentLineItem' as const, id: this.gid('FulfillmentLineItem'), quantity: lineItem.quantity, lineItem }),
      ),
    });
    order.fulfillments.push(fulfillment);
    this.touch(order);
    return fulfillment;
  }

  /** Sets `deliveredAt` on every fulfillment not yet delivered. */
  deliverOrder(id: string): OrderRecord {
    const order = this.order(id);
    const at = this.stamp();
    for (const f of order.fulfillments) f.deliveredAt ??= at;
    return this.touch(order);
  }

  /** A refund of `amount` against the order's first capture, as a merchant issues one in the admin. */
  refundOrder(id: string, amount: string): RefundRecord {
    const order = this.order(id);
    const capture = order.transactions.find((t) => (t.kind === 'SALE' || t.kind === 'CAPTURE') && t.status === 'SUCCESS') ?? null;
    const at = this.stamp();
    const transaction = this.transaction({ gateway: capture?.gateway ?? 'manual', amount }, order.currencyCode, at, capture, 'REFUND');
    order.transactions.push(transaction);
    const refund: RefundRecord = this.register({ __typename: 'Refund', id: this.gid('Refund'), createdAt: at, order, transactions: [transaction] });
    order.refunds.push(refund);
    this.touch(order);
    return refund;
  }

  /** The metafields of an order, for assertions. */
  metafieldsOf(id: string): MetafieldRecord[] {
    return this.order(id).metafields;
  }
}
