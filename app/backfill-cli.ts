import { main } from '../scripts/backfill/cli';
import { commerceConnectors, commerceSettings } from './commerce';
import { loadConfig } from './config';
import { gatewayOf, runCli } from './cli';

/**
 * `npm run backfill -- ...`: the backfill command (scripts/backfill/cli.ts) over the configured
 * commerce platform's feed, with `GATEWAY_URL` (default the local gateway on `PORT`) and `TOKEN`
 * from the validated configuration.
 */
async function run(): Promise<number> {
  const config = loadConfig();
  const [connector] = commerceConnectors(commerceSettings(config));
  if (!connector) {
    process.stderr.write('backfill: no commerce platform is configured: set COMMERCE_CONNECTOR=shopify and its SHOPIFY_* settings\n');
    return 2;
  }
  const feed = connector.feed;
  return main(process.argv.slice(2), feed, gatewayOf(config));
}

runCli(run);
