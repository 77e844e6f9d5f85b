import { signClientToken } from '../../platform/auth';
import { loadOrCreateDevKeys } from '../../platform/auth/dev-keys';

/** A minted token serves one run; an hour covers a large import on a slow link. */
const DEV_TOKEN_TTL_SECONDS = 3600;

/**
 * Only for the embedded default (no `TOKEN` given): the local dev key signs a short-lived
 * operations_admin token for `subject`. Idempotency keys are scoped to the subject, so every run
 * of one command uses the same one and a re-run replays instead of applying twice.
 */
export async function devOperationsToken(subject: string): Promise<string> {
  const { privateJwk } = await loadOrCreateDevKeys();
  return signClientToken({ subject, roles: ['operations_admin'], storeIds: [] }, privateJwk, DEV_TOKEN_TTL_SECONDS);
}
