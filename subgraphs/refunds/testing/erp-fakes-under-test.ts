/**
 * The NetSuite and Business Central fakes as ERPs under test (`ErpUnderTest`), for the outage suite
 * and the ERP bench: the real connector over the fake's HTTP, the fake's own outage and 429 storms
 * as the fault hooks, and the fake's journal as the books (exactly once, and in what order).
 */
import { startFakeNetSuiteErp } from '../../../connectors/erp/netsuite/testing';
import { startBusinessCentral } from '../../../connectors/erp/business-central/testing/business-central-kit';
import type { BusinessCentralOptions } from '../../../connectors/erp/business-central/bc-options';
import { DEFAULT_FAKE_BC_SEED } from '../../../connectors/erp/business-central/testing/fake-business-central';
import type { ErpUnderTest } from './erp-postings-kit';

/** How many times each of `refundIds` occurs in `booked` (a journal's refund ids). */
function countBookings(booked: readonly (string | null)[], refundIds: readonly string[]): Map<string, number> {
  const wanted = new Set(refundIds);
  const counts = new Map<string, number>();
  for (const id of booked) if (id !== null && wanted.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * A fake NetSuite account (OAuth 2.0 M2M by default, or TBA) limited to `concurrencyLimit` requests in
 * flight, each taking `latencyMs`, and the NetSuite connector on it. Faults: `outage(ms)` (503 with
 * Retry-After 2) and `storm429(n)` (429 REQUEST_LIMIT_EXCEEDED, Retry-After 1); its concurrency limit
 * answers 429 CONCURRENCY_LIMIT_EXCEEDED by itself. Books: credit memo bookings in its journal.
 */
export async function netSuiteUnderTest(settings: {
  concurrencyLimit: number;
  latencyMs: number;
  auth?: 'oauth2' | 'tba';
  /** Items to add beside the fake's seeded ones (a bench's SKUs). */
  skus?: readonly string[];
}): Promise<ErpUnderTest> {
  const { fake, erp } = await startFakeNetSuiteErp(settings);
  (settings.skus ?? []).forEach((sku, index) => fake.books.addItem(String(6_000 + index), sku));
  const memoBookings = () => fake.books.journal.filter((booking) => booking.type === 'creditMemo').map((booking) => booking.externalId);
  return {
    erp,
    booked: (ids) => Promise.resolve(countBookings(memoBookings(), ids)),
    bookingOrder: () => memoBookings().filter((id): id is string => id !== null),
    faults: {
      goDown: (ms) => fake.outage(ms),
      storm: (n) => fake.storm429(n),
      counts: () => ({
        refusedWhileDown: fake.requests.filter((request) => request.status === 503).length,
        tooManyRequests: fake.requests.filter((request) => request.status === 429).length,
      }),
    },
    close: () => fake.stop(),
  };
}

/**
 * A fake Business Central (`requestsPerSecond` and `maxConcurrentRequests` beyond which it answers
 * 429) and the adapter on it, paced by `erp.requestLimits` (the kit's loose test pacing when not
 * given; a bench passes production's `DEFAULT_BC_REQUEST_LIMITS`). Faults: its `outage` flag (503 on every request) and injected `throttle` faults
 * (429). Books: posted memos in its journal, by external document number (our refund id).
 */
export async function businessCentralUnderTest(settings: {
  requestsPerSecond: number;
  maxConcurrentRequests: number;
  erp?: Partial<BusinessCentralOptions>;
  /** Taxable items to add beside the fake's seeded ones (a bench's SKUs). */
  skus?: readonly string[];
}): Promise<ErpUnderTest> {
  const items = { ...DEFAULT_FAKE_BC_SEED.items, ...Object.fromEntries((settings.skus ?? []).map((sku) => [sku, 'TAXABLE'])) };
  const bc = await startBusinessCentral({
    fake: { requestsPerSecond: settings.requestsPerSecond, maxConcurrentRequests: settings.maxConcurrentRequests, seed: { items } },
    erp: settings.erp ?? {},
  });
  const posted = () => bc.fake.books.journal.map((posting) => posting.externalDocumentNumber);
  const requests = () => bc.fake.requests;
  return {
    erp: bc.erp,
    booked: (ids) => Promise.resolve(countBookings(posted(), ids)),
    bookingOrder: posted,
    faults: {
      goDown: (ms) => {
        bc.fake.outage = true;
        setTimeout(() => (bc.fake.outage = false), ms).unref();
      },
      storm: (n) => bc.fake.injectFault('throttle', { times: n }),
      counts: () => ({
        refusedWhileDown: requests().filter((request) => request.status === 503).length,
        tooManyRequests: requests().filter((request) => request.status === 429).length,
      }),
    },
    close: () => bc.close(),
  };
}
