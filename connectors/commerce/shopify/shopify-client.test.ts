import { CostBudget, MIN_THROTTLE_WAIT_MS } from './shopify-cost-budget';
import { ShopifyClient } from './shopify-client';
import { ShopifyApiError } from './shopify-errors';
import { connectorOn } from './testing/connector-kit';
import { FakeShopify } from './testing/fake-shopify-server';

describe('ShopifyClient', () => {
  it('refuses bad options at construction, naming the option', () => {
    expect(() => new ShopifyClient({ storeDomain: 'https://shop', accessToken: 'shpat_x12345678' })).toThrow(/storeDomain/);
    expect(() => new ShopifyClient({ storeDomain: 'shop.myshopify.com', accessToken: '' })).toThrow(/accessToken/);
    expect(() => new ShopifyClient({ storeDomain: 'shop.myshopify.com', accessToken: 'shpat_x12345678', apiBase: 'ftp://x' })).toThrow(/apiBase/);
    expect(() => new ShopifyClient({ storeDomain: 'shop.myshopify.com', accessToken: 'shpat_x12345678', maxAttempts: 0 })).toThrow(/maxAttempts/);
  });

  it('gives up at once on a query priced over the single-query ceiling (MAX_COST_EXCEEDED)', async () => {
    const fake = await FakeShopify.start();
    try {
      const client = connectorOn(fake).client;
      const greedy = 'query { orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }';
      const error = await client.request(greedy).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ShopifyApiError);
      expect((error as ShopifyApiError).codes).toEqual(['MAX_COST_EXCEEDED']);
      expect(client.stats.waits).toEqual([]);
    } finally {
      await fake.stop();
    }
  });
});

describe('CostBudget', () => {
  const status = (currentlyAvailable: number) => ({
    requestedQueryCost: 300,
    actualQueryCost: 120,
    throttleStatus: { maximumAvailable: 1000, currentlyAvailable, restoreRate: 50 },
  });

  it('waits (cost − available) / restoreRate before a query it knows the price of', () => {
    let now = 0;
    const budget = new CostBudget(() => now);
    expect(budget.waitBefore('q')).toBe(0);
    budget.record('q', status(100));
    expect(budget.waitBefore('q')).toBe(4000);
    now = 2000;
    expect(budget.available()).toBe(200);
    expect(budget.waitBefore('q')).toBe(2000);
    now = 60_000;
    expect(budget.available()).toBe(1000);
    expect(budget.waitBefore('q')).toBe(0);
  });

  it('computes the wait after a THROTTLED answer from its cost, never less than a floor', () => {
    const budget = new CostBudget(() => 0);
    expect(budget.waitAfterThrottle(status(0))).toBe(6000);
    expect(budget.waitAfterThrottle(status(900))).toBe(MIN_THROTTLE_WAIT_MS);
    expect(budget.waitAfterThrottle(null)).toBe(1000);
  });
});
