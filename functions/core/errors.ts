/**
 * The errors ciphertrail tells apart. Each one decides what happens next, so callers branch on
 * the class, never on message text:
 *
 * - ObjectRejectedError: this object can never be read as it is (corrupt, unknown layout, not a
 *   flow log). It is counted and named; the run goes on; nothing of it is written.
 *   ParquetObjectError, one of them, is a Parquet object that reached the text reader.
 * - UsageError: what the user asked for cannot be done as asked (a wrong option, an input that
 *   does not exist, --out naming a file). The CLI prints it with the command's synopsis, exit 2.
 * - OutputError: the output could not be written (disk full, read-only, no such bucket). The run
 *   cannot go on; what was committed before stays consistent.
 * - DeadlineError: the time given to this object ran out while it streamed (a Lambda invocation
 *   about to time out). Nothing of it is written; its message is released for a later attempt.
 * - ConfigError: a setting (environment variable, context value) is invalid.
 */
export interface MalformedSample {
  readonly line: number;
  readonly reason: string;
  readonly text: string;
}

export class ObjectRejectedError extends Error {
  constructor(
    message: string,
    readonly samples: readonly MalformedSample[] = [],
  ) {
    super(message);
    this.name = 'ObjectRejectedError';
  }
}

/** A Parquet object reached the text reader: the caller hands it to its Parquet reader, if it has one. */
export class ParquetObjectError extends ObjectRejectedError {
  constructor() {
    super('Parquet object given to the text reader');
    this.name = 'ParquetObjectError';
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class OutputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutputError';
  }
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}
