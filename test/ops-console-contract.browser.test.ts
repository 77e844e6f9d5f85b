import type { Browser, Page } from 'playwright-core';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { returnInStatus, type BuiltReturn } from './support/returns-kit';
import { deadLetterStatus, launchChromium, plantDeadLetter, submitToken, watchProblems } from './support/ops-console-kit';
import { FAILED_REFUND_ID, standInOperationsSchema } from './support/ops-stand-in';

/**
 * The console's KPI, exceptions and timeline views against the agreed operations schema, with
 * known answers stood in for the operations fields (test/support/ops-stand-in.ts) while sign-in,
 * the mutations behind the action buttons and their introspection go to the real gateway. The
 * end-to-end version of these checks, against the subgraphs' own fields, is
 * test/ops-console.browser.test.ts once those fields are served.
 */
let t: TestGraph;
let browser: Browser;
let page: Page;
let problems: string[];
let built: BuiltReturn;
const calls: { query: string; variables?: Record<string, unknown> }[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestGraph({ seed: false });
  built = await returnInStatus(t, t.database.db, 'AUTHORIZED');
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  problems = watchProblems(page);
  await standInOperationsSchema(page, t, built.ret.id, calls);
  await page.goto(`${t.graph.gateway.url}/ops`);
  await submitToken(page, await t.tokenFor(principals.operations()));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const view = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name });
const tile = (testId: string) => page.getByTestId(testId).locator('.value');

describe('the console against the operations schema', () => {
  it('shows the KPI tiles, the two per-day charts and inventory accuracy by state', async () => {
    await page.getByTestId('kpis').waitFor();
    expect(await tile('kpi-requested').textContent()).toBe('3');
    expect(await tile('kpi-completed').textContent()).toBe('2');
    expect(await tile('kpi-ftr').textContent()).toBe('50.0 %');
    expect(await tile('kpi-duplicates').textContent()).toBe('7');
    expect(await tile('kpi-mismatches').textContent()).toBe('3');
    expect(await tile('kpi-backlog').textContent()).toBe('4');
    expect(await page.getByTestId('kpi-backlog').locator('li').allTextContents()).toEqual(['<1h: 1', '1h-24h: 2', '1d-7d: 1', '>7d: 0']);
    expect(await page.locator('[data-testid="chart"] canvas').count()).toBe(2);
    expect(await page.getByTestId('accuracy').locator('tbody tr').allTextContents()).toEqual(['SELLABLE20019899.0 %', 'DAMAGED1010100.0 %']);
    // The window asked for ends at the start of the day after the last day shown, by day.
    const asked = calls.find((call) => call.query.startsWith('query Kpis'));
    expect(asked?.query).toContain('groupBy: DAY');
    expect(asked?.query).toContain('inventoryAccuracy { state units accurateUnits accuracyRate }');
    expect(Date.parse(String(asked?.variables?.to)) - Date.parse(String(asked?.variables?.from))).toBe(30 * 86_400_000);
  });

  it('lists a planted dead letter with its evidence and replays it through the real mutation, after which it is gone', async () => {
    const id = await plantDeadLetter(t, built.order.id);
    await view('Exceptions').click();
    const row = page.locator(`[data-testid="exception"][data-kind="DEAD_LETTER"][data-target="${id}"]`);
    await row.waitFor();
    expect(await row.locator('dd').first().textContent()).toMatch(/Invalid OrderRecorded v2 event/);
    expect(await page.getByTestId('exceptions-total').textContent()).toBe('3 open');

    await row.getByRole('button', { name: /^Replay:/ }).click();
    await row.waitFor({ state: 'detached' });
    expect(await deadLetterStatus(t, id)).toBe('REPLAYED');
    expect(await page.getByTestId('exceptions-total').textContent()).toBe('2 open');
    const replay = calls.find((call) => call.query.includes('replayReturnsDeadLetters('));
    expect(replay?.variables).toMatchObject({ input: { ids: [id] }, key: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('filters by kind and shows the userErrors or error of a refused action in its row', async () => {
    await page.getByLabel('Kind').selectOption('REFUND_FAILED');
    const row = page.locator(`[data-testid="exception"][data-target="${FAILED_REFUND_ID}"]`);
    await row.waitFor();
    // The filtered page replaces the unfiltered one: wait for it rather than count mid-render.
    await page.waitForFunction('document.querySelectorAll(\'[data-testid="exception"]\').length === 1');
    expect(await page.getByTestId('exception').count()).toBe(1);
    await row.getByRole('button', { name: /^Retry refund:/ }).click();
    await row.getByRole('alert').waitFor();
    expect(await row.getByRole('alert').textContent()).toMatch(/\S/);
    const retry = calls.find((call) => call.query.includes('retryRefund('));
    expect(retry?.variables).toMatchObject({ input: { refundId: FAILED_REFUND_ID } });
  });

  it("opens a stuck return's timeline from its Review button, hops in order", async () => {
    await page.getByLabel('Kind').selectOption('RETURN_STUCK');
    await page.getByRole('button', { name: /^Review:/ }).click();
    await page.getByTestId('timeline').waitFor();
    const names = await page.getByTestId('hop').locator('td:nth-child(4)').allTextContents();
    expect(names).toEqual(['requestReturn', 'ReturnRequested', 'stripe.refunds.create']);
    expect(await page.getByTestId('timeline').locator('caption').textContent()).toContain(built.ret.id);
  });

  it('shows one flow by correlation id', async () => {
    await page.getByLabel('Look up by').selectOption('correlation');
    await page.getByLabel('Correlation id').fill('corr-42');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByTestId('timeline').locator('caption').getByText('Flow corr-42: 3 hops').waitFor();
  });

  it('tells a finance user the pipeline is not theirs to see, without signing out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await submitToken(page, await t.tokenFor(principals.finance()));
    await view('Pipeline health').click();
    await page
      .getByRole('alert')
      .getByText(/Your role may not do this/)
      .waitFor();
    await view('KPIs').waitFor();
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
