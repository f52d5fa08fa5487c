/**
 * The live progress view of `wharf deploy` and `wharf destroy`: a model fed with container
 * image stages, CloudFormation stack events and ECS rollout snapshots, and renderers for
 * terminals, logs and JSON lines.
 *
 * ```ts
 * const model = new DeployProgressModel();
 * const renderer = createProgressRenderer(model, process.stdout, { color: !process.env.NO_COLOR });
 * model.stackStarted({ stackName: 'MyApp', isUpdate: false, operation: 'deploy' });
 * for (const event of newEvents) model.event(event);
 * model.finished({ stackName: 'MyApp', ok: true });
 * renderer.stop();
 * process.stdout.write(renderSummary(model));
 * ```
 *
 * @module
 */

import { JsonRenderer } from './json.js';
import { LiveRenderer, type ProgressScheduler } from './live.js';
import { LogRenderer } from './log.js';
import type { DeployProgressModel } from './model.js';
import type { ProgressOutput } from './types.js';

export * from './format.js';
export * from './images.js';
export * from './json.js';
export * from './live.js';
export * from './log.js';
export * from './model.js';
export * from './render-images.js';
export * from './render-text.js';
export * from './scenarios.js';
export * from './summary.js';
export * from './types.js';

/** What every renderer can do: stop (the live one draws its last frame). */
export interface ProgressRenderer {
  stop(): void;
}

/** Options of {@link createProgressRenderer}. */
export interface ProgressRendererOptions {
  /** JSON lines instead of text (`--json`). */
  readonly json?: boolean;
  /** The live, redrawn view; default: when the output is a TTY. */
  readonly live?: boolean;
  /** ANSI colours in the live view; default true. Pass false for NO_COLOR or `--no-color`. */
  readonly color?: boolean;
  /** Time zone of the log renderer's stamps; default local. */
  readonly timeZone?: 'local' | 'utc';
  /** Least time between live frames in milliseconds; default 100. */
  readonly intervalMs?: number;
  /** Timer source of the live view. */
  readonly scheduler?: ProgressScheduler;
}

/**
 * Picks the renderer for an output: {@link JsonRenderer} with `json`, {@link LiveRenderer} on a
 * TTY (or with `live: true`), else {@link LogRenderer}. The renderer subscribes to the model.
 */
export function createProgressRenderer(
  model: DeployProgressModel,
  out: ProgressOutput,
  options: ProgressRendererOptions = {},
): ProgressRenderer {
  if (options.json) return new JsonRenderer(model, out);
  if (options.live ?? out.isTTY === true) {
    return new LiveRenderer(model, out, {
      color: options.color,
      intervalMs: options.intervalMs,
      scheduler: options.scheduler,
    });
  }
  return new LogRenderer(model, out, { timeZone: options.timeZone });
}
