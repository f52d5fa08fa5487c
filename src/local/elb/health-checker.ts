/**
 * The health check loop of one target in a target group: when to probe, and what the results mean.
 *
 * Fidelity (aws-behavior.md §2.2, §5.1): a probe starts every `intervalSeconds`, whatever the
 * previous one took ("The time that it takes for the target to respond does not affect the interval
 * for the next health check request"); each probe is cut after `timeoutSeconds` (`Target.Timeout`).
 * A target goes `healthy` → `unhealthy` after `UnhealthyThresholdCount` consecutive failures and
 * `unhealthy` → `healthy` after `HealthyThresholdCount` consecutive successes. A new target leaves
 * `initial`:
 * - for `healthy`, after `HealthyThresholdCount` consecutive successes with `initialHealthyAfter:
 *   'threshold'` (the default: it matches the ECS best-practices arithmetic `interval × threshold`
 *   and the reason text of `Elb.InitialHealthChecking`, "the minimum number of health checks"), or
 *   after one success with `'one-check'` (the ELB guide's "it must pass one health check"); the
 *   sources conflict, see §2.2;
 * - for `unhealthy`, after `UnhealthyThresholdCount` consecutive failures (inferred, not documented).
 *
 * The first probe runs one interval after {@link HealthChecker.start} (so with interval 6 s and
 * threshold 2 a target is healthy after ≈12 s, or ≈6 s with `'one-check'`, as §5.1 expects). All
 * timing goes through the injected {@link Clock}. Not emulated: each ALB node checking on its own
 * (there is one checker per target), and `Elb.InternalError`.
 */

import type { Clock, Timer } from '../clock.js';
import type { HealthCheckFailureReason, ProbeOutcome } from './health-probe.js';
import { TIMED_OUT } from './health-probe.js';
import type { HealthCheckConfig } from './types.js';

/** When a new target counts as healthy: after one passing check, or after `HealthyThresholdCount`. */
export type InitialHealthyAfter = 'one-check' | 'threshold';

/** The health part of a target's state. */
export type HealthState = 'initial' | 'healthy' | 'unhealthy';

/** Health state plus the counters the thresholds apply to. */
export interface HealthStatus {
  readonly state: HealthState;
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
  /** The last failure, shown while the target is unhealthy. */
  readonly lastFailure?: { readonly reason: HealthCheckFailureReason; readonly description: string };
}

/** Thresholds of a target group's health check, as the state machine needs them. */
export interface HealthThresholds {
  readonly healthyThresholdCount: number;
  readonly unhealthyThresholdCount: number;
  readonly initialHealthyAfter: InitialHealthyAfter;
}

/** The state of a target that has not been checked yet. */
export const INITIAL_HEALTH: HealthStatus = {
  state: 'initial',
  consecutiveSuccesses: 0,
  consecutiveFailures: 0,
};

/** Applies one probe result to a health status (pure; the table of §2.2). */
export function nextHealth(
  current: HealthStatus,
  outcome: ProbeOutcome,
  thresholds: HealthThresholds,
): HealthStatus {
  if (outcome.ok) {
    const successes = current.consecutiveSuccesses + 1;
    const needed =
      current.state === 'initial' && thresholds.initialHealthyAfter === 'one-check'
        ? 1
        : thresholds.healthyThresholdCount;
    const state = current.state === 'healthy' || successes >= needed ? 'healthy' : current.state;
    return {
      state,
      consecutiveSuccesses: successes,
      consecutiveFailures: 0,
      lastFailure: state === 'healthy' ? undefined : current.lastFailure,
    };
  }
  const failures = current.consecutiveFailures + 1;
  const state = failures >= thresholds.unhealthyThresholdCount ? 'unhealthy' : current.state;
  return {
    state,
    consecutiveSuccesses: 0,
    consecutiveFailures: failures,
    lastFailure: { reason: outcome.reason, description: outcome.description },
  };
}

/** What a {@link HealthChecker} needs. */
export interface HealthCheckerOptions {
  readonly config: HealthCheckConfig;
  readonly clock: Clock;
  readonly initialHealthyAfter: InitialHealthyAfter;
  /** Sends one probe; must settle (as {@link TIMED_OUT}) when `signal` aborts. */
  readonly probe: (signal: AbortSignal) => Promise<ProbeOutcome>;
  /** Called after every probe with the new status (`changed` when `state` moved). */
  readonly onResult: (status: HealthStatus, outcome: ProbeOutcome, changed: boolean) => void;
  /** Called once, when the first probe is sent (the target leaves `Elb.RegistrationInProgress`). */
  readonly onFirstProbe?: () => void;
}

/** Runs the health checks of one target until {@link HealthChecker.stop}. */
export class HealthChecker {
  private status: HealthStatus = INITIAL_HEALTH;
  private timer: Timer | undefined;
  private readonly inFlight = new Set<AbortController>();
  private running = false;
  private probes = 0;
  private readonly thresholds: HealthThresholds;

  constructor(private readonly options: HealthCheckerOptions) {
    this.thresholds = {
      healthyThresholdCount: options.config.healthyThresholdCount,
      unhealthyThresholdCount: options.config.unhealthyThresholdCount,
      initialHealthyAfter: options.initialHealthyAfter,
    };
  }

  /** The current health status. */
  get current(): HealthStatus {
    return this.status;
  }

  /** Schedules the first probe one interval from now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stops probing; a probe still in flight is abandoned and its result ignored. */
  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  private schedule(): void {
    this.timer = this.options.clock.setTimeout(() => this.tick(), this.options.config.intervalSeconds * 1000);
  }

  private tick(): void {
    if (!this.running) return;
    this.schedule();
    if (this.probes++ === 0) this.options.onFirstProbe?.();
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = this.options.clock.setTimeout(
      () => controller.abort(),
      this.options.config.timeoutSeconds * 1000,
    );
    this.options
      .probe(controller.signal)
      .catch((): ProbeOutcome => TIMED_OUT)
      .then((outcome) => {
        timeout.cancel();
        if (!this.inFlight.delete(controller) || !this.running) return;
        const previous = this.status;
        this.status = nextHealth(previous, outcome, this.thresholds);
        this.options.onResult(this.status, outcome, previous.state !== this.status.state);
      });
  }
}
