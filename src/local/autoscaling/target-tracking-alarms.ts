/**
 * The two CloudWatch alarms a target tracking policy creates for an ECS service, and how they
 * evaluate a metric's datapoints. Pure: no clock, no I/O.
 *
 * Fidelity (docs/reference/aws-behavior-2.md §1.4): AWS does not document the alarms; what users
 * observed on ECS is reproduced. AlarmHigh is `GreaterThanThreshold` the target value for 3 of 3
 * one-minute datapoints; AlarmLow is `LessThanThreshold` 0.9 × the target value for 15 of 15
 * (not EC2 Auto Scaling's ~0.7). Both use the `Average` statistic and treat missing data as
 * `missing`: too few datapoints leave the alarm in `INSUFFICIENT_DATA`, where target tracking does
 * not scale (§1.4). Deviation: CloudWatch looks further back past missing datapoints and can keep
 * an alarm's previous state; here only the newest datapoints count and fewer than required is
 * always `INSUFFICIENT_DATA`.
 */

/** One datapoint period of the alarms (§1.4: `period 60`). */
export const ALARM_PERIOD_MS = 60_000;
/** Datapoints AlarmHigh needs above the target (§1.4: 3 of 3). */
export const HIGH_ALARM_DATAPOINTS = 3;
/** Datapoints AlarmLow needs below its threshold (§1.4: 15 of 15). */
export const LOW_ALARM_DATAPOINTS = 15;
/** AlarmLow's threshold as a fraction of the target value (§1.4: target 70 → `< 63`). */
export const SCALE_IN_FRACTION = 0.9;

/** A CloudWatch alarm state. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One alarm as target tracking creates it. */
export interface TargetTrackingAlarm {
  /** `TargetTracking-<resource id>-AlarmHigh-<uuid>` (or `AlarmLow`). */
  readonly name: string;
  readonly comparison: 'GreaterThanThreshold' | 'LessThanThreshold';
  readonly threshold: number;
  /** Evaluation periods, all of which must breach (`datapoints_to_alarm` = evaluation periods). */
  readonly datapoints: number;
}

/**
 * The AlarmHigh / AlarmLow pair of a policy.
 *
 * @example targetTrackingAlarms('service/c/web', 70, 'u1').low // { threshold: 63, datapoints: 15, … }
 */
export function targetTrackingAlarms(
  resourceId: string,
  targetValue: number,
  id: string,
): { readonly high: TargetTrackingAlarm; readonly low: TargetTrackingAlarm } {
  return {
    high: {
      name: `TargetTracking-${resourceId}-AlarmHigh-${id}`,
      comparison: 'GreaterThanThreshold',
      threshold: targetValue,
      datapoints: HIGH_ALARM_DATAPOINTS,
    },
    low: {
      name: `TargetTracking-${resourceId}-AlarmLow-${id}`,
      comparison: 'LessThanThreshold',
      // Rounded to hide binary noise: 0.9 × 70 is 62.99999999999999 in floating point.
      threshold: Math.round(targetValue * SCALE_IN_FRACTION * 1e9) / 1e9,
      datapoints: LOW_ALARM_DATAPOINTS,
    },
  };
}

/** What one evaluation of an alarm found. */
export interface AlarmEvaluation {
  readonly state: AlarmState;
  /** The newest datapoint (the value target tracking computes the new capacity from). */
  readonly latest?: number;
}

/**
 * Evaluates `alarm` over `datapoints` (oldest first, `undefined` for a period without data): ALARM
 * when each of the newest `alarm.datapoints` breaches, OK when one does not, INSUFFICIENT_DATA when
 * one of them is missing or there are fewer.
 *
 * @example evaluateAlarm({ comparison: 'GreaterThanThreshold', threshold: 50, datapoints: 3, name: 'h' }, [90, 95, 93.1]) // { state: 'ALARM', latest: 93.1 }
 */
export function evaluateAlarm(
  alarm: TargetTrackingAlarm,
  datapoints: readonly (number | undefined)[],
): AlarmEvaluation {
  const window = datapoints.slice(-alarm.datapoints);
  const latest = window.at(-1);
  if (window.length < alarm.datapoints || window.some((value) => value === undefined)) {
    return { state: 'INSUFFICIENT_DATA', latest };
  }
  const breaches = (value: number) =>
    alarm.comparison === 'GreaterThanThreshold' ? value > alarm.threshold : value < alarm.threshold;
  return { state: window.every((value) => breaches(value as number)) ? 'ALARM' : 'OK', latest };
}

/**
 * The alarm's reason in the words the status view prints, e.g.
 * `CPUUtilization 93.1 > 50 for 3 datapoints`.
 */
export function alarmReason(metricName: string, alarm: TargetTrackingAlarm, latest: number): string {
  const sign = alarm.comparison === 'GreaterThanThreshold' ? '>' : '<';
  return `${metricName} ${formatValue(latest)} ${sign} ${formatValue(alarm.threshold)} for ${alarm.datapoints} datapoints`;
}

/** One decimal at most: `93.14` → `93.1`, `45` → `45`. */
export function formatValue(value: number): string {
  return String(Math.round(value * 10) / 10);
}
