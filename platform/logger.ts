import pino, { type Logger } from 'pino';
import { currentScope } from './context';

/** Log level from `LOG_LEVEL`; default `info`, and `silent` under jest so test output stays readable. */
const level = process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info');

/**
 * The process logger: JSON lines (pino). Every line written while a request is handled carries
 * that request's correlation id, without callers passing it around.
 */
export const logger: Logger = pino({
  level,
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
  mixin() {
    const scope = currentScope();
    return scope ? { correlationId: scope.correlationId } : {};
  },
});

/** A child logger naming the component (`gateway`, `orders`, `registry`, ...). */
export function componentLogger(component: string): Logger {
  return logger.child({ component });
}
