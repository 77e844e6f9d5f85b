import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../platform/graphql/errors';
import { readRequestBody, sendJson, type RequestBody } from '../platform/http/apollo-handler';
import type { Route } from '../platform/http/server';
import { recordAdmissionRefused, recordAdmitted, watchAdmission } from '../platform/metrics';
import { AdmissionGate, type AdmissionLimits, type Lane, type RefusalReason } from './admission';
import { GatewayMessages } from './messages';
import { operationLane } from './operation-lane';

/** The gateway's GraphQL handler, given the body admission has already read. */
export type GraphQLHandler = (req: IncomingMessage, res: ServerResponse, body: RequestBody) => Promise<void>;

/** Admission control of one gateway's `/graphql` route, and how to stop reporting it. */
export interface AdmissionControl {
  /** Wraps the GraphQL handler: it runs only once admitted, and its slot is given back when it ends, failed or not. */
  guard(handler: GraphQLHandler): Route;
  /** Current counts, as `/metrics` shows them. */
  gate: AdmissionGate;
  /** Stops reporting this gate's gauges (the gateway is closing). */
  close(): void;
}

/**
 * Admission control over `limits` (gateway/admission.ts). The body is read first, because the lane
 * depends on the operation's type; then the request waits for a slot or is refused with HTTP 503,
 * `Retry-After` and a `SERVICE_UNAVAILABLE` error, before Apollo sees it: a refused mutation is
 * never applied, and the client retries it with the same idempotency key. Once admitted, an
 * operation always runs to its end.
 */
export function admissionControl(limits: AdmissionLimits): AdmissionControl {
  const gate = new AdmissionGate(limits);
  const unwatch = watchAdmission(() => gate.state());
  return {
    gate,
    close: unwatch,
    guard: (handler) => async (req, res) => {
      const body = await readRequestBody(req);
      const lane: Lane = body.ok ? operationLane(body.value) : 'read';
      const admission = await gate.acquire(lane);
      if (!admission.admitted) {
        recordAdmissionRefused(lane, admission.reason);
        refuse(res, admission.reason, admission.retryAfterSeconds);
        return;
      }
      recordAdmitted(lane, admission.waitedMs / 1000);
      try {
        await handler(req, res, body);
      } finally {
        admission.release();
      }
    },
  };
}

/** The 503 of a refused request: what to wait before retrying, in the header and in the error. */
function refuse(res: ServerResponse, reason: RefusalReason, retryAfterSeconds: number): void {
  const message = reason === 'wait_expired' ? GatewayMessages.overloadedAfterWait(retryAfterSeconds) : GatewayMessages.overloaded(retryAfterSeconds);
  sendJson(
    res,
    503,
    { errors: [{ message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryAfterSeconds } }] },
    { 'retry-after': String(retryAfterSeconds) },
  );
}
