import { main } from '../scripts/import/cli';
import { loadConfig } from './config';

/**
 * `npm run import -- <kind> FILE ...`: the import command (scripts/import/cli.ts) with its settings
 * from the validated configuration: `GATEWAY_URL` (default the local gateway on `PORT`) and `TOKEN`.
 */
async function run(): Promise<number> {
  const config = loadConfig();
  return main(process.argv.slice(2), { gatewayUrl: config.GATEWAY_URL ?? `http://127.0.0.1:${config.PORT}/graphql`, token: config.TOKEN });
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
