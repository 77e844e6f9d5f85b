import { main } from '../scripts/events';
import { loadConfig } from './config';
import { gatewayOf, runCli } from './cli';

/**
 * `npm run events -- <command>`: the event pipeline's CLI (scripts/events.ts) with its settings
 * from the validated configuration: `GATEWAY_URL` (default the local gateway on `PORT`) and `TOKEN`.
 */
async function run(): Promise<number> {
  const config = loadConfig();
  return main(process.argv.slice(2), gatewayOf(config));
}

runCli(run);
