import { InProcessBus } from '../../../platform/events/in-process-bus';
import { ConsumerRunner, type ConsumerDefinition } from '../../../platform/events/consumer';
import type { EventDefinition } from '../../../platform/events/catalog';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { ENVELOPE_COLUMNS, envelopeOf, type OutboxEventRow } from '../../../platform/events/outbox';
import type { Db, Queryable } from '../../../platform/db';
import { newId } from '../../../platform/ids';
import { OrderRecorded, type OrderRecordedData } from '../../../contracts/events/orders';
import { ReturnAuthorized, ReturnInspected, ReturnItemsReceived } from '../../../contracts/events/returns';
import type { PaymentMethod, RefundMethod } from '../../../contracts/vocabulary';
import { SimulatedGateway } from '../../../connectors/payments/simulated/simulated-gateway';
import type { SimulatedGatewayOptions } from '../../../connectors/payments/simulated/simulated-options';
import { StoreCreditLedger } from '../../../connectors/payments/store-credit/store-credit-ledger';
import { STORE_CREDIT_PROVIDER } from '../../../connectors/payments/port';
import { refundSnapshotsConsumer } from '../consumers/snapshots';
import { returnRefundsConsumer } from '../consumers/return-refunds';
import { RefundExecutor } from '../execution/executor';
import { GatewayRouter } from '../execution/gateways';
import { SimulatedWorld } from '../execution/simulated-world';

/**
 * What the refunds tests share (not a test file): hand-built events that validate against the
 * orders and returns schemas, consumers driven directly with `receive()` (no bus, no relay), and an
 * executor over a simulated gateway kept in the test's PostgreSQL.
 */

/** Rounds of the executor a test allows before it gives up waiting for tenders to settle. */
const MAX_EXECUTOR_ROUNDS = 50;

/** A canonical envelope around `data`, validated by the consumer exactly as one from the bus. */
export function envelope<T>(definition: EventDefinition<T>, aggregateId: string, data: T, id = newId('evt')): EventEnvelope {
  return {
    id,
    type: definition.type,
    version: definition.version,
    occurredAt: new Date().toISOString(),
    source: 'refunds-test',
    correlationId: `test:${aggregateId}`,
    causationId: null,
    aggregateId,
    data,
  };
}

let sourceSeq = 0;
/** Hands one envelope to a consumer as a bus delivery would. */
export function deliver(runner: ConsumerRunner, event: EventEnvelope): Promise<void> {
  sourceSeq += 1;
  return runner.receive({ envelope: event, sourceSeq });
}

/** A consumer runner on a bus nobody publishes to: the test calls `receive()` itself. */
export function directRunner(db: Db, definition: ConsumerDefinition): ConsumerRunner {
  return new ConsumerRunner(db, new InProcessBus(), definition);
}

/** A payment of a test order: through the simulated gateway (CARD, PAYPAL) or paid back internally. */
export interface TestPayment {
  method: PaymentMethod;
  capturedMinor: number;
}

/** One line of a test order. */
export interface TestLine {
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  discountMinor?: number;
  taxMinor?: number;
}

/** An OrderRecorded payload with fresh ids; shipping and payments as given. */
export function orderData(spec: {
  lines: TestLine[];
  payments: TestPayment[];
  shippingMinor?: number;
  shippingTaxMinor?: number;
  customerId?: string;
}): OrderRecordedData {
  const lines = spec.lines.map((line) => ({
    orderLineId: newId('oli'),
    sku: line.sku,
    category: 'apparel',
    quantity: line.quantity,
    unitPriceMinor: line.unitPriceMinor,
    discountMinor: line.discountMinor ?? 0,
    taxMinor: line.taxMinor ?? 0,
    finalSale: false,
  }));
  const shippingMinor = spec.shippingMinor ?? 0;
  const shippingTaxMinor = spec.shippingTaxMinor ?? 0;
  const totalMinor = lines.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity - l.discountMinor + l.taxMinor, 0) + shippingMinor + shippingTaxMinor;
  const orderId = newId('ord');
  return {
    orderId,
    number: `T-${orderId.slice(-8)}`,
    created: true,
    channel: 'ECOMMERCE',
    storeId: null,
    marketplacePartnerId: null,
    customerId: spec.customerId ?? `cus_${orderId.slice(-8).toLowerCase()}`,
    placedAt: new Date(Date.now() - 5 * 86_400_000).toISOString(),
    deliveredAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
    currency: 'USD',
    shippingMinor,
    shippingTaxMinor,
    totalMinor,
    lines,
    payments: spec.payments.map((payment, i) => ({
      paymentId: newId('pay'),
      provider: payment.method === 'CARD' || payment.method === 'PAYPAL' ? 'simulated' : payment.method === 'CASH' ? 'internal' : STORE_CREDIT_PROVIDER,
      providerReference: `sim_${payment.method.toLowerCase()}_${orderId.slice(-10)}_${i}`,
      method: payment.method,
      capturedMinor: payment.capturedMinor,
    })),
  };
}

/** One returned line: an order line index, units and reason. */
export interface TestReturnLine {
  line: number;
  quantity: number;
  reason?: string;
  restockingFeeMinor?: number;
}

/** A return as the tests build its events. */
export interface TestReturn {
  returnId: string;
  order: OrderRecordedData;
  lines: { returnLineId: string; orderLineId: string; sku: string; quantity: number }[];
  header: {
    returnId: string;
    orderId: string;
    number: string;
    channel: 'ECOMMERCE' | 'POS';
    storeId: string | null;
    customerId: string | null;
    partnerId: string | null;
  };
}

/** ReturnAuthorized for `lines` of `order`, with a fraud outcome and value that choose the trigger. */
export function authorizedEvent(
  order: OrderRecordedData,
  lines: TestReturnLine[],
  options: { fraudOutcome?: 'APPROVE' | 'REVIEW'; valueMinor?: number; refundMethod?: RefundMethod | null } = {},
): { ret: TestReturn; event: EventEnvelope } {
  const returnId = newId('ret');
  const header = {
    returnId,
    orderId: order.orderId,
    number: `RMA-${returnId.slice(-8)}`,
    channel: 'ECOMMERCE' as const,
    storeId: null,
    customerId: order.customerId,
    partnerId: null,
  };
  const returnLines = lines.map((spec) => {
    const line = order.lines[spec.line];
    if (!line) throw new Error(`order has no line ${spec.line}`);
    return {
      returnLineId: newId('rli'),
      orderLineId: line.orderLineId,
      sku: line.sku,
      quantity: spec.quantity,
      reason: spec.reason ?? 'UNWANTED',
      netValueMinor: line.unitPriceMinor * spec.quantity,
      restockingFeeMinor: spec.restockingFeeMinor ?? 0,
    };
  });
  const valueMinor = options.valueMinor ?? returnLines.reduce((sum, l) => sum + l.netValueMinor, 0);
  const event = envelope(ReturnAuthorized, returnId, {
    ...header,
    status: 'AUTHORIZED',
    previousStatus: null,
    revision: 1,
    destinationLocationId: 'loc_wh_nj',
    refundMethod: options.refundMethod === undefined ? 'ORIGINAL_PAYMENT' : options.refundMethod,
    valueMinor,
    currency: 'USD',
    fraudOutcome: options.fraudOutcome ?? 'APPROVE',
    lines: returnLines,
  });
  return { ret: { returnId, order, lines: returnLines, header }, event };
}

/** ReturnItemsReceived of every unit of `ret` (fully received). */
export function receivedEvent(ret: TestReturn, id?: string): EventEnvelope {
  return envelope(
    ReturnItemsReceived,
    ret.returnId,
    {
      ...ret.header,
      status: 'RECEIVED',
      previousStatus: 'AUTHORIZED',
      revision: 2,
      locationId: 'loc_wh_nj',
      expectedAtLocationId: 'loc_wh_nj',
      fullyReceived: true,
      lines: ret.lines.map((line) => ({ returnLineId: line.returnLineId, sku: line.sku, quantity: line.quantity })),
    },
    id,
  );
}

/** ReturnInspected of every unit of `ret` as SELLABLE (fully inspected). */
export function inspectedEvent(ret: TestReturn): EventEnvelope {
  return envelope(ReturnInspected, ret.returnId, {
    ...ret.header,
    status: 'INSPECTED',
    previousStatus: 'RECEIVED',
    revision: 3,
    locationId: 'loc_wh_nj',
    fullyInspected: true,
    lines: ret.lines.map((line) => ({
      returnLineId: line.returnLineId,
      sku: line.sku,
      dispositions: [{ disposition: 'SELLABLE' as const, quantity: line.quantity }],
    })),
  });
}

/** The refunds pipeline of one test file: both consumers driven directly, an executor over a simulated gateway and the store-credit ledger. */
export interface RefundsRig {
  snapshots: ConsumerRunner;
  returnRefunds: ConsumerRunner;
  gateway: SimulatedGateway;
  /** The store-credit ledger store credit and gift card tenders are paid through. */
  ledger: StoreCreditLedger;
  executor: RefundExecutor;
  /** Records the order (OrderRecorded) in the refunds snapshots. */
  recordOrder(order: OrderRecordedData): Promise<void>;
  /** Authorizes a return of `lines` (ReturnAuthorized) and returns it. */
  authorize(order: OrderRecordedData, lines: TestReturnLine[], options?: Parameters<typeof authorizedEvent>[2]): Promise<TestReturn>;
  /** Runs executor rounds, cutting leases and backoffs short, until no tender of `refundIds` is PENDING or SUBMITTED. */
  settle(refundIds: readonly string[]): Promise<void>;
}

/** Builds the rig; `settlementDelayMs` 0 makes the simulated gateway settle at once. */
export function refundsRig(db: Db, options: SimulatedGatewayOptions = { settlementDelayMs: 0 }): RefundsRig {
  const gateway = new SimulatedGateway(db, options);
  const ledger = new StoreCreditLedger(db);
  const executor = new RefundExecutor(db, new GatewayRouter([new SimulatedWorld(db, gateway), ledger]));
  const rig: RefundsRig = {
    snapshots: directRunner(db, refundSnapshotsConsumer),
    returnRefunds: directRunner(db, returnRefundsConsumer),
    gateway,
    ledger,
    executor,
    recordOrder: (order) => deliver(rig.snapshots, envelope(OrderRecorded, order.orderId, order)),
    async authorize(order, lines, authorizeOptions) {
      const { ret, event } = authorizedEvent(order, lines, authorizeOptions);
      await deliver(rig.snapshots, event);
      return ret;
    },
    async settle(refundIds) {
      for (let round = 0; round < MAX_EXECUTOR_ROUNDS; round++) {
        await dueNow(db, refundIds);
        await executor.runOnce();
        const { rowCount } = await db.query(`SELECT 1 FROM refunds.refund_tenders WHERE refund_id = ANY($1) AND status IN ('PENDING', 'SUBMITTED')`, [
          refundIds,
        ]);
        if (rowCount === 0) return;
      }
      throw new Error(`tenders of ${refundIds.join(', ')} are still open after ${MAX_EXECUTOR_ROUNDS} executor rounds`);
    },
  };
  return rig;
}

/** Makes every open tender of `refundIds` due now: a test does not wait out leases and backoffs. */
export async function dueNow(db: Queryable, refundIds: readonly string[]): Promise<void> {
  await db.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() WHERE refund_id = ANY($1) AND status IN ('PENDING', 'SUBMITTED')`, [refundIds]);
}

/** Refunds of a return (or of an order). */
export async function refundsOf(
  db: Queryable,
  where: { returnId?: string; orderId?: string },
): Promise<{ id: string; status: string; amount_minor: number; trigger: string; approval_state: string }[]> {
  const { rows } = await db.query<{ id: string; status: string; amount_minor: number; trigger: string; approval_state: string }>(
    `SELECT id, status, amount_minor, trigger, approval_state FROM refunds.refunds WHERE ($1::text IS NULL OR return_id = $1) AND ($2::text IS NULL OR order_id = $2) ORDER BY created_at, id`,
    [where.returnId ?? null, where.orderId ?? null],
  );
  return rows;
}

/** Tenders of a refund, in position order. */
export async function tendersOf(db: Queryable, refundId: string) {
  const { rows } = await db.query<{
    id: string;
    method: string;
    payment_id: string | null;
    payment_reference: string | null;
    amount_minor: number;
    status: string;
    generation: number;
    provider_refund_id: string | null;
    attempts: number;
    last_error: string | null;
  }>(
    `SELECT id, method, payment_id, payment_reference, amount_minor, status, generation, provider_refund_id, attempts, last_error FROM refunds.refund_tenders WHERE refund_id = $1 ORDER BY position`,
    [refundId],
  );
  return rows;
}

/** Refunds the simulated gateway holds for a payment reference (or all, with null). */
export async function providerRefunds(db: Queryable, paymentReference: string | null = null) {
  const { rows } = await db.query<{ provider_refund_id: string; idempotency_key: string; amount_minor: number; outcome: string }>(
    `SELECT provider_refund_id, idempotency_key, amount_minor, outcome FROM payments_sim.refunds WHERE $1::text IS NULL OR payment_reference = $1 ORDER BY created_at`,
    [paymentReference],
  );
  return rows;
}

/** Events of the refunds outbox of one type, in order, as envelopes a consumer takes. */
export async function outboxEvents(db: Queryable, type: string, aggregateIds?: readonly string[]): Promise<EventEnvelope[]> {
  const { rows } = await db.query<OutboxEventRow & Record<string, unknown>>(
    `SELECT ${ENVELOPE_COLUMNS} FROM refunds.outbox
      WHERE type = $1 AND ($2::text[] IS NULL OR aggregate_id = ANY($2)) ORDER BY seq`,
    [type, aggregateIds ?? null],
  );
  return rows.map(envelopeOf);
}
