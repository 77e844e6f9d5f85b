/** PostgreSQL SQLSTATE codes the stores react to. */
export const SQLSTATE = {
  UNIQUE_VIOLATION: '23505',
  CHECK_VIOLATION: '23514',
  FOREIGN_KEY_VIOLATION: '23503',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  LOCK_NOT_AVAILABLE: '55P03',
} as const;

/** The SQLSTATE of a driver error, or undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** The name of the violated constraint, when the driver reports one. */
export function violatedConstraint(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'constraint' in error) {
    const name = (error as { constraint: unknown }).constraint;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

/**
 * SQLSTATEs by which PostgreSQL refuses a value rather than fails: a malformed number or
 * timestamp (22P02, 22007, 22008), a value out of range (22003), too long for its column (22001),
 * a NUL byte or other byte text cannot hold (22021, 22P05), a CHECK constraint (23514). Declared
 * input limits should stop every such value before SQL; these are the last line of defence.
 */
export const INPUT_REJECTED_SQLSTATES: ReadonlySet<string> = new Set(['22P02', '22003', '22001', '22007', '22008', '22021', '22P05', '23514']);

/** How many `cause`/`originalError` links to follow looking for the driver's error. */
const MAX_CAUSE_HOPS = 5;

/** True when the error (or one it wraps) is PostgreSQL refusing a value (`INPUT_REJECTED_SQLSTATES`). */
export function isInputRejectedByDatabase(error: unknown): boolean {
  let current: unknown = error;
  for (let hops = 0; current && hops < MAX_CAUSE_HOPS; hops++) {
    const state = sqlState(current);
    if (state && INPUT_REJECTED_SQLSTATES.has(state)) return true;
    const links = current as { originalError?: unknown; cause?: unknown };
    current = links.originalError ?? links.cause;
  }
  return false;
}
