import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { ReferenceErp } from '../reference/reference-erp';
import { describeErpConnectorContract } from '../testing/erp-connector.contract';
import { BusinessCentralErp } from './business-central-erp';
import { businessCentralOptionsFor, startBusinessCentral, type ConnectedBusinessCentral } from './testing/business-central-kit';

let database: TestDatabase;
let bc: ConnectedBusinessCentral;
beforeAll(async () => {
  database = await createTestDatabase();
  bc = await startBusinessCentral();
});
afterAll(async () => {
  await bc.close();
  await database.drop();
});

// Stock movements go to the reference ERP's ledger (BC API v2.0 cannot book them); money goes to BC.
describeErpConnectorContract(
  'business central',
  () => new BusinessCentralErp(businessCentralOptionsFor(bc.fake, { stockLedger: new ReferenceErp(database.db) })),
);
