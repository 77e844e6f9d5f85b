import type { Db } from '../db';
import type { Principal } from '../auth';
import { withIdempotency, type IdempotencyOutcome, type Payload } from '../idempotency/idempotency';
import { bindWriteTx, type WriteTx } from './write-tx';
import { inWriteSpan } from '../telemetry/spans';

/** One mutation request as the write path sees it. */
export interface MutationRequest {
  /** The mutation's name, e.g. `recordOrder`; keys are scoped to it. */
  operation: string;
  idempotencyKey: string;
  /** The mutation's input; its fingerprint guards the key against reuse with other input. */
  input: unknown;
}

/**
 * A subgraph's write path: every side-effecting mutation runs through `mutate`, which records the
 * idempotency key, applies the effect and appends its outbox events in one transaction, then
 * wakes the outbox relay so the events leave promptly. The effect gets a `WriteTx` bound to this
 * subgraph's schema: what it emits and audits lands in this subgraph's outbox and audit log.
 */
export class WritePath {
  constructor(
    private readonly db: Db,
    /** The subgraph schema holding the keys, outbox and state. */
    readonly schema: string,
    /** Called after a transaction that may have appended events committed. */
    private readonly onCommit: () => void = () => undefined,
  ) {}

  /**
   * Runs `effect` at most once per (principal, operation, key). The payload must be plain JSON
   * (ids, not loaded objects): it is stored and replayed verbatim to every retry.
   */
  async mutate<P extends Payload>(
    principal: Principal,
    request: MutationRequest,
    effect: (tx: WriteTx) => Promise<P>,
    errorPayload: (error: Payload['userErrors'][number]) => P,
  ): Promise<{ payload: P; outcome: IdempotencyOutcome }> {
    const result = await inWriteSpan(this.schema, request.operation, () =>
      withIdempotency(
        this.db,
        { schema: this.schema, principal: principal.subject, operation: request.operation, key: request.idempotencyKey, input: request.input },
        (tx) => effect(bindWriteTx(tx, this.schema)),
        errorPayload,
      ),
    );
    if (result.outcome === 'APPLIED') this.onCommit();
    return result;
  }
}
