/**
 * The one channel every Wharf action reports through, so the CLI, tests and any later UI render
 * the same events (the CDK toolkit's IoHost, in small). Actions never write to stdout themselves.
 */

/** How important a message is. `result` is the data an action produces (stdout in the CLI). */
export type IoLevel = 'error' | 'warn' | 'info' | 'debug' | 'result';

/** One event from an action. */
export interface IoMessage {
  readonly level: IoLevel;
  /** Stable identifier, e.g. `WHARF_SYNTH_START`. */
  readonly code: string;
  /** Human-readable text. */
  readonly message: string;
  /** Structured payload for machines (`--json`) and tests. */
  readonly data?: unknown;
}

/** Receives an action's messages. */
export interface IoHost {
  notify(message: IoMessage): void;
}

/** An IoHost that drops everything (the default for library calls). */
export const SILENT_IO: IoHost = { notify() {} };

/** An IoHost that keeps every message, for tests. */
export class RecordingIoHost implements IoHost {
  readonly messages: IoMessage[] = [];
  notify(message: IoMessage): void {
    this.messages.push(message);
  }
  /** The messages with the given code. */
  withCode(code: string): IoMessage[] {
    return this.messages.filter((m) => m.code === code);
  }
}
