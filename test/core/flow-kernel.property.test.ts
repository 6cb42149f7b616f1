/**
 * The aggregation kernel (WebAssembly) against a reference written in plain TypeScript on top of
 * the line decoder (test/helpers/kernel-oracle.ts): for any layout, any mix of valid and hostile
 * lines and any chunking, FlowLogAggregator must report the same counts and reasons and the same
 * groups, to the byte, on the kernel build with assertions on. `npm run bench -- --fuzz N` runs the
 * same property for longer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowLogAggregator } from '../../functions/core/flow-log-aggregator.js';
import { parseFlowLogKey } from '../../functions/core/s3-key.js';
import { checkKernelAgainstReference, KEY, kernelCases, NO_KEY, useCheckedKernel } from '../helpers/kernel-oracle.js';

// Every kernel of this file is the checked build (assertions on); test/core/flow-kernel-build.test.ts shows they trap.
useCheckedKernel();

describe('aggregation kernel against the reference rules', () => {
  it('same counts, reasons and groups for any layout, hostile lines and chunking', () => {
    fc.assert(fc.property(kernelCases, checkKernelAgainstReference), { numRuns: 300 });
  });
});

describe('aggregation kernel', () => {
  const header = 'version account-id interface-id packets bytes start end action log-status encryption-status';

  it('sums exactly past 2^53 and past 2^64 (u128 carry), through table and dictionary growth', () => {
    const agg = new FlowLogAggregator('t', parseFlowLogKey(KEY));
    const lines = [header];
    for (let i = 0; i < 20_000; i++) {
      const packets = i % 5000 === 7 ? '9223372036854775807' : String(i % 10);
      lines.push(
        `10 123456789012 eni-${(i % 5000).toString(16).padStart(17, '0')} ${packets} 1 ${1763700000 + (i % 100)} ${1763700001 + (i % 100)} ACCEPT OK 0`,
      );
    }
    agg.pushChunk(Buffer.from(lines.join('\n')));
    const batch = agg.finish();
    expect(agg.stats.records).toBe(20_000);
    const groups = new Map<string, bigint>();
    for (const r of batch.summary)
      groups.set(`${r.interface_id}`, (groups.get(`${r.interface_id}`) ?? 0n) + r.packets!);
    expect(groups.size).toBe(5000);
    // Four records of 2^63 - 1 land in one group (one ENI, one window): its sum passes 2^64.
    const total = batch.summary.reduce((n, r) => n + r.packets!, 0n);
    const expected = lines.slice(1).reduce((n, l) => n + BigInt(l.split(' ')[3]!), 0n);
    expect(total).toBe(expected);
    expect(batch.summary.some((r) => r.packets! > 2n ** 64n)).toBe(true);
    expect([...groups.keys()].every((eni) => /^eni-[0-9a-f]{17}$/.test(eni))).toBe(true);
  });

  it('keeps aggregators apart when they interleave, and starts clean from the pool', () => {
    const a = new FlowLogAggregator('a', parseFlowLogKey(KEY));
    const b = new FlowLogAggregator('b', parseFlowLogKey(NO_KEY));
    a.pushChunk(Buffer.from(`${header}\n10 111111111111 eni-a 1 10 1763700000 1763700001 ACCEPT OK 0\n`));
    b.pushChunk(Buffer.from(`${header}\n10 222222222222 eni-b 2 20 1763700000 1763700001 REJECT OK 1\n10 2222`));
    a.pushChunk(Buffer.from('10 111111111111 eni-a 1 10 1763700300 1763700301 ACCEPT OK 0'));
    b.pushChunk(Buffer.from('22222222 eni-b 2 20 1763700000 1763700002 REJECT OK 1\n'));
    const rowsA = a.finish().summary;
    const rowsB = b.finish().summary;
    expect(rowsA.map((r) => [r.interface_id, r.flows, r.bytes])).toEqual([
      ['eni-a', 1n, 10n],
      ['eni-a', 1n, 10n],
    ]);
    expect(rowsB.map((r) => [r.account_id, r.interface_id, r.flows, r.bytes, r.last_seen])).toEqual([
      ['222222222222', 'eni-b', 2n, 40n, 1763700002000],
    ]);
    // Kernels released by a and b are reused: nothing of theirs may show up.
    const c = new FlowLogAggregator('c', parseFlowLogKey(NO_KEY));
    c.pushLine(header, 0, header.length);
    c.pushLine('10 - - - - 1763700000 - ACCEPT OK -', 0, 35);
    expect(c.finish().summary).toEqual([
      expect.objectContaining({ account_id: null, interface_id: null, flows: 1n, packets: 0n }),
    ]);
  });

  it('refuses input after finish: its kernel is back in the pool', () => {
    const agg = new FlowLogAggregator('t', parseFlowLogKey(KEY));
    agg.pushLine(header, 0, header.length);
    agg.finish();
    expect(() => agg.pushLine(header, 0, header.length)).toThrow(/already finished/);
    expect(() => agg.finish()).toThrow(/already finished/);
  });

  it('rejects a run of more than 1 MiB without a newline, naming where it starts', () => {
    const agg = new FlowLogAggregator('t', parseFlowLogKey(KEY));
    agg.pushChunk(Buffer.from(`${header}\n`));
    expect(() => {
      for (let i = 0; i < 3; i++) agg.pushChunk(Buffer.alloc(512 * 1024, 0x61));
    }).toThrow(/no line break in the 1572864 characters after byte 92 of the text/);
  });

  it('counts a newline inside a line given whole (pushLine) as a malformed line, not two lines', () => {
    const agg = new FlowLogAggregator('t', parseFlowLogKey(KEY));
    agg.pushLine(header, 0, header.length);
    const line = '10 123456789012 eni-a 1 10 1763700000 1763700001 ACCEPT OK 0';
    agg.pushLine(`${line}\n${line}`, 0, line.length * 2 + 1);
    agg.pushLine(line, 0, line.length);
    agg.finish();
    expect([agg.stats.lines, agg.stats.records, agg.stats.malformed]).toEqual([3, 1, 1]);
    expect(agg.stats.malformedSamples[0]!.reason).toBe('encryption-status: control character 0x0a at column 61');
  });
});
