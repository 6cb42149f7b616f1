/**
 * The JSON Schemas are the one source of the policy and alert contracts; their TypeScript types are
 * generated from them (json-schema-to-typescript) into `<name>.generated.ts` beside each schema.
 * TypeScript widens the literals of an imported JSON file (an enum becomes `string[]`), so types
 * cannot be inferred from the JSON at compile time; generating them keeps one source.
 * `npm run build:schemas` rewrites the files; test/alerts/schema-types.test.ts fails when one is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

export const GENERATED_TYPES = [
  { schema: 'boundary-policy.schema.json', output: 'boundary-policy.generated.ts' },
  { schema: 'alert.schema.json', output: 'alert.generated.ts' },
] as const;

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The TypeScript source generated from one schema file of this folder. */
export async function generatedTypes(schemaFile: string): Promise<string> {
  const schema = JSON.parse(await readFile(here(schemaFile), 'utf8')) as JSONSchema;
  return compile(schema, schemaFile, {
    bannerComment: `/* Generated from schemas/${schemaFile} by \`npm run build:schemas\`: edit the schema, not this file. */`,
    additionalProperties: false,
    strictIndexSignatures: false,
    style: { singleQuote: true, printWidth: 120 },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { schema, output } of GENERATED_TYPES) await writeFile(here(output), await generatedTypes(schema));
}
