/**
 * A container health check run outside Docker (the process runtime), with Docker's semantics.
 *
 * Fidelity (aws-behavior.md §3.2): the first check runs `interval` after the container starts,
 * then `interval` after each previous check completes; a check that runs longer than `timeout`
 * fails (and is cancelled); the status starts as `starting` (reported as `UNKNOWN`), becomes
 * `HEALTHY` whenever a check passes, and `UNHEALTHY` after `retries` consecutive failures;
 * failures while still `starting` inside `startPeriod` do not count, and a success inside the start
 * period ends it. Not reproduced: ECS's own lag between Docker's status and the task's
 * `healthStatus`, Docker 25's `start-interval`. The Docker runtime leaves all this to Docker.
 */

import { type Clock, SYSTEM_CLOCK, type Timer } from '../clock.js';
import type { ContainerHealthCheckConfig } from '../ecs/types.js';
import type { ContainerHealth } from './types.js';

/** Runs the health check command once; resolves `true` on exit code 0. Must stop when `signal` aborts. */
export type HealthProbe = (signal: AbortSignal) => Promise<boolean>;

/** Drives one container's health checks and reports status changes. */
export class HealthCheckLoop {
  private current: ContainerHealth = 'UNKNOWN';
  private failingStreak = 0;
  private startedAt = 0;
  private timer: Timer | undefined;
  private running = false;
  private inFlight: AbortController | undefined;

  /**
   * @param config the container's health check (seconds, as in the task definition)
   * @param probe runs the command once
   * @param onChange called with the new status each time it changes (never with the initial `UNKNOWN`)
   * @param clock time source; a ManualClock in tests
   */
  constructor(
    private readonly config: ContainerHealthCheckConfig,
    private readonly probe: HealthProbe,
    private readonly onChange: (health: ContainerHealth) => void,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  /** The current status: `UNKNOWN` while starting. */
  get status(): ContainerHealth {
    return this.current;
  }

  /** Starts checking; the container is considered started now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.clock.now();
    this.schedule();
  }

  /** Stops checking and cancels a check in flight; no more status changes are reported. */
  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.clock.setTimeout(() => {
      void this.check();
    }, this.config.intervalSeconds * 1000);
  }

  private async check(): Promise<void> {
    if (!this.running) return;
    const begun = this.clock.now();
    const controller = new AbortController();
    this.inFlight = controller;
    let timedOut = false;
    const timeout = this.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.config.timeoutSeconds * 1000);
    let passed: boolean;
    try {
      passed = await Promise.race([
        this.probe(controller.signal),
        new Promise<boolean>((resolve) => controller.signal.addEventListener('abort', () => resolve(false))),
      ]);
    } catch {
      passed = false;
    }
    timeout.cancel();
    if (!this.running) return;
    this.inFlight = undefined;
    this.record(!timedOut && passed, begun);
    this.schedule();
  }

  private record(passed: boolean, begun: number): void {
    if (passed) {
      this.failingStreak = 0;
      this.set('HEALTHY');
      return;
    }
    const inStartPeriod =
      this.current === 'UNKNOWN' && begun - this.startedAt < this.config.startPeriodSeconds * 1000;
    if (inStartPeriod) return;
    this.failingStreak++;
    if (this.failingStreak >= this.config.retries) this.set('UNHEALTHY');
  }

  private set(health: ContainerHealth): void {
    if (health === this.current) return;
    this.current = health;
    this.onChange(health);
  }
}
