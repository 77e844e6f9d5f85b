import type { Queryable } from '../../platform/db';
import { loadDefaultPolicy, parsePolicy, type ReturnPolicy } from './policy';

/**
 * How long a loaded policy is used before the table is read again: a new policy version takes
 * effect within this time on every instance, while a POS burst does not re-read it per request.
 */
export const POLICY_CACHE_MS = 30_000;

let cached: { policy: ReturnPolicy; loadedAt: number } | undefined;

/**
 * The active return policy: the newest stored version whose `effectiveFrom` has passed. On first
 * use the shipped default document is stored as the first version, so every return records a
 * version that exists in the table.
 */
export async function activePolicy(db: Queryable, now = Date.now()): Promise<ReturnPolicy> {
  if (cached && now - cached.loadedAt < POLICY_CACHE_MS) return cached.policy;
  let { rows } = await db.query<{ document: unknown; version: number }>(
    `SELECT version, document FROM returns.policies WHERE effective_from <= now() ORDER BY version DESC LIMIT 1`,
  );
  if (rows.length === 0) {
    await storePolicy(db, loadDefaultPolicy());
    ({ rows } = await db.query<{ document: unknown; version: number }>(`SELECT version, document FROM returns.policies ORDER BY version DESC LIMIT 1`));
  }
  const policy = parsePolicy(rows[0]?.document, `returns.policies version ${rows[0]?.version}`);
  cached = { policy, loadedAt: now };
  return policy;
}

/** Stores a policy version (validated); an existing version number is left as it is. */
export async function storePolicy(db: Queryable, policy: ReturnPolicy): Promise<void> {
  await db.query(`INSERT INTO returns.policies (version, name, document, effective_from) VALUES ($1, $2, $3, $4) ON CONFLICT (version) DO NOTHING`, [
    policy.version,
    policy.name,
    policy,
    policy.effectiveFrom,
  ]);
}

/** Forgets the cached policy (tests, and after storing a new version in this process). */
export function clearPolicyCache(): void {
  cached = undefined;
}
