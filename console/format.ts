/** Display helpers: numbers for people, never for arithmetic. */

/** A duration in seconds as "45 s", "12 min", "3.5 h" or "2.1 d"; "—" when unknown. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** A rate in [0, 1] as a percentage with one decimal; "—" when there is none. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)} %`;
}

/** An instant as local date and time to the second. */
export function instant(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** A day key (YYYY-MM-DD, UTC) as seconds since the epoch, for a time axis. */
export function dayToEpochSeconds(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

/** The ISO date (YYYY-MM-DD) of `date` in UTC, for date inputs. */
export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

/** A field name such as `accurateUnits` as "accurate units". */
export const words = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
