/**
 * The ceiling: bare gunzip (1 MiB output chunks) + line split, nothing else. Two variants:
 * `bytes` finds newlines in the Buffer with indexOf(10); `latin1` decodes each chunk to a string
 * and splits with indexOf('\n'). The bench takes the faster as the ceiling.
 *
 * Usage: tsx test/bench/tasks/gunzip-split.ts <bytes|latin1> <file.gz>...
 * Prints one JSON line: { ms, cpuMs, maxRssMb, lines, textBytes }.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { startClock } from './clock.js';

const [mode, ...files] = process.argv.slice(2);
let lines = 0;
let textBytes = 0;
const clock = startClock();
for (const file of files) {
  const gunzip = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 20 }));
  let carry = '';
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    textBytes += chunk.length;
    if (mode === 'bytes') {
      let pos = 0;
      let nl: number;
      while ((nl = chunk.indexOf(10, pos)) !== -1) {
        lines++;
        pos = nl + 1;
      }
    } else {
      const text = carry + chunk.toString('latin1');
      let pos = 0;
      let nl: number;
      while ((nl = text.indexOf('\n', pos)) !== -1) {
        lines++;
        pos = nl + 1;
      }
      carry = text.slice(pos);
    }
  }
}
console.log(JSON.stringify({ ...clock(), lines, textBytes }));
