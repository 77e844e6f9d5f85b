/**
 * The operations read models' shared vocabulary (docs/design/011-operations-read-models.md): the
 * opaque ids of the `ReturnsKpis` and `BusinessTrace` entities, which carry the query's arguments
 * so each subgraph can contribute its part by `__resolveReference` without a second round of
 * arguments, and the bounds every contribution respects.
 */

/** `returnsKpis` groupings. */
export type KpiGroupBy = 'CHANNEL' | 'STORE' | 'DAY';
const GROUP_BYS: readonly KpiGroupBy[] = ['CHANNEL', 'STORE', 'DAY'];

/** The longest KPI window: a year and a leap day, so "last year" always fits. */
export const MAX_KPI_WINDOW_DAYS = 366;

/** At most this many flows (correlation ids) make up one return's timeline. */
export const MAX_TIMELINE_FLOWS = 200;

/** The arguments of one `returnsKpis` query. */
export interface KpiWindow {
  from: Date;
  to: Date;
  groupBy: KpiGroupBy | null;
}

/** What a trace is of: one correlation id, or every flow that touched one return. */
export type TraceSubject = { correlationId: string; returnId?: undefined } | { returnId: string; correlationId?: undefined };

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
function decode(id: string): unknown {
  try {
    return JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

/** The `ReturnsKpis` id of a window. */
export function kpisId(window: KpiWindow): string {
  return encode({ k: 'kpis', f: window.from.toISOString(), t: window.to.toISOString(), g: window.groupBy });
}

/** The window a `ReturnsKpis` id names; null for anything else (a forged or foreign id). */
export function kpiWindowOf(id: string): KpiWindow | null {
  const value = decode(id) as { k?: unknown; f?: unknown; t?: unknown; g?: unknown } | null;
  if (!value || value.k !== 'kpis' || typeof value.f !== 'string' || typeof value.t !== 'string') return null;
  const groupBy = value.g === null || value.g === undefined ? null : GROUP_BYS.find((g) => g === value.g);
  if (groupBy === undefined) return null;
  const window = { from: new Date(value.f), to: new Date(value.t), groupBy };
  return windowProblem(window) ? null : window;
}

/** Why a window is refused (to not after from, longer than the maximum, not a date), or null when it is fine. */
export function windowProblem(window: Pick<KpiWindow, 'from' | 'to'>): string | null {
  const from = window.from.getTime();
  const to = window.to.getTime();
  if (Number.isNaN(from) || Number.isNaN(to)) return '`from` and `to` must be ISO-8601 instants.';
  if (to <= from) return '`to` must be after `from`.';
  if (to - from > MAX_KPI_WINDOW_DAYS * 24 * 60 * 60 * 1000) return `The window may span at most ${MAX_KPI_WINDOW_DAYS} days.`;
  return null;
}

/** The `BusinessTrace` id of a subject. */
export function traceId(subject: TraceSubject): string {
  return encode(subject.correlationId !== undefined ? { k: 'trace', c: subject.correlationId } : { k: 'trace', r: subject.returnId });
}

/** The subject a `BusinessTrace` id names; null for anything else. */
export function traceSubjectOf(id: string): TraceSubject | null {
  const value = decode(id) as { k?: unknown; c?: unknown; r?: unknown } | null;
  if (!value || value.k !== 'trace') return null;
  if (typeof value.c === 'string' && CORRELATION_ID_PATTERN.test(value.c)) return { correlationId: value.c };
  if (typeof value.r === 'string' && /^ret_[0-9A-HJKMNP-TV-Z]{26}$/.test(value.r)) return { returnId: value.r };
  return null;
}

/** Correlation ids the gateway accepts from clients (platform/correlation.ts) or generates. */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:\-]{1,128}$/;
