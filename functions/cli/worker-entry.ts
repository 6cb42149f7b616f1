import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The file `ingest --jobs` starts its worker threads from. The CLI runs from the TypeScript
 * sources through tsx, and tsx in a fresh thread spends ~0.6 s loading and transpiling the
 * module graph before a worker does any work. So the worker loop (./worker-main.ts) is bundled
 * once with esbuild (tsx's own dependency) into one ESM file under node_modules/.cache, named by
 * its content hash; a worker then starts in about a tenth of the time. When esbuild cannot run,
 * workers fall back to registering tsx themselves (./ingest-worker.js).
 */
export async function workerEntryFile(): Promise<string> {
  const viaTsx = fileURLToPath(new URL('./ingest-worker.js', import.meta.url));
  const source = fileURLToPath(new URL('./worker-main.ts', import.meta.url));
  if (!existsSync(source)) return viaTsx;
  try {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [source], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external',
      write: false, logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.contents;
    const root = join(dirname(source), '..', '..');
    const dir = join(root, 'node_modules', '.cache', 'ciphertrail');
    const file = join(dir, `ingest-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      // Written aside and renamed: a concurrent run never starts a worker from half a file.
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, code);
      renameSync(partial, file);
    }
    return file;
  } catch {
    return viaTsx;
  }
}
