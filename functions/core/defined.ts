/**
 * Optional properties are absent, never `undefined` (exactOptionalPropertyTypes). `definedProps`
 * drops the keys whose value is undefined, so an object built from maybe-values can be passed
 * where those properties are optional: `definedProps({ endpoint: settings.endpoint })`.
 */
export type DefinedProps<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

export function definedProps<T extends object>(value: T): DefinedProps<T> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as DefinedProps<T>;
}
