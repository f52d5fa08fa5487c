import { describe, expect, it } from 'vitest';
import { routableTargets, selectTarget, selectTargetGroup } from '../../../src/local/elb/balancer.js';
import type { TargetState } from '../../../src/local/elb/types.js';

interface T {
  readonly name: string;
  readonly state: TargetState;
  readonly inFlight: number;
}

const t = (name: string, state: TargetState, inFlight = 0): T => ({ name, state, inFlight });

function sequence(targets: readonly T[], algorithm: 'round_robin' | 'least_outstanding_requests', n: number) {
  return Array.from({ length: n }, (_, i) => selectTarget(targets, algorithm, i)?.name ?? '-');
}

describe('target selection (aws-behavior.md §2.1, §2.2, §2.3)', () => {
  it('round robin cycles through the healthy targets in registration order', () => {
    const targets = [t('a', 'healthy'), t('b', 'healthy'), t('c', 'healthy')];
    expect(sequence(targets, 'round_robin', 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it.each<[string, T[], string[]]>([
    [
      'skips unhealthy and initial targets while one is healthy',
      [t('a', 'unhealthy'), t('b', 'healthy'), t('c', 'initial')],
      ['b', 'b', 'b'],
    ],
    [
      'never routes to a draining target, even a healthy-looking set of one',
      [t('a', 'draining'), t('b', 'healthy')],
      ['b', 'b', 'b'],
    ],
    [
      'fails open to all unhealthy targets when none is healthy',
      [t('a', 'unhealthy'), t('b', 'unhealthy')],
      ['a', 'b', 'a'],
    ],
    [
      'fails open to initial targets too (all still initialising)',
      [t('a', 'initial'), t('b', 'initial')],
      ['a', 'b', 'a'],
    ],
    [
      'fails open across a mix of initial and unhealthy, still without draining ones',
      [t('a', 'initial'), t('b', 'draining'), t('c', 'unhealthy')],
      ['a', 'c', 'a'],
    ],
    [
      'returns nothing (503) when every target is draining',
      [t('a', 'draining'), t('b', 'draining')],
      ['-', '-', '-'],
    ],
    ['returns nothing (503) for an empty group', [], ['-', '-', '-']],
  ])('round robin %s', (_, targets, expected) => {
    expect(sequence(targets, 'round_robin', 3)).toEqual(expected);
  });

  it('least outstanding requests picks the target with the fewest in-flight requests', () => {
    const targets = [t('a', 'healthy', 3), t('b', 'healthy', 1), t('c', 'healthy', 2)];
    expect(sequence(targets, 'least_outstanding_requests', 3)).toEqual(['b', 'b', 'b']);
  });

  it('least outstanding requests rotates among tied targets', () => {
    const targets = [t('a', 'healthy', 1), t('b', 'healthy', 0), t('c', 'healthy', 0)];
    expect(sequence(targets, 'least_outstanding_requests', 4)).toEqual(['b', 'b', 'c', 'b']);
  });

  it('least outstanding requests ignores a less busy target that is not routable', () => {
    const targets = [t('a', 'draining', 0), t('b', 'healthy', 5), t('c', 'unhealthy', 0)];
    expect(sequence(targets, 'least_outstanding_requests', 2)).toEqual(['b', 'b']);
  });

  it('routableTargets lists the healthy targets, or every registered non-draining one when none is healthy', () => {
    expect(routableTargets([t('a', 'healthy'), t('b', 'initial')]).map((x) => x.name)).toEqual(['a']);
    expect(
      routableTargets([t('a', 'unhealthy'), t('b', 'initial'), t('c', 'draining')]).map((x) => x.name),
    ).toEqual(['a', 'b']);
  });
});

describe('weighted target groups of a forward action (aws-behavior.md §2.1)', () => {
  const groups = [
    { targetGroupArn: 'blue', weight: 1 },
    { targetGroupArn: 'green', weight: 3 },
    { targetGroupArn: 'off', weight: 0 },
  ];

  it.each([
    [0, 'blue'],
    [0.24, 'blue'],
    [0.25, 'green'],
    [0.99, 'green'],
  ])('picks in proportion to the weights (random %s → %s)', (random, expected) => {
    expect(selectTargetGroup(groups, () => random)?.targetGroupArn).toBe(expected);
  });

  it('never picks a group with weight 0', () => {
    const picks = new Set<string>();
    for (let i = 0; i < 1000; i++)
      picks.add(selectTargetGroup(groups, () => i / 1000)?.targetGroupArn ?? '-');
    expect([...picks].sort()).toEqual(['blue', 'green']);
  });

  it('returns nothing when every weight is 0', () => {
    expect(selectTargetGroup([{ targetGroupArn: 'a', weight: 0 }], () => 0.5)).toBeUndefined();
    expect(
      selectTargetGroup(
        [
          { targetGroupArn: 'a', weight: 0 },
          { targetGroupArn: 'b', weight: 0 },
        ],
        () => 0.5,
      ),
    ).toBeUndefined();
  });
});
