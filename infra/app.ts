/**
 * CDK app entry. `npm run synth` runs it directly (offline, local esbuild bundling) and writes
 * the cloud assembly to cdk.out/; `cdk deploy` runs it through cdk.json. Unsuppressed cdk-nag
 * findings (error annotations) fail the run either way.
 */
import { createCiphertrailApp } from './ciphertrail-app.js';

const { app } = createCiphertrailApp({ outdir: process.env.CDK_OUTDIR ?? 'cdk.out' });
const assembly = app.synth();
const errors = assembly.stacks.flatMap((s) => s.messages.filter((m) => m.level === 'error'));
for (const e of errors) console.error(`error ${e.id}: ${String(e.entry.data)}`);
if (errors.length > 0) process.exitCode = 1;
else console.error(`synthesized ${assembly.stacks.map((s) => s.templateFile).join(', ')} in ${assembly.directory}`);
