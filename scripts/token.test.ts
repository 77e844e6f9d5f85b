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
    expect(demoPrincipal({ role: 'customer', storeIds: [] })).toMatchObject({ subject: 'user:cus_demo_0001', customerId: 'cus_demo_0001' });
    expect(demoPrincipal({ role: 'store_associate', storeIds: [] }).storeIds).toEqual(['loc_store_nyc']);
    expect(demoPrincipal({ role: 'marketplace_partner', storeIds: [] })).toMatchObject({ partnerId: 'mkp_demo_a' });
    expect(demoPrincipal({ role: 'finance', storeIds: [] })).toEqual({
      subject: 'user:demo_finance',
      roles: ['finance'],
      storeIds: [],
      customerId: undefined,
      partnerId: undefined,
    });
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
