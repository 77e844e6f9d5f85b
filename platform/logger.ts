import pino, { type Logger } from 'pino';
import { trace } from '@opentelemetry/api';
import { currentScope } from './context';

/** pino's levels, quietest last; `LOG_LEVEL` (validated by app/config.ts) is one of them. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The level until the entry point applies its configuration (`setLogLevel`): `info`, so a process
 * that fails before reading its settings still says why.
 */
const INITIAL_LEVEL: LogLevel = 'info';

/**
 * The process logger: JSON lines (pino). Every line written while a request is handled carries
 * that request's correlation id, without callers passing it around, and, when a span is being
 * recorded, its `trace_id` and `span_id`, so a log line leads to its trace.
 */
export const logger: Logger = pino({
  level: INITIAL_LEVEL,
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
  mixin: logContext,
});

/** The correlation id and the recording span's ids, for every log line (the logger's mixin; exported for its test). */
export function logContext(): Record<string, string> {
  const fields: Record<string, string> = {};
  const scope = currentScope();
  if (scope) fields.correlationId = scope.correlationId;
  const span = trace.getActiveSpan();
  if (span?.isRecording()) {
    const { traceId, spanId } = span.spanContext();
    fields.trace_id = traceId;
    fields.span_id = spanId;
  }
  return fields;
}

/**
 * Sets the level of the process logger. Component loggers follow it, including those created
 * before the call (pino children inherit the level until they set their own), so entry points call
 * this once after validating their settings.
 */
export function setLogLevel(level: LogLevel): void {
  logger.level = level;
}

/** A child logger naming the component (`gateway`, `orders`, `registry`, ...). */
export function componentLogger(component: string): Logger {
  return logger.child({ component });
}
