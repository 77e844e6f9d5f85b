import type { Config } from './config';

/** The gateway a CLI calls: `GATEWAY_URL`, default the local gateway on `PORT`; and `TOKEN`. */
export function gatewayOf(config: Config): { gatewayUrl: string; token: string | undefined } {
  return { gatewayUrl: config.GATEWAY_URL ?? `http://127.0.0.1:${config.PORT}/graphql`, token: config.TOKEN };
}

/**
 * Runs a CLI's `run` and exits with its code; a thrown error (a bad setting, an unreachable
 * gateway) is one line on stderr and exit 1, never a stack trace.
 */
export function runCli(run: () => Promise<number>): void {
  run().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
