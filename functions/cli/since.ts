import { InvalidArgumentError } from 'commander';

/** `--since`: a number of whole UTC days (`30d`, `2w`) or a first day (`2025-11-20`). */
export type Since = ({ readonly days: number } | { readonly fromDay: string }) & { readonly text: string };

export function parseSince(value: string): Since {
  const text = value.trim();
  const relative = /^(\d+)([dw])$/i.exec(text);
  if (relative) {
    const days = Number(relative[1]) * (relative[2]!.toLowerCase() === 'w' ? 7 : 1);
    if (days > 0 && days <= 36_600) return { days, text };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    if (new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text) return { fromDay: text, text };
  }
  throw new InvalidArgumentError(`must be days or weeks (30d, 2w) or a day (2025-11-20), got "${value}"`);
}

/**
 * The first day of a window of `since` ending on `lastDay` (the latest day in the tables): `30d`
 * is that day and the 29 before it. Windows end at the evidence, not at the clock, so a copy of
 * the tables read a month later still shows its last 30 days (the report prints the period).
 */
export function firstDayOf(since: Since, lastDay: string): string {
  if ('fromDay' in since) return since.fromDay;
  const last = Date.parse(`${lastDay}T00:00:00Z`);
  return new Date(last - (since.days - 1) * 86_400_000).toISOString().slice(0, 10);
}
