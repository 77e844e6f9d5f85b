import { createHash } from 'node:crypto';
import type { CommerceFeed, CommerceLocation, CommercePage, CommerceProduct } from '../../connectors/commerce/port';
import type { NewOrder } from '../../contracts/orders';
import type { GraphClient } from '../ingest/graph-client';
import { send, Tally, type MutationField } from '../ingest/mutations';
import { runPool } from '../ingest/pool';
import type { Progress } from '../ingest/progress';
import type { Report } from '../ingest/report';
import { readState, writeState } from '../ingest/state-file';
import { recordOrderInput } from './map-order';

/**
 * The backfill: a commerce platform's locations, products and orders read from its `CommerceFeed`
 * page by page and sent to the graph (`upsertLocation`, `upsertProduct`, `recordOrder`), in that
 * order, so orders name stores and SKUs the graph already knows. After every page the kind's
 * cursor is saved; `resume` starts each kind from its saved cursor. Each item's idempotency key
 * is a hash of (source, kind, external id, the input sent): a retry or a second run replays
 * instead of applying again, and an item the platform changed gets a new key and is applied.
 */

/** The kinds, in the order they are backfilled. */
export const BACKFILL_KINDS = ['locations', 'products', 'orders'] as const;
export type BackfillKind = (typeof BACKFILL_KINDS)[number];

/** Items read per page: the feeds' own page sizes (Shopify: 250) bound it anyway. */
export const BACKFILL_PAGE_SIZE = 100;
/** Items in flight at once, as for the import. */
export const BACKFILL_CONCURRENCY = 8;

/** What one backfill is asked to do. */
export interface BackfillOptions {
  /** The kinds to read; default all, always in `BACKFILL_KINDS` order. */
  what?: readonly BackfillKind[];
  /** Skip orders placed before this instant (the feed is still read from its cursor: it has no date filter). */
  since?: Date;
  /** Continue every kind from its saved cursor. */
  resume: boolean;
  /** The state file: each kind's cursor after its last completed page. */
  statePath: string;
  /** Failed items, one JSON line per error (`row` is the item's position in the run). */
  report: Report;
  progress: Progress;
  /** Asked between items: true stops after the items in flight (their page's cursor is not saved, so they are read again). */
  interrupted?: () => boolean;
  pageSize?: number;
}

/** The resumption point: per kind, the cursor after its last completed page. */
export interface BackfillState {
  source: string;
  cursors: Partial<Record<BackfillKind, string | null>>;
  /** Kinds read to their end. */
  done: BackfillKind[];
}

/** What a backfill did, per kind and in all. */
export interface BackfillResult {
  tallies: Record<BackfillKind, Tally>;
  /** False when interrupted before every kind was read to its end. */
  complete: boolean;
}

/** One item of a page, ready to send. */
interface Item {
  externalId: string;
  input: Record<string, unknown>;
}

/** How each kind is read and sent. */
const KIND: Record<BackfillKind, { field: MutationField; read: (feed: CommerceFeed, cursor: string | null, limit: number) => Promise<CommercePage<Item>> }> = {
  locations: { field: 'upsertLocation', read: async (feed, cursor, limit) => mapPage(await feed.locations(cursor, limit), locationItem) },
  products: {
    field: 'upsertProduct',
    read: async (feed, cursor, limit) => mapPage(await feed.products(cursor, limit), (product) => productItem(feed.source, product)),
  },
  orders: { field: 'recordOrder', read: async (feed, cursor, limit) => mapPage(await feed.changedOrders(cursor, limit), orderItem) },
};

const mapPage = <T>(page: CommercePage<T>, map: (item: T) => Item): CommercePage<Item> => ({ ...page, items: page.items.map(map) });

const locationItem = (location: CommerceLocation): Item => ({
  externalId: location.externalId,
  input: { id: location.locationId, name: location.name, kind: location.kind, city: location.city },
});

const productItem = (source: string, product: CommerceProduct): Item => ({
  externalId: product.externalId,
  input: { sku: product.sku, title: product.title, category: product.category, source, externalId: product.externalId },
});

const orderItem = (order: NewOrder): Item & { placedAt: Date } => ({ externalId: order.externalId, input: recordOrderInput(order), placedAt: order.placedAt });

/** `backfill:<kind>:<32 hex>`: platform ids (`gid://shopify/Order/1`) hold characters a key may not. */
export function backfillKey(source: string, kind: BackfillKind, item: Item): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([source, kind, item.externalId, item.input]))
    .digest('hex');
  return `backfill:${kind}:${digest.slice(0, 32)}`;
}

/** Reads `feed` into the graph; throws on a transport failure (state saved up to the last complete page). */
export async function backfill(feed: CommerceFeed, graph: GraphClient, options: BackfillOptions): Promise<BackfillResult> {
  const state = startingState(feed.source, options);
  const tallies = { locations: new Tally(), products: new Tally(), orders: new Tally() };
  const kinds = BACKFILL_KINDS.filter((kind) => (options.what ?? BACKFILL_KINDS).includes(kind));
  const stop = options.interrupted ?? (() => false);
  const counter = { position: 0 };
  options.progress.start(null);
  try {
    for (const kind of kinds) {
      if (state.done.includes(kind)) continue;
      await backfillKind(feed, graph, kind, state, { ...options, tally: tallies[kind], counter, stop });
      if (stop()) break;
    }
  } finally {
    options.progress.stop();
  }
  return { tallies, complete: kinds.every((kind) => state.done.includes(kind)) };
}

/** A fresh state, or the saved one under `resume` (refused when it belongs to another platform). */
function startingState(source: string, options: BackfillOptions): BackfillState {
  const saved = options.resume ? readState<BackfillState>(options.statePath) : null;
  if (saved && saved.source !== source) throw new Error(`${options.statePath} is the state of a ${saved.source} backfill, not ${source}`);
  return saved ?? { source, cursors: {}, done: [] };
}

type KindRun = BackfillOptions & { tally: Tally; counter: { position: number }; stop: () => boolean };

/** One kind, page by page, saving its cursor after each complete page. */
async function backfillKind(feed: CommerceFeed, graph: GraphClient, kind: BackfillKind, state: BackfillState, run: KindRun): Promise<void> {
  let cursor = state.cursors[kind] ?? null;
  for (;;) {
    const page = await KIND[kind].read(feed, cursor, run.pageSize ?? BACKFILL_PAGE_SIZE);
    run.tally.read += page.items.length;
    await sendPage(graph, feed.source, kind, page.items, run);
    // An interrupted page is read again on resume (its keys make the repeats replays), so its cursor is not saved.
    if (run.stop()) return;
    cursor = page.cursor;
    state.cursors[kind] = cursor;
    if (!page.hasMore) state.done.push(kind);
    writeState(run.statePath, state);
    if (!page.hasMore) return;
  }
}

async function sendPage(graph: GraphClient, source: string, kind: BackfillKind, items: Item[], run: KindRun): Promise<void> {
  await runPool(items, { concurrency: BACKFILL_CONCURRENCY, groupOf: (item) => item.externalId, shouldStop: run.stop }, async (item) => {
    run.counter.position += 1;
    const position = run.counter.position;
    if (run.since && 'placedAt' in item && (item.placedAt as Date) < run.since) {
      run.tally.skipped += 1;
    } else {
      const outcome = await send(graph, KIND[kind].field, item.input, backfillKey(source, kind, item), position);
      run.tally.add(outcome);
      if (outcome.status === 'failed') run.report.add(outcome.errors.map((error) => ({ ...error, kind, externalId: item.externalId })));
    }
    run.progress.increment();
  });
}
