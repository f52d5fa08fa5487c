/**
 * The local EventBridge scheduler for rules with a schedule: registers each rule when the local
 * cloud starts, and at each time its `ScheduleExpression` names, invokes its ECS targets (each a
 * `RunTask` of `TaskCount` tasks). Time comes from an injected clock, which `wharf dev
 * --clock-speed` accelerates, so tests and users need not wait an hour for `rate(1 hour)`.
 *
 * Fidelity (aws-behavior-2.md §11): a rate counts from when the rule is registered; cron times are
 * UTC minutes; a DISABLED rule is registered and never fires; each firing starts new tasks even
 * when those of the previous firing still run. Not reproduced: EventBridge's delivery delay
 * within the minute, retries and dead-letter queues (a task that fails to start is a STOPPED task
 * with its reason, as RunTask reports it, not a failed invocation), the `FailedInvocations` metric.
 */

import { type Clock, MAX_TIMER_MS, type Timer } from '../clock.js';
import { nextFire } from './schedule-expression.js';
import type { EcsTaskTargetConfig, ScheduledRuleConfig } from './types.js';

/** One firing of a rule. */
export interface RuleInvocation {
  /** Clock time of the firing (epoch ms). */
  readonly at: number;
  /** The tasks it started, over all targets. */
  readonly taskIds: readonly string[];
  /** Why a target could not be invoked, if one could not. */
  readonly error?: string;
}

/** A rule as the status view shows it. */
export interface RuleStatus {
  readonly name: string;
  readonly arn: string;
  readonly scheduleExpression: string;
  readonly state: 'ENABLED' | 'DISABLED';
  /** When the rule was registered (clock time). */
  readonly registeredAt: number;
  /** The next firing (clock time); undefined when DISABLED or the schedule never fires again. */
  readonly nextFireAt?: number;
  readonly invocationCount: number;
  readonly lastInvocation?: RuleInvocation;
  readonly targets: readonly {
    readonly id: string;
    readonly taskDefinition: string;
    readonly taskCount: number;
  }[];
}

/** Everything a {@link RuleScheduler} works with. */
export interface RuleSchedulerProps {
  readonly rules: readonly ScheduledRuleConfig[];
  /** EventBridge's clock (possibly accelerated). */
  readonly clock: Clock;
  /** Runs one target (a RunTask call); returns the started task ids. May throw. */
  readonly invoke: (rule: ScheduledRuleConfig, target: EcsTaskTargetConfig) => readonly string[];
  /** Each firing, after its targets were invoked. */
  readonly onInvocation?: (rule: ScheduledRuleConfig, invocation: RuleInvocation) => void;
}

interface RuleState {
  readonly rule: ScheduledRuleConfig;
  readonly registeredAt: number;
  nextFireAt?: number;
  invocationCount: number;
  lastInvocation?: RuleInvocation;
  timer?: Timer;
}

/** Fires scheduled rules. {@link start} registers them; {@link stop} disarms every timer. */
export class RuleScheduler {
  private readonly states: RuleState[] = [];
  private started = false;
  private stopped = false;

  constructor(private readonly props: RuleSchedulerProps) {}

  /** Registers every rule and arms the enabled ones. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const now = this.props.clock.now();
    for (const rule of this.props.rules) {
      const state: RuleState = { rule, registeredAt: now, invocationCount: 0 };
      this.states.push(state);
      if (rule.state === 'ENABLED') this.arm(state, now);
    }
  }

  /** True once every rule is registered (ENABLED ones armed). */
  get registered(): boolean {
    return this.started && this.states.length === this.props.rules.length;
  }

  /** Disarms every rule; tasks already started keep running (the caller stops them). */
  stop(): void {
    this.stopped = true;
    for (const state of this.states) state.timer?.cancel();
  }

  /** A snapshot of every rule. */
  describe(): RuleStatus[] {
    return this.states.map((state) => ({
      name: state.rule.name,
      arn: state.rule.arn,
      scheduleExpression: state.rule.schedule.expression,
      state: state.rule.state,
      registeredAt: state.registeredAt,
      nextFireAt: state.nextFireAt,
      invocationCount: state.invocationCount,
      lastInvocation: state.lastInvocation,
      targets: state.rule.targets.map((target) => ({
        id: target.id,
        taskDefinition: `${target.taskDefinition.family}:${target.taskDefinition.revision}`,
        taskCount: target.taskCount,
      })),
    }));
  }

  private arm(state: RuleState, after: number): void {
    if (this.stopped) return;
    const next = nextFire(state.rule.schedule, after, state.registeredAt);
    state.nextFireAt = next;
    if (next === undefined) return;
    this.wait(state, next);
  }

  /** Waits until `at`, in steps no longer than a Node timer can take. */
  private wait(state: RuleState, at: number): void {
    const { clock } = this.props;
    const delay = at - clock.now();
    // A speed-up divides the delay before Node sees it; stay far below its limit either way.
    const step = Math.min(delay, MAX_TIMER_MS / 4);
    state.timer = clock.setTimeout(
      () => {
        if (this.stopped) return;
        if (clock.now() < at - 1) this.wait(state, at);
        else this.fire(state, at);
      },
      Math.max(0, step),
    );
  }

  private fire(state: RuleState, at: number): void {
    const taskIds: string[] = [];
    const errors: string[] = [];
    for (const target of state.rule.targets) {
      try {
        taskIds.push(...this.props.invoke(state.rule, target));
      } catch (error) {
        errors.push(`target ${target.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const invocation: RuleInvocation = {
      at,
      taskIds,
      ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
    };
    state.invocationCount += 1;
    state.lastInvocation = invocation;
    try {
      this.props.onInvocation?.(state.rule, invocation);
    } catch {
      // A status view's bug must not stop the schedule.
    }
    this.arm(state, at);
  }
}
