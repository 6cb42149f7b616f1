import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITY_ORDER } from '../../schemas/alert.js';
import { EXCLUSION_NAMES } from '../../schemas/boundary-policy.js';
import { GENERATED_TYPES, generatedTypes } from '../../schemas/generate-types.js';

describe('types generated from the JSON Schemas', () => {
  it.each(GENERATED_TYPES)(
    'schemas/$output is what schemas/$schema generates (npm run build:schemas)',
    async ({ schema, output }) => {
      const committed = readFileSync(new URL(`../../schemas/${output}`, import.meta.url), 'utf8');
      expect(committed).toBe(await generatedTypes(schema));
    },
  );

  it('the generated types carry the enums the code reads from the schemas', () => {
    const policyTypes = readFileSync(new URL('../../schemas/boundary-policy.generated.ts', import.meta.url), 'utf8');
    for (const name of EXCLUSION_NAMES) expect(policyTypes).toContain(`| '${name}'`);
    expect(EXCLUSION_NAMES).toHaveLength(10);
    const alertTypes = readFileSync(new URL('../../schemas/alert.generated.ts', import.meta.url), 'utf8');
    expect(alertTypes).toContain(`export type Severity = ${SEVERITY_ORDER.map((s) => `'${s}'`).join(' | ')};`);
  });
});
