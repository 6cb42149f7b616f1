/**
 * The generated kernel files are what their sources give (`npm run build:kernel`), and the ABI
 * between TypeScript and the kernel is checked where the kernel loads.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ABI_TARGET,
  abiModule,
  compileKernel,
  embeddedModule,
  KERNEL_BUILDS,
  type KernelBuild,
} from '../../functions/core/kernel/build-kernel.js';
import { instantiateKernel } from '../../functions/core/kernel/flow-kernel.js';
import { FLOW_KERNEL_CHECKED_WASM } from '../../functions/core/kernel/flow-kernel-checked-wasm.js';
import { FLOW_KERNEL_WASM } from '../../functions/core/kernel/flow-kernel-wasm.js';
import { ABI_VERSION, C_SERVER_SIDE, CLEARTEXT_KEYS, TABLE_CLEARTEXT } from '../../functions/core/kernel/kernel-abi.js';

const generated = (file: string) =>
  readFileSync(new URL(`../../functions/core/kernel/${file}`, import.meta.url), 'utf8');
const WebAssembly = (
  globalThis as unknown as {
    WebAssembly: { Module: new (bytes: Uint8Array) => object };
  }
).WebAssembly;
const moduleOf = (base64: string) => new WebAssembly.Module(Buffer.from(base64, 'base64'));

describe('embedded aggregation kernel', () => {
  it('has the ABI file that schemas/kernel-abi.ts generates (run `npm run build:kernel` after editing it)', () => {
    expect(generated(ABI_TARGET)).toBe(abiModule());
  });

  for (const build of Object.keys(KERNEL_BUILDS) as KernelBuild[]) {
    it(`is, in its ${build} build, the WebAssembly the AssemblyScript source compiles to (run \`npm run build:kernel\` after editing it)`, async () => {
      const wasm = await compileKernel(build);
      expect(generated(KERNEL_BUILDS[build].target)).toBe(embeddedModule(wasm, build));
    }, 60_000);
  }
});

describe('kernel ABI', () => {
  it('both builds implement the ABI of this code', () => {
    for (const base64 of [FLOW_KERNEL_WASM, FLOW_KERNEL_CHECKED_WASM]) {
      expect(instantiateKernel(moduleOf(base64)).abiVersion?.()).toBe(ABI_VERSION);
    }
  });

  /** A module exporting only `abiVersion() -> version` (or nothing), written byte by byte. */
  function fakeKernel(version: number | undefined): object {
    const leb = (n: number) => {
      const out: number[] = [];
      for (;;) {
        const byte = n & 0x7f;
        n >>= 7;
        if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
        out.push(byte | 0x80);
      }
    };
    const section = (id: number, bytes: number[]) => [id, bytes.length, ...bytes];
    const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    if (version === undefined) return new WebAssembly.Module(Uint8Array.from(header));
    const name = [...Buffer.from('abiVersion')];
    const body = [0x00, 0x41, ...leb(version), 0x0b]; // no locals; i32.const version; end
    return new WebAssembly.Module(
      Uint8Array.from([
        ...header,
        ...section(1, [1, 0x60, 0, 1, 0x7f]), // one type: () -> i32
        ...section(3, [1, 0]), // one function of type 0
        ...section(7, [1, name.length, ...name, 0x00, 0]), // export it as abiVersion
        ...section(10, [1, body.length, ...body]),
      ]),
    );
  }

  it('refuses a kernel of another ABI, or of none, saying how to rebuild it', () => {
    expect(() => instantiateKernel(fakeKernel(ABI_VERSION))).not.toThrow();
    expect(() => instantiateKernel(fakeKernel(ABI_VERSION + 1), 'test kernel')).toThrow(
      `test kernel: the WebAssembly implements kernel ABI ${ABI_VERSION + 1}, this code expects ${ABI_VERSION}: ` +
        'run `npm run build:kernel` to rebuild it from schemas/kernel-abi.ts',
    );
    expect(() => instantiateKernel(fakeKernel(undefined))).toThrow(
      /implements kernel ABI \(none: built before the ABI was versioned\), this code expects/,
    );
  });

  it('the checked build traps on a broken contract that the release build would misread', () => {
    const call = (base64: string) => {
      const k = instantiateKernel(moduleOf(base64), 'kernel') as unknown as {
        init(): void;
        reserveScratch(n: number): number;
        exportKeyColumn(t: number, c: number, out: number): void;
      };
      k.init();
      // A key column past the last one of the cleartext table.
      expect(C_SERVER_SIDE).toBe(CLEARTEXT_KEYS - 1);
      return () => k.exportKeyColumn(TABLE_CLEARTEXT, CLEARTEXT_KEYS, k.reserveScratch(64));
    };
    expect(call(FLOW_KERNEL_WASM)).not.toThrow();
    expect(call(FLOW_KERNEL_CHECKED_WASM)).toThrow('kernel: aborted (an assertion failed or memory ran out)');
  });
});
