/**
 * HTTP to one BC company: a bearer token from Entra (msal's client-credentials flow, cached by
 * msal until shortly before it expires), JSON in and out, a timeout per attempt, and BC's errors
 * turned into the port's (`bc-errors.ts`). Requests are paced (`requestLimits`) so we stay inside
 * BC's per-user limits; the one retry it makes on its own is after a 429 (BC executed nothing, so
 * any request is safe to repeat), honouring `Retry-After` up to a bound. Every other retry is the
 * caller's, since only it knows whether a step is safe to repeat.
 */
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { ErpUnavailableError } from '../port';
import { Throttle } from '../throttle';
import { bcError, BcThrottledError } from './bc-errors';
import type { ValidatedBusinessCentralOptions } from './bc-options';

/** The one scope an app-only BC token carries: every API permission granted to the app. */
export const BC_SCOPE = 'https://api.businesscentral.dynamics.com/.default';

/** An entity as BC returns it: its fields plus `@odata.etag`. */
export type BcEntity = Record<string, unknown> & { id: string; '@odata.etag': string };

/** One request. `path` is relative to the company URL (`salesCreditMemos?$filter=…`) or an absolute `@odata.nextLink`. */
export interface BcRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** The ETag read before a write; BC refuses the write with 412 when the record changed since. */
  ifMatch?: string;
}

function msalConfiguration(options: ValidatedBusinessCentralOptions): Configuration {
  const custom = options.authorityHost !== new URL('https://login.microsoftonline.com').origin;
  return {
    auth: {
      clientId: options.clientId,
      authority: options.authority,
      ...(options.clientSecret !== undefined && { clientSecret: options.clientSecret }),
      ...(options.clientCertificate && { clientCertificate: options.clientCertificate }),
      // A host msal does not know (a sovereign cloud, the fake) is trusted as named, without instance discovery.
      ...(custom && { knownAuthorities: [new URL(options.authorityHost).host] }),
      ...(options.authorityMetadata !== undefined && { authorityMetadata: options.authorityMetadata }),
    },
  };
}

/** A BC API client for one company. */
export class BcClient {
  private readonly msal: ConfidentialClientApplication;
  private readonly pace: Throttle;

  constructor(private readonly options: ValidatedBusinessCentralOptions) {
    this.msal = new ConfidentialClientApplication(msalConfiguration(options));
    this.pace = new Throttle(options.requestLimits, 'BusinessCentralErp requestLimits');
  }

  /** Sends `request` and answers its JSON body (null for 204). Throws the port's errors or `BcConcurrencyError`. */
  async send<T = unknown>(request: BcRequest): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await this.pace.run(() => this.sendOnce<T>(request));
      } catch (error) {
        const wait = error instanceof BcThrottledError ? error.retryAfterMs : undefined;
        if (wait === undefined || retry >= this.options.maxThrottleRetries || wait > this.options.maxThrottleWaitMs) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /**
   * One request; a 401 is retried once with a token fetched past msal's cache, since a cached token
   * BC refuses (revoked, or the app's permissions changed) would otherwise be reused until it expires.
   */
  private async sendOnce<T>(request: BcRequest): Promise<T> {
    const url = this.url(request.path);
    const first = await this.fetchOnce(request, url, await this.token(false));
    const response = first.status === 401 ? await this.fetchOnce(request, url, await this.token(true)) : first;
    const body = parseJson(await response.text().catch(() => ''));
    if (!response.ok) throw bcError(describe(request), response.status, body, response.headers.get('retry-after'));
    return body as T;
  }

  private async fetchOnce(request: BcRequest, url: string, token: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch;
    try {
      return await fetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new ErpUnavailableError(`Business Central ${describe(request)} did not answer: ${(error as Error).message}`);
    }
  }

  /** A token for the BC scope; msal answers from its cache while the token is fresh. */
  private async token(skipCache: boolean): Promise<string> {
    try {
      const result = await this.msal.acquireTokenByClientCredential({ scopes: [BC_SCOPE], skipCache });
      if (!result?.accessToken) throw new Error('no access token in the answer');
      return result.accessToken;
    } catch (error) {
      // A wrong secret is as much "retry after an operator fixes it" as an Entra outage: never drop the posting.
      throw new ErpUnavailableError(`Entra ID refused or failed the Business Central token request: ${(error as Error).message}`);
    }
  }

  /** The absolute URL; a nextLink must stay on our API host, so our token never goes elsewhere. */
  private url(path: string): string {
    if (!/^https?:/.test(path)) return `${this.options.companyUrl}/${path}`;
    if (new URL(path).origin !== this.options.apiOrigin) throw new ErpUnavailableError(`Business Central sent a next link off its API host: ${path}`);
    return path;
  }
}

/** `POST salesCreditMemos` for messages: the method and the entity path, without ids' query. */
function describe(request: BcRequest): string {
  const path = /^https?:/.test(request.path) ? (new URL(request.path).pathname.split('/').pop() ?? '') : (request.path.split('?')[0] ?? '');
  return `${request.method} ${path}`;
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: 'NotJson', message: text.slice(0, 200) } };
  }
}

/** A string for an OData literal: single quotes doubled, then URL-encoded. */
export function odataString(value: string): string {
  return encodeURIComponent(`'${value.replace(/'/g, "''")}'`);
}
