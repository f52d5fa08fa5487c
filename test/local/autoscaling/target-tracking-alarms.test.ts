/**
 * The alarms target tracking creates for an ECS service (docs/reference/aws-behavior-2.md §1.4):
 * AlarmHigh `> target` for 3 of 3 one-minute datapoints, AlarmLow `< 0.9 × target` for 15 of 15,
 * no scaling on insufficient data.
 */

import { describe, expect, it } from 'vitest';
import {
  alarmReason,
  evaluateAlarm,
  targetTrackingAlarms,
} from '../../../src/local/autoscaling/target-tracking-alarms.js';

const { high, low } = targetTrackingAlarms('service/scaling/burner', 70, 'u1');

describe('targetTrackingAlarms', () => {
  it('names the alarms as AWS does and puts AlarmLow at 0.9 × the target (target 70 → < 63, §1.4)', () => {
    expect(high).toEqual({
      name: 'TargetTracking-service/scaling/burner-AlarmHigh-u1',
      comparison: 'GreaterThanThreshold',
      threshold: 70,
      datapoints: 3,
    });
    expect(low).toEqual({
      name: 'TargetTracking-service/scaling/burner-AlarmLow-u1',
      comparison: 'LessThanThreshold',
      threshold: 63,
      datapoints: 15,
    });
  });

  it.each([
    [80, 72],
    [30, 27],
    [50, 45],
  ])('puts AlarmLow of target %d at %d (the observed pairs of §1.4)', (target, threshold) => {
    expect(targetTrackingAlarms('service/c/s', target, 'x').low.threshold).toBe(threshold);
  });
});

describe('evaluateAlarm', () => {
  it.each([
    ['3 datapoints above the target', [71, 90, 93.1], 'ALARM'],
    ['one of the newest 3 at the target (GreaterThan, not GreaterOrEqual)', [90, 70, 93], 'OK'],
    ['an older breach followed by one below', [90, 90, 90, 60], 'OK'],
    ['only 2 datapoints yet', [90, 95], 'INSUFFICIENT_DATA'],
    ['a missing datapoint among the newest 3', [90, undefined, 95], 'INSUFFICIENT_DATA'],
  ] as const)('AlarmHigh with %s is %s', (_what, datapoints, state) => {
    expect(evaluateAlarm(high, datapoints).state).toBe(state);
  });

  it('fires AlarmLow only after 15 of 15 datapoints below 0.9 × target', () => {
    const below = Array.from({ length: 14 }, () => 10);
    expect(evaluateAlarm(low, below).state).toBe('INSUFFICIENT_DATA');
    expect(evaluateAlarm(low, [...below, 62.9]).state).toBe('ALARM');
    expect(evaluateAlarm(low, [...below, 63]).state).toBe('OK');
  });

  it('reports the newest datapoint, the value the new capacity is computed from', () => {
    expect(evaluateAlarm(high, [80, 85, 93.14]).latest).toBe(93.14);
  });
});

describe('alarmReason', () => {
  it('says the metric, its value, the comparison and the datapoints', () => {
    const alarm = targetTrackingAlarms('service/c/s', 50, 'x').high;
    expect(alarmReason('CPUUtilization', alarm, 93.14)).toBe('CPUUtilization 93.1 > 50 for 3 datapoints');
    const lowAlarm = targetTrackingAlarms('service/c/s', 50, 'x').low;
    expect(alarmReason('CPUUtilization', lowAlarm, 3)).toBe('CPUUtilization 3 < 45 for 15 datapoints');
  });
});
