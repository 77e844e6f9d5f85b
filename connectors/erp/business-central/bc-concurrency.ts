/**
 * BC's optimistic concurrency: every PATCH, DELETE and bound action sends `If-Match` with the
 * ETag we read. When the record changed since (412, or a 409 "changed by another user"), we read
 * it again and try once more; a second conflict means someone keeps editing it, so we step back
 * (`ErpUnavailableError`) and the posting is retried later from the top.
 */
import { ErpUnavailableError } from '../port';
import type { BcClient, BcEntity } from './bc-client';
import { BcConcurrencyError } from './bc-errors';

/**
 * Runs `write(etag)`; on a concurrency conflict re-reads the record (`reread`, or a GET of
 * `path`) for its new ETag and runs `write` once more. A record gone meanwhile (404 on DELETE)
 * is the caller's concern.
 */
export async function withFreshEtag<T>(
  client: BcClient,
  path: string,
  etag: string,
  write: (etag: string) => Promise<T>,
  reread: () => Promise<BcEntity> = () => client.send<BcEntity>({ method: 'GET', path }),
): Promise<T> {
  try {
    return await write(etag);
  } catch (error) {
    if (!(error instanceof BcConcurrencyError)) throw error;
  }
  const fresh = await reread();
  try {
    return await write(fresh['@odata.etag']);
  } catch (error) {
    if (error instanceof BcConcurrencyError) throw new ErpUnavailableError(`${error.message} (again after re-reading it)`);
    throw error;
  }
}
