/**
 * The terminal side of deploy/destroy progress: a {@link DeployProgressModel} fed by the library's
 * {@link ProgressListener}, drawn on stderr live (TTY), as log lines (CI) or as JSON lines
 * (`--json`). While the live view owns the screen, other messages are printed above it.
 */

import {
  createProgressRenderer,
  DeployProgressModel,
  LiveRenderer,
  type ProgressRenderer,
  renderSummary,
} from '../deploy/progress/index.js';
import type { ProgressListener } from '../deploy/progress-listener.js';
import type { IoHost, IoMessage } from '../io/io-host.js';

/** Options of {@link startProgressView}. */
export interface ProgressViewOptions {
  /** JSON lines on stderr. */
  readonly json: boolean;
  /** Redraw in place when stderr is a terminal; false prints one line per change. */
  readonly live: boolean;
  /** Where to draw. @default process.stderr */
  readonly out?: { write(text: string): unknown; isTTY?: boolean; columns?: number; rows?: number };
}

/** A started progress view. */
export interface ProgressView {
  /** Pass to `deploy`/`destroy`. */
  readonly listener: ProgressListener;
  /** Whether the text is coloured. */
  readonly color: boolean;
  /** Wraps the command's IoHost so messages do not tear the live view. */
  io(base: IoHost): IoHost;
  /** Draws the last frame and prints held messages. Safe to call twice. */
  stop(): void;
  /** What failed and why, for the end of a failed run ('' when nothing failed). */
  summary(): string;
  /** Writes to the view's stream. */
  write(text: string): void;
}

/** Starts a view; nothing is drawn until the first stack starts. */
export function startProgressView(options: ProgressViewOptions): ProgressView {
  const out = options.out ?? process.stderr;
  const tty = out.isTTY === true;
  const color = tty && !process.env.NO_COLOR;
  const live = options.live && tty && !options.json;
  const model = new DeployProgressModel();
  let renderer: ProgressRenderer | undefined;
  let stopped = false;
  const ensureRenderer = () => {
    renderer ??= createProgressRenderer(model, out as Parameters<typeof createProgressRenderer>[1], {
      json: options.json,
      live,
      color,
    });
  };
  const listener: ProgressListener = {
    stackStarted(info) {
      ensureRenderer();
      model.stackStarted(info);
    },
    stackEvent(event) {
      ensureRenderer();
      model.event(event);
    },
    rollout(rollout) {
      ensureRenderer();
      model.rollout(rollout);
    },
    image(image) {
      ensureRenderer();
      model.image(image);
    },
    finished(info) {
      if (model.rootStackNames().includes(info.stackName)) model.finished(info);
    },
  };
  return {
    listener,
    color,
    io(base) {
      return {
        notify(message: IoMessage) {
          if (options.json) {
            // Keep stderr machine-readable: messages are JSON lines like the progress records.
            if (message.level === 'debug' || message.level === 'result') return;
            out.write(
              `${JSON.stringify({ type: 'message', time: new Date().toISOString(), level: message.level, code: message.code, message: message.message })}\n`,
            );
            return;
          }
          if (
            renderer instanceof LiveRenderer &&
            !stopped &&
            message.level !== 'debug' &&
            message.level !== 'result'
          ) {
            const prefix =
              message.level === 'error' ? 'error: ' : message.level === 'warn' ? 'warning: ' : '';
            renderer.printAbove(`${prefix}${message.message}`);
            return;
          }
          base.notify(message);
        },
      };
    },
    stop() {
      if (stopped) return;
      stopped = true;
      renderer?.stop();
    },
    summary() {
      const shown = model.rootStackNames().length > 0 || model.view().images.length > 0;
      return shown && !options.json ? renderSummary(model) : '';
    },
    write(text) {
      if (text) out.write(text);
    },
  };
}
