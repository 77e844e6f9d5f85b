import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * A command's resumption point, as JSON beside its input (`<FILE>.import-state.json`) or where
 * `--state` says. Written to a temporary file and renamed over the old one, so a crash mid-write
 * leaves the previous state, never half of one.
 */

/** The state at `path`, or null when there is none. A file that is not JSON is an error: resuming from a guess could skip rows. */
export function readState<T>(path: string): T | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${path} is not a state file this command wrote (not JSON); remove it to start over`);
  }
}

/** Replaces the state at `path` atomically. */
export function writeState(path: string, state: unknown): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, path);
}
