/**
 * SuiteQL for the fake: not a SQL engine, a matcher for exactly the three query shapes the connector
 * issues (items by itemid, a sales order by its reference, credit memos created in a window). Any
 * other query is refused with NetSuite's error body, so a changed query fails its test loudly.
 */
import { formatMinor } from '../../../../platform/money';
import { FakeNetSuiteError, type FakeNetSuiteBooks } from './fake-netsuite-books';

const LITERAL = /'((?:[^']|'')*)'/g;
const unquote = (literal: string): string => literal.replace(/''/g, "'");

const ITEMS = /^SELECT id, itemid FROM item WHERE itemid IN \((.+)\)$/;
const SALES_ORDER = /^SELECT id, currency FROM transaction WHERE type = 'SalesOrd' AND otherrefnum = '((?:[^']|'')*)'$/;
const MEMOS =
  /^SELECT t\.id, t\.tranid, t\.externalid, ABS\(t\.foreigntotal\) AS total, c\.symbol AS currency, TO_CHAR\(t\.createddate, 'YYYY-MM-DD HH24:MI:SS'\) AS createdat FROM transaction t INNER JOIN currency c ON c\.id = t\.currency WHERE t\.type = 'CustCred' AND t\.createddate >= TO_TIMESTAMP\('([\d\- :]+)', 'YYYY-MM-DD HH24:MI:SS'\) AND t\.createddate < TO_TIMESTAMP\('([\d\- :]+)', 'YYYY-MM-DD HH24:MI:SS'\) ORDER BY t\.id$/;

const utc = (text: string): number => Date.parse(`${text.replace(' ', 'T')}Z`);

/** Every row of `query` (the server pages them). SuiteQL answers numbers and ids as strings. */
export function runSuiteQl(books: FakeNetSuiteBooks, query: string): Record<string, unknown>[] {
  const items = ITEMS.exec(query);
  if (items) {
    const wanted = new Set([...(items[1] as string).matchAll(LITERAL)].map((m) => unquote(m[1] as string)));
    return [...books.items].filter(([, itemid]) => wanted.has(itemid)).map(([id, itemid]) => ({ links: [], id, itemid }));
  }
  const order = SALES_ORDER.exec(query);
  if (order) {
    const reference = unquote(order[1] as string);
    return [...books.records.values()]
      .filter((r) => r.type === 'salesOrder' && r.body.otherRefNum === reference)
      .map((r) => ({ links: [], id: r.id, currency: r.currency }));
  }
  const memos = MEMOS.exec(query);
  if (memos) {
    const from = utc(memos[1] as string);
    const to = utc(memos[2] as string);
    return [...books.records.values()]
      .filter((r) => r.type === 'creditMemo' && r.createdAt.getTime() >= from && r.createdAt.getTime() < to)
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((r) => ({
        links: [],
        id: r.id,
        tranid: r.tranId,
        externalid: r.externalId,
        total: formatMinor(r.totalCents, 'USD'),
        currency: books.currencies.get(r.currency ?? '') ?? null,
        createdat: r.createdAt.toISOString().slice(0, 19).replace('T', ' '),
      }));
  }
  throw new FakeNetSuiteError(
    400,
    'INVALID_PARAMETER',
    `Invalid search query. The fake understands only the connector's own query shapes: ${query.slice(0, 120)}`,
  );
}
