import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { newId } from '../../platform/ids';
import type { TestGraph } from './graph';
import { principals } from './principals';

/** Debian's Chromium; CI installs it (`apt-get install -y chromium`), nothing is downloaded at install. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium, as the brief for CI prescribes; fails naming the package when the browser is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: the operations console's browser test needs Debian's package (apt-get install -y chromium), or CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Page errors and console errors (CSP violations among them) seen while a test drove the page. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(`console error: ${message.text()}`);
  });
  return problems;
}

/** Text frames the page receives over WebSockets (graphql-ws), in order. */
export function watchFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (socket) =>
    socket.on('framereceived', (frame) => frames.push(typeof frame.payload === 'string' ? frame.payload : frame.payload.toString())),
  );
  return frames;
}

/** Pastes `token` into the sign-in form and submits it. */
export async function submitToken(page: Page, token: string): Promise<void> {
  await page.getByLabel('Operations or finance token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Root Query and Mutation fields of the served schema, as operations sees them. */
export async function rootFields(t: TestGraph): Promise<Set<string>> {
  const response = await t.query<{ __schema: { queryType: { fields: { name: string }[] }; mutationType: { fields: { name: string }[] } } }>(
    principals.operations(),
    `{ __schema { queryType { fields { name } } mutationType { fields { name } } } }`,
  );
  const schema = response.data?.__schema;
  if (!schema) throw new Error(`introspection failed: ${JSON.stringify(response.errors)}`);
  return new Set([...schema.queryType.fields, ...schema.mutationType.fields].map((field) => field.name));
}

/** Polls `read` until it returns a value, or fails after `timeoutMs`. */
export async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Plants a dead letter the way production gets one: `orderId`'s OrderRecorded is published again as
 * version 2, which no consumer reads, so returns' order-snapshots consumer dead-letters it at once
 * (poison). Then the "publisher's fix" is applied to the dead letter (version back to 1), so a replay
 * is handled and the letter stays gone. Resolves to the dead letter's id in the returns subgraph.
 */
export async function plantDeadLetter(t: TestGraph, orderId: string): Promise<string> {
  const eventId = newId('evt');
  const { rowCount } = await t.database.db.query(
    `INSERT INTO orders.outbox (id, type, version, source, aggregate_id, correlation_id, data)
     SELECT $1, type, 2, source, aggregate_id, 'ops-console-test', data FROM orders.outbox WHERE type = 'OrderRecorded' AND aggregate_id = $2 LIMIT 1`,
    [eventId, orderId],
  );
  if (rowCount !== 1) throw new Error(`no OrderRecorded for ${orderId} to copy`);
  t.graph.events.wake('orders');
  const id = await until(async () => {
    const { rows } = await t.database.db.query<{ id: string }>(`SELECT id::text AS id FROM returns.dead_letters WHERE event_id = $1 AND status = 'DEAD'`, [
      eventId,
    ]);
    return rows[0]?.id;
  }, `dead letter of ${eventId}`);
  await t.database.db.query(`UPDATE returns.dead_letters SET event = jsonb_set(event, '{envelope,version}', '1') WHERE id = $1`, [id]);
  return id;
}

/** The dead letter's status now. */
export async function deadLetterStatus(t: TestGraph, id: string): Promise<string | undefined> {
  const { rows } = await t.database.db.query<{ status: string }>(`SELECT status FROM returns.dead_letters WHERE id = $1`, [id]);
  return rows[0]?.status;
}
