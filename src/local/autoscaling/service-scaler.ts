/**
 * The local Application Auto Scaling of one scalable target: every alarm period it samples the
 * service's metrics, evaluates each target tracking policy's alarms, combines the policies, weighs
 * cooldowns and the range, and sets the service's desired count through the ECS scheduler's
 * `updateService`, recording a scaling activity in AWS's words.
 *
 * Fidelity (docs/reference/aws-behavior-2.md §1.1, §1.4–§1.6): see `target-tracking-alarms.ts`,
 * `capacity.ts` and `cooldowns.ts` for the decisions. Auto Scaling actions repeat while an alarm
 * stays in ALARM (§1.4), so each period re-evaluates. A desired count outside the range is moved
 * into it when the target is registered (at start). Activities read as `DescribeScalingActivities`
 * shows them: `Setting desired count to 4.`, `Successfully set desired count to 4. Change
 * successfully fulfilled by ecs.`, cause `monitor alarm <alarm> in state ALARM triggered policy
 * <policy>`. Time runs on the injected clock, which `wharf dev --scaling-speed` accelerates.
 * Not reproduced: scheduled actions, step scaling, the six-week activity history (the newest 50
 * are kept), the register activity's exact cause text (not documented; Wharf words its own).
 */

import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../clock.js';
import type { ServiceUpdate } from '../ecs/service-scheduler.js';
import type { TaskView } from '../ecs/task.js';
import { combineProposals, type PolicyProposal, targetTrackingCapacity } from './capacity.js';
import { applyScalingLimits, type CooldownState, clampCapacity, cooldownsAfter } from './cooldowns.js';
import { datapointKey, type MetricSampler } from './metric-sampler.js';
import {
  ALARM_PERIOD_MS,
  type AlarmState,
  alarmReason,
  evaluateAlarm,
  LOW_ALARM_DATAPOINTS,
  type TargetTrackingAlarm,
  targetTrackingAlarms,
} from './target-tracking-alarms.js';
import { METRIC_NAMES, type ScalableTargetConfig, type TargetTrackingPolicyConfig } from './types.js';

/** What the scaler needs of an ECS service scheduler. */
export interface ScalableService {
  describe(): {
    readonly desiredCount: number;
    readonly tasks: readonly TaskView[];
    readonly deployments: readonly { readonly rolloutState: string; readonly status: string }[];
  };
  updateService(update: ServiceUpdate): void;
}

/** One scaling activity, shaped like `DescribeScalingActivities`'s. */
export interface ScalingActivity {
  readonly activityId: string;
  readonly resourceId: string;
  readonly serviceName: string;
  /** `Setting desired count to 4.` */
  readonly description: string;
  /** `monitor alarm … in state ALARM triggered policy cpu`. */
  readonly cause: string;
  readonly statusCode: 'Successful' | 'Failed';
  /** `Successfully set desired count to 4. Change successfully fulfilled by ecs.` */
  readonly statusMessage: string;
  /** The metric that drove it: `CPUUtilization 93.1 > 50 for 3 datapoints`. */
  readonly metric?: string;
  readonly fromCount: number;
  readonly toCount: number;
  /** Wall-clock ms. */
  readonly startTime: number;
}

/** A policy as the status view shows it. */
export interface PolicyStatus {
  readonly policyName: string;
  readonly metricName: string;
  readonly targetValue: number;
  readonly alarms: readonly {
    readonly name: string;
    readonly state: AlarmState;
    readonly threshold: number;
  }[];
  /** The newest datapoint. */
  readonly latest?: number;
}

/** A scalable target as the status view shows it. */
export interface ScalableTargetStatus {
  readonly resourceId: string;
  readonly serviceName: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly policies: readonly PolicyStatus[];
  /** Newest first. */
  readonly activities: readonly ScalingActivity[];
}

/** Everything a {@link ServiceScaler} works with. */
export interface ServiceScalerProps {
  readonly config: ScalableTargetConfig;
  readonly service: ScalableService;
  readonly sampler: MetricSampler;
  /** The scaling clock: alarm periods and cooldowns run on it (accelerated by `--scaling-speed`). */
  readonly clock: Clock;
  /** Real time, for activity timestamps. */
  readonly wallClock: Clock;
  readonly onActivity?: (activity: ScalingActivity) => void;
  /** Called when a period's evaluation throws (the scaler goes on). */
  readonly onError?: (error: unknown) => void;
}

interface PolicyState {
  readonly config: TargetTrackingPolicyConfig;
  readonly high: TargetTrackingAlarm;
  readonly low: TargetTrackingAlarm;
  readonly key: string;
  highState: AlarmState;
  lowState: AlarmState;
}

const ACTIVITIES_KEPT = 50;

/** Scales one ECS service. {@link start}, then {@link stop} on shutdown. */
export class ServiceScaler {
  private readonly policies: PolicyState[];
  private readonly history = new Map<string, (number | undefined)[]>();
  private readonly activities: ScalingActivity[] = [];
  private cooldowns: CooldownState = {};
  private timer?: Timer;
  private busy = false;
  private stopped = false;

  constructor(private readonly props: ServiceScalerProps) {
    const { resourceId } = props.config;
    this.policies = props.config.policies.map((config) => {
      const alarms = targetTrackingAlarms(resourceId, config.targetValue, randomUUID());
      return {
        config,
        ...alarms,
        key: datapointKey(config.metric, config.targetGroupArn),
        highState: 'INSUFFICIENT_DATA',
        lowState: 'INSUFFICIENT_DATA',
      };
    });
  }

  /** Registers the target (the desired count moves into the range) and starts the alarm periods. */
  start(): void {
    const { minCapacity, maxCapacity } = this.props.config;
    const desired = this.props.service.describe().desiredCount;
    const clamped = clampCapacity(desired, minCapacity, maxCapacity);
    if (clamped !== desired) {
      const cause = `the scalable target was registered with range ${minCapacity} to ${maxCapacity}, and the desired count was ${desired}`;
      this.setDesiredCount(desired, clamped, cause);
    }
    void this.evaluate();
    this.arm();
  }

  /** Stops the alarm periods. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** A snapshot for status views. */
  describe(): ScalableTargetStatus {
    const { config } = this.props;
    return {
      resourceId: config.resourceId,
      serviceName: config.serviceName,
      minCapacity: config.minCapacity,
      maxCapacity: config.maxCapacity,
      policies: this.policies.map((policy) => ({
        policyName: policy.config.name,
        metricName: METRIC_NAMES[policy.config.metric],
        targetValue: policy.config.targetValue,
        alarms: [
          { name: policy.high.name, state: policy.highState, threshold: policy.high.threshold },
          { name: policy.low.name, state: policy.lowState, threshold: policy.low.threshold },
        ],
        latest: this.history.get(policy.key)?.at(-1),
      })),
      activities: [...this.activities],
    };
  }

  /**
   * One alarm period: sample, evaluate, maybe scale. Overlapping calls are skipped (a slow
   * sample simply makes the period longer).
   */
  async evaluate(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      const { service, sampler } = this.props;
      const running = service
        .describe()
        .tasks.filter((task) => task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING');
      const metrics = this.policies.map(({ config }) => ({
        metric: config.metric,
        targetGroupArn: config.targetGroupArn,
      }));
      const datapoints = await sampler.sample(running, metrics);
      if (this.stopped) return;
      for (const [key, value] of datapoints) {
        const list = this.history.get(key) ?? [];
        list.push(value);
        if (list.length > LOW_ALARM_DATAPOINTS) list.shift();
        this.history.set(key, list);
      }
      this.decide(running.length);
    } catch (error) {
      this.props.onError?.(error);
    } finally {
      this.busy = false;
    }
  }

  private decide(running: number): void {
    const { config, service, clock } = this.props;
    const reasons = new Map<string, { alarm: TargetTrackingAlarm; metric: string }>();
    const proposals: PolicyProposal[] = this.policies.map((policy) => {
      const datapoints = this.history.get(policy.key) ?? [];
      const high = evaluateAlarm(policy.high, datapoints);
      const low = evaluateAlarm(policy.low, datapoints);
      policy.highState = high.state;
      policy.lowState = low.state;
      const base = { policyName: policy.config.name, disableScaleIn: policy.config.disableScaleIn };
      const metricName = METRIC_NAMES[policy.config.metric];
      const fired =
        high.state === 'ALARM'
          ? { alarm: policy.high, evaluation: high, direction: 'out' as const }
          : low.state === 'ALARM' && !policy.config.disableScaleIn
            ? { alarm: policy.low, evaluation: low, direction: 'in' as const }
            : undefined;
      if (!fired || fired.evaluation.latest === undefined) return { ...base, direction: 'none', capacity: 0 };
      const latest = fired.evaluation.latest;
      reasons.set(policy.config.name, {
        alarm: fired.alarm,
        metric: alarmReason(metricName, fired.alarm, latest),
      });
      const capacity = targetTrackingCapacity(running, latest, policy.config.targetValue);
      return { ...base, direction: fired.direction, capacity };
    });
    const proposal = combineProposals(proposals);
    const description = service.describe();
    const decision = applyScalingLimits({
      now: clock.now(),
      proposal,
      desiredCount: description.desiredCount,
      minCapacity: config.minCapacity,
      maxCapacity: config.maxCapacity,
      scaleInSuspended: config.scaleInSuspended,
      scaleOutSuspended: config.scaleOutSuspended,
      deploymentInProgress: description.deployments.some((d) => d.rolloutState === 'IN_PROGRESS'),
      cooldowns: this.cooldowns,
    });
    if (decision.action !== 'set' || proposal.policyName === undefined) return;
    const winner = this.policies.find((policy) => policy.config.name === proposal.policyName);
    const reason = reasons.get(proposal.policyName);
    if (!winner || !reason) return;
    const cause = `monitor alarm ${reason.alarm.name} in state ALARM triggered policy ${winner.config.name}`;
    if (!this.setDesiredCount(description.desiredCount, decision.capacity, cause, reason.metric)) return;
    const seconds =
      decision.direction === 'out'
        ? winner.config.scaleOutCooldownSeconds
        : winner.config.scaleInCooldownSeconds;
    this.cooldowns = cooldownsAfter(
      this.cooldowns,
      { direction: decision.direction, at: clock.now(), capacity: decision.capacity },
      seconds * 1000,
    );
  }

  /** Sets the desired count through the scheduler and records the activity; false if it failed. */
  private setDesiredCount(from: number, to: number, cause: string, metric?: string): boolean {
    let ok = true;
    let failure = '';
    try {
      this.props.service.updateService({ desiredCount: to });
    } catch (error) {
      ok = false;
      failure = (error as Error).message;
    }
    const activity: ScalingActivity = {
      activityId: randomUUID(),
      resourceId: this.props.config.resourceId,
      serviceName: this.props.config.serviceName,
      description: `Setting desired count to ${to}.`,
      cause,
      statusCode: ok ? 'Successful' : 'Failed',
      statusMessage: ok
        ? `Successfully set desired count to ${to}. Change successfully fulfilled by ecs.`
        : `Failed to set desired count to ${to}. ${failure}`,
      metric,
      fromCount: from,
      toCount: to,
      startTime: this.props.wallClock.now(),
    };
    this.activities.unshift(activity);
    if (this.activities.length > ACTIVITIES_KEPT) this.activities.pop();
    try {
      this.props.onActivity?.(activity);
    } catch {
      // A status view's bug must not stop scaling.
    }
    return ok;
  }

  private arm(): void {
    this.timer = this.props.clock.setTimeout(() => {
      if (this.stopped) return;
      void this.evaluate();
      this.arm();
    }, ALARM_PERIOD_MS);
  }
}
