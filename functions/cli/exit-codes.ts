/** Exit status of every command: a script can tell "some input was bad" from "the run failed". */
export const EXIT = {
  /** Everything was read and written. */
  ok: 0,
  /** Some object was rejected (the others were written), or an alert could not be published. */
  rejected: 1,
  /** The command line is wrong: an option, a value, or an input that does not exist. */
  usage: 2,
  /** The run itself failed (output not writable, disk full, a worker crashed): see the message. */
  failed: 3,
} as const;

export const EXIT_STATUS_HELP = `Exit status:
  0  everything was read and written
  1  some object was rejected (the others were written), or an alert could not be published
  2  usage error: a wrong option or value, or an input that does not exist
  3  the run itself failed (output not writable, disk full, a worker crashed): see the message`;
