/**
 * The fake's OData routes under `companies(<id>)/`: customers and items (read), sales credit
 * memos and their lines (read, create, update, delete), and the bound action
 * `Microsoft.NAV.post`. Writes to an existing record need `If-Match` with its current ETag.
 */
import { FakeBcError, type FakeBcBooks, type FakeBcMemo } from './fake-bc-books';
import { matches, parseFilter } from './fake-bc-odata';

/** A request as the routes see it. */
export interface FakeApiRequest {
  method: string;
  /** Path segments after `companies(<id>)`, e.g. `['salesCreditMemos(…)', 'salesCreditMemoLines']`. */
  segments: string[];
  searchParams: URLSearchParams;
  body: string;
  ifMatch: string | null;
  /** The absolute URL of the request without its query, for next links. */
  url: string;
}

/** A status and a JSON body (null: no content). */
export interface FakeApiAnswer {
  status: number;
  body: unknown;
}

const MISSING_IF_MATCH = 'Could not validate the client concurrency token required by the service. Please provide a valid If-Match HTTP header.';

function requireEtag(request: FakeApiRequest, current: string): void {
  if (request.ifMatch === null) throw new FakeBcError(400, 'BadRequest', MISSING_IF_MATCH);
  if (request.ifMatch !== '*' && request.ifMatch !== current) {
    throw new FakeBcError(412, 'Request_EntityChanged', 'Another user has already changed the record.');
  }
}

function jsonBody(request: FakeApiRequest): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(request.body || '{}');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to BC's answer
  }
  throw new FakeBcError(400, 'BadRequest', 'The request body is not a JSON object.');
}

/** One page of `records` after `$filter`, with an absolute `@odata.nextLink` (as BC sends) when more remain. */
function page(request: FakeApiRequest, records: Array<Record<string, unknown>>, pageSize: number): FakeApiAnswer {
  const filtered = records.filter((r) => matches(r, parseFilter(request.searchParams.get('$filter'))));
  const skip = Number(request.searchParams.get('$skiptoken') ?? 0);
  const body: Record<string, unknown> = { value: filtered.slice(skip, skip + pageSize) };
  if (skip + pageSize < filtered.length) {
    const params = new URLSearchParams(request.searchParams);
    params.set('$skiptoken', String(skip + pageSize));
    body['@odata.nextLink'] = `${request.url}?${params.toString()}`;
  }
  return { status: 200, body };
}

/** Routes one API request. */
export function routeApi(books: FakeBcBooks, request: FakeApiRequest, pageSize: number): FakeApiAnswer {
  const [collection = '', child, action] = request.segments;
  if (collection === 'customers' && request.method === 'GET') {
    return page(
      request,
      books.seed.customers.flatMap((n) => books.customer(n) ?? []),
      pageSize,
    );
  }
  if (collection === 'items' && request.method === 'GET') {
    return page(
      request,
      Object.keys(books.seed.items).flatMap((n) => books.item(n) ?? []),
      pageSize,
    );
  }
  if (collection === 'salesCreditMemos') {
    if (request.method === 'GET')
      return page(
        request,
        [...books.memos.values()].map((m) => books.memoJson(m)),
        pageSize,
      );
    if (request.method === 'POST') return { status: 201, body: books.memoJson(books.createMemo(jsonBody(request))) };
  }
  const memoId = /^salesCreditMemos\(([^)]+)\)$/.exec(collection)?.[1];
  if (memoId === undefined) throw new FakeBcError(404, 'BadRequest_NotFound', `The request URI ${collection} is not valid.`);
  if (child === undefined) return memoRoute(books, request, memoId);
  if (child === 'Microsoft.NAV.post' && request.method === 'POST') {
    const memo = books.draft(memoId);
    requireEtag(request, books.memoEtag(memo));
    books.post(memo);
    return { status: 204, body: null };
  }
  if (child === 'salesCreditMemoLines') return lineCollectionRoute(books, request, books.memo(memoId), pageSize);
  const lineId = /^salesCreditMemoLines\(([^)]+)\)$/.exec(child)?.[1];
  if (lineId === undefined || action !== undefined) throw new FakeBcError(404, 'BadRequest_NotFound', `The request URI ${child} is not valid.`);
  return lineRoute(books, request, books.memo(memoId), lineId);
}

function memoRoute(books: FakeBcBooks, request: FakeApiRequest, memoId: string): FakeApiAnswer {
  if (request.method === 'GET') return { status: 200, body: books.memoJson(books.memo(memoId)) };
  const memo = books.draft(memoId);
  requireEtag(request, books.memoEtag(memo));
  if (request.method === 'PATCH') {
    books.updateMemo(memo, jsonBody(request));
    return { status: 200, body: books.memoJson(memo) };
  }
  if (request.method === 'DELETE') {
    books.memos.delete(memo.id);
    return { status: 204, body: null };
  }
  throw new FakeBcError(405, 'BadRequest_MethodNotAllowed', `${request.method} is not allowed here.`);
}

function lineCollectionRoute(books: FakeBcBooks, request: FakeApiRequest, memo: FakeBcMemo, pageSize: number): FakeApiAnswer {
  if (request.method === 'GET')
    return page(
      request,
      memo.lines.map((l) => books.lineJson(memo, l)),
      pageSize,
    );
  if (request.method !== 'POST') throw new FakeBcError(405, 'BadRequest_MethodNotAllowed', `${request.method} is not allowed here.`);
  const draft = books.draft(memo.id);
  return { status: 201, body: books.lineJson(draft, books.addLine(draft, jsonBody(request))) };
}

function lineRoute(books: FakeBcBooks, request: FakeApiRequest, memo: FakeBcMemo, lineId: string): FakeApiAnswer {
  const line = books.line(memo, lineId);
  if (request.method === 'GET') return { status: 200, body: books.lineJson(memo, line) };
  books.draft(memo.id);
  requireEtag(request, books.lineEtag(line));
  if (request.method === 'PATCH') {
    books.updateLine(memo, line, jsonBody(request));
    return { status: 200, body: books.lineJson(memo, line) };
  }
  if (request.method === 'DELETE') {
    books.deleteLine(memo, line);
    return { status: 204, body: null };
  }
  throw new FakeBcError(405, 'BadRequest_MethodNotAllowed', `${request.method} is not allowed here.`);
}
