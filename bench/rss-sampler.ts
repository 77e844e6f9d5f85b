import { readFile } from 'node:fs/promises';

/** How often a process's resident set is read under load: often enough to catch a short peak, cheap enough not to load the machine. */
export const RSS_SAMPLE_INTERVAL_MS = 250;

/**
 * The resident set size in bytes from the text of `/proc/<pid>/status` (its `VmRSS:  123456 kB`
 * line; the kernel's kB are KiB). Throws on text without one: a kernel thread or a process already
 * gone has none, and a figure of 0 would read as a very lean gateway.
 */
export function vmRssBytes(statusText: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  if (!match) throw new Error(`no "VmRSS: <n> kB" line in /proc status text: ${JSON.stringify(statusText.slice(0, 200))}`);
  return Number(match[1]) * 1024;
}

/** A process's resident set size now, in bytes (Linux). */
export async function readRssBytes(pid: number): Promise<number> {
  return vmRssBytes(await readFile(`/proc/${pid}/status`, 'utf8'));
}

/**
 * Samples one process's resident set every `RSS_SAMPLE_INTERVAL_MS` while load runs, and keeps the
 * peak. Samples are read from /proc by this (the bench's) process, so the measured gateway does no
 * work for them.
 */
export class RssSampler {
  private peakBytes = 0;
  private lastBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;

  constructor(readonly pid: number) {}

  /** Starts sampling (one sample at once); a second call while sampling does nothing. */
  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), RSS_SAMPLE_INTERVAL_MS);
  }

  /** Stops sampling; throws if a sample failed (the process died mid-run: its figures would be wrong). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.failure) throw this.failure;
  }

  /** The largest resident set seen while sampling, in bytes. */
  get peak(): number {
    return this.peakBytes;
  }

  /** The latest sample, in bytes. */
  get last(): number {
    return this.lastBytes;
  }

  /** Takes one sample now and returns it. */
  async sample(): Promise<number> {
    try {
      const bytes = await readRssBytes(this.pid);
      this.lastBytes = bytes;
      this.peakBytes = Math.max(this.peakBytes, bytes);
      return bytes;
    } catch (error) {
      this.failure ??= new Error(`reading the resident set of process ${this.pid} failed: ${error instanceof Error ? error.message : String(error)}`);
      return this.lastBytes;
    }
  }
}
