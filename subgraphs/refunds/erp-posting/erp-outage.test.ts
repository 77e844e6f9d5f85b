import { describeErpOutage } from '../testing/erp-outage.suite';
import { netSuiteUnderTest } from '../testing/erp-fakes-under-test';

// The fault over the fake NetSuite: 500 postings through the NetSuite connector (OAuth 2.0),
// the fake down 60 s in the middle, 429 storms as the burst starts and as it comes back, and its
// concurrency limit (3 in flight, under the queue's 4) answering 429s of its own. Runs about 80 s.
// The suite is generic (the reference ERP and Business Central run it the same way); only this
// variant runs by default, to keep the test run's length reasonable.
describeErpOutage('fake NetSuite', () => netSuiteUnderTest({ concurrencyLimit: 3, latencyMs: 5 }));
