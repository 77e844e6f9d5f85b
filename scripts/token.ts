/**
 * Prints a signed client token for the local signing key, e.g.
 *   npm run -s token -- customer
 *   npm run -s token -- store_manager --store loc_store_nyc --store loc_store_sfo --ttl 3600
 *   npm run -s token -- --role finance --subject alice      (four eyes: alice requests...)
 *   npm run -s token -- --role finance --subject bob        (...bob approves)
 *   npm run -s token -- --keygen --keys-dir ./trial-keys    (a key pair for a production trial; prints AUTH_PUBLIC_JWK)
 * The token is signed with `<keys-dir>/dev-signing-keys.json` (default `.data/`, the key `npm start`
 * verifies with). Only the token (or the public JWK) goes to stdout, so `TOKEN=$(npm run -s token -- finance)` works.
 */
import { parseArgs } from 'node:util';
import { ROLES, signClientToken, type Principal, type Role } from '../platform/auth';
import { createTrialKeys, loadOrCreateDevKeys } from '../platform/auth/dev-keys';

/** Demo tenancy per role, matching the embedded default's demo data. */
export const DEMO_CUSTOMER_ID = 'cus_demo_0001';
export const DEMO_STORE_ID = 'loc_store_nyc';
export const DEMO_PARTNER_ID = 'mkp_demo_a';
/** Default lifetime: one 12-hour shift, like `signClientToken`'s own default. */
export const DEFAULT_TTL_S = 12 * 3600;

const STORE_ROLES: readonly Role[] = ['store_associate', 'store_manager'];
const SUBJECT = /^[A-Za-z0-9_.:@|-]{1,200}$/;

/** What the command line asked for: a token, or (`--keygen`) a new key pair. */
export type TokenCommand = ({ kind: 'token' } & TokenRequest) | { kind: 'keygen'; keysDir: string };

/** A token to mint. */
export interface TokenRequest {
  roles: Role[];
  /** The token's `sub`; default one derived from the role and tenancy (`user:demo_finance`). */
  subject?: string;
  customerId?: string;
  storeIds: string[];
  partnerId?: string;
  ttlSeconds: number;
  keysDir: string;
  /** `iss`/`aud` when the gateway checks others than the local defaults (AUTH_ISSUER/AUTH_AUDIENCE with AUTH_PUBLIC_JWK). */
  issuer?: string;
  audience?: string;
}

const USAGE = `usage: npm run -s token -- <role> [<role> ...] [--role <role> ...] [--subject <sub>] [--customer <id>] [--store <id> ...]
                         [--partner <id>] [--ttl <seconds>] [--issuer <iss>] [--audience <aud>] [--keys-dir <dir>]
       npm run -s token -- --keygen --keys-dir <dir>
roles: ${ROLES.join(', ')}`;

/** Parses the arguments; throws an Error whose message is fit to print for any misuse. */
export function parseTokenArgs(argv: string[]): TokenCommand {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string', multiple: true },
      subject: { type: 'string' },
      customer: { type: 'string' },
      store: { type: 'string', multiple: true },
      partner: { type: 'string' },
      ttl: { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      'keys-dir': { type: 'string' },
      keygen: { type: 'boolean' },
    },
  });
  if (values.keygen) return keygenCommand(positionals.length > 0 || values.role !== undefined, values['keys-dir']);
  const names = [...positionals, ...(values.role ?? [])];
  if (!names.length) throw new Error(`A role is required.\n${USAGE}`);
  for (const name of names) {
    if (!(ROLES as readonly string[]).includes(name)) throw new Error(`Unknown role "${name}". Roles: ${ROLES.join(', ')}`);
  }
  if (values.subject !== undefined && !SUBJECT.test(values.subject)) {
    throw new Error(`--subject must be 1 to 200 of A-Z a-z 0-9 _ . : @ | -, but got: ${values.subject}`);
  }
  const ttlSeconds = values.ttl === undefined ? DEFAULT_TTL_S : Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error(`--ttl must be a positive whole number of seconds, but got: ${values.ttl}`);
  return {
    kind: 'token',
    roles: [...new Set(names)] as Role[],
    subject: values.subject,
    customerId: values.customer,
    storeIds: values.store ?? [],
    partnerId: values.partner,
    ttlSeconds,
    keysDir: values['keys-dir'] ?? '.data',
    issuer: values.issuer,
    audience: values.audience,
  };
}

function keygenCommand(withRole: boolean, keysDir: string | undefined): TokenCommand {
  if (withRole) throw new Error(`--keygen takes no role.\n${USAGE}`);
  if (!keysDir) throw new Error(`--keygen needs --keys-dir <dir>: a folder of its own, not the embedded default's .data/.\n${USAGE}`);
  return { kind: 'keygen', keysDir };
}

/** The principal a token request stands for, with the demo tenancy its roles need by default. */
export function demoPrincipal(request: Pick<TokenRequest, 'roles' | 'subject' | 'customerId' | 'storeIds' | 'partnerId'>): Principal {
  const has = (role: Role) => request.roles.includes(role);
  const customerId = request.customerId ?? (has('customer') ? DEMO_CUSTOMER_ID : undefined);
  const partnerId = request.partnerId ?? (has('marketplace_partner') ? DEMO_PARTNER_ID : undefined);
  const storeIds = request.storeIds.length ? request.storeIds : request.roles.some((role) => STORE_ROLES.includes(role)) ? [DEMO_STORE_ID] : [];
  const subject =
    request.subject ??
    (customerId && has('customer') ? `user:${customerId}` : partnerId && has('marketplace_partner') ? `partner:${partnerId}` : `user:demo_${request.roles[0]}`);
  return { subject, roles: request.roles, customerId, storeIds, partnerId };
}

async function main(): Promise<void> {
  let command: TokenCommand;
  try {
    command = parseTokenArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  if (command.kind === 'keygen') {
    const keys = await createTrialKeys(command.keysDir);
    process.stdout.write(`${JSON.stringify(keys.publicJwk)}\n`);
    process.stderr.write(`# key pair written to ${command.keysDir}/ (keep it private); the line above is AUTH_PUBLIC_JWK\n`);
    return;
  }
  const keys = await loadOrCreateDevKeys(command.keysDir);
  const principal = demoPrincipal(command);
  process.stdout.write(`${await signClientToken(principal, keys.privateJwk, command.ttlSeconds, { issuer: command.issuer, audience: command.audience })}\n`);
  process.stderr.write(`# ${principal.subject} (${command.roles.join(', ')}), valid ${command.ttlSeconds} s\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
