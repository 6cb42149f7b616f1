import { type FlowLogFieldSpec, findFlowLogField } from '../../schemas/flow-log-fields.js';

/** The ordered fields of one flow-log object, from its header line or an explicit format. */
export interface FlowLogLayout {
  readonly fields: readonly FlowLogFieldSpec[];
  /** Position of each field by column name (`encryption_status` → 7). */
  readonly positionOf: ReadonlyMap<string, number>;
  readonly origin: 'header' | 'format';
}

export class UnknownFieldError extends Error {
  constructor(
    readonly field: string,
    origin: string,
  ) {
    super(`unknown flow-log field "${field}" in ${origin}`);
    this.name = 'UnknownFieldError';
  }
}

const WHITESPACE = /\s+/;
const FIELD_TOKEN = /^[a-z][a-z0-9_-]*$/;

export function layoutFromFieldNames(names: readonly string[], origin: 'header' | 'format'): FlowLogLayout {
  if (names.length === 0) throw new Error(`empty flow-log ${origin}`);
  const fields: FlowLogFieldSpec[] = [];
  const positionOf = new Map<string, number>();
  for (const name of names) {
    const spec = findFlowLogField(name);
    if (!spec) throw new UnknownFieldError(name, origin === 'header' ? 'header line' : '--format');
    if (positionOf.has(spec.column)) throw new Error(`flow-log field "${spec.name}" appears twice in ${origin}`);
    positionOf.set(spec.column, fields.length);
    fields.push(spec);
  }
  return { fields, positionOf, origin };
}

/**
 * Parses a LogFormat string: `${version} ${vpc-id} ...`, or the same names without `${}`,
 * or underscore column names. Throws UnknownFieldError naming the first unknown field.
 */
export function parseLogFormat(format: string): FlowLogLayout {
  const names = format
    .trim()
    .split(WHITESPACE)
    .filter((t) => t.length > 0)
    .map((t) => (t.startsWith('${') && t.endsWith('}') ? t.slice(2, -1) : t));
  return layoutFromFieldNames(names, 'format');
}

/**
 * A header line is a line of field names. It is recognised when every token looks like a field
 * name (lowercase identifier) and at least one is a known field; data lines always carry numbers,
 * upper-case enums or `-`. Unknown names in a header are then reported, not skipped.
 */
export function looksLikeHeaderLine(line: string): boolean {
  // A header line already bound (every object of a flow log starts with the same one).
  if (headerLayouts.has(line.trim())) return true;
  const tokens = line.trim().split(WHITESPACE);
  if (tokens.length === 0 || tokens[0] === '') return false;
  let known = false;
  for (const t of tokens) {
    if (!FIELD_TOKEN.test(t)) return false;
    if (findFlowLogField(t)) known = true;
  }
  return known;
}

/**
 * The layout of a header line. Layouts are immutable and the objects of one bucket share a few
 * headers, so each distinct header is parsed once (and the kernel binds an unchanged layout for free).
 */
export function layoutFromHeaderLine(line: string): FlowLogLayout {
  const text = line.trim();
  let layout = headerLayouts.get(text);
  if (!layout) {
    layout = layoutFromFieldNames(text.split(WHITESPACE), 'header');
    if (headerLayouts.size >= MAX_HEADER_LAYOUTS) headerLayouts.clear();
    headerLayouts.set(text, layout);
  }
  return layout;
}

const headerLayouts = new Map<string, FlowLogLayout>();
const MAX_HEADER_LAYOUTS = 256;

export function formatString(layout: FlowLogLayout): string {
  return layout.fields.map((f) => `\${${f.name}}`).join(' ');
}
