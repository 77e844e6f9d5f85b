import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ClientTokenVerifier } from '../platform/auth';
import { DEV_KEYS_FILE, loadOrCreateDevKeys } from '../platform/auth/dev-keys';
import { demoPrincipal, parseTokenArgs } from './token';

const run = promisify(execFile);
const root = join(__dirname, '..');
const tsx = join(root, 'node_modules/.bin/tsx');

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rg-dev-keys-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run token', () => {
  it('prints a token that verifies with the dev public key', async () => {
    const { stdout } = await run(tsx, ['scripts/token.ts', 'store_manager', '--store', 'loc_a', '--store', 'loc_b', '--ttl', '600', '--keys-dir', dir], {
      cwd: root,
    });
    const keys = await loadOrCreateDevKeys(dir);
    const verifier = await ClientTokenVerifier.fromPublicJwk(keys.publicJwk);
    const { principal, expiresAt } = await verifier.verify(stdout.trim());
    expect(principal).toMatchObject({ roles: ['store_manager'], storeIds: ['loc_a', 'loc_b'] });
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(600_000);
    expect((await stat(join(dir, DEV_KEYS_FILE))).mode & 0o777).toBe(0o600);
  });

  it('exits 1 and lists the roles for an unknown role', async () => {
    const failure = await run(tsx, ['scripts/token.ts', 'wizard', '--keys-dir', dir], { cwd: root }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('Unknown role "wizard". Roles: customer, store_associate');
  });

  it('refuses a ttl that is not a positive whole number', () => {
    expect(() => parseTokenArgs(['finance', '--ttl', '1.5'])).toThrow(/--ttl must be a positive whole number of seconds, but got: 1.5/);
  });

  it('gives each role its demo tenancy by default', () => {
    expect(demoPrincipal({ roles: ['customer'], storeIds: [] })).toMatchObject({ subject: 'user:cus_demo_0001', customerId: 'cus_demo_0001' });
    expect(demoPrincipal({ roles: ['store_associate'], storeIds: [] }).storeIds).toEqual(['loc_store_nyc']);
    expect(demoPrincipal({ roles: ['marketplace_partner'], storeIds: [] })).toMatchObject({ partnerId: 'mkp_demo_a' });
    expect(demoPrincipal({ roles: ['finance'], storeIds: [] })).toEqual({
      subject: 'user:demo_finance',
      roles: ['finance'],
      storeIds: [],
      customerId: undefined,
      partnerId: undefined,
    });
  });
});

describe('parseTokenArgs', () => {
  it("keeps today's usage: one positional role and its scope options", () => {
    expect(parseTokenArgs(['store_manager', '--store', 'loc_a', '--ttl', '60'])).toEqual({
      kind: 'token',
      roles: ['store_manager'],
      subject: undefined,
      customerId: undefined,
      storeIds: ['loc_a'],
      partnerId: undefined,
      ttlSeconds: 60,
      keysDir: '.data',
      issuer: undefined,
      audience: undefined,
    });
  });

  it('takes any subject and several roles, positional or --role (two finance people for four eyes)', () => {
    expect(parseTokenArgs(['--role', 'finance', '--subject', 'alice'])).toMatchObject({ roles: ['finance'], subject: 'alice' });
    expect(parseTokenArgs(['finance', '--role', 'service_desk', '--role', 'finance', '--subject', 'bob@example.com'])).toMatchObject({
      roles: ['finance', 'service_desk'],
      subject: 'bob@example.com',
    });
    const alice = demoPrincipal(parseTokenArgs(['--role', 'finance', '--subject', 'alice']) as Parameters<typeof demoPrincipal>[0]);
    expect(alice).toMatchObject({ subject: 'alice', roles: ['finance'] });
  });

  it('takes the scope of several roles at once, and issuer/audience for a gateway that checks others', () => {
    const request = parseTokenArgs(['customer', 'store_associate', '--customer', 'cus_9', '--issuer', 'https://trial/', '--audience', 'trial-api']);
    expect(request).toMatchObject({ issuer: 'https://trial/', audience: 'trial-api' });
    expect(demoPrincipal(request as Parameters<typeof demoPrincipal>[0])).toMatchObject({
      subject: 'user:cus_9',
      customerId: 'cus_9',
      storeIds: ['loc_store_nyc'],
    });
  });

  it('refuses an unknown role among several, a bad subject, and --keygen without a folder or with a role', () => {
    expect(() => parseTokenArgs(['finance', '--role', 'wizard'])).toThrow(/Unknown role "wizard"/);
    expect(() => parseTokenArgs(['finance', '--subject', 'has space'])).toThrow(/--subject must be/);
    expect(() => parseTokenArgs([])).toThrow(/A role is required/);
    expect(() => parseTokenArgs(['--keygen'])).toThrow(/--keygen needs --keys-dir/);
    expect(() => parseTokenArgs(['--keygen', 'finance', '--keys-dir', 'k'])).toThrow(/--keygen takes no role/);
    expect(parseTokenArgs(['--keygen', '--keys-dir', 'k'])).toEqual({ kind: 'keygen', keysDir: 'k' });
  });
});

describe('npm run token -- --keygen', () => {
  it('writes a key pair, prints AUTH_PUBLIC_JWK, and tokens minted with it verify against that JWK only', async () => {
    const keysDir = join(dir, 'trial');
    const { stdout } = await run(tsx, ['scripts/token.ts', '--keygen', '--keys-dir', keysDir], { cwd: root });
    const publicJwk = JSON.parse(stdout) as { kty: string; kid: string; d?: string };
    expect(publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(publicJwk.d).toBeUndefined();
    const token = (await run(tsx, ['scripts/token.ts', '--role', 'finance', '--subject', 'alice', '--keys-dir', keysDir], { cwd: root })).stdout.trim();
    const { principal } = await (await ClientTokenVerifier.fromPublicJwk(publicJwk)).verify(token);
    expect(principal).toMatchObject({ subject: 'alice', roles: ['finance'] });
    const again = await run(tsx, ['scripts/token.ts', '--keygen', '--keys-dir', keysDir], { cwd: root }).catch((error: unknown) => error);
    expect(again).toMatchObject({ code: 1 });
    expect((again as { stderr: string }).stderr).toContain('already exists');
  });
});

describe('loadOrCreateDevKeys', () => {
  it('keeps one key pair across calls, even when two callers race on a fresh directory', async () => {
    const fresh = join(dir, 'race');
    const [a, b] = await Promise.all([loadOrCreateDevKeys(fresh), loadOrCreateDevKeys(fresh)]);
    expect(a.publicJwk).toEqual(b.publicJwk);
    expect((await loadOrCreateDevKeys(fresh)).publicJwk).toEqual(a.publicJwk);
  });
});
