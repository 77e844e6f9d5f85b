import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { ErpUnavailableError } from '../connectors/erp/port';
import { testCreditMemo } from '../connectors/erp/testing/erp-kit';
import { loadConfig } from './config';
import { buildConnectors } from './connectors';
import { consumerDrillFromNow, drillSettings } from './drills';
import { subgraphSettings } from './subgraphs';

describe('failure drills chosen by app/', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('are all off by default', () => {
    expect(drillSettings(loadConfig({}))).toEqual({ refunds: undefined, erpOutage: undefined, consumer: undefined });
    expect(consumerDrillFromNow(drillSettings(loadConfig({})))).toBeUndefined();
  });

  it('turn the settings into typed options, windows counted from the process start', () => {
    const drills = drillSettings(
      loadConfig({
        DRILL_REFUND_FAILURE_PERCENT: '20',
        DRILL_REFUND_TIMEOUT_PERCENT: '10',
        DRILL_ERP_DOWN_AFTER_S: '5',
        DRILL_ERP_DOWN_FOR_S: '60',
        DRILL_CONSUMER_DOWN: 'inventory.erp-sync',
        DRILL_CONSUMER_DOWN_FOR_S: '120',
      }),
    );
    expect(drills).toEqual({
      refunds: { declinePercent: 20, timeoutPercent: 10 },
      erpOutage: { downAfterMs: 5_000, downForMs: 60_000 },
      consumer: { consumer: 'inventory.erp-sync', forMs: 120_000 },
    });
    expect(consumerDrillFromNow(drills, 1_000)).toEqual({ consumer: 'inventory.erp-sync', until: 121_000 });
  });

  it('take the reference ERP down through buildConnectors, behind the shared limiter', async () => {
    const settings = subgraphSettings(loadConfig({ DRILL_ERP_DOWN_FOR_S: '60' }));
    const connectors = buildConnectors(database.db, settings.payments, [], settings.erp, settings.drills);
    await expect(connectors.erp.postCreditMemo(testCreditMemo())).rejects.toBeInstanceOf(ErpUnavailableError);
  });
});
