import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { newId } from '../../../platform/ids';
import { bindWriteTx } from '../../../platform/write-path/write-tx';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { refundStatusConsumer } from '../consumers/refund-progress';

/**
 * The refund-status consumer records what the returns KPIs need from refunds' events: the refund
 * and memo milestones at the events' own times (the latest of several refunds), and one manual
 * action per kind and event (a redelivery adds nothing).
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

async function newReturn(): Promise<string> {
  const id = newId('ret');
  await database.db.query(
    `INSERT INTO returns.returns (id, order_id, status, channel, requested_at) VALUES ($1, $2, 'RECEIVED', 'ECOMMERCE', '2025-03-01T00:00:00Z')`,
    [id, newId('ord')],
  );
  return id;
}

function envelope(type: string, returnId: string, occurredAt: string, extra: Record<string, unknown> = {}): EventEnvelope {
  const refundId = newId('rfd');
  return {
    id: newId('evt'),
    type,
    version: 1,
    occurredAt,
    source: 'refunds',
    correlationId: 'corr-kpi-records',
    causationId: null,
    aggregateId: refundId,
    data: {
      refundId,
      orderId: newId('ord'),
      returnId,
      status: 'PENDING',
      revision: 1,
      amountMinor: 1000,
      currency: 'USD',
      customerId: null,
      partnerId: null,
      storeId: null,
      ...extra,
    },
  };
}

async function deliver(event: EventEnvelope): Promise<void> {
  const handler = refundStatusConsumer.handlers.find((candidate) => candidate.definition.type === event.type);
  if (!handler) throw new Error(`no handler for ${event.type}`);
  const step = await handler.accept(event).prepare(false);
  await database.db.transaction((tx) => step(bindWriteTx(tx, 'returns')));
}

const actions = async (returnId: string) =>
  (await database.db.query<{ kind: string }>(`SELECT kind FROM returns.return_manual_actions WHERE return_id = $1 ORDER BY kind`, [returnId])).rows.map(
    (row) => row.kind,
  );

it('stamps the latest refund success and memo posting at the events’ own times', async () => {
  const returnId = await newReturn();
  await deliver(envelope('RefundSucceeded', returnId, '2025-03-01T00:10:00.000Z', { status: 'SUCCEEDED', taxMinor: 0 }));
  await deliver(envelope('RefundSucceeded', returnId, '2025-03-01T00:05:00.000Z', { status: 'SUCCEEDED', taxMinor: 0 }));
  await deliver(envelope('CreditMemoPosted', returnId, '2025-03-01T00:20:00.000Z', { status: 'SUCCEEDED', erpReference: 'CM-1' }));
  const { rows } = await database.db.query<{ refund_succeeded_at: Date; memo_posted_at: Date }>(
    `SELECT refund_succeeded_at, memo_posted_at FROM returns.returns WHERE id = $1`,
    [returnId],
  );
  expect(rows[0]?.refund_succeeded_at.toISOString()).toBe('2025-03-01T00:10:00.000Z');
  expect(rows[0]?.memo_posted_at.toISOString()).toBe('2025-03-01T00:20:00.000Z');
});

it('records manual refunds, four-eyes waits, failures and required actions once each; an automatic refund is no manual action', async () => {
  const automatic = await newReturn();
  await deliver(envelope('RefundRequested', automatic, '2025-03-01T00:01:00Z', { trigger: 'RECEIPT' }));
  await deliver(envelope('RefundRequested', automatic, '2025-03-01T00:02:00Z', { trigger: 'INSPECTION', awaitingApproval: false }));
  expect(await actions(automatic)).toEqual([]);

  const touched = await newReturn();
  await deliver(envelope('RefundRequested', touched, '2025-03-01T00:01:00Z', { trigger: 'MANUAL', awaitingApproval: true }));
  const failed = envelope('RefundFailed', touched, '2025-03-01T00:02:00Z', { status: 'FAILED', reason: 'card expired' });
  await deliver(failed);
  await deliver(failed);
  await deliver(envelope('RefundRequiresAction', touched, '2025-03-01T00:03:00Z', { status: 'REQUIRES_ACTION', reason: '3DS' }));
  expect(await actions(touched)).toEqual(['MANUAL_REFUND', 'REFUND_AWAITED_APPROVAL', 'REFUND_FAILED', 'REFUND_REQUIRES_ACTION']);
});
