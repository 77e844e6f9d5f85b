/** The fake NetSuite and its kit, for tests and benchmarks (`startFakeNetSuiteErp`). */
export { FakeNetSuite, FAKE_NETSUITE_ACCOUNT, type FakeNetSuiteOptions, type FakeNetSuiteRequest } from './fake-netsuite-server';
export { FakeNetSuiteBooks, type FakeBooking, type FakeRecord, type FakeSalesOrder } from './fake-netsuite-books';
export { FAKE_IDS, startFakeNetSuite, startFakeNetSuiteErp, type FakeNetSuiteKit } from './connector-kit';
