import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchBackfill } from './commerce-backfill';
import { lastIdOf, PLUS_BUCKET, STANDARD_BUCKET, startBenchShop, type BenchShop } from './commerce-shop';
import { benchWebhookIntake, distinctDeliveries } from './commerce-webhooks';
import { startBenchGraph } from './support';
import type { BenchSettings } from './settings';

/**
 * The Shopify commerce connector on the fake Shopify, into a graph on its own fresh database:
 * backfill throughput on Shopify Plus and on the standard plan, the bulk export read, a second
 * backfill from the saved state (`commerce-backfill.ts`), then webhook acknowledgement and intake
 * (`commerce-webhooks.ts`). Three stores, numbered apart: one per backfill plan, and the one the
 * graph's own connector reads when it applies webhooks.
 */

/** `npm run bench -- commerce [--orders <n>] [--deliveries <n>]`. */
export async function benchCommerce(settings: BenchSettings): Promise<void> {
  const shops: BenchShop[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rg-bench-commerce-'));
  try {
    const plus = await startBenchShop(PLUS_BUCKET, settings.orders);
    shops.push(plus);
    const standard = await startBenchShop(STANDARD_BUCKET, settings.orders, lastIdOf(plus.fake));
    shops.push(standard);
    const hooks = await startBenchShop(PLUS_BUCKET, distinctDeliveries(settings.deliveries), lastIdOf(standard.fake));
    shops.push(hooks);
    const bench = await startBenchGraph(settings.adminUrl, { seed: false, commerce: [hooks.connector] });
    try {
      await benchBackfill(bench, { plus, standard }, dir);
      await benchWebhookIntake(bench, hooks, settings.deliveries);
    } finally {
      await bench.close();
    }
  } finally {
    for (const shop of shops) await shop.fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
