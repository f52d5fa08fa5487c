/**
 * The live progress view for terminals: redraws the whole view in place (cursor up, clear line)
 * at most once every {@link LiveRendererOptions.intervalMs}, animates a spinner on in-progress
 * rows, and draws a last frame on {@link LiveRenderer.stop}.
 *
 * @module
 */

import { isImageMoving } from './images.js';
import type { DeployProgressModel } from './model.js';
import { renderViewLines, SPINNER_FRAMES, styledLineToText } from './render-text.js';
import type { ProgressOutput } from './types.js';

/** A cancellable timer; what {@link ProgressScheduler.setTimeout} returns. */
export interface ProgressTimer {
  cancel(): void;
}

/** Schedules the renderer's redraws. Wharf's `Clock` (and its `ManualClock` in tests) fits. */
export interface ProgressScheduler {
  setTimeout(callback: () => void, ms: number): ProgressTimer;
}

/** Options of {@link LiveRenderer}. */
export interface LiveRendererOptions {
  /** Colour the view with ANSI SGR codes; default true. The CLI passes false for NO_COLOR. */
  readonly color?: boolean;
  /** Least time between two frames, in milliseconds; default 100. */
  readonly intervalMs?: number;
  /** Timer source; defaults to the global `setTimeout` (unref'd, so it never keeps Node alive). */
  readonly scheduler?: ProgressScheduler;
}

const CURSOR_UP = (n: number) => `\u001b[${n}A`;
const CLEAR_LINE = '\u001b[2K';
const CLEAR_BELOW = '\u001b[J';

const SYSTEM_SCHEDULER: ProgressScheduler = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Draws a {@link DeployProgressModel} in place on a terminal; see the module documentation. */
export class LiveRenderer {
  private readonly color: boolean;
  private readonly intervalMs: number;
  private readonly scheduler: ProgressScheduler;
  private readonly unsubscribe: () => void;
  private timer: ProgressTimer | undefined;
  private lastFrameAt: number | undefined;
  private height = 0;
  private frames = 0;
  private stopped = false;

  constructor(
    private readonly model: DeployProgressModel,
    private readonly out: ProgressOutput,
    options: LiveRendererOptions = {},
  ) {
    this.color = options.color ?? true;
    this.intervalMs = options.intervalMs ?? 100;
    this.scheduler = options.scheduler ?? SYSTEM_SCHEDULER;
    this.unsubscribe = model.subscribe(() => this.requestFrame());
  }

  /** Frames drawn so far. */
  get frameCount(): number {
    return this.frames;
  }

  /**
   * Prints text above the live view (a warning, a prompt's answer): the view is cleared, the text
   * written and kept, and the view drawn again below it.
   */
  printAbove(text: string): void {
    const body = text.endsWith('\n') ? text : `${text}\n`;
    if (this.stopped) {
      this.out.write(body);
      return;
    }
    this.out.write(`${this.height > 0 ? `\r${CURSOR_UP(this.height)}` : ''}${CLEAR_BELOW}${body}`);
    this.height = 0;
    this.draw();
  }

  /** Draws the last frame (without a moving spinner) and detaches from the model. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.unsubscribe();
    this.draw();
  }

  private requestFrame(): void {
    if (this.stopped || this.timer) return;
    const now = this.model.time();
    const since = this.lastFrameAt === undefined ? Number.POSITIVE_INFINITY : now - this.lastFrameAt;
    if (since >= this.intervalMs) this.draw();
    else this.schedule(this.intervalMs - since);
  }

  private schedule(ms: number): void {
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.draw();
    }, ms);
  }

  private draw(): void {
    const columns = this.out.columns && this.out.columns > 0 ? this.out.columns : undefined;
    const rows = this.out.rows && this.out.rows > 0 ? this.out.rows : undefined;
    const spinner = SPINNER_FRAMES[this.frames % SPINNER_FRAMES.length];
    const view = this.model.view();
    const lines = renderViewLines(view, {
      spinner,
      columns,
      maxLines: rows === undefined ? undefined : Math.max(1, rows - 1),
    });
    let frame = this.height > 0 ? `\r${CURSOR_UP(this.height)}` : '';
    for (const line of lines) {
      frame += `${CLEAR_LINE}${styledLineToText(line, { color: this.color, columns })}\n`;
    }
    frame += CLEAR_BELOW;
    this.out.write(frame);
    this.height = lines.length;
    this.frames++;
    this.lastFrameAt = this.model.time();
    // Keep the spinner and the elapsed times moving while nothing else happens.
    const moving =
      view.stacks.some((stack) => !stack.finished) || view.images.some((image) => isImageMoving(image.stage));
    if (moving && !this.timer && !this.stopped) this.schedule(this.intervalMs);
  }
}
