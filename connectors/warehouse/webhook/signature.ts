import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidWarehouseWebhookError, type VerifiedWarehouseWebhook } from '../port';

/**
 * Signed warehouse webhooks. The sender signs `"<t>.<raw body>"` with HMAC-SHA256 under its own
 * secret and sends `X-Warehouse-Id: <warehouse>` and `X-Warehouse-Signature: t=<unix seconds>,v1=<hex>`
 * (several `v1=` while a secret is rotated: any one may match). A request is accepted only when a
 * signature matches, compared in constant time, and `t` is within the tolerance of our clock —
 * so a captured request cannot be replayed later, and changing `t` breaks the signature. Inside
 * the tolerance a replay carries the same message id, which the returns subgraph applies once.
 */

/** Header naming the sending warehouse (its secret verifies the signature). */
export const WAREHOUSE_ID_HEADER = 'x-warehouse-id';
/** Header carrying `t=<unix seconds>,v1=<hex hmac>`. */
export const WAREHOUSE_SIGNATURE_HEADER = 'x-warehouse-signature';
/**
 * Default tolerance between the sender's `t` and our clock: five minutes covers clock skew and a
 * sender's quick retries, and is the window in which a captured request could be replayed at all.
 */
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;
/** Shortest secret accepted: 32 characters of a random secret is 128+ bits. */
export const MIN_SECRET_LENGTH = 32;
/** Signatures per header: two while a secret rotates; more is someone guessing. */
const MAX_SIGNATURES = 4;
/** A sha256 HMAC in hex. */
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;

/** What the verifier is configured with. */
export interface WarehouseWebhookOptions {
  /** Each warehouse's signing secret, by warehouse id (`WAREHOUSE_SECRETS`); each ≥ `MIN_SECRET_LENGTH`. */
  secrets: Readonly<Record<string, string>>;
  /** Accepted distance of `t` from now, in seconds; default `DEFAULT_SIGNATURE_TOLERANCE_S`. */
  toleranceSeconds?: number;
  /** The clock in milliseconds; default `Date.now` (tests inject one). */
  now?: () => number;
}

/** The `X-Warehouse-Signature` value for `rawBody` signed at `timestamp` (unix seconds): what a sender computes. */
export function signWarehouseWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, rawBody)}`;
}

/** Verifies signed webhooks of the configured warehouses. */
export class WarehouseWebhookVerifier {
  private readonly secrets: ReadonlyMap<string, string>;
  private readonly toleranceSeconds: number;
  private readonly now: () => number;

  constructor(options: WarehouseWebhookOptions) {
    for (const [warehouseId, secret] of Object.entries(options.secrets)) {
      if (secret.length < MIN_SECRET_LENGTH) {
        throw new Error(`The webhook secret of warehouse "${warehouseId}" must be at least ${MIN_SECRET_LENGTH} characters, but has ${secret.length}.`);
      }
    }
    this.secrets = new Map(Object.entries(options.secrets));
    this.toleranceSeconds = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_S;
    this.now = options.now ?? Date.now;
  }

  /**
   * The warehouse a request came from, or `InvalidWarehouseWebhookError`. An unknown warehouse,
   * a missing or malformed header, a wrong signature and a stale timestamp are told apart only
   * in the error's `reason` (for our logs); the caller answers them all alike.
   */
  verify(rawBody: string, headers: IncomingHttpHeaders): VerifiedWarehouseWebhook {
    const warehouseId = single(headers[WAREHOUSE_ID_HEADER]);
    const parsed = parseSignatureHeader(single(headers[WAREHOUSE_SIGNATURE_HEADER]));
    const secret = warehouseId === undefined ? undefined : this.secrets.get(warehouseId);
    if (!parsed) throw new InvalidWarehouseWebhookError('malformed signature header');
    // Computed even for an unknown warehouse, so its answer takes as long as a wrong signature's.
    const expected = Buffer.from(hmac(secret ?? 'unknown-warehouse', parsed.timestamp, rawBody), 'hex');
    const matches = parsed.signatures.some((candidate) => timingSafeEqual(Buffer.from(candidate, 'hex'), expected));
    if (!secret || warehouseId === undefined) throw new InvalidWarehouseWebhookError('unknown warehouse');
    if (!matches) throw new InvalidWarehouseWebhookError('signature mismatch');
    if (Math.abs(this.now() / 1000 - parsed.timestamp) > this.toleranceSeconds) throw new InvalidWarehouseWebhookError('timestamp outside tolerance');
    return { warehouseId };
  }
}

function hmac(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/** `t=<digits>,v1=<hex>[,v1=<hex>]`; anything else (other schemes are ignored) → null. */
function parseSignatureHeader(header: string | undefined): { timestamp: number; signatures: string[] } | null {
  if (!header || header.length > 600) return null;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && SIGNATURE_PATTERN.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0 || signatures.length > MAX_SIGNATURES) return null;
  return { timestamp, signatures };
}
