/** Where a command's output goes; tests pass their own. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** stdout and stderr. */
export const processIo: Io = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };

/** What the import and backfill commands are configured with (app/ reads it from app/config.ts). */
export interface GatewaySettings {
  /** The gateway's GraphQL URL (`GATEWAY_URL`). */
  gatewayUrl: string;
  /** A client token (`TOKEN`) of operations_admin or service; absent, one is minted with the local dev key (embedded default only). */
  token?: string;
}

/**
 * A flag that turns true on the first Ctrl-C (the run stops starting rows, finishes those in
 * flight and saves its state); a second Ctrl-C exits at once. `dispose` removes the handler.
 */
export function interruptFlag(io: Io): { interrupted: () => boolean; dispose: () => void } {
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    io.err('interrupted: finishing the rows in flight and saving the state (Ctrl-C again to quit now)');
  };
  process.on('SIGINT', onSignal);
  return { interrupted: () => interrupted, dispose: () => process.off('SIGINT', onSignal) };
}
