/**
 * The two ways NetSuite lets an integration in, behind one interface: OAuth 2.0 client credentials
 * (a JWT assertion signed with our certificate's key buys a bearer token, cached until shortly before
 * it expires) and token-based authentication (every request signed with OAuth 1.0a HMAC-SHA256).
 */
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { SignJWT, importPKCS8, type KeyLike } from 'jose';
import { ErpUnavailableError } from '../port';
import type { NetSuiteOAuth2Options, NetSuiteTbaOptions } from './netsuite-options';
import { defaultApiBase } from './netsuite-options';
import { netSuiteErrorOf, parseAnswer, retryAfterMs } from './netsuite-errors';

/** Signs requests to NetSuite. */
export interface NetSuiteAuth {
  /** The `Authorization` header for one request. */
  header(method: string, url: string): Promise<string>;
  /** Forget a cached token (NetSuite answered 401): the next header fetches a new one. TBA has nothing to forget. */
  invalidate(): void;
}

/** The path of the OAuth 2.0 token endpoint. */
export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
/** Scope of the assertion: REST web services (records and SuiteQL) and nothing else. */
export const TOKEN_SCOPE = ['rest_webservices'];
/** Lifetime of the assertion: NetSuite refuses one valid for an hour or more; it is used once, at once. */
const ASSERTION_LIFETIME_SECONDS = 300;
/** A token is renewed this long before NetSuite says it expires, so no request leaves with a token about to die in flight. */
const TOKEN_RENEW_MARGIN_MS = 60_000;

/**
 * OAuth 2.0 client credentials (M2M). One token request at a time: concurrent callers share the
 * pending one instead of each spending a token request.
 */
export class OAuth2ClientCredentials implements NetSuiteAuth {
  private key: Promise<KeyLike> | null = null;
  private token: { value: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly options: NetSuiteOAuth2Options,
    private readonly tokenUrl: string,
    /** The assertion's `aud`: the token endpoint as NetSuite names it for the account (not a test's fake host). */
    private readonly audience: string,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async header(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return `Bearer ${this.token.value}`;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return `Bearer ${await this.pending}`;
  }

  invalidate(): void {
    this.token = null;
  }

  private async fetchToken(): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await this.assertion(),
    });
    let response: Response;
    try {
      response = await fetch(this.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ErpUnavailableError(`NetSuite token endpoint unreachable: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      // A refused assertion is a configuration fault, but the posting must not be dropped: retry later, loudly.
      const { message } = netSuiteErrorOf(text);
      throw new ErpUnavailableError(
        `NetSuite refused the client credentials (HTTP ${response.status}): ${message}`,
        retryAfterMs(response.headers.get('retry-after')),
      );
    }
    const answer = parseAnswer<{ access_token?: unknown; expires_in?: unknown }>('token endpoint', text);
    const expiresIn = Number(answer.expires_in);
    if (typeof answer.access_token !== 'string' || !Number.isFinite(expiresIn))
      throw new ErpUnavailableError('NetSuite token endpoint answered without access_token/expires_in');
    this.token = { value: answer.access_token, renewAt: this.now() + Math.max(0, expiresIn * 1000 - TOKEN_RENEW_MARGIN_MS) };
    return answer.access_token;
  }

  private async assertion(): Promise<string> {
    const algorithm = this.options.algorithm ?? 'PS256';
    try {
      this.key ??= importPKCS8(this.options.privateKeyPem, algorithm);
      const iat = Math.floor(this.now() / 1000);
      return await new SignJWT({ scope: TOKEN_SCOPE })
        .setProtectedHeader({ alg: algorithm, typ: 'JWT', kid: this.options.certificateId })
        .setIssuer(this.options.clientId)
        .setAudience(this.audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ASSERTION_LIFETIME_SECONDS)
        .sign(await this.key);
    } catch (error) {
      this.key = null;
      // A configuration fault: said plainly, and retried later like a refused assertion (the posting is kept).
      throw new ErpUnavailableError(`auth.privateKeyPem cannot sign ${algorithm}: ${(error as Error).message}`);
    }
  }
}

/** Token-based authentication: OAuth 1.0a with HMAC-SHA256 and the account id as realm. */
export class TokenBasedAuth implements NetSuiteAuth {
  private readonly oauth: OAuth;

  constructor(
    private readonly options: NetSuiteTbaOptions,
    accountId: string,
  ) {
    this.oauth = new OAuth({
      consumer: { key: options.consumerKey, secret: options.consumerSecret },
      signature_method: 'HMAC-SHA256',
      hash_function: (base, key) => createHmac('sha256', key).update(base).digest('base64'),
      // NetSuite wants the account id in upper case with its underscore (1234567_SB1).
      realm: accountId.toUpperCase(),
    });
  }

  async header(method: string, url: string): Promise<string> {
    const data = this.oauth.authorize({ url, method }, { key: this.options.tokenId, secret: this.options.tokenSecret });
    return this.oauth.toHeader(data).Authorization;
  }

  invalidate(): void {}
}

/** The authenticator the options choose. */
export function netSuiteAuth(
  options: NetSuiteOAuth2Options | NetSuiteTbaOptions,
  accountId: string,
  apiBase: string | undefined,
  timeoutMs: number,
  now: () => number = Date.now,
): NetSuiteAuth {
  if (options.kind === 'tba') return new TokenBasedAuth(options, accountId);
  const audience = `${defaultApiBase(accountId)}${TOKEN_PATH}`;
  return new OAuth2ClientCredentials(options, `${apiBase ?? defaultApiBase(accountId)}${TOKEN_PATH}`, audience, timeoutMs, now);
}
