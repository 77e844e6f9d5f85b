import { SingleBar, Presets } from 'cli-progress';

/**
 * Progress on stderr: a bar on a terminal, plain lines otherwise (a CI log or a file gets one line
 * per `PLAIN_EVERY_PERCENT` instead of a redraw per row). stdout stays for the summary.
 */
export interface Progress {
  /** Starts counting towards `total` (null: unknown, e.g. a feed read page by page). */
  start(total: number | null, already?: number): void;
  increment(): void;
  stop(): void;
}

/** Plain mode prints at every tenth of the way, and every `PLAIN_EVERY_ROWS` when the total is unknown. */
const PLAIN_EVERY_PERCENT = 10;
const PLAIN_EVERY_ROWS = 500;

/** A progress display for `stream` (default stderr), labelled `label`. */
export function progressOn(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? barProgress(label, stream) : plainProgress(label, (line) => stream.write(`${line}\n`));
}

function barProgress(label: string, stream: NodeJS.WriteStream): Progress {
  const bar = new SingleBar({ stream, format: `${label} [{bar}] {value}/{total} {percentage}% {eta_formatted}`, hideCursor: true }, Presets.shades_classic);
  let known = true;
  return {
    start(total, already = 0) {
      known = total !== null;
      bar.start(total ?? 0, already);
    },
    increment() {
      if (!known) bar.setTotal(bar.getTotal() + 1);
      bar.increment();
    },
    stop: () => bar.stop(),
  };
}

/** Lines such as `import products: 500/2000 (25%)`; exported for tests. */
export function plainProgress(label: string, write: (line: string) => void): Progress {
  let total: number | null = null;
  let done = 0;
  let lastStep = -1;
  const report = () => write(total ? `${label}: ${done}/${total} (${Math.floor((done * 100) / total)}%)` : `${label}: ${done}`);
  return {
    start(count, already = 0) {
      total = count;
      done = already;
      lastStep = -1;
    },
    increment() {
      done += 1;
      const step = total ? Math.floor((done * 100) / total / PLAIN_EVERY_PERCENT) : Math.floor(done / PLAIN_EVERY_ROWS);
      if (step !== lastStep) {
        lastStep = step;
        report();
      }
    },
    stop: () => {
      if (done > 0) report();
    },
  };
}
