/**
 * Publishing a subgraph at start when its peers may not have published yet. Some subgraphs name
 * fields only another subgraph defines (returns requires every other subgraph's contributions to the
 * operations entities; inventory extends orders' `OrderLine`), so their SDL composes only once those
 * peers are in the registry. Processes start in any order under Kubernetes or compose, so a refusal
 * for a missing peer is waited out; any other refusal (a breaking change, a real composition error)
 * stops the start at once, naming it.
 */
import type { PublishResult } from '../schema-registry';
import { componentLogger } from '../platform/logger';

const log = componentLogger('service');

/** Composition errors that mean "a peer has not published yet", not "this schema is wrong". */
export const WAITING_FOR_PEER_CODES: ReadonlySet<string> = new Set(['EXTERNAL_MISSING_ON_BASE', 'EXTENSION_WITH_NO_BASE', 'REQUIRES_INVALID_FIELDS']);

/** How long a start waits for its peers, and the pauses between tries. */
export interface PublishWait {
  timeoutMs: number;
  firstPauseMs: number;
  maxPauseMs: number;
}

export const DEFAULT_PUBLISH_WAIT: PublishWait = { timeoutMs: 5 * 60_000, firstPauseMs: 500, maxPauseMs: 10_000 };

/** True when the only reasons for refusing are peers that have not published yet. */
export function waitingForPeers(result: PublishResult): boolean {
  return (
    result.status === 'REJECTED' &&
    result.breakingChanges.length === 0 &&
    result.compositionErrors.length > 0 &&
    result.compositionErrors.every((error) => WAITING_FOR_PEER_CODES.has(error.code))
  );
}

/** Publishes, retrying while the registry refuses only for missing peers; throws on any other refusal or at the timeout. */
export async function publishWhenPeersArrive(
  name: string,
  publish: () => Promise<PublishResult>,
  wait: PublishWait = DEFAULT_PUBLISH_WAIT,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<PublishResult> {
  const deadline = Date.now() + wait.timeoutMs;
  let pause = wait.firstPauseMs;
  for (;;) {
    const result = await publish();
    if (result.status !== 'REJECTED') return result;
    if (!waitingForPeers(result) || Date.now() + pause > deadline) {
      throw new Error(
        `The registry refused ${name}'s schema: ${JSON.stringify({ compositionErrors: result.compositionErrors, breakingChanges: result.breakingChanges })}`,
      );
    }
    log.warn({ subgraph: name, errors: result.compositionErrors.map((error) => error.code), retryInMs: pause }, 'schema waits for peers to publish');
    await sleep(pause);
    pause = Math.min(pause * 2, wait.maxPauseMs);
  }
}
