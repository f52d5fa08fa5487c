import { describe, expect, it } from 'vitest';
import { Throttle, TokenBucket } from '../../../src/local/apigateway/throttle.js';
import type { StageConfig } from '../../../src/local/apigateway/types.js';
import { ManualClock } from '../../../src/local/clock.js';

describe('TokenBucket (aws-behavior.md §1.6: token bucket, rate + burst)', () => {
  it('allows a full burst, then refuses, then refills at the rate', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rateLimit: 2, burstLimit: 3 }, clock);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    await clock.advance(499);
    expect(bucket.tryTake()).toBe(false);
    await clock.advance(1);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    await clock.advance(10_000);
    expect(bucket.available()).toBe(3);
  });

  it('refuses everything with a zero burst', () => {
    expect(new TokenBucket({ rateLimit: 100, burstLimit: 0 }, new ManualClock()).tryTake()).toBe(false);
  });
});

describe('Throttle: stage and route limits (aws-behavior.md §1.6)', () => {
  const stage: StageConfig = {
    name: '$default',
    autoDeploy: true,
    throttle: { rateLimit: 1, burstLimit: 2 },
    routeThrottles: { 'GET /hot': { rateLimit: 1, burstLimit: 1 } },
  };

  it('gives each route its own bucket from DefaultRouteSettings, and RouteSettings override it', () => {
    const throttle = new Throttle(new ManualClock());
    expect([
      throttle.admit(stage, 'GET /a'),
      throttle.admit(stage, 'GET /a'),
      throttle.admit(stage, 'GET /a'),
    ]).toEqual([true, true, false]);
    expect(throttle.admit(stage, 'GET /b')).toBe(true);
    expect([throttle.admit(stage, 'GET /hot'), throttle.admit(stage, 'GET /hot')]).toEqual([true, false]);
  });

  it('applies the account bucket to every request, routed or not', () => {
    const clock = new ManualClock();
    const throttle = new Throttle(clock, new TokenBucket({ rateLimit: 1, burstLimit: 2 }, clock));
    const open: StageConfig = { name: '$default', autoDeploy: true, routeThrottles: {} };
    expect([
      throttle.admit(open, 'GET /a'),
      throttle.admit(undefined, undefined),
      throttle.admit(open, 'GET /b'),
    ]).toEqual([true, true, false]);
  });

  it('defaults the account bucket to a burst of 5,000', () => {
    const throttle = new Throttle(new ManualClock());
    let admitted = 0;
    for (let i = 0; i < 5_001; i++) if (throttle.admit(undefined, undefined)) admitted++;
    expect(admitted).toBe(5_000);
  });
});
