import { z } from 'zod';

/** The roles of ARCHITECTURE.md's security section. */
export const ROLES = ['customer', 'store_associate', 'store_manager', 'service_desk', 'finance', 'operations_admin', 'marketplace_partner', 'service'] as const;

export type Role = (typeof ROLES)[number];

/**
 * The verified caller. Tenancy (customer, stores, partner) always comes from here, never from
 * query arguments.
 */
export interface Principal {
  /** The token's subject: a user, a device or a service. */
  subject: string;
  roles: Role[];
  /** Set for customers: the only customer whose orders they may see. */
  customerId?: string;
  /** Set for store staff: the stores they act in. */
  storeIds: string[];
  /** Set for marketplace partners: the only partner whose orders they may see. */
  partnerId?: string;
}

/** The claims a token carries for a principal (snake case, as JWT claims usually are). */
export const principalClaims = z.object({
  sub: z.string().min(1).max(200),
  roles: z.array(z.enum(ROLES)).min(1),
  customer_id: z.string().min(1).max(200).optional(),
  store_ids: z.array(z.string().min(1).max(200)).max(500).optional(),
  partner_id: z.string().min(1).max(200).optional(),
});

export type PrincipalClaims = z.infer<typeof principalClaims>;

/** Claims → principal; throws a ZodError for claims that do not describe one. */
export function principalFromClaims(claims: unknown): Principal {
  const parsed = principalClaims.parse(claims);
  return {
    subject: parsed.sub,
    roles: parsed.roles,
    customerId: parsed.customer_id,
    storeIds: parsed.store_ids ?? [],
    partnerId: parsed.partner_id,
  };
}

/** Principal → claims, the inverse of `principalFromClaims`. */
export function claimsFromPrincipal(principal: Principal): PrincipalClaims {
  return {
    sub: principal.subject,
    roles: principal.roles,
    ...(principal.customerId ? { customer_id: principal.customerId } : {}),
    ...(principal.storeIds.length ? { store_ids: principal.storeIds } : {}),
    ...(principal.partnerId ? { partner_id: principal.partnerId } : {}),
  };
}

/** True when the principal holds any of `roles`. */
export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}
