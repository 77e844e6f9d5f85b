import type { CommerceFeed } from '../connectors/commerce/port';
import { main } from '../scripts/backfill/cli';
import { loadConfig, type Config } from './config';

/**
 * `npm run backfill -- ...`: the backfill command (scripts/backfill/cli.ts) over the configured
 * commerce platform's feed, with `GATEWAY_URL` (default the local gateway on `PORT`) and `TOKEN`
 * from the validated configuration.
 */

/**
 * The commerce platform to read. NOT BUILT: no commerce connector is chosen by configuration yet
 * (the Shopify connector and its settings are wired here by the lead), so this answers null and
 * the command says so instead of guessing a platform.
 */
function commerceFeed(_config: Config): CommerceFeed | null {
  return null;
}

async function run(): Promise<number> {
  const config = loadConfig();
  const feed = commerceFeed(config);
  if (!feed) {
    process.stderr.write('backfill: no commerce platform is configured (a commerce connector is not wired into app/ yet)\n');
    return 2;
  }
  return main(process.argv.slice(2), feed, { gatewayUrl: config.GATEWAY_URL ?? `http://127.0.0.1:${config.PORT}/graphql`, token: config.TOKEN });
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
