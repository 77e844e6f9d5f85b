/**
 * The fake's gatekeeping, done the way NetSuite does it: the OAuth 2.0 token endpoint verifies the
 * client assertion (signature with the mapped certificate's public key, kid, iss, aud, scope, a
 * lifetime under an hour) and issues expiring bearer tokens; TBA requests are verified by
 * recomputing the OAuth 1.0a HMAC-SHA256 signature (independently of the client's library).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { jwtVerify, type KeyLike } from 'jose';

/** What the fake accepts for OAuth 2.0. */
export interface FakeOAuth2Config {
  clientId: string;
  certificateId: string;
  publicKey: KeyLike;
  /** Issued tokens live this long (NetSuite: 3600 s). */
  tokenLifetimeSeconds: number;
}

/** What the fake accepts for TBA. */
export interface FakeTbaConfig {
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

/** Timestamps further than this from the fake's clock are refused, as NetSuite refuses stale TBA signatures. */
const TBA_TIMESTAMP_TOLERANCE_SECONDS = 300;

/** RFC 3986 percent-encoding, as OAuth 1.0a requires. */
function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The fake's tokens and nonces. */
export class FakeNetSuiteAuth {
  private readonly tokens = new Map<string, number>();
  private readonly nonces = new Set<string>();
  /** Token requests answered with a token. */
  tokensIssued = 0;

  constructor(
    private readonly accountId: string,
    private readonly oauth2: FakeOAuth2Config | null,
    private readonly tba: FakeTbaConfig | null,
    private readonly now: () => number,
  ) {}

  /** The token URL NetSuite expects as the assertion's audience. */
  get audience(): string {
    return `https://${this.accountId.toLowerCase().replace(/_/g, '-')}.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token`;
  }

  /** Answers a token request body; `{ error }` is the OAuth error NetSuite answers with 400. */
  async issueToken(form: URLSearchParams): Promise<{ access_token: string; expires_in: string; token_type: 'Bearer' } | { error: string }> {
    if (!this.oauth2) return { error: 'unauthorized_client' };
    if (form.get('grant_type') !== 'client_credentials') return { error: 'unsupported_grant_type' };
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return { error: 'invalid_request' };
    try {
      const { payload, protectedHeader } = await jwtVerify(form.get('client_assertion') ?? '', this.oauth2.publicKey, {
        issuer: this.oauth2.clientId,
        audience: this.audience,
        currentDate: new Date(this.now()),
      });
      const scope = Array.isArray(payload.scope) ? payload.scope : String(payload.scope ?? '').split(',');
      if (protectedHeader.kid !== this.oauth2.certificateId || protectedHeader.typ !== 'JWT') return { error: 'invalid_client' };
      if (!scope.includes('rest_webservices')) return { error: 'invalid_scope' };
      if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number' || payload.exp - payload.iat > 3600) return { error: 'invalid_grant' };
    } catch {
      return { error: 'invalid_grant' };
    }
    const token = `fake_at_${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, this.now() + this.oauth2.tokenLifetimeSeconds * 1000);
    this.tokensIssued += 1;
    return { access_token: token, expires_in: String(this.oauth2.tokenLifetimeSeconds), token_type: 'Bearer' };
  }

  /** Revokes every token (NetSuite then answers 401 until a new one is fetched). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** True when the request's `Authorization` lets it in. `url` is the full URL as the client signed it. */
  verify(method: string, url: URL, authorization: string | undefined): boolean {
    if (!authorization) return false;
    if (authorization.startsWith('Bearer ')) {
      const expiresAt = this.tokens.get(authorization.slice(7));
      return expiresAt !== undefined && this.now() < expiresAt;
    }
    if (authorization.startsWith('OAuth ')) return this.verifyTba(method, url, authorization.slice(6));
    return false;
  }

  private verifyTba(method: string, url: URL, header: string): boolean {
    if (!this.tba) return false;
    const params = new Map<string, string>();
    for (const part of header.split(',')) {
      const match = /^\s*([\w]+)="([^"]*)"\s*$/.exec(part);
      if (match) params.set(match[1] as string, decodeURIComponent(match[2] as string));
    }
    const nonce = params.get('oauth_nonce') ?? '';
    const timestamp = Number(params.get('oauth_timestamp'));
    if (
      params.get('realm') !== this.accountId.toUpperCase() ||
      params.get('oauth_consumer_key') !== this.tba.consumerKey ||
      params.get('oauth_token') !== this.tba.tokenId ||
      params.get('oauth_signature_method') !== 'HMAC-SHA256' ||
      params.get('oauth_version') !== '1.0' ||
      Math.abs(timestamp - this.now() / 1000) > TBA_TIMESTAMP_TOLERANCE_SECONDS ||
      nonce === '' ||
      this.nonces.has(nonce)
    )
      return false;
    const signed: [string, string][] = [...params].filter(([k]) => k !== 'realm' && k !== 'oauth_signature');
    for (const [k, v] of url.searchParams) signed.push([k, v]);
    const parameterString = signed
      .map(([k, v]) => [percentEncode(k), percentEncode(v)])
      .sort(([a = '', x = ''], [b = '', y = '']) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const base = [method.toUpperCase(), percentEncode(`${url.origin}${url.pathname}`), percentEncode(parameterString)].join('&');
    const key = `${percentEncode(this.tba.consumerSecret)}&${percentEncode(this.tba.tokenSecret)}`;
    const expected = createHmac('sha256', key).update(base).digest('base64');
    if (expected !== params.get('oauth_signature')) return false;
    this.nonces.add(nonce);
    return true;
  }
}
