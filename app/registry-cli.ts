import { userInfo } from 'node:os';
import { main } from '../schema-registry/cli';
import { loadConfig } from './config';

/** Who publishes from this terminal, recorded with each version; "unknown" where the OS names no user (some containers). */
function publisher(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

/**
 * `npm run registry -- <command>`: the schema registry's CLI (schema-registry/cli.ts) with its
 * settings from the validated configuration (`REGISTRY_URL`, `REGISTRY_TOKEN`).
 */
async function run(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    // A bad setting is the operator's to fix: name it, without a stack trace.
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  return main(process.argv.slice(2), { registryUrl: config.REGISTRY_URL, registryToken: config.REGISTRY_TOKEN, publishedBy: publisher() });
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
