import { z } from 'zod';
import { ROLES, type Principal, type Role } from './principal';

/**
 * Which claims of an identity provider's token carry the caller's roles and tenancy. Every
 * provider names them differently: Okta `groups` (a space-separated string or an array), Entra ID
 * `roles`, Cognito `cognito:groups`, Auth0 a namespaced claim (`https://example.com/roles`).
 */
export interface ClaimsMapping {
  /** The claim holding roles or groups: an array of names, or one space-separated string. */
  rolesClaim: string;
  /**
   * Identity provider name → our role. Absent: the claim holds our role names. Either way, names
   * that map to no role are ignored (an IdP puts every group of the user in the token).
   */
  roleMap?: ReadonlyMap<string, Role>;
  customerIdClaim: string;
  /** The claim holding store ids: an array, or one space- or comma-separated string. */
  storeIdsClaim: string;
  partnerIdClaim: string;
}

/** Today's claims, as `signClientToken` writes them: `roles`, `customer_id`, `store_ids`, `partner_id`. */
export const DEFAULT_CLAIMS_MAPPING: ClaimsMapping = {
  rolesClaim: 'roles',
  customerIdClaim: 'customer_id',
  storeIdsClaim: 'store_ids',
  partnerIdClaim: 'partner_id',
};

/** Thrown for a token whose claims describe no caller we know; the gateway answers UNAUTHENTICATED. */
export class UnmappedClaimsError extends Error {
  override readonly name = 'UnmappedClaimsError';
}

/** Parses AUTH_ROLE_MAP (`Returns-Finance=finance,Store-Managers=store_manager`); throws naming an unknown role. */
export function parseRoleMap(text: string): Map<string, Role> {
  const map = new Map<string, Role>();
  for (const pair of text.split(',')) {
    const [idpName, role] = pair.split('=');
    if (!idpName || !role || !(ROLES as readonly string[]).includes(role)) {
      throw new Error(`AUTH_ROLE_MAP: "${pair}" must map an identity provider name to one of ${ROLES.join(', ')}`);
    }
    map.set(idpName, role as Role);
  }
  return map;
}

const id = z.string().min(1).max(200);
const MAX_STORES = 500;

/**
 * The claim named `name`: the top-level claim of that exact name (Auth0's namespaced URLs and
 * Cognito's `cognito:groups` are top-level), else a dotted path into nested objects (Keycloak's
 * `realm_access.roles`).
 */
function claim(payload: Record<string, unknown>, name: string): unknown {
  if (name in payload) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** An array of strings, or a string split on `separator`; anything else is no names at all. */
function names(value: unknown, separator: RegExp): string[] {
  if (typeof value === 'string') return value.split(separator).filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function optionalId(payload: Record<string, unknown>, name: string): string | undefined {
  const value = claim(payload, name);
  if (value === undefined || value === null) return undefined;
  const parsed = id.safeParse(value);
  if (!parsed.success) throw new UnmappedClaimsError(`claim ${name} must be a string of 1 to 200 characters`);
  return parsed.data;
}

/**
 * A verified token's claims → the principal, through `mapping`. Throws `UnmappedClaimsError` for a
 * token with no subject, no known role, or tenancy claims of the wrong shape.
 */
export function principalFromMappedClaims(payload: Record<string, unknown>, mapping: ClaimsMapping = DEFAULT_CLAIMS_MAPPING): Principal {
  const subject = id.safeParse(payload.sub);
  if (!subject.success) throw new UnmappedClaimsError('the token has no subject of 1 to 200 characters');
  const roles: Role[] = [];
  for (const name of names(claim(payload, mapping.rolesClaim), /\s+/)) {
    const role = mapping.roleMap ? mapping.roleMap.get(name) : (ROLES as readonly string[]).includes(name) ? (name as Role) : undefined;
    if (role && !roles.includes(role)) roles.push(role);
  }
  if (!roles.length) throw new UnmappedClaimsError(`claim ${mapping.rolesClaim} names no role of ours`);
  const storeIds = names(claim(payload, mapping.storeIdsClaim), /[\s,]+/);
  if (storeIds.length > MAX_STORES || storeIds.some((store) => !id.safeParse(store).success)) {
    throw new UnmappedClaimsError(`claim ${mapping.storeIdsClaim} must hold at most ${MAX_STORES} ids of 1 to 200 characters`);
  }
  return {
    subject: subject.data,
    roles,
    customerId: optionalId(payload, mapping.customerIdClaim),
    storeIds: [...new Set(storeIds)],
    partnerId: optionalId(payload, mapping.partnerIdClaim),
  };
}
