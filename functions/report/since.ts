import { InvalidArgumentError } from 'commander';

/**
 * `--since` of `report`, `query` and `plan`: hours (`36h`), days (`30d`) or weeks (`2w`) back from
 * the newest data, or a first UTC day (`2025-11-20`).
 */
export type Since = ({ readonly hours: number } | { readonly fromDay: string }) & { readonly text: string };

const HOURS_PER_UNIT: Record<string, number> = { h: 1, d: 24, w: 24 * 7 };

export function parseSince(value: string): Since {
  const text = value.trim();
  const relative = /^(\d+)([hdw])$/i.exec(text);
  if (relative) {
    const hours = Number(relative[1]) * HOURS_PER_UNIT[relative[2]!.toLowerCase()]!;
    if (hours > 0 && hours <= 36_600 * 24) return { hours, text };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    if (new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text) return { fromDay: text, text };
  }
  throw new InvalidArgumentError(`must be hours, days or weeks (36h, 30d, 2w) or a day (2025-11-20), got "${value}"`);
}

/**
 * The first day of a window of `since` ending on `lastDay` (the latest day in the tables): `30d`
 * is that day and the 29 before it. Windows end at the evidence, not at the clock, so a copy of
 * the tables read a month later still shows its last 30 days (the report prints the period).
 */
export function firstDayOf(since: Since, lastDay: string): string {
  if ('fromDay' in since) return since.fromDay;
  const days = Math.ceil(since.hours / 24);
  const last = Date.parse(`${lastDay}T00:00:00Z`);
  return new Date(last - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

/** The first instant of a window of `since` ending at `untilMs` (the newest `window_start`): `plan`'s window. */
export function windowStartOf(since: Since, untilMs: number): number {
  return 'fromDay' in since ? Date.parse(`${since.fromDay}T00:00:00Z`) : untilMs - since.hours * 3_600_000;
}
