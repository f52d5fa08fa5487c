/**
 * Append-only log files for the emulators' access logs: one open stream per file, created (with
 * its folder) on first use, so the request path does no synchronous file I/O.
 */

import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** The open log files of one local cloud run. */
export class LogFiles {
  private readonly streams = new Map<string, WriteStream>();

  /** Appends `line` and a newline to `file`. */
  append(file: string, line: string): void {
    let stream = this.streams.get(file);
    if (!stream) {
      mkdirSync(dirname(file), { recursive: true });
      stream = createWriteStream(file, { flags: 'a' });
      // A full disk or a removed folder must not crash the run; the line is lost.
      stream.on('error', () => {});
      this.streams.set(file, stream);
    }
    stream.write(`${line}\n`);
  }

  /** Flushes and closes every file. */
  async close(): Promise<void> {
    const streams = [...this.streams.values()];
    this.streams.clear();
    await Promise.all(streams.map((stream) => new Promise<void>((done) => stream.end(done))));
  }
}
