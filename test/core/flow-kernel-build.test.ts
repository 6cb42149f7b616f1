import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernel, embeddedModule } from '../../functions/core/kernel/build-kernel.js';

describe('embedded aggregation kernel', () => {
  it('is the WebAssembly the AssemblyScript source compiles to (run `npm run build:kernel` after editing it)', async () => {
    const wasm = await compileKernel();
    const embedded = readFileSync(new URL('../../functions/core/kernel/flow-kernel-wasm.ts', import.meta.url), 'utf8');
    expect(embedded).toBe(embeddedModule(wasm));
  }, 60_000);
});
