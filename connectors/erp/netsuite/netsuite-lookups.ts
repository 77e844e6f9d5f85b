/**
 * Finding NetSuite's records for our ids: items by SKU, the sales order of an order number,
 * locations, customers and currencies by the configured maps.
 */
import { ErpRefusedError } from '../port';
import type { NetSuiteClient } from './netsuite-client';
import type { NetSuiteErpOptions } from './netsuite-options';

/** A reference to a record in a NetSuite body. */
export type Ref = { id: string } | { externalId: string };

/** `'` doubled: the only escape a SuiteQL string literal needs. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Looks NetSuite's records up, remembering items (master data that does not change under a posting). */
export class NetSuiteLookups {
  private readonly items = new Map<string, string>();

  constructor(
    private readonly client: NetSuiteClient,
    private readonly options: NetSuiteErpOptions,
  ) {
    for (const [sku, id] of Object.entries(options.itemIds ?? {})) this.items.set(sku, id);
  }

  /** Item internal ids of `skus`; throws `ErpRefusedError('UNKNOWN_ITEM')` naming the SKUs NetSuite does not have. */
  async itemIds(skus: readonly string[]): Promise<Map<string, string>> {
    const missing = [...new Set(skus)].filter((sku) => !this.items.has(sku));
    if (missing.length > 0) {
      const rows = await this.client.suiteql(`SELECT id, itemid FROM item WHERE itemid IN (${missing.map(sqlString).join(', ')})`);
      for (const row of rows) if (typeof row.itemid === 'string') this.items.set(row.itemid, String(row.id));
    }
    const unknown = skus.filter((sku) => !this.items.has(sku));
    if (unknown.length > 0) throw new ErpRefusedError(`NetSuite has no item with itemid ${[...new Set(unknown)].join(', ')}`, 'UNKNOWN_ITEM');
    return new Map(skus.map((sku) => [sku, this.items.get(sku) as string]));
  }

  /** The sales order booked for our order number (its internal id and currency id), or null when NetSuite has none. */
  async salesOrder(orderNumber: string): Promise<{ id: string; currencyId: string } | null> {
    if (this.options.salesOrderLookup === 'externalId') {
      // Order names like "#1001" are not external-id characters: encoded, NetSuite finds them or answers 404.
      const order = await this.client.getRecord<{ id: string; currency?: { id?: string } }>('salesOrder', `eid:${encodeURIComponent(orderNumber)}`);
      return order ? { id: order.id, currencyId: String(order.currency?.id) } : null;
    }
    const rows = await this.client.suiteql(`SELECT id, currency FROM transaction WHERE type = 'SalesOrd' AND otherrefnum = ${sqlString(orderNumber)}`);
    if (rows.length > 1) throw new ErpRefusedError(`NetSuite has ${rows.length} sales orders with reference ${orderNumber}`, 'AMBIGUOUS_SALES_ORDER');
    return rows[0] ? { id: String(rows[0].id), currencyId: String(rows[0].currency) } : null;
  }

  /** The currency's internal id; a currency not configured is refused (a setting to add, not a retry). */
  currency(code: string): string {
    const id = this.options.currencyIds[code];
    if (!id) throw new ErpRefusedError(`no NetSuite currency configured for ${code} (currencyIds)`, 'UNMAPPED_CURRENCY');
    return id;
  }

  /** Our location → NetSuite's (the default for one not mapped). */
  location(locationId: string | null): Ref {
    return { id: (locationId !== null ? this.options.locationIds?.[locationId] : undefined) ?? this.options.defaultLocationId };
  }

  /** The customer of a standalone memo. */
  customer(customerId: string | null | undefined): Ref {
    return this.options.customerLookup === 'externalId' && customerId ? { externalId: customerId } : { id: this.options.defaultCustomerId };
  }
}
