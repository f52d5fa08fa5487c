/**
 * Container output → log lines (the `awslogs` log driver, locally).
 *
 * Fidelity: like `awslogs`, every line a container writes on stdout or stderr becomes one log
 * event, in the stream `<streamPrefix>/<container name>/<task id>` of the container's log group
 * (aws-behavior.md has no section on logs; the stream name format is the documented `awslogs`
 * one). Locally the events go to {@link TaskEvents.onLog} and, when a log folder is set, are
 * appended to `<logDir>/<log group folder>/<streamPrefix>/<container>/<taskId>.log` (see
 * {@link containerLogFile}). Not reproduced: CloudWatch timestamps, the 256 KiB event limit
 * (lines longer than that are split), multi-line patterns, `mode: non-blocking`.
 */

import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { ContainerConfig } from '../ecs/types.js';
import type { TaskEvents } from './types.js';

/** Longest line kept whole; longer output is cut into pieces of this size (CloudWatch's event limit). */
const MAX_LINE_CHARS = 256 * 1024;

/**
 * The `awslogs` stream name of a container in a task: `<prefix>/<container>/<taskId>`, or
 * `undefined` when the container has no log configuration. Without a prefix (allowed on EC2,
 * required on Fargate) the stream is just the task id.
 */
export function awslogsStreamName(container: ContainerConfig, taskId: string): string | undefined {
  if (!container.log) return undefined;
  const prefix = container.log.streamPrefix;
  return prefix ? `${prefix}/${container.name}/${taskId}` : taskId;
}

/**
 * The folder name used for a log group: leading slashes dropped, every other `/` and any
 * character outside `[A-Za-z0-9._-]` replaced by `_`, so `/ecs/api` → `ecs_api`. A name made
 * only of dots (`.`, `..`) becomes `_`, so the folder always stays inside the log folder.
 */
export function logGroupFolder(logGroupName: string): string {
  const cleaned = logGroupName.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_');
  return cleaned === '' || /^\.+$/.test(cleaned) ? '_' : cleaned;
}

/**
 * Where a container's log file goes:
 * `<logDir>/<logGroupFolder(group)>/<streamPrefix>/<container>/<taskId>.log` (the `awslogs`
 * stream name as a path), or `undefined` without a log folder or a log configuration.
 */
export function containerLogFile(
  logDir: string | undefined,
  container: ContainerConfig,
  taskId: string,
): string | undefined {
  if (logDir === undefined || !container.log) return undefined;
  const stream = awslogsStreamName(container, taskId) ?? taskId;
  const segments = stream.split('/').map(logGroupFolder);
  return `${join(logDir, logGroupFolder(container.log.logGroupName), ...segments)}.log`;
}

/** Splits a byte stream into lines (without `\n` or `\r\n`), decoding UTF-8 across chunks. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  /** Feeds a chunk; calls `onLine` for every complete line in it. */
  push(chunk: Buffer | string): void {
    let text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      this.emit(text.slice(0, newline));
      text = text.slice(newline + 1);
      newline = text.indexOf('\n');
    }
    while (text.length > MAX_LINE_CHARS) {
      this.emit(text.slice(0, MAX_LINE_CHARS));
      text = text.slice(MAX_LINE_CHARS);
    }
    this.partial = text;
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length > 0) this.emit(rest);
  }

  private emit(line: string): void {
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

/**
 * The log sink of one container of one task: feed it raw stdout/stderr chunks; it reports lines
 * to the scheduler and appends them to the container's log file.
 */
export class ContainerLogs {
  private readonly out: LineSplitter;
  private readonly err: LineSplitter;
  private file: WriteStream | undefined;
  private fileFailed = false;
  private ended = false;
  /** The log file path, or `undefined` when lines are not written to disk. */
  readonly filePath: string | undefined;

  constructor(
    private readonly containerName: string,
    events: TaskEvents,
    filePath: string | undefined,
    private readonly onWriteError: (error: Error) => void = () => {},
  ) {
    this.filePath = filePath;
    this.out = new LineSplitter((line) => {
      this.write(line);
      events.onLog(this.containerName, line, 'stdout');
    });
    this.err = new LineSplitter((line) => {
      this.write(line);
      events.onLog(this.containerName, line, 'stderr');
    });
  }

  /** Output written on stdout. */
  stdout(chunk: Buffer | string): void {
    if (!this.ended) this.out.push(chunk);
  }

  /** Output written on stderr. */
  stderr(chunk: Buffer | string): void {
    if (!this.ended) this.err.push(chunk);
  }

  /** Flushes partial lines and closes the file; idempotent. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.out.end();
    this.err.end();
    this.ended = true;
    const file = this.file;
    this.file = undefined;
    if (file && !file.destroyed) await new Promise<void>((resolve) => file.end(resolve));
  }

  private write(line: string): void {
    if (this.filePath === undefined || this.fileFailed) return;
    if (!this.file) {
      try {
        mkdirSync(dirname(this.filePath), { recursive: true });
      } catch (error) {
        this.fail(error);
        return;
      }
      this.file = createWriteStream(this.filePath, { flags: 'a' });
      this.file.on('error', (error) => this.fail(error));
    }
    this.file.write(`${line}\n`);
  }

  private fail(error: unknown): void {
    if (this.fileFailed) return;
    this.fileFailed = true;
    this.onWriteError(error instanceof Error ? error : new Error(String(error)));
  }
}
