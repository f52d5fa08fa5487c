/**
 * Stage selection: which stage of an HTTP API a request path belongs to.
 *
 * Fidelity (aws-behavior.md §1.1): a request whose first path segment names a stage goes to that
 * stage, and the route is matched on the rest of the path; otherwise it goes to the `$default`
 * stage with the whole path; without a `$default` stage nothing matches (404 `Not Found`). A
 * request to exactly `/<stage>` is matched as `/`.
 */

import type { StageConfig } from './types.js';

/** The stage a request goes to and the path routes are matched on. */
export interface StageSelection {
  readonly stage: StageConfig;
  /** The request path without the stage segment (the whole path for `$default`). */
  readonly routePath: string;
}

/** Picks the stage for a request path. Build once per API. */
export class StageSelector {
  private readonly named = new Map<string, StageConfig>();
  private readonly defaultStage: StageConfig | undefined;

  constructor(stages: readonly StageConfig[]) {
    for (const stage of stages) if (stage.name !== '$default') this.named.set(stage.name, stage);
    this.defaultStage = stages.find((stage) => stage.name === '$default');
  }

  /** The stage for `path` (starting with `/`, no query), or `undefined` when none matches. */
  select(path: string): StageSelection | undefined {
    if (this.named.size > 0) {
      const end = path.indexOf('/', 1);
      const first = end < 0 ? path.slice(1) : path.slice(1, end);
      const stage = this.named.get(first);
      if (stage) return { stage, routePath: end < 0 ? '/' : path.slice(end) };
    }
    return this.defaultStage ? { stage: this.defaultStage, routePath: path } : undefined;
  }
}
