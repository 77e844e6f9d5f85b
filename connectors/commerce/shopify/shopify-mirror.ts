/**
 * The `CommerceReturnsMirror` on Shopify's returns: the graph's returns shown on the Shopify order,
 * idempotent by our return id without a table of our own. The marker is the return line's
 * `returnReasonNote` (`returns_graph:<returnId>`), a free-text field of 2026-10's
 * `ReturnLineItemInput` that Shopify keeps and shows to staff; `openReturn` looks for it before
 * creating, so a retry finds the return it made.
 *
 * Money moves once: the graph pays refunds through its payment connector, so this mirror never
 * calls `refundCreate`, `returnRefund` or `returnProcess` with money; `recordRefund` writes a
 * metafield on the order instead.
 */
import { formatMinor } from '../../../platform/money';
import type { CommerceReturnsMirror, MirroredDisposition, MirroredReturn } from '../port';
import type { ShopifyClient } from './shopify-client';
import { ShopifyMirrorError } from './shopify-errors';
import { DEFAULT_LOCATION_PREFIX, toGid } from './shopify-ids';
import { SHOPIFY_SOURCE } from './shopify-order-mapping';
import {
  DISPOSE_MUTATION,
  METAFIELDS_SET_MUTATION,
  ORDER_RETURNS_QUERY,
  RETURN_CANCEL_MUTATION,
  RETURN_CLOSE_MUTATION,
  RETURN_CREATE_MUTATION,
  RETURN_QUERY,
  RETURN_STATUS_QUERY,
} from './shopify-queries';
import { planDispositions, planReturnLines, type ExistingReturn, type FulfillmentForReturn, type ReverseLineItem } from './shopify-return-plan';

/** The metafield namespace of everything the graph notes on Shopify orders. */
export const METAFIELD_NAMESPACE = 'returns_graph';

/** The marker in `returnReasonNote` that ties a Shopify return to the graph's return. */
export function returnMarker(returnId: string): string {
  return `returns_graph:${returnId}`;
}

type OpenedReturn = MirroredReturn & { externalReturnId: string };

interface OrderReturns {
  order: { id: string; returns: { nodes: ExistingReturn[] }; fulfillments: FulfillmentForReturn[] } | null;
}

interface ReturnState {
  return: {
    id: string;
    status: string;
    reverseFulfillmentOrders: { nodes: { id: string; lineItems: { nodes: ReverseLineItem[] } }[] };
    order: { id: string; fulfillments: { location: { id: string } | null; fulfillmentLineItems: { nodes: { id: string }[] } }[] };
  } | null;
}

/** Mirrors the graph's returns onto one store's orders. */
export class ShopifyReturnsMirror implements CommerceReturnsMirror {
  readonly source = SHOPIFY_SOURCE;

  constructor(
    private readonly client: ShopifyClient,
    private readonly locationPrefix: string = DEFAULT_LOCATION_PREFIX,
  ) {}

  /** The Shopify return carrying our marker, or a new one over the order's fulfilled lines of each SKU. */
  async openReturn(ret: MirroredReturn): Promise<{ externalReturnId: string }> {
    const orderId = toGid('Order', ret.orderExternalId);
    const { order } = await this.client.request<OrderReturns>(ORDER_RETURNS_QUERY, { id: orderId });
    if (!order) throw new ShopifyMirrorError(`Shopify order ${ret.orderExternalId} not found`, 'ORDER_NOT_FOUND');
    const marker = returnMarker(ret.returnId);
    const existing = order.returns.nodes.find((r) => r.returnLineItems.nodes.some((line) => line.returnReasonNote === marker));
    if (existing) return { externalReturnId: existing.id };
    const lines = planReturnLines(ret.lines, order.fulfillments, order.returns.nodes);
    const payload = await this.client.mutate<{ return: { id: string } | null }>('returnCreate', RETURN_CREATE_MUTATION, {
      input: { orderId, notifyCustomer: false, returnLineItems: lines.map((line) => ({ ...line, returnReasonNote: marker })) },
    });
    if (!payload.return) throw new ShopifyMirrorError(`returnCreate answered without a return for ${ret.returnId}`, 'RETURN_NOT_FOUND');
    return { externalReturnId: payload.return.id };
  }

  /** Disposes only what Shopify does not show yet (read first, then the difference). */
  async disposeItems(ret: OpenedReturn, dispositions: MirroredDisposition[]): Promise<void> {
    const { return: found } = await this.client.request<ReturnState>(RETURN_QUERY, { id: ret.externalReturnId });
    if (!found) throw new ShopifyMirrorError(`Shopify return ${ret.externalReturnId} not found`, 'RETURN_NOT_FOUND');
    const fulfilledFrom = new Map<string, string>();
    for (const fulfillment of found.order.fulfillments) {
      if (!fulfillment.location) continue;
      for (const item of fulfillment.fulfillmentLineItems.nodes) fulfilledFrom.set(item.id, fulfillment.location.id);
    }
    const items = found.reverseFulfillmentOrders.nodes.flatMap((rfo) => rfo.lineItems.nodes);
    const inputs = planDispositions(dispositions, { items, fulfilledFrom, locationPrefix: this.locationPrefix });
    if (inputs.length === 0) return;
    await this.client.mutate('reverseFulfillmentOrderDispose', DISPOSE_MUTATION, { inputs });
  }

  /** Closes the return unless it is closed already. */
  async closeReturn(ret: OpenedReturn): Promise<void> {
    if ((await this.statusOf(ret)) === 'CLOSED') return;
    await this.client.mutate('returnClose', RETURN_CLOSE_MUTATION, { id: ret.externalReturnId });
  }

  /** Cancels the return unless it is canceled already. */
  async cancelReturn(ret: OpenedReturn): Promise<void> {
    if ((await this.statusOf(ret)) === 'CANCELED') return;
    await this.client.mutate('returnCancel', RETURN_CANCEL_MUTATION, { id: ret.externalReturnId });
  }

  /**
   * Notes the graph's refund on the order as the metafield `returns_graph.refund_<refundId>`
   * (JSON): `metafieldsSet` upserts by owner, namespace and key, so a repeat writes the same value
   * again. No money moves.
   */
  async recordRefund(ret: OpenedReturn, refund: { refundId: string; amountMinor: number; currency: string; provider: string | null }): Promise<void> {
    const value = JSON.stringify({
      returnId: ret.returnId,
      shopifyReturnId: ret.externalReturnId,
      refundId: refund.refundId,
      amountMinor: refund.amountMinor,
      amount: formatMinor(refund.amountMinor, refund.currency),
      currency: refund.currency,
      provider: refund.provider,
    });
    await this.client.mutate('metafieldsSet', METAFIELDS_SET_MUTATION, {
      metafields: [{ ownerId: toGid('Order', ret.orderExternalId), namespace: METAFIELD_NAMESPACE, key: `refund_${refund.refundId}`, type: 'json', value }],
    });
  }

  private async statusOf(ret: OpenedReturn): Promise<string> {
    const { return: found } = await this.client.request<{ return: { status: string } | null }>(RETURN_STATUS_QUERY, { id: ret.externalReturnId });
    if (!found) throw new ShopifyMirrorError(`Shopify return ${ret.externalReturnId} not found`, 'RETURN_NOT_FOUND');
    return found.status;
  }
}
