import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../../platform/db';
import type { Worker } from '../../../platform/subgraph';
import { componentLogger } from '../../../platform/logger';
import type { WarehouseConnector } from '../../../connectors/warehouse/port';
import { applyWarehouseMessage } from './apply';
import type { WarehouseMessageError, WarehouseOutcome } from './outcome';

const log = componentLogger('warehouse-drop');

/** Where handled files go, beside the drop folder's own files. */
export const PROCESSED_DIR = 'processed';
export const REJECTED_DIR = 'rejected';
/**
 * A file younger than this may still be being written (SFTP uploads land piecemeal): it waits for
 * the next scan. Senders who can should upload under a dot-name or another extension and rename.
 */
export const DEFAULT_SETTLE_MS = 1_000;
/** Largest file read: a day of a busy dock is a few megabytes; a larger one is refused unread. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** What happened to one file: each message's outcome and each error of what could not be read. */
export interface FileReport {
  file: string;
  movedTo: typeof PROCESSED_DIR | typeof REJECTED_DIR;
  /** Its name there: the dropped name, prefixed with a timestamp when that name is taken. */
  storedAs: string;
  handledAt: string;
  messages: WarehouseOutcome[];
  /** Messages or lines the adapter could not read (no message of them was applied). */
  unreadable: (WarehouseMessageError & { messageId: string | null })[];
}

/** Options of the drop folder. */
export interface DropFolderOptions {
  dir: string;
  pollMs: number;
  /** Default `DEFAULT_SETTLE_MS`. */
  settleMs?: number;
}

/**
 * Watches a folder 3PLs drop files into, by polling (`fs.readdir` every `pollMs`): each new
 * `.csv`, `.json`, `.jsonl`, `.x12` or `.edi` file is read by its adapter and applied message by
 * message, then moved to `processed/` (every message applied or already applied) or `rejected/`
 * (anything refused or unreadable), with `<name>.report.json` beside it. Other files are left
 * alone. Applying is idempotent by message id, so a crash mid-file and the re-scan that follows
 * apply nothing twice.
 */
export class WarehouseDropFolder implements Worker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** Set by `stop()`: the scan under way finishes its current file and handles no more. */
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly connector: WarehouseConnector,
    private readonly options: DropFolderOptions,
  ) {}

  start(): void {
    this.stopping = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One scan: handles every settled file now in the folder, in name order; returns their reports. */
  async scanOnce(): Promise<FileReport[]> {
    await mkdir(join(this.options.dir, PROCESSED_DIR), { recursive: true });
    await mkdir(join(this.options.dir, REJECTED_DIR), { recursive: true });
    const entries = await readdir(this.options.dir, { withFileTypes: true });
    const reports: FileReport[] = [];
    for (const entry of entries.filter((e) => e.isFile() && !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
      if (this.stopping) break;
      const report = await this.handle(entry.name);
      if (report) reports.push(report);
    }
    return reports;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.running = this.scanOnce()
        .catch((error: unknown) => log.error({ err: error }, 'warehouse drop folder scan failed'))
        .finally(() => this.schedule(this.options.pollMs));
    }, delayMs);
  }

  private async handle(name: string): Promise<FileReport | null> {
    const path = join(this.options.dir, name);
    const info = await stat(path);
    if (Date.now() - info.mtimeMs < (this.options.settleMs ?? DEFAULT_SETTLE_MS)) return null;
    const tooLarge = info.size > MAX_FILE_BYTES;
    const parsed = tooLarge ? null : this.connector.parseFile(name, await readFile(path, 'utf8'));
    if (!tooLarge && !parsed) return null;
    const messages: WarehouseOutcome[] = [];
    for (const message of parsed?.messages ?? []) messages.push(await applyWarehouseMessage(this.db, message));
    const unreadable = parsed
      ? parsed.errors.map(({ messageId, lineNumber, code, message }) => ({ messageId, lineNumber, code, message }))
      : [{ messageId: null, lineNumber: null, code: 'FILE_TOO_LARGE', message: `Files over ${MAX_FILE_BYTES} bytes are not read.` }];
    const clean = unreadable.length === 0 && messages.every((outcome) => outcome.status !== 'rejected');
    const movedTo = clean ? PROCESSED_DIR : REJECTED_DIR;
    // A file dropped again under the same name keeps both copies.
    const storedAs = existsSync(join(this.options.dir, movedTo, name)) ? `${Date.now()}-${name}` : name;
    const report: FileReport = { file: name, movedTo, storedAs, handledAt: new Date().toISOString(), messages, unreadable };
    await this.move(name, report);
    log.info({ file: name, movedTo: report.movedTo, messages: messages.length, unreadable: unreadable.length }, 'warehouse file handled');
    return report;
  }

  /** Writes the report, then moves the file: a crash between the two leaves the file to be handled again (idempotently). */
  private async move(name: string, report: FileReport): Promise<void> {
    const folder = join(this.options.dir, report.movedTo);
    await writeFile(join(folder, `${report.storedAs}.report.json`), `${JSON.stringify(report, null, 2)}\n`);
    await rename(join(this.options.dir, name), join(folder, report.storedAs));
  }
}
