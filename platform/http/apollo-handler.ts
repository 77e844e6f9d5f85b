import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';

/** Largest request body accepted; a GraphQL operation with variables is far smaller. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a request body up to `MAX_BODY_BYTES` as the bytes sent (what a webhook signature is
 * computed over); a larger one is refused with an error whose `status` is 413.
 */
export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a request body up to `MAX_BODY_BYTES` as UTF-8 text; a larger one is refused with 413. */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

/**
 * Serves an Apollo Server on a plain Node `http` request. We host Apollo ourselves rather than
 * through a web framework so one port carries GraphQL, health probes and graphql-ws upgrades.
 * A caller that has already read the body (the gateway's admission control, which needs the
 * operation's type) passes it as `preRead`; otherwise the handler reads it.
 */
export function apolloHandler<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  context: (req: IncomingMessage) => Promise<TContext>,
  onResponse?: (res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse, preRead?: RequestBody) => Promise<void> {
  return async (req, res, preRead) => {
    const headers = requestHeaders(req);
    const body = preRead ?? (await readRequestBody(req));
    if (!body.ok) {
      sendJson(res, body.status, { errors: [{ message: body.message, extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body: body.value },
      context: () => context(req),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    onResponse?.(res);
    res.statusCode = response.status ?? 200;
    await writeBody(res, response.body);
  };
}

/** Node's headers as Apollo's map; a repeated header is joined with commas, as HTTP allows. */
function requestHeaders(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** A request body read for Apollo, or why it was refused with the HTTP status that says so. */
export type RequestBody = { ok: true; value: unknown } | { ok: false; status: number; message: string };

/** The body Apollo expects: parsed JSON when the content type says JSON, the raw text otherwise. */
export async function readRequestBody(req: IncomingMessage): Promise<RequestBody> {
  try {
    const text = req.method === 'POST' ? await readBody(req) : '';
    return { ok: true, value: text && (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text };
  } catch (error) {
    const status = (error as { status?: number }).status ?? 400;
    return { ok: false, status, message: status === 413 ? 'Request body too large.' : 'Request body is not valid JSON.' };
  }
}

async function writeBody(res: ServerResponse, body: HTTPGraphQLResponse['body']): Promise<void> {
  if (body.kind === 'complete') {
    res.end(body.string);
    return;
  }
  for await (const chunk of body.asyncIterator) res.write(chunk);
  res.end();
}

/** Writes a small JSON response. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}
