/** How often a test process checks that the test that spawned it is still alive. */
const PARENT_CHECK_MS = 1_000;

/**
 * Exits this test process when the jest worker that spawned it (`RG_TEST_PARENT_PID`) is gone, so
 * a crashed test run leaves no process behind holding Redis entries or database connections.
 */
export function exitWithParent(): void {
  const parent = Number(process.env.RG_TEST_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 0) return;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(2);
    }
  }, PARENT_CHECK_MS).unref();
}
