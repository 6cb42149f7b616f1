/**
 * The run's listing: past 4,096 files it moves them to an unlinked spool file and reads them back
 * in order. Real folders in a temp directory, through the listing the CLI uses.
 */
import { mkdirSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listLocalInputs } from '../../functions/adapters/local-files.js';
import { SourceList } from '../../functions/adapters/source-list.js';
import type { SourceObject } from '../../functions/core/ports.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('source-list');
afterAll(() => dir.remove());

/** This process's open files that are unlinked listing spools (Linux: /proc/self/fd). */
const openSpools = () =>
  readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => /ciphertrail-listing-.*\(deleted\)$/.test(target));

const listings = () => readdirSync(tmpdir()).filter((name) => name.startsWith('ciphertrail-listing-'));

describe('SourceList', () => {
  it('gives 10,000 files of several folders back in listing order, with their keys, sizes and identities', async () => {
    const root = join(dir.path, 'many');
    const expected: { key: string; size: number }[] = [];
    for (let f = 0; f < 4; f++) {
      const folder = join(root, `folder-${f}`);
      mkdirSync(folder, { recursive: true });
      for (let i = 0; i < 2500; i++) {
        // Names a plain text spool would break on: a tab, a newline, non-ASCII letters.
        const name = i === 7 ? `odd\tname\nwith-é-${f}.log` : `object-${String(i).padStart(5, '0')}.log`;
        writeFileSync(join(folder, name), 'x'.repeat(i % 13));
        expected.push({ key: `folder-${f}/${name}`, size: i % 13 });
      }
    }
    expected.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const before = listings();
    const { objects } = await listLocalInputs([root]);
    expect(objects.length).toBe(10_000);
    expect(objects.totalBytes).toBe(expected.reduce((sum, e) => sum + e.size, 0));
    // Past 4,096 files the listing is in a spool file, open and already unlinked.
    expect(openSpools()).toHaveLength(1);
    const seen = [...objects].map((o) => ({ key: o.key, size: o.size, name: o.name, identity: o.identity }));
    expect(seen.map(({ key, size }) => ({ key, size }))).toEqual(expected);
    expect(seen[9_999]).toEqual({
      key: expected[9_999]!.key,
      size: expected[9_999]!.size,
      name: join(root, expected[9_999]!.key),
      identity: join(root, expected[9_999]!.key),
    });
    // Read to the end, the spool is closed; unlinked when it was opened, it left nothing in the temp folder.
    expect(openSpools()).toHaveLength(0);
    expect(listings()).toEqual(before);
  });

  it('keeps other objects in their place between spooled files', () => {
    const folder = { path: '/in', real: '/in', keyPrefix: '' };
    const made: string[] = [];
    const list = new SourceList((file) => {
      made.push(file.name);
      return { name: file.name, key: file.name, identity: file.name, size: file.size } as SourceObject;
    });
    const other = (name: string) => ({ name, key: name, identity: name }) as SourceObject;
    for (let i = 0; i < 5000; i++) list.push({ folder, name: `a${i}`, size: 1 });
    list.push(other('s3://bucket/one'));
    for (let i = 0; i < 5000; i++) list.push({ folder, name: `b${i}`, size: 1 });
    expect(list.length).toBe(10_001);
    // An object without a size (an S3 object listed without one) makes the total unknown.
    expect(list.totalBytes).toBeUndefined();
    expect(made).toEqual([]);
    const names = [...list].map((o) => o.name);
    expect(names).toEqual([
      ...Array.from({ length: 5000 }, (_, i) => `a${i}`),
      's3://bucket/one',
      ...Array.from({ length: 5000 }, (_, i) => `b${i}`),
    ]);
  });
});
