/**
 * The durable list of report files Adyen announced, so `AdyenGateway.listRefunds` can find the
 * settlement details reports of a window. Adyen names these reports by settlement batch
 * (`settlement_detail_report_batch_<n>.csv`), not by date, and tells us each name once, in a
 * `REPORT_AVAILABLE` notification; the webhook (`AdyenWebhookVerifier`'s `onReportAvailable`)
 * calls `remember` and the request is acknowledged only after the row is committed, so a name is
 * never lost: when recording fails, Adyen gets no `[accepted]` and sends the notification again.
 *
 * Wiring (app/): `const index = new AdyenReportIndex(db)`, the verifier with
 * `onReportAvailable: (name, url) => index.remember(name, url)`, the gateway with
 * `settlementReportNames: (window) => index.namesFor(window)`. Its table lives in the `adyen`
 * schema (`migrations/001_adyen_reports.sql`).
 */
import type { Db } from '../../../platform/db';
import type { RecordWindow } from '../port';

/**
 * How long after a window's end a settlement details report can still hold refunds created in it.
 * Adyen adds a refund to the payable batch open when it is booked, and the batch (with its report)
 * closes on the merchant's payout frequency: daily by default, weekly for some. Eight days cover a
 * weekly batch plus a day for the refund to be booked. An extra report only costs a download,
 * because records are filtered by their own creation date, while a missing one would show a refund
 * as absent at Adyen; a merchant paid out monthly sets `reportLagMs` to about 32 days.
 */
export const ADYEN_REPORT_LAG_MS = 8 * 24 * 3_600_000;

/** The file names of Adyen's settlement details reports (a SQL regex), the only reports `listRefunds` reads. */
const SETTLEMENT_DETAIL_REPORT = '^settlement_detail_report_batch_[0-9]+\\.csv$';

/** Options of `AdyenReportIndex`. */
export interface AdyenReportIndexOptions {
  /** How long after a window's end its refunds' reports may be announced. Default `ADYEN_REPORT_LAG_MS`. */
  reportLagMs?: number;
}

/** Adyen's announced reports in our database. Safe to share; several processes may share one database. */
export class AdyenReportIndex {
  private readonly reportLagMs: number;

  constructor(
    private readonly db: Db,
    options: AdyenReportIndexOptions = {},
  ) {
    const lag = options.reportLagMs ?? ADYEN_REPORT_LAG_MS;
    if (!Number.isSafeInteger(lag) || lag < 0) {
      throw new TypeError(`AdyenReportIndex reportLagMs must be a non-negative integer of milliseconds, but got: ${String(options.reportLagMs)}`);
    }
    this.reportLagMs = lag;
  }

  /**
   * Records one announced report (any type; `namesFor` picks the settlement details reports). A
   * name seen before keeps its first announcement: Adyen's resends change nothing. Rejects when
   * the row cannot be committed (or a value breaks the table's checks), so the caller must not
   * acknowledge the notification.
   */
  async remember(fileName: string, url: string): Promise<void> {
    await this.db.query(`INSERT INTO adyen.reports (file_name, url) VALUES ($1, $2) ON CONFLICT (file_name) DO NOTHING`, [fileName, url]);
  }

  /**
   * The settlement details reports that can hold refunds created in `window`: those announced from
   * `window.from` (a report closed before a refund existed cannot hold it) until
   * `ADYEN_REPORT_LAG_MS` after `window.to` (its batch closes after the refund settles), oldest
   * first.
   */
  async namesFor(window: RecordWindow): Promise<string[]> {
    const until = new Date(window.to.getTime() + this.reportLagMs);
    const { rows } = await this.db.query<{ file_name: string }>(
      `SELECT file_name FROM adyen.reports WHERE file_name ~ $3 AND announced_at >= $1 AND announced_at < $2 ORDER BY announced_at, file_name`,
      [window.from, until, SETTLEMENT_DETAIL_REPORT],
    );
    return rows.map((row) => row.file_name);
  }
}
