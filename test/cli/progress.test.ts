/**
 * Progress moves inside long objects (bytes, rate, ETA); on a terminal it is one line redrawn
 * in place, in a log a line every 30 seconds (50,000 objects used to print 160 lines).
 */
import { describe, expect, it } from 'vitest';
import { Progress } from '../../functions/cli/progress.js';

function harness(isTTY: boolean, options: { objects: number; bytes: number | undefined; quiet?: boolean }) {
  let now = 0;
  const written: string[] = [];
  const progress = new Progress({
    quiet: options.quiet ?? false,
    objects: options.objects,
    bytes: options.bytes,
    now: () => now,
    stream: { isTTY, write: (text: string) => written.push(text) > 0 },
  });
  return { progress, written, at: (ms: number) => void (now = ms) };
}

describe('ingest progress', () => {
  it('on a terminal: one line redrawn in place inside a long object, with the total, rate and an ETA', () => {
    const { progress, written, at } = harness(true, { objects: 2, bytes: 100_000_000 });
    at(1_000);
    progress.bytes(1_000_000);
    expect(written).toEqual([]); // a run that ends within 2 s shows nothing
    at(5_000);
    progress.bytes(9_000_000); // still inside the first object
    expect(written).toEqual(['\r\x1b[2Kingest: 0/2 objects, 10.0 MB of 100.0 MB (10%), 2.0 MB/s, 0 records, ETA 45 s']);
    at(5_100);
    progress.bytes(1_000_000);
    expect(written).toHaveLength(1); // redrawn at most four times a second
    at(5_400);
    progress.object(123_456);
    expect(written[1]).toBe(
      '\r\x1b[2Kingest: 1/2 objects, 11.0 MB of 100.0 MB (11%), 2.0 MB/s, 123,456 records, ETA 44 s',
    );
    progress.done();
    expect(written.at(-1)).toBe('\r\x1b[2K');
  });

  it('in a log: the first line after 10 s, then one every 30 s, and a last line', () => {
    const { progress, written, at } = harness(false, { objects: 50_000, bytes: undefined });
    for (let second = 1; second <= 300; second++) {
      at(second * 1000);
      for (let k = 0; k < 160; k++) progress.object(10);
    }
    progress.done();
    expect(written.length).toBe(11);
    expect(written[0]).toBe('ingest: 1,441/50,000 objects, 0 B read, 0 B/s, 14,410 records\n'); // the first object at 10 s
    expect(written.at(-1)).toBe('ingest: done\n');
  });

  it('--quiet shows nothing', () => {
    const { progress, written, at } = harness(true, { objects: 1, bytes: 10, quiet: true });
    at(60_000);
    progress.bytes(5);
    progress.done();
    expect(written).toEqual([]);
  });
});
