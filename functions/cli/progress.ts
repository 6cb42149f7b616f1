import { formatBytes, formatCount } from '../report/format.js';

export interface ProgressOptions {
  readonly quiet: boolean;
  readonly objects: number;
  /** Stored bytes of all inputs, when the listing knew every size (local files, S3 listings). */
  readonly bytes: number | undefined;
  readonly stream?: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  readonly now?: () => number;
}

/** On a terminal: one line redrawn every 250 ms once a run takes 2 s. Elsewhere: a line at 10 s, then every 30 s. */
const TTY = { firstMs: 2_000, everyMs: 250 };
const PLAIN = { firstMs: 10_000, everyMs: 30_000 };
/** An ETA needs a few seconds of rate behind it. */
const ETA_AFTER_MS = 3_000;

/**
 * Progress of an ingest run on stderr, moving inside long objects too: objects done, bytes read
 * (of the total when known), rate, records, and an ETA. On a terminal it is one line redrawn in
 * place; otherwise (a log file, CI) a line every 30 seconds.
 */
export class Progress {
  private readonly stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  private readonly now: () => number;
  private readonly started: number;
  private last: number;
  private shown = false;
  private bytesRead = 0;
  private objectsDone = 0;
  private records = 0;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.last = this.started;
  }

  /** Stored bytes read from some input (any object, any worker). */
  bytes(n: number): void {
    this.bytesRead += n;
    this.maybeShow();
  }

  object(records: number): void {
    this.objectsDone++;
    this.records += records;
    this.maybeShow();
  }

  done(): void {
    if (!this.shown) return;
    this.stream.write(this.stream.isTTY ? '\r\x1b[2K' : 'ingest: done\n');
  }

  private maybeShow(): void {
    if (this.options.quiet) return;
    const now = this.now();
    const pace = this.stream.isTTY ? TTY : PLAIN;
    if (now - this.started < pace.firstMs || (this.shown && now - this.last < pace.everyMs)) return;
    this.last = now;
    this.shown = true;
    const line = this.line(now);
    this.stream.write(this.stream.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  line(now: number): string {
    const elapsed = Math.max(now - this.started, 1);
    const rate = (this.bytesRead * 1000) / elapsed;
    const total = this.options.bytes;
    const parts = [`ingest: ${formatCount(this.objectsDone)}/${formatCount(this.options.objects)} objects`];
    parts.push(
      total
        ? `${formatBytes(this.bytesRead)} of ${formatBytes(total)} (${percent(this.bytesRead, total)})`
        : `${formatBytes(this.bytesRead)} read`,
    );
    parts.push(`${formatBytes(rate)}/s`, `${formatCount(this.records)} records`);
    if (total && elapsed >= ETA_AFTER_MS && rate > 0 && this.bytesRead < total) {
      parts.push(`ETA ${duration((total - this.bytesRead) / rate)}`);
    }
    return parts.join(', ');
  }
}

const percent = (part: number, whole: number) => `${Math.min(100, Math.floor((part * 100) / whole))}%`;

function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
