import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { runInScope } from '../context';
import { defineEvent } from '../events/catalog';
import { writeTransaction } from './write-tx';

const GadgetCounted = defineEvent('GadgetCounted', 1, z.object({ count: z.number().int().min(0) }));

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('WriteTx', () => {
  it('emits into the bound subgraph’s outbox, as its source, with the request’s correlation id', async () => {
    const envelope = await runInScope({ correlationId: 'corr-write-tx-1' }, () =>
      writeTransaction(database.db, 'inventory', (tx) => tx.emit(GadgetCounted, 'agg-1', { count: 2 }, { causationId: 'evt_cause' })),
    );
    expect(envelope).toMatchObject({
      type: 'GadgetCounted',
      source: 'inventory',
      correlationId: 'corr-write-tx-1',
      causationId: 'evt_cause',
      aggregateId: 'agg-1',
      data: { count: 2 },
    });
    const { rows } = await database.db.query(`SELECT source FROM inventory.outbox WHERE id = $1`, [envelope.id]);
    expect(rows).toEqual([{ source: 'inventory' }]);
    expect((await database.db.query(`SELECT 1 FROM refunds.outbox WHERE id = $1`, [envelope.id])).rowCount).toBe(0);
  });

  it('audits into the bound subgraph’s log with the actor, its roles and the correlation id, in the same transaction', async () => {
    const principal = { subject: 'ops-1', roles: ['operations_admin' as const] };
    await runInScope({ correlationId: 'corr-write-tx-2' }, () =>
      writeTransaction(database.db, 'refunds', (tx) => tx.audit({ principal, action: 'retryRefund', target: 'rfd_1', details: { why: 'test' } })),
    );
    const { rows } = await database.db.query(`SELECT actor, roles, action, target, details, correlation_id FROM refunds.audit_log WHERE correlation_id = $1`, [
      'corr-write-tx-2',
    ]);
    expect(rows).toEqual([
      { actor: 'ops-1', roles: ['operations_admin'], action: 'retryRefund', target: 'rfd_1', details: { why: 'test' }, correlation_id: 'corr-write-tx-2' },
    ]);

    const failed = runInScope({ correlationId: 'corr-write-tx-3' }, () =>
      writeTransaction(database.db, 'refunds', async (tx) => {
        await tx.audit({ principal, action: 'retryRefund', target: 'rfd_2', details: {} });
        throw new Error('the action failed');
      }),
    );
    await expect(failed).rejects.toThrow('the action failed');
    expect((await database.db.query(`SELECT 1 FROM refunds.audit_log WHERE correlation_id = $1`, ['corr-write-tx-3'])).rowCount).toBe(0);
  });
});
