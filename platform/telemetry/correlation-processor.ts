import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { currentScope } from '../context';
import { CORRELATION_ATTRIBUTE } from './spans';

/**
 * Puts the correlation id of the work in progress (platform/context.ts) on every span as it starts,
 * so a trace backend finds a business flow by the id support is given. Spans started outside any
 * scope (a relay's claim round, a timer) have none; the span that resumes a stored event or tender
 * runs inside that work's scope and has it.
 */
export class CorrelationSpanProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    const correlationId = currentScope()?.correlationId;
    if (correlationId) span.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
  }

  onEnd(_span: ReadableSpan): void {}

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
