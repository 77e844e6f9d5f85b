/**
 * Pure planning for the returns mirror: which fulfillment line items a return takes its units
 * from, and which dispositions Shopify still lacks. No I/O, so every rule is unit tested.
 */
import type { MirroredDisposition, MirroredLine } from '../port';
import { ShopifyMirrorError } from './shopify-errors';
import { locationGidOf } from './shopify-ids';

/** Return statuses whose units are no longer out for return (they can be returned again). */
const RELEASED_STATUSES: ReadonlySet<string> = new Set(['CANCELED', 'DECLINED']);

/** A fulfillment line item as the mirror reads it. */
export interface FulfilledItem {
  id: string;
  quantity: number | null;
  lineItem: { id: string; sku: string | null };
}

/** A fulfillment as the mirror reads it. */
export interface FulfillmentForReturn {
  id: string;
  status: string;
  location: { id: string } | null;
  fulfillmentLineItems: { nodes: FulfilledItem[] };
}

/** An existing return's lines, for what is already out for return. */
export interface ExistingReturn {
  id: string;
  status: string;
  returnLineItems: { nodes: { quantity: number; returnReasonNote?: string | null; fulfillmentLineItem?: { id: string } | null }[] };
}

/** One line of `returnCreate`'s input. */
export interface ReturnLineInput {
  fulfillmentLineItemId: string;
  quantity: number;
}

/** What is still returnable per fulfillment line item: fulfilled units less those in returns that stand. */
function returnable(fulfillments: readonly FulfillmentForReturn[], returns: readonly ExistingReturn[]): Map<string, number> {
  const left = new Map<string, number>();
  for (const fulfillment of fulfillments) {
    if (fulfillment.status !== 'SUCCESS') continue;
    for (const item of fulfillment.fulfillmentLineItems.nodes) left.set(item.id, (left.get(item.id) ?? 0) + (item.quantity ?? 0));
  }
  for (const ret of returns) {
    if (RELEASED_STATUSES.has(ret.status)) continue;
    for (const line of ret.returnLineItems.nodes) {
      const id = line.fulfillmentLineItem?.id;
      if (id && left.has(id)) left.set(id, (left.get(id) ?? 0) - line.quantity);
    }
  }
  return left;
}

/**
 * The return's units taken from the order's fulfilled lines of each SKU, first fulfillment first.
 * Refuses (NOT_RETURNABLE) a SKU with fewer fulfilled units left than the return asks for: Shopify
 * returns only what it fulfilled.
 */
export function planReturnLines(
  lines: readonly MirroredLine[],
  fulfillments: readonly FulfillmentForReturn[],
  returns: readonly ExistingReturn[],
): ReturnLineInput[] {
  const left = returnable(fulfillments, returns);
  const items = fulfillments.filter((f) => f.status === 'SUCCESS').flatMap((f) => f.fulfillmentLineItems.nodes);
  const plan: ReturnLineInput[] = [];
  for (const line of lines) {
    let wanted = line.quantity;
    for (const item of items) {
      if (wanted === 0) break;
      if (item.lineItem.sku?.trim() !== line.sku) continue;
      const take = Math.min(wanted, left.get(item.id) ?? 0);
      if (take <= 0) continue;
      plan.push({ fulfillmentLineItemId: item.id, quantity: take });
      left.set(item.id, (left.get(item.id) ?? 0) - take);
      wanted -= take;
    }
    if (wanted > 0) throw new ShopifyMirrorError(`${wanted} unit(s) of ${line.sku} are not fulfilled and returnable on the Shopify order`, 'NOT_RETURNABLE');
  }
  return plan;
}

/** A reverse fulfillment order line item as the mirror reads it. */
export interface ReverseLineItem {
  id: string;
  totalQuantity: number;
  dispositions: { type: string; quantity: number; location: { id: string } | null }[];
  fulfillmentLineItem: { id: string; lineItem: { sku: string | null } } | null;
}

/** One input of `reverseFulfillmentOrderDispose`. */
export interface DisposeInput {
  reverseFulfillmentOrderLineItemId: string;
  quantity: number;
  dispositionType: 'RESTOCKED' | 'NOT_RESTOCKED';
  locationId?: string;
}

/** Everything `planDispositions` needs beside the target. */
export interface DispositionContext {
  items: readonly ReverseLineItem[];
  /** The Shopify location each fulfillment line item was fulfilled from (the fallback for restocking). */
  fulfilledFrom: ReadonlyMap<string, string>;
  locationPrefix: string;
}

function disposed(item: ReverseLineItem, type?: string): number {
  return item.dispositions.filter((d) => type === undefined || d.type === type).reduce((sum, d) => sum + d.quantity, 0);
}

/**
 * Where restocked units go: the graph's location when it is a Shopify one (`loc_shp_7` →
 * `gid://shopify/Location/7`); otherwise (inspected at a warehouse Shopify does not know) the
 * location the line was fulfilled from, so Shopify's stock comes back where it left.
 */
function restockLocation(disposition: MirroredDisposition, item: ReverseLineItem, context: DispositionContext): string {
  const own = locationGidOf(disposition.locationId, context.locationPrefix);
  const fallback = item.fulfillmentLineItem ? context.fulfilledFrom.get(item.fulfillmentLineItem.id) : undefined;
  const location = own ?? fallback;
  if (!location) throw new ShopifyMirrorError(`no Shopify location to restock ${disposition.sku} at (${disposition.locationId})`, 'NOT_RETURNABLE');
  return location;
}

/** The inputs for one SKU and one disposition type: the units the target has beyond what Shopify shows. */
function planType(
  disposition: MirroredDisposition,
  type: DisposeInput['dispositionType'],
  target: number,
  items: readonly ReverseLineItem[],
  room: Map<string, number>,
  context: DispositionContext,
): DisposeInput[] {
  let missing = target - items.reduce((sum, item) => sum + disposed(item, type), 0);
  const inputs: DisposeInput[] = [];
  for (const item of items) {
    if (missing <= 0) break;
    const take = Math.min(missing, room.get(item.id) ?? 0);
    if (take <= 0) continue;
    inputs.push({
      reverseFulfillmentOrderLineItemId: item.id,
      quantity: take,
      dispositionType: type,
      ...(type === 'RESTOCKED' && { locationId: restockLocation(disposition, item, context) }),
    });
    room.set(item.id, (room.get(item.id) ?? 0) - take);
    missing -= take;
  }
  if (missing > 0) throw new ShopifyMirrorError(`${missing} more unit(s) of ${disposition.sku} dispositioned than the Shopify return holds`, 'NOT_RETURNABLE');
  return inputs;
}

/**
 * The dispositions Shopify lacks to show `dispositions` (cumulative per SKU): for each SKU and
 * type, the target less what its reverse fulfillment lines already carry, placed on lines with
 * undisposed units. A target below what Shopify shows changes nothing (Shopify cannot undo a
 * disposition), so a repeat or an older call is a no-op.
 */
export function planDispositions(dispositions: readonly MirroredDisposition[], context: DispositionContext): DisposeInput[] {
  const room = new Map(context.items.map((item) => [item.id, item.totalQuantity - disposed(item)]));
  return dispositions.flatMap((disposition) => {
    const items = context.items.filter((item) => item.fulfillmentLineItem?.lineItem.sku?.trim() === disposition.sku);
    return [
      ...planType(disposition, 'RESTOCKED', disposition.restocked, items, room, context),
      ...planType(disposition, 'NOT_RESTOCKED', disposition.notRestocked, items, room, context),
    ];
  });
}
