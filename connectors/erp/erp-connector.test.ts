import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { describeErpConnectorContract } from './testing/erp-connector.contract';
import { ReferenceErp } from './reference/reference-erp';
import { ThrottledErp } from './throttled-erp';
import { SharedErpLimiter } from './limiter/shared-limiter';
import { SharedThrottledErp } from './limiter/shared-throttled-erp';

/** Loose limits: the contract is about results, not pacing (throttled-erp.test.ts covers that). */
const CONTRACT_THROTTLE = { requestsPerSecond: 1_000, burst: 50, maxConcurrency: 3 };

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describeErpConnectorContract('reference ERP', () => new ReferenceErp(database.db));
describeErpConnectorContract('throttled reference ERP', () => new ThrottledErp(new ReferenceErp(database.db), CONTRACT_THROTTLE));
describeErpConnectorContract(
  'reference ERP behind the shared limiter',
  () => new SharedThrottledErp(new ReferenceErp(database.db), new SharedErpLimiter(database.db, { accountKey: 'contract', ...CONTRACT_THROTTLE })),
);
