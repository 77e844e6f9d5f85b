import { randomUUID } from 'node:crypto';
import type { Route } from '../../platform/http/server';
import { headerValue } from '../../platform/http/headers';
import { runInScope } from '../../platform/context';
import { CORRELATION_HEADER, acceptCorrelationId } from '../../platform/correlation';
import { continueIncomingTrace } from '../../platform/telemetry/spans';

/**
 * Gives every HTTP request a correlation id: the client's `x-correlation-id` when it is
 * acceptable (printable, bounded), a fresh UUID otherwise. The id is returned in the response
 * header of the same name and is in scope for everything the request does, so every log line
 * carries it (the logger's mixin reads the scope) and the subgraph fetches forward it. The
 * request also continues the caller's trace (W3C `traceparent`) and its span carries the id.
 */
export function withCorrelation(next: Route): Route {
  return (req, res) => {
    const correlationId = acceptCorrelationId(headerValue(req, CORRELATION_HEADER)) ?? randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);
    return continueIncomingTrace(req.headers, correlationId, () => runInScope({ correlationId }, () => next(req, res)));
  };
}
