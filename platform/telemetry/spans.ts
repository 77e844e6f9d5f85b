import {
  context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  propagation,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { currentScope } from '../context';

/**
 * Spans of Returns Graph's own work (write paths, the outbox relay, consumers, provider and ERP
 * calls). Everything here goes through the OpenTelemetry API only: with tracing off no SDK is
 * registered, the API hands out no-op spans and these helpers cost a function call.
 */
export const TRACER_NAME = 'returns-graph';

/** The attribute naming the subgraph a span belongs to: one process may run all four (embedded default). */
export const SUBGRAPH_ATTRIBUTE = 'subgraph';

/** W3C `traceparent`: version 00, trace id, parent span id, flags. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** Set once a tracer provider is seen registered; tracing is never switched off in a running process. */
let tracingSeen = false;

/**
 * Whether a tracer provider is registered (app/telemetry.ts's SDK, or a test's). Without one every
 * span is a no-op, yet starting one still costs context lookups and objects on every request: the
 * per-request helpers below skip that work entirely. Cheap: a global lookup until one is seen.
 */
export function tracingEnabled(): boolean {
  if (tracingSeen) return true;
  const provider = trace.getTracerProvider();
  tracingSeen = !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(TRACER_NAME) !== undefined;
  return tracingSeen;
}

/** What `fn` gets for a span while tracing is off: the API's own non-recording span. */
const NO_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Options of `inSpan`. */
export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** The parent; default the active context. */
  parent?: Context;
}

/**
 * Runs `fn` inside a new active span named `name`, ending it when `fn` settles and recording a
 * thrown error on it. The error is rethrown unchanged: tracing never alters the outcome.
 */
export async function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return fn(NO_SPAN);
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(name, { attributes: options.attributes, kind: options.kind ?? SpanKind.INTERNAL }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with the error, without ending it. */
export function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * The active span's context as a W3C `traceparent`, to store beside work that continues later in
 * another process or round (an outbox row, a refund tender); null without a span (tracing off).
 * An unsampled context is stored too, so the work that continues it stays unsampled.
 */
export function activeTraceparent(): string | null {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return null;
  const { traceId, spanId, traceFlags } = spanContext;
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/**
 * The context to continue a stored `traceparent` in: a remote parent, so spans started in it join
 * the stored trace. A missing or malformed value gives the root context (a new trace).
 */
export function contextOfTraceparent(traceparent: string | null | undefined): Context {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!match) return ROOT_CONTEXT;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true });
}

/**
 * The parent of work for an incoming request: the active context when an HTTP instrumentation
 * already opened the server span, otherwise what the caller's headers propagate (W3C trace
 * context, when a propagator is registered; nothing with tracing off).
 */
export function incomingContext(headers: Record<string, string | string[] | undefined>): Context {
  if (trace.getActiveSpan()) return context.active();
  return propagation.extract(context.active(), headers);
}

/**
 * Runs the handling of an incoming request in the caller's trace (`incomingContext`), and puts the
 * correlation id on the server span the HTTP instrumentation opened before the id was known.
 */
export function continueIncomingTrace<T>(headers: Record<string, string | string[] | undefined>, correlationId: string, fn: () => T): T {
  if (!tracingEnabled()) return fn();
  trace.getActiveSpan()?.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
  return context.with(incomingContext(headers), fn);
}

/** The span attribute carrying the correlation id, on every span (`CorrelationSpanProcessor`). */
export const CORRELATION_ATTRIBUTE = 'correlation.id';

/**
 * Runs a subgraph's handling of one gateway fetch in a span `<subgraph> graphql` (attribute
 * `subgraph`), a child of the gateway's fetch: in the embedded default all four subgraphs share
 * one process and one `service.name`, so the attribute is what tells them apart. Call inside the
 * request's scope, so the span carries its correlation id.
 */
export function inSubgraphSpan<T>(subgraph: string, headers: Record<string, string | string[] | undefined>, fn: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return fn();
  // The HTTP instrumentation's server span started before the correlation id was read from the headers.
  const correlationId = currentScope()?.correlationId;
  if (correlationId) trace.getActiveSpan()?.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
  // SERVER unless an HTTP instrumentation already opened the server span this one then sits in.
  const kind = trace.getActiveSpan() ? SpanKind.INTERNAL : SpanKind.SERVER;
  return inSpan(`${subgraph} graphql`, { kind, parent: incomingContext(headers), attributes: { [SUBGRAPH_ATTRIBUTE]: subgraph } }, () => fn());
}

/**
 * Runs a mutation's write path (idempotency key, state change, outbox) in a span
 * `writeTransaction <operation>`: the events it appends store this span's context, so their
 * consumers' spans hang under the mutation that caused them.
 */
export function inWriteSpan<T>(subgraph: string, operation: string, fn: () => Promise<T>): Promise<T> {
  return inSpan(`writeTransaction ${operation}`, { attributes: { [SUBGRAPH_ATTRIBUTE]: subgraph, 'graphql.operation.name': operation } }, () => fn());
}

/**
 * Runs work that continues a stored trace context (a refund tender paid, a memo posted, in a
 * worker's later round) with that context active, so its spans and the events it appends join the
 * trace of the request that queued it. Without a stored context the work runs as it is.
 */
export function inStoredTrace<T>(traceparent: string | null | undefined, fn: () => T): T {
  return traceparent ? context.with(contextOfTraceparent(traceparent), fn) : fn();
}

/**
 * Runs a call to an outside system (a payment provider's refund, an ERP posting) in a CLIENT span
 * named for it, e.g. `payments.stripe.refund` or `erp.postCreditMemo`. Call inside the work's scope
 * and stored trace (`inStoredTrace`), so the span carries its correlation id and joins its trace.
 */
export function inCallSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return inSpan(name, { kind: SpanKind.CLIENT, attributes: { 'peer.operation': name } }, () => fn());
}
