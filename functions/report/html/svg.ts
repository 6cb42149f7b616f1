/**
 * Charts of the HTML report as SVG generated here: no charting library, no script, no font or
 * image to fetch. Every data mark carries `data-mark` (the browser test counts them) and a
 * `<title>` (the figure in words on hover and for screen readers); each chart has a text
 * alternative in its table. Status colours are the Okabe–Ito palette (distinguishable with the
 * common colour-vision deficiencies), and cleartext and the two unknowns also carry a pattern,
 * so no status depends on colour alone, on screen or printed in black and white.
 */

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface StatusStyle {
  readonly key: string;
  readonly label: string;
  /** SVG fill: a colour or a pattern of STATUS_PATTERNS. */
  readonly fill: string;
  /** The swatch colour in CSS (legends in HTML). */
  readonly css: string;
}

export const STATUS_STYLES: readonly StatusStyle[] = [
  { key: 'cleartext', label: 'cleartext', fill: 'url(#p-cleartext)', css: '#d55e00' },
  { key: 'nitro', label: 'nitro', fill: '#0072b2', css: '#0072b2' },
  { key: 'application', label: 'application', fill: '#56b4e9', css: '#56b4e9' },
  { key: 'both', label: 'both', fill: '#009e73', css: '#009e73' },
  { key: 'unknown', label: 'unknown (-)', fill: 'url(#p-unknown)', css: '#8c8c8c' },
  { key: 'no_status_field', label: 'no status field', fill: 'url(#p-nofield)', css: '#d9d9d9' },
];

/** Pattern definitions, once per page (an inline SVG's defs are visible to every SVG of the document). */
export const STATUS_PATTERNS = `<svg width="0" height="0" aria-hidden="true" style="position:absolute">
<defs>
<pattern id="p-cleartext" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#d55e00"/><rect width="3" height="8" fill="#ffffff" opacity="0.55"/></pattern>
<pattern id="p-unknown" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#8c8c8c"/><circle cx="3" cy="3" r="1.3" fill="#ffffff"/></pattern>
<pattern id="p-nofield" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#e6e6e6"/><path d="M0 8L8 0M-2 2L2 -2M6 10L10 6M0 0L8 8" stroke="#8c8c8c" stroke-width="1"/></pattern>
</defs>
</svg>`;

const W = 760;
const LABEL_W = 262;
const VALUE_W = 90;
const BAR_H = 20;
const GAP = 8;
const TOP = 8;

export interface StackRow {
  readonly label: string;
  readonly total: string;
  /** Shares (0–100) by STATUS_STYLES key. */
  readonly shares: Readonly<Record<string, number>>;
  readonly detail: (key: string, share: number) => string;
}

/** Horizontal 100 % stacked bars, one per row, one `data-mark` rect per non-zero share. */
export function stackedShareChart(title: string, rows: readonly StackRow[]): string {
  const barW = W - LABEL_W - VALUE_W;
  const height = TOP + rows.length * (BAR_H + GAP) + 18;
  const parts: string[] = [];
  rows.forEach((row, i) => {
    const y = TOP + i * (BAR_H + GAP);
    parts.push(text(LABEL_W - 8, y + BAR_H / 2, row.label, 'end'));
    let x = LABEL_W;
    const sum = STATUS_STYLES.reduce((n, s) => n + (row.shares[s.key] ?? 0), 0);
    for (const style of STATUS_STYLES) {
      const share = row.shares[style.key] ?? 0;
      if (share <= 0) continue;
      const w = (barW * share) / Math.max(sum, 100);
      parts.push(
        `<rect data-mark="${style.key}" x="${f(x)}" y="${y}" width="${f(w)}" height="${BAR_H}" fill="${style.fill}" stroke="#fff" stroke-width="0.5"><title>${escapeHtml(row.detail(style.key, share))}</title></rect>`,
      );
      if (w >= 38) {
        const dark = style.key === 'no_status_field' || style.key === 'application';
        parts.push(
          `<text x="${f(x + w / 2)}" y="${y + BAR_H / 2}" text-anchor="middle" dominant-baseline="central" class="in-bar${dark ? '' : ' light'}">${Math.round(share)}%</text>`,
        );
      }
      x += w;
    }
    parts.push(text(W - VALUE_W + 8, y + BAR_H / 2, row.total, 'start'));
  });
  const axisY = TOP + rows.length * (BAR_H + GAP);
  for (const tick of [0, 25, 50, 75, 100]) {
    const x = LABEL_W + (barW * tick) / 100;
    parts.push(`<text x="${f(x)}" y="${axisY + 10}" text-anchor="middle" class="tick">${tick}%</text>`);
  }
  return svg(title, height, parts);
}

export interface BarRow {
  readonly label: string;
  readonly value: number;
  readonly valueLabel: string;
  readonly detail: string;
}

/** Horizontal bars of absolute values (cleartext bytes), one `data-mark` rect per row. */
export function barChart(title: string, rows: readonly BarRow[], fill = 'url(#p-cleartext)'): string {
  // Room right of the longest bar for its value label.
  const barW = W - LABEL_W - 150;
  const max = Math.max(...rows.map((r) => r.value), 1);
  const height = TOP + rows.length * (BAR_H + GAP);
  const parts: string[] = [];
  rows.forEach((row, i) => {
    const y = TOP + i * (BAR_H + GAP);
    const w = Math.max(1, (barW * row.value) / max);
    parts.push(text(LABEL_W - 8, y + BAR_H / 2, row.label, 'end'));
    parts.push(
      `<rect data-mark="bar" x="${LABEL_W}" y="${y}" width="${f(w)}" height="${BAR_H}" fill="${fill}"><title>${escapeHtml(row.detail)}</title></rect>`,
    );
    parts.push(text(LABEL_W + w + 6, y + BAR_H / 2, row.valueLabel, 'start'));
  });
  return svg(title, height, parts);
}

export interface LineSeries {
  readonly label: string;
  /** Points by day (yyyy-mm-dd); a value of null leaves a gap (no bytes that day). */
  readonly points: readonly { readonly day: string; readonly value: number | null; readonly detail: string }[];
}

/** Marker shapes and dash patterns per series: lines stay apart without colour. */
const SERIES = [
  { color: '#0072b2', dash: '', marker: 'circle' },
  { color: '#d55e00', dash: '6 3', marker: 'square' },
  { color: '#009e73', dash: '2 3', marker: 'triangle' },
  { color: '#cc79a7', dash: '8 3 2 3', marker: 'diamond' },
  { color: '#e69f00', dash: '1 2', marker: 'circle' },
  { color: '#56b4e9', dash: '10 4', marker: 'square' },
  { color: '#000000', dash: '4 2', marker: 'triangle' },
  { color: '#7f7f7f', dash: '3 1', marker: 'diamond' },
] as const;
export const MAX_SERIES = SERIES.length;

/** Share of bytes encrypted per day: a `data-mark="line"` path per series of two days or more, a `data-mark="point"` per day with data. */
export function lineChart(title: string, days: readonly string[], series: readonly LineSeries[]): string {
  const left = 46;
  const right = 200;
  const plotW = W - left - right;
  const plotH = 200;
  const top = 12;
  const height = top + plotH + 40;
  const xOf = (day: string) => left + (days.length <= 1 ? plotW / 2 : (plotW * days.indexOf(day)) / (days.length - 1));
  const yOf = (v: number) => top + plotH - (plotH * v) / 100;
  const parts: string[] = [];
  for (const tick of [0, 25, 50, 75, 100]) {
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${f(yOf(tick))}" y2="${f(yOf(tick))}" class="grid"/>`);
    parts.push(
      `<text x="${left - 6}" y="${f(yOf(tick))}" text-anchor="end" dominant-baseline="central" class="tick">${tick}%</text>`,
    );
  }
  const every = Math.max(1, Math.ceil(days.length / 8));
  days.forEach((day, i) => {
    if (i % every === 0 || i === days.length - 1) {
      parts.push(
        `<text x="${f(xOf(day))}" y="${top + plotH + 16}" text-anchor="middle" class="tick">${day.slice(5)}</text>`,
      );
    }
  });
  const labelYs: number[] = [];
  series.forEach((s, i) => {
    const style = SERIES[i % SERIES.length]!;
    const known = s.points.filter((p) => p.value !== null);
    let d = '';
    let pen = false;
    for (const p of s.points) {
      if (p.value === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${f(xOf(p.day))} ${f(yOf(p.value))}`;
      pen = true;
    }
    // A single day is a point, not a line.
    if (d.includes('L')) {
      parts.push(
        `<path data-mark="line" d="${d}" fill="none" stroke="${style.color}" stroke-width="2" stroke-dasharray="${style.dash}"><title>${escapeHtml(s.label)}</title></path>`,
      );
    }
    for (const p of known) {
      parts.push(marker(style.marker, xOf(p.day), yOf(p.value!), style.color, p.detail));
    }
    const last = known.at(-1);
    if (last) {
      let y = yOf(last.value!);
      while (labelYs.some((other) => Math.abs(other - y) < 13)) y += 13;
      labelYs.push(y);
      parts.push(marker(style.marker, left + plotW + 14, y, style.color, s.label, false));
      parts.push(text(left + plotW + 24, y, s.label, 'start', 26));
    }
  });
  return svg(title, height, parts);
}

function marker(shape: string, x: number, y: number, color: string, detail: string, isMark = true): string {
  const mark = isMark ? ' data-mark="point"' : '';
  const tip = `<title>${escapeHtml(detail)}</title>`;
  const common = `${mark} fill="${color}" stroke="#fff" stroke-width="1"`;
  switch (shape) {
    case 'square':
      return `<rect${common} x="${f(x - 4)}" y="${f(y - 4)}" width="8" height="8">${tip}</rect>`;
    case 'triangle':
      return `<path${common} d="M${f(x)} ${f(y - 5)}L${f(x + 5)} ${f(y + 4)}L${f(x - 5)} ${f(y + 4)}Z">${tip}</path>`;
    case 'diamond':
      return `<path${common} d="M${f(x)} ${f(y - 5)}L${f(x + 5)} ${f(y)}L${f(x)} ${f(y + 5)}L${f(x - 5)} ${f(y)}Z">${tip}</path>`;
    default:
      return `<circle${common} cx="${f(x)}" cy="${f(y)}" r="4">${tip}</circle>`;
  }
}

function svg(title: string, height: number, parts: readonly string[]): string {
  return `<svg class="chart" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${escapeHtml(title)}" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg>`;
}

function text(x: number, y: number, content: string, anchor: 'start' | 'end' | 'middle', max = 38): string {
  const shown = content.length > max ? `${content.slice(0, max - 1)}…` : content;
  return `<text x="${f(x)}" y="${f(y)}" text-anchor="${anchor}" dominant-baseline="central">${escapeHtml(shown)}</text>`;
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();
