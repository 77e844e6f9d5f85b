import { LOG_LEVELS, setLogLevel, type LogLevel } from '../../platform/logger';

/**
 * Applies the `LOG_LEVEL` a test gave this test process (`spawnTestProcess` passes `silent` unless
 * told otherwise). The process logger reads no environment itself: app/config.ts validates the
 * real entry points' settings, and test processes, which do not load it, set their level here.
 */
export function logLevelFromTestEnv(): void {
  const requested = process.env.LOG_LEVEL;
  setLogLevel(LOG_LEVELS.includes(requested as LogLevel) ? (requested as LogLevel) : 'silent');
}
