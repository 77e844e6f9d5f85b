import { describeErpOutage } from '../testing/erp-outage.suite';
import { netSuiteUnderTest } from '../testing/erp-fakes-under-test';

// The fault over the fake NetSuite: postings through the NetSuite connector (OAuth 2.0),
// the fake down in the middle, 429 storms as the burst starts and as it comes back, and its
// concurrency limit (3 in flight, under the queue's 4) answering 429s of its own. The suite's
// defaults are the figures (500 postings, 60 s down, storms of 20), and `npm run bench -- erp`
// measures a 1,000-memo backlog after a 60 s outage. The test run keeps each fault and shortens it:
// 120 postings; an 8 s outage, four times the queue's longest backoff (2 s), so it still backs off
// and retries through it; storms of 5 (each 429 holds every request for its Retry-After of 1 s, so
// a storm of 20 alone took 27 s). The suite is generic (the reference ERP and Business Central run it
// the same way); only this variant runs by default, to keep the test run's length reasonable.
describeErpOutage('fake NetSuite', () => netSuiteUnderTest({ concurrencyLimit: 3, latencyMs: 5 }), { postings: 120, outageMs: 8_000, stormRequests: 5 });
