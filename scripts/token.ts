/**
 * Prints a signed client token for the embedded default, e.g.
 *   npm run -s token -- customer
 *   npm run -s token -- store_manager --store loc_store_nyc --store loc_store_sfo --ttl 3600
 * The token is signed with the local dev key (`.data/dev-signing-keys.json`), the key `npm start`
 * verifies with. Only the token goes to stdout, so `TOKEN=$(npm run -s token -- finance)` works.
 */
import { parseArgs } from 'node:util';
import { ROLES, signClientToken, type Principal, type Role } from '../platform/auth';
import { loadOrCreateDevKeys } from '../platform/auth/dev-keys';

/** Demo tenancy per role, matching the embedded default's demo data. */
export const DEMO_CUSTOMER_ID = 'cus_demo_0001';
export const DEMO_STORE_ID = 'loc_store_nyc';
export const DEMO_PARTNER_ID = 'mkp_demo_a';
/** Default lifetime: one 12-hour shift, like `signClientToken`'s own default. */
export const DEFAULT_TTL_S = 12 * 3600;

const STORE_ROLES: readonly Role[] = ['store_associate', 'store_manager'];

/** What the command line asked for. */
export interface TokenRequest {
  role: Role;
  customerId?: string;
  storeIds: string[];
  partnerId?: string;
  ttlSeconds: number;
  keysDir: string;
}

const USAGE = `usage: npm run -s token -- <role> [--customer <id>] [--store <id> ...] [--partner <id>] [--ttl <seconds>] [--keys-dir <dir>]
roles: ${ROLES.join(', ')}`;

/** Parses the arguments; throws an Error whose message is fit to print for any misuse. */
export function parseTokenArgs(argv: string[]): TokenRequest {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      customer: { type: 'string' },
      store: { type: 'string', multiple: true },
      partner: { type: 'string' },
      ttl: { type: 'string' },
      'keys-dir': { type: 'string' },
    },
  });
  const [role, ...extra] = positionals;
  if (!role) throw new Error(`A role is required.\n${USAGE}`);
  if (extra.length) throw new Error(`Unexpected arguments: ${extra.join(' ')}\n${USAGE}`);
  if (!(ROLES as readonly string[]).includes(role)) throw new Error(`Unknown role "${role}". Roles: ${ROLES.join(', ')}`);
  const ttlSeconds = values.ttl === undefined ? DEFAULT_TTL_S : Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error(`--ttl must be a positive whole number of seconds, but got: ${values.ttl}`);
  return {
    role: role as Role,
    customerId: values.customer,
    storeIds: values.store ?? [],
    partnerId: values.partner,
    ttlSeconds,
    keysDir: values['keys-dir'] ?? '.data',
  };
}

/** The principal a token request stands for, with the demo tenancy its role needs by default. */
export function demoPrincipal(request: Omit<TokenRequest, 'ttlSeconds' | 'keysDir'>): Principal {
  const customerId = request.customerId ?? (request.role === 'customer' ? DEMO_CUSTOMER_ID : undefined);
  const partnerId = request.partnerId ?? (request.role === 'marketplace_partner' ? DEMO_PARTNER_ID : undefined);
  const storeIds = request.storeIds.length ? request.storeIds : STORE_ROLES.includes(request.role) ? [DEMO_STORE_ID] : [];
  const subject =
    customerId && request.role === 'customer'
      ? `user:${customerId}`
      : partnerId && request.role === 'marketplace_partner'
        ? `partner:${partnerId}`
        : `user:demo_${request.role}`;
  return { subject, roles: [request.role], customerId, storeIds, partnerId };
}

async function main(): Promise<void> {
  let request: TokenRequest;
  try {
    request = parseTokenArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const keys = await loadOrCreateDevKeys(request.keysDir);
  const principal = demoPrincipal(request);
  process.stdout.write(`${await signClientToken(principal, keys.privateJwk, request.ttlSeconds)}\n`);
  process.stderr.write(`# ${principal.subject} (${request.role}), valid ${request.ttlSeconds} s\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
