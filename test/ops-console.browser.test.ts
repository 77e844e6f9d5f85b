import type { Browser, Page } from 'playwright-core';
import { OPS_CONSOLE_CSP } from '../app/ops-console';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { returnInStatus, type BuiltReturn } from './support/returns-kit';
import { deadLetterStatus, launchChromium, plantDeadLetter, rootFields, submitToken, until, watchFrames, watchProblems } from './support/ops-console-kit';

/**
 * The operations console (/ops) in headless Chromium against the real gateway: served with its
 * security headers, sign-in refusing bad and non-staff tokens, KPIs, pipeline health, a dead letter
 * planted and replayed, the exceptions queue, timelines, and live refresh over graphql-ws, all on
 * the graph's own operations fields (returnsKpis, exceptions, trace, returnTimeline).
 */
let t: TestGraph;
let browser: Browser;
let page: Page;
let problems: string[];
let frames: string[];
let opsUrl: string;
let built: BuiltReturn;

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestGraph({ seed: false });
  // The views below use the graph's operations fields: the served schema must have every one.
  expect([...(await rootFields(t))]).toEqual(expect.arrayContaining(['returnsKpis', 'exceptions', 'trace', 'returnTimeline']));
  opsUrl = `${t.graph.gateway.url}/ops`;
  built = await returnInStatus(t, t.database.db, 'AUTHORIZED');
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  problems = watchProblems(page);
  frames = watchFrames(page);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const view = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name });

describe('the operations console', () => {
  it('is served at /ops with a self-only CSP, nosniff and no inline script', async () => {
    const shell = await fetch(opsUrl);
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-type')).toMatch(/^text\/html/);
    expect(shell.headers.get('content-security-policy')).toBe(OPS_CONSOLE_CSP);
    expect(OPS_CONSOLE_CSP).toContain("script-src 'self'");
    expect(OPS_CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(shell.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await shell.text();
    expect(html).toContain('<script defer src="/ops/app.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const script = await fetch(`${opsUrl}/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${opsUrl}/app.css`)).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await fetch(opsUrl, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a bad token and a customer token at sign-in, keeping neither', async () => {
    await page.goto(opsUrl);
    await submitToken(page, 'not-a-token');
    await page
      .getByTestId('sign-in-error')
      .getByText(/refused this token/)
      .waitFor();

    await submitToken(page, await t.tokenFor(principals.customer()));
    await page
      .getByTestId('sign-in-error')
      .getByText(/may not use the operations console/)
      .waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    await expect(view('KPIs').count()).resolves.toBe(0);
  });

  it('signs in with an operations token and shows the KPIs', async () => {
    await submitToken(page, await t.tokenFor(principals.operations()));
    await view('KPIs').waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(1);
    await page.getByTestId('kpis').waitFor();
    // One return was requested today: the totals and the per-day chart show it.
    await page.getByTestId('kpi-requested').getByText('1', { exact: true }).waitFor();
    await page.getByTestId('accuracy').waitFor();
    expect(await page.locator('[data-testid="chart"] canvas').count()).toBe(2);
  });

  it('shows every subgraph pipeline health as the API reports it', async () => {
    await view('Pipeline health').click();
    await page.getByTestId('pipeline').waitFor();
    const api = await t.query<Record<string, { outboxPending: number; pendingRetries: number; deadLetterCount: number }>>(
      principals.operations(),
      `{ ${['orders', 'returns', 'inventory', 'refunds'].map((name) => `${name}: ${name}EventPipeline { outboxPending pendingRetries deadLetterCount }`).join(' ')} }`,
    );
    for (const name of ['orders', 'returns', 'inventory', 'refunds']) {
      const row = page.getByTestId(`pipeline-${name}`);
      expect(await row.locator('[data-field="deadLetterCount"]').textContent()).toBe(String(api.data?.[name]?.deadLetterCount));
      expect(await row.locator('[data-field="pendingRetries"]').textContent()).toBe(String(api.data?.[name]?.pendingRetries));
    }
  });

  it('replays a planted dead letter from the pipeline view, and it is gone', async () => {
    const id = await plantDeadLetter(t, built.order.id);
    await view('KPIs').click();
    await view('Pipeline health').click();
    const letter = page.locator(`[data-testid="dead-letter"][data-subgraph="returns"][data-id="${id}"]`);
    await letter.waitFor();
    await page.getByTestId('pipeline-returns').locator('[data-field="deadLetterCount"]').getByText('1', { exact: true }).waitFor();

    await letter.getByRole('button', { name: /^Replay OrderRecorded/ }).click();
    await letter.waitFor({ state: 'detached' });
    await page.getByTestId('pipeline-returns').locator('[data-field="deadLetterCount"]').getByText('0', { exact: true }).waitFor();
    expect(await deadLetterStatus(t, id)).toBe('REPLAYED');
    // The replay was handled (the fixed event applied), so it does not come back.
    await until(async () => ((await t.database.db.query(`SELECT 1 FROM returns.pending_deliveries`)).rowCount === 0 ? true : undefined), 'replay handled');
    expect(await deadLetterStatus(t, id)).toBe('REPLAYED');
  });

  it('shows a planted dead letter in the exceptions queue, replays it and sees it gone', async () => {
    const id = await plantDeadLetter(t, built.order.id);
    await view('Exceptions').click();
    await page.getByLabel('Kind').selectOption('DEAD_LETTER');
    // Dead-letter ids are per subgraph: the planted one is returns'.
    const row = page.locator(`[data-testid="exception"][data-kind="DEAD_LETTER"][data-subgraph="returns"][data-target="${id}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: /^Replay/ }).click();
    await row.waitFor({ state: 'detached' });
    expect(await deadLetterStatus(t, id)).toBe('REPLAYED');
  });

  it("looks up an order's returns by number and opens a return's timeline", async () => {
    await view('Timeline').click();
    await page.getByLabel('Look up by').selectOption('order');
    await page.getByLabel('Order number').fill(built.order.number);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('button', { name: new RegExp(`^${built.ret.number} \\(`) }).click();
    await page.getByTestId('timeline').waitFor();
    const hops = await page.getByTestId('hop').allTextContents();
    expect(hops.some((hop) => /requestReturn|ReturnRequested/.test(hop))).toBe(true);
  });

  it('refreshes when a return changes elsewhere, over the live subscription', async () => {
    await view('Pipeline health').click();
    await page.getByTestId('live-status').getByText('live', { exact: true }).waitFor();
    const before = frames.length;
    await returnInStatus(t, t.database.db, 'AUTHORIZED');
    await until(async () => (frames.slice(before).some((frame) => frame.includes('returnStatusChanged')) ? true : undefined), 'a returnStatusChanged update');
    // The update makes the open view reload its data.
    await page.waitForRequest((request) => request.url().endsWith('/graphql') && request.method() === 'POST', { timeout: 5_000 });
  });

  it('goes back to sign-in when the stored token is no longer accepted', async () => {
    await page.evaluate("sessionStorage.setItem('returns-graph.ops.token', 'expired.token.value')");
    await page.reload();
    await page
      .getByTestId('sign-in-error')
      .getByText(/refused this token/)
      .waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
