/**
 * "1,234,567": an integer with comma thousands separators, as `toLocaleString('en-US')` writes it.
 * Written out because the first `toLocaleString` call of a process loads ICU's number formatting
 * (about 25 ms here), and every CLI run prints counts: that was a tenth of a small run's start-up.
 * Fractions and non-finite numbers still go through `toLocaleString` (rare, and never at start).
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let at = out.length; at < digits.length; at += 3) out += `,${digits.slice(at, at + 3)}`;
  return n < 0 ? `-${out}` : out;
}
