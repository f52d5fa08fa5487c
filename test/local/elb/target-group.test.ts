/**
 * In-flight request bookkeeping of a target group (aws-behavior.md §2.3): what draining waits for,
 * and which requests the end of the deregistration delay cuts (they get a 502, §2.5).
 */

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/local/clock.js';
import { type InFlightRequest, TargetGroup } from '../../../src/local/elb/target-group.js';
import { targetGroupConfig } from './support.js';

/** A request that records whether the deregistration delay cut it. */
class FakeRequest implements InFlightRequest {
  previousInFlight: InFlightRequest | undefined = undefined;
  nextInFlight: InFlightRequest | undefined = undefined;
  cut = false;

  constructor(readonly name: string) {}

  abortForDeregistration(): void {
    this.cut = true;
  }
}

function groupWithTarget(clock: ManualClock): TargetGroup {
  const group = new TargetGroup(targetGroupConfig({ deregistrationDelaySeconds: 30 }), { clock });
  group.registerTarget({ id: '10.0.1.10', port: 80 });
  return group;
}

describe('in-flight requests of a target (§2.3)', () => {
  it('counts requests that finish in any order, and ignores a second finish of the same request', () => {
    const group = groupWithTarget(new ManualClock());
    const target = group.targets[0];
    if (!target) throw new Error('no target');
    const [first, middle, last] = [
      new FakeRequest('first'),
      new FakeRequest('middle'),
      new FakeRequest('last'),
    ];
    for (const request of [first, middle, last]) group.requestStarted(target, request);
    expect(target.inFlight).toBe(3);
    group.requestFinished(target, middle);
    group.requestFinished(target, middle);
    expect(target.inFlight).toBe(2);
    group.requestFinished(target, last);
    group.requestFinished(target, first);
    expect(target.inFlight).toBe(0);
    // A request that was never started is not counted either.
    group.requestFinished(target, new FakeRequest('stranger'));
    expect(target.inFlight).toBe(0);
  });

  it('cuts exactly the requests still in flight when the deregistration delay ends', async () => {
    const clock = new ManualClock();
    const group = groupWithTarget(clock);
    const target = group.targets[0];
    if (!target) throw new Error('no target');
    const requests = ['a', 'b', 'c', 'd'].map((name) => new FakeRequest(name));
    for (const request of requests) group.requestStarted(target, request);
    group.requestFinished(target, requests[0] as FakeRequest);
    group.requestFinished(target, requests[2] as FakeRequest);
    let drained = false;
    void group.deregisterTarget('10.0.1.10', 80).then(() => {
      drained = true;
    });
    await clock.advance(29_000);
    expect(drained).toBe(false);
    expect(requests.map((request) => request.cut)).toEqual([false, false, false, false]);
    await clock.advance(1_000);
    expect(requests.map((request) => request.cut)).toEqual([false, true, false, true]);
    expect(drained).toBe(true);
    expect(group.describeTargetHealth()).toEqual([]);
  });

  it('ends draining as soon as the last in-flight request finishes', async () => {
    const clock = new ManualClock();
    const group = groupWithTarget(clock);
    const target = group.targets[0];
    if (!target) throw new Error('no target');
    const [one, two] = [new FakeRequest('one'), new FakeRequest('two')];
    group.requestStarted(target, one);
    group.requestStarted(target, two);
    let drained = false;
    void group.deregisterTarget('10.0.1.10', 80).then(() => {
      drained = true;
    });
    group.requestFinished(target, two);
    await clock.advance(0);
    expect(drained).toBe(false);
    group.requestFinished(target, one);
    await clock.advance(0);
    expect(drained).toBe(true);
    expect(one.cut || two.cut).toBe(false);
  });
});
