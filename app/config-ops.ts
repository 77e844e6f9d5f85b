/**
 * Settings of running it for real: the identity provider that signs client tokens, telemetry
 * (metrics and traces), operations policy, and the failure drills operations rehearse with.
 */
import { z } from 'zod';
import { httpUrl, wholeNumber } from './config-values';

/** A JWT claim name: a plain name (`roles`), a namespaced URL (`https://example.com/roles`) or `cognito:groups`. */
const claimName = z.string().regex(/^[A-Za-z0-9_:/.#-]{1,200}$/, 'must be a JWT claim name (letters, digits and _ : / . # -)');

/** A share in whole percent, 0 to 100. */
const percent = wholeNumber(0, 100);

/** How client tokens are verified: the local signing key (AUTH_PUBLIC_JWK) or the identity provider's JWKS. */
export const IDENTITY_SETTINGS = {
  /**
   * The identity provider's JWKS URL (Auth0 `https://<tenant>/.well-known/jwks.json`, Okta
   * `https://<org>/oauth2/<server>/v1/keys`, Entra ID `https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys`,
   * Cognito `https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json`). When set, the
   * gateway verifies client tokens against it (keys cached, refetched on an unknown key id) instead of AUTH_PUBLIC_JWK.
   */
  AUTH_JWKS_URL: httpUrl.optional(),
  /** The `iss` client tokens must carry; required with AUTH_JWKS_URL. Default for the local key: returns-graph. */
  AUTH_ISSUER: z.string().min(1).max(500).optional(),
  /** The `aud` client tokens must carry; required with AUTH_JWKS_URL. Default for the local key: returns-graph-api. */
  AUTH_AUDIENCE: z.string().min(1).max(500).optional(),
  /** Signature algorithms accepted from the identity provider, comma separated. */
  AUTH_ALGORITHMS: z
    .string()
    .regex(/^(RS|PS|ES)(256|384|512)(,(RS|PS|ES)(256|384|512))*$/, 'must be JWS algorithms (RS256, PS256, ES256, ... ) separated by commas')
    .default('RS256,ES256'),
  /** How long fetched JWKS keys are trusted before they are fetched again, in seconds. */
  AUTH_JWKS_CACHE_MAX_AGE_S: wholeNumber(30, 86_400).default(600),
  /** The claim that carries the caller's roles (an array, or a space-separated string). */
  AUTH_ROLES_CLAIM: claimName.default('roles'),
  /**
   * How the identity provider's role or group names map to ours: `idp-name=role` pairs separated by
   * commas (`Returns-Finance=finance,Store-Managers=store_manager`). Absent: the claim holds our role names.
   */
  AUTH_ROLE_MAP: z
    .string()
    .regex(/^[^=,\s]{1,200}=[a-z_]{1,40}(,[^=,\s]{1,200}=[a-z_]{1,40})*$/, 'must be "idp-name=role" pairs separated by commas')
    .optional(),
  /** The claim that carries a customer's id (customers see only their own orders). */
  AUTH_CUSTOMER_ID_CLAIM: claimName.default('customer_id'),
  /** The claim that carries store staff's store ids (an array, or a space- or comma-separated string). */
  AUTH_STORE_IDS_CLAIM: claimName.default('store_ids'),
  /** The claim that carries a marketplace partner's id. */
  AUTH_PARTNER_ID_CLAIM: claimName.default('partner_id'),
};

/** Metrics and traces. `/metrics` is always served; traces are off unless an OTLP endpoint is set. */
export const TELEMETRY_SETTINGS = {
  /** OTLP/HTTP traces endpoint (`http://collector:4318/v1/traces`); absent means no traces are exported. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  /** The service name on spans; default `returns-graph-<service>`. */
  OTEL_SERVICE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1 to 100 of A-Z a-z 0-9 _ . -')
    .optional(),
  /** Share of new traces sampled, in percent (a trace the caller sampled stays sampled). */
  OTEL_TRACES_SAMPLE_PERCENT: percent.default(100),
};

/** When a return counts as stuck, for the exceptions queue. */
export const OPERATIONS_SETTINGS = {
  /** A return not completed this many hours after its last change is an exception. */
  RETURNS_STUCK_AFTER_HOURS: wholeNumber(1, 90 * 24).default(72),
};

/**
 * Failure drills, so operations can rehearse the failure paths on the simulated gateway and the
 * reference ERP. All off by default; they have no effect on real connectors.
 */
export const DRILL_SETTINGS = {
  /** Share of simulated refunds the simulated gateway declines, in percent. */
  DRILL_REFUND_FAILURE_PERCENT: percent.default(0),
  /** Share of simulated refund calls that time out (outcome unknown; retried with the same key), in percent. */
  DRILL_REFUND_TIMEOUT_PERCENT: percent.default(0),
  /** The reference ERP answers "unavailable" for this many seconds after start (postings queue, then drain). */
  DRILL_ERP_DOWN_FOR_S: wholeNumber(0, 24 * 3600).default(0),
  /** How long after start the ERP outage begins, in seconds. */
  DRILL_ERP_DOWN_AFTER_S: wholeNumber(0, 24 * 3600).default(0),
  /**
   * One event consumer (`<subgraph>.<consumer>`, as dead letters name it) that fails every delivery
   * for DRILL_CONSUMER_DOWN_FOR_S seconds after start, so its events dead-letter and can be replayed.
   */
  DRILL_CONSUMER_DOWN: z
    .string()
    .regex(/^[a-z]+\.[A-Za-z0-9_.-]{1,100}$/, 'must be a consumer name "<subgraph>.<consumer>"')
    .optional(),
  /** How long the drilled consumer fails, in seconds after start. */
  DRILL_CONSUMER_DOWN_FOR_S: wholeNumber(1, 24 * 3600).default(300),
};

type Requirer = (names: readonly ('AUTH_ISSUER' | 'AUTH_AUDIENCE')[], when: string) => void;

/** Cross-field rules of these settings, applied by config.ts's superRefine. */
export function requireOpsSettings(
  config: { AUTH_JWKS_URL?: string; DRILL_REFUND_FAILURE_PERCENT: number; DRILL_REFUND_TIMEOUT_PERCENT: number },
  requireAll: Requirer,
  addIssue: (path: string, message: string) => void,
): void {
  if (config.AUTH_JWKS_URL !== undefined) requireAll(['AUTH_ISSUER', 'AUTH_AUDIENCE'], 'AUTH_JWKS_URL is set');
  if (config.DRILL_REFUND_FAILURE_PERCENT + config.DRILL_REFUND_TIMEOUT_PERCENT > 100) {
    addIssue('DRILL_REFUND_TIMEOUT_PERCENT', 'together with DRILL_REFUND_FAILURE_PERCENT must be at most 100');
  }
}
