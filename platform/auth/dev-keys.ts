import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { generateSigningKeys, type SigningKeys } from './tokens';

/** The file, inside the data directory, holding the embedded default's client-token key pair. */
export const DEV_KEYS_FILE = 'dev-signing-keys.json';
/** Owner read/write only: the private key signs tokens for any role, including operations admin. */
const KEY_FILE_MODE = 0o600;

const jwk = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string().min(1), y: z.string().min(1) }).loose();
const storedKeys = z.object({
  privateJwk: jwk.extend({ d: z.string().min(1) }),
  publicJwk: jwk,
});

/**
 * The embedded default's local signing key: read from `<dir>/dev-signing-keys.json`, or generated
 * and stored there (mode 0600) on first use, so `npm start` (which verifies) and `npm run token`
 * (which signs) agree across restarts. For development only; production passes a public key in
 * configuration and never holds the private one.
 */
export async function loadOrCreateDevKeys(dir = '.data'): Promise<SigningKeys> {
  const path = join(dir, DEV_KEYS_FILE);
  const existing = await readKeys(path);
  if (existing) return existing;
  await mkdir(dir, { recursive: true });
  const keys = await generateSigningKeys();
  try {
    // `wx`: when `npm start` and `npm run token` race on a fresh checkout, exactly one key pair wins.
    await writeFile(path, JSON.stringify(keys, null, 2), { mode: KEY_FILE_MODE, flag: 'wx' });
    return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readKeys(path);
    if (!winner) throw new Error(`${path} appeared while creating it but holds no key pair`);
    return winner;
  }
}

async function readKeys(path: string): Promise<SigningKeys | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = storedKeys.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`${path} must hold { privateJwk, publicJwk } of an ES256 (P-256) key pair; delete it to generate a new one`);
  }
  return parsed.data as SigningKeys;
}

/**
 * A new key pair with a key id for a trial of production mode (`npm run token -- --keygen`),
 * written to `<dir>/dev-signing-keys.json` (mode 0600) so `npm run token -- --keys-dir <dir>` signs
 * with it. Refuses to replace an existing file: tokens signed with that key would stop verifying.
 */
export async function createTrialKeys(dir: string): Promise<SigningKeys> {
  const path = join(dir, DEV_KEYS_FILE);
  await mkdir(dir, { recursive: true });
  const keys = await generateSigningKeys({ kid: true });
  try {
    await writeFile(path, JSON.stringify(keys, null, 2), { mode: KEY_FILE_MODE, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Error(`${path} already exists; its key may have signed tokens in use. Choose another --keys-dir or delete it.`);
    throw error;
  }
  return keys;
}
