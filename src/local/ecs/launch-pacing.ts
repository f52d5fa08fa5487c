/**
 * Local launch pacing: how soon a service may launch again after a task failed right after it
 * was launched. A local deviation from ECS, on by default in `wharf dev`, off in the scheduler.
 *
 * Fidelity (aws-behavior-2.md §7): on Fargate a launch takes 20–90 s (ENI, image pull, container
 * start), so a task whose command exits at once is relaunched about once a minute and its stopped
 * reasons can be read. ECS's own throttle (`service-throttle.ts`, §7.3) applies only to tasks that
 * never reach RUNNING; "tasks that fail immediately because of command errors" do not trigger it.
 * Locally a launch takes milliseconds, so without pacing such a task is relaunched hundreds of
 * times a minute. Pacing keeps the throttle as it is and adds a floor: when a failed task stops
 * within `quickStopMs` of its launch, the service launches again no earlier than `minIntervalMs`
 * after that launch. A task that ran longer is replaced at once, as on AWS. Not reproduced: the
 * Fargate launch time itself.
 */

/** Options of {@link pacedLaunchAt}. */
export interface LaunchPacingOptions {
  /** A failed task that stops within this long of its launch is a quick failure. @default 10_000 */
  readonly quickStopMs?: number;
  /** After a quick failure, the next launch waits until this long after the failed launch. @default 5_000 */
  readonly minIntervalMs?: number;
}

/** One failed task: when it was launched and when its stop was decided (ms since the epoch). */
export interface FailedLaunch {
  readonly launchedAt: number;
  readonly stoppedAt: number;
}

/**
 * The earliest time of the service's next launch after `failed`: `launchedAt + minIntervalMs` for
 * a quick failure, else 0 (no pause).
 *
 * @example pacedLaunchAt({ launchedAt: 0, stoppedAt: 50 }) // 5_000: exited at once, wait until 5 s
 * @example pacedLaunchAt({ launchedAt: 0, stoppedAt: 7_000 }) // 5_000: relaunch now (7 s > 5 s)
 * @example pacedLaunchAt({ launchedAt: 0, stoppedAt: 60_000 }) // 0: ran a minute, replace at once
 */
export function pacedLaunchAt(failed: FailedLaunch, options: LaunchPacingOptions = {}): number {
  const quickStopMs = options.quickStopMs ?? 10_000;
  const minIntervalMs = options.minIntervalMs ?? 5_000;
  if (failed.stoppedAt - failed.launchedAt >= quickStopMs) return 0;
  return failed.launchedAt + minIntervalMs;
}

/** The pacing state of one service: the latest time before which it may not launch. */
export class LaunchPacer {
  private notBefore = 0;

  constructor(private readonly options: LaunchPacingOptions = {}) {}

  /** Records a failed task; returns the time before which no launch may happen (0: none). */
  recordFailure(failed: FailedLaunch): number {
    this.notBefore = Math.max(this.notBefore, pacedLaunchAt(failed, this.options));
    return this.notBefore;
  }

  /** True when no launch may happen at `now`. */
  isPaced(now: number): boolean {
    return now < this.notBefore;
  }

  /** A new deployment (a new task definition) launches at once, as the ECS throttle resets. */
  reset(): void {
    this.notBefore = 0;
  }
}
