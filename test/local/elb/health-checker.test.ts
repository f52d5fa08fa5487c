import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/local/clock.js';
import { parseHealthCheckMatcher } from '../../../src/local/elb/health-check-matcher.js';
import {
  type HealthStatus,
  type HealthThresholds,
  INITIAL_HEALTH,
  nextHealth,
} from '../../../src/local/elb/health-checker.js';
import type { ProbeOutcome } from '../../../src/local/elb/health-probe.js';
import {
  type HealthCheckEvent,
  type LoadBalancerAttachment,
  TargetGroup,
  type TargetStateChange,
} from '../../../src/local/elb/target-group.js';
import { type Backend, healthCheck, startBackend, TestNetwork, targetGroupConfig } from './support.js';

const OK: ProbeOutcome = { ok: true, statusCode: 200 };
const BAD: ProbeOutcome = {
  ok: false,
  reason: 'Target.ResponseCodeMismatch',
  description: 'Health checks failed with these codes: [503]',
  statusCode: 503,
};

function run(outcomes: ProbeOutcome[], thresholds: HealthThresholds, from: HealthStatus = INITIAL_HEALTH) {
  const states: string[] = [];
  let status = from;
  for (const outcome of outcomes) {
    status = nextHealth(status, outcome, thresholds);
    states.push(status.state);
  }
  return states;
}

describe('health state machine (aws-behavior.md §2.2)', () => {
  const threshold: HealthThresholds = {
    healthyThresholdCount: 3,
    unhealthyThresholdCount: 2,
    initialHealthyAfter: 'threshold',
  };

  it("'threshold': initial → healthy after HealthyThresholdCount consecutive successes", () => {
    expect(run([OK, OK, OK], threshold)).toEqual(['initial', 'initial', 'healthy']);
  });

  it("'one-check': initial → healthy after one success (the ELB guide's reading)", () => {
    expect(run([OK], { ...threshold, initialHealthyAfter: 'one-check' })).toEqual(['healthy']);
  });

  it('a failure resets the success count while initial', () => {
    expect(run([OK, OK, BAD, OK, OK, OK], { ...threshold, unhealthyThresholdCount: 3 })).toEqual([
      'initial',
      'initial',
      'initial',
      'initial',
      'initial',
      'healthy',
    ]);
  });

  it('initial → unhealthy after UnhealthyThresholdCount consecutive failures', () => {
    expect(run([BAD, BAD], threshold)).toEqual(['initial', 'unhealthy']);
  });

  it('healthy → unhealthy after UnhealthyThresholdCount consecutive failures; a success in between resets', () => {
    const healthy: HealthStatus = { state: 'healthy', consecutiveSuccesses: 5, consecutiveFailures: 0 };
    expect(run([BAD, OK, BAD, BAD], threshold, healthy)).toEqual([
      'healthy',
      'healthy',
      'healthy',
      'unhealthy',
    ]);
  });

  it("unhealthy → healthy after HealthyThresholdCount successes, even with 'one-check'", () => {
    const unhealthy: HealthStatus = { state: 'unhealthy', consecutiveSuccesses: 0, consecutiveFailures: 2 };
    expect(run([OK, OK, OK], { ...threshold, initialHealthyAfter: 'one-check' }, unhealthy)).toEqual([
      'unhealthy',
      'unhealthy',
      'healthy',
    ]);
  });
});

describe('health check matcher (aws-behavior.md §2.2 Matcher)', () => {
  it.each<[string, number[], number[]]>([
    ['200', [200], [201, 302, 503]],
    ['200-299', [200, 204, 299], [199, 300, 404]],
    ['200,302', [200, 302], [201, 301, 303]],
    ['200-204, 404', [200, 204, 404], [205, 403]],
  ])('%s accepts %j and rejects %j', (text, accepted, rejected) => {
    const matcher = parseHealthCheckMatcher(text);
    for (const code of accepted) expect(matcher(code), `${code}`).toBe(true);
    for (const code of rejected) expect(matcher(code), `${code}`).toBe(false);
  });

  it.each(['', '2xx', '100', '200-500', '299-200', '200,,302'])(
    'throws WHARF_ELB_MATCHER_INVALID for %j',
    (text) => {
      expect(() => parseHealthCheckMatcher(text)).toThrowError(
        expect.objectContaining({ code: 'WHARF_ELB_MATCHER_INVALID' }),
      );
    },
  );
});

describe('TargetGroup health checks over real HTTP, timed by a ManualClock (aws-behavior.md §2.2)', () => {
  let backend: Backend;
  let group: TargetGroup;
  let detach: () => void = () => {};
  const clock = new ManualClock();
  const network = new TestNetwork();
  const blocked: string[] = [];
  const attachment: LoadBalancerAttachment = {
    network,
    source: { securityGroupIds: ['sg-alb'], sourceIp: '10.0.0.10', label: 'load balancer app-alb' },
    onBlocked: (message) => blocked.push(message),
  };

  async function setUp(overrides: Parameters<typeof targetGroupConfig>[0] = {}, oneCheck = false) {
    backend = await startBackend('a');
    network.add('10.0.1.10', 80, backend.port);
    group = new TargetGroup(targetGroupConfig(overrides), {
      clock,
      initialHealthyAfter: oneCheck ? 'one-check' : 'threshold',
    });
    detach = group.attachLoadBalancer(attachment);
    group.registerTarget({ id: '10.0.1.10', port: 80 });
  }

  /** Moves the clock by `ms` and waits (in real time) for the next health check result. */
  async function check(ms: number): Promise<HealthCheckEvent> {
    const result = once(group, 'health-check') as Promise<[HealthCheckEvent]>;
    await clock.advance(ms);
    return (await result)[0];
  }

  afterEach(async () => {
    detach();
    await backend?.close();
    blocked.length = 0;
  });

  it('starts initial with Elb.RegistrationInProgress, then Elb.InitialHealthChecking once probing', async () => {
    await setUp();
    expect(group.describeTargetHealth()).toEqual([
      {
        id: '10.0.1.10',
        port: 80,
        state: 'initial',
        reason: 'Elb.RegistrationInProgress',
        description: 'Target registration is in progress',
      },
    ]);
    await check(6000);
    expect(group.describeTargetHealth()).toEqual([
      {
        id: '10.0.1.10',
        port: 80,
        state: 'initial',
        reason: 'Elb.InitialHealthChecking',
        description: 'Initial health checks in progress',
      },
    ]);
  });

  it('becomes healthy after 2 checks (≈12 s with interval 6 s) by default, emitting a state event', async () => {
    await setUp();
    const states: TargetStateChange[] = [];
    group.on('state', (change) => states.push(change));
    expect((await check(6000)).state).toBe('initial');
    expect((await check(6000)).state).toBe('healthy');
    expect(group.describeTargetHealth()).toEqual([{ id: '10.0.1.10', port: 80, state: 'healthy' }]);
    expect(states).toEqual([
      {
        targetGroupArn: group.arn,
        previousState: 'initial',
        id: '10.0.1.10',
        port: 80,
        state: 'healthy',
      },
    ]);
  });

  it("becomes healthy after the first check (≈6 s) with initialHealthyAfter 'one-check'", async () => {
    await setUp({}, true);
    expect((await check(6000)).state).toBe('healthy');
  });

  it('sends GET <path> with Host <ip>:<port> and User-Agent ELB-HealthChecker/2.0, without keep-alive', async () => {
    await setUp();
    await check(6000);
    expect(backend.healthChecks).toHaveLength(1);
    expect(backend.healthChecks[0]).toMatchObject({
      method: 'GET',
      url: '/health',
      headers: { host: '10.0.1.10:80', 'user-agent': 'ELB-HealthChecker/2.0', connection: 'close' },
    });
    expect(network.sources.at(-1)).toEqual(attachment.source);
  });

  it('healthy → unhealthy after UnhealthyThresholdCount failures, with Target.ResponseCodeMismatch [503]', async () => {
    await setUp();
    await check(6000);
    await check(6000);
    backend.mode = 'fail-503';
    expect((await check(6000)).state).toBe('healthy');
    const event = await check(6000);
    expect(event.state).toBe('unhealthy');
    expect(event.outcome).toEqual({
      ok: false,
      reason: 'Target.ResponseCodeMismatch',
      description: 'Health checks failed with these codes: [503]',
      statusCode: 503,
    });
    expect(group.describeTargetHealth()).toEqual([
      {
        id: '10.0.1.10',
        port: 80,
        state: 'unhealthy',
        reason: 'Target.ResponseCodeMismatch',
        description: 'Health checks failed with these codes: [503]',
      },
    ]);
    backend.mode = 'echo';
    expect((await check(6000)).state).toBe('unhealthy');
    expect((await check(6000)).state).toBe('healthy');
  });

  it('accepts a 404 when the matcher range covers it, and names the code when it does not', async () => {
    await setUp({ healthCheck: healthCheck({ matcher: '200-299,404' }) }, true);
    backend.mode = 'not-found';
    expect((await check(6000)).state).toBe('healthy');
    backend.mode = 'fail-503';
    expect((await check(6000)).outcome).toMatchObject({
      ok: false,
      description: 'Health checks failed with these codes: [503]',
    });
  });

  it('a target that does not answer within the timeout fails with Target.Timeout (Request timed out)', async () => {
    await setUp({ healthCheck: healthCheck({ unhealthyThresholdCount: 2 }) });
    backend.mode = 'hang';
    const first = once(group, 'health-check') as Promise<[HealthCheckEvent]>;
    await clock.advance(6000);
    // The probe is in flight; the 5 s timeout aborts it.
    await vi.waitFor(() => expect(backend.healthChecks).toHaveLength(1));
    await clock.advance(5000);
    expect((await first)[0].outcome).toEqual({
      ok: false,
      reason: 'Target.Timeout',
      description: 'Request timed out',
    });
    const second = once(group, 'health-check') as Promise<[HealthCheckEvent]>;
    await clock.advance(1000);
    await vi.waitFor(() => expect(backend.healthChecks).toHaveLength(2));
    await clock.advance(5000);
    expect((await second)[0].state).toBe('unhealthy');
    expect(group.describeTargetHealth()[0]).toMatchObject({ state: 'unhealthy', reason: 'Target.Timeout' });
  });

  it('a refused connection fails with Target.FailedHealthChecks', async () => {
    await setUp();
    await backend.close();
    const event = await check(6000);
    expect(event.outcome).toEqual({
      ok: false,
      reason: 'Target.FailedHealthChecks',
      description: 'Health checks failed',
    });
  });

  it('a security group that blocks the load balancer makes checks time out (Target.Timeout) and reports the rule', async () => {
    await setUp();
    network.block('10.0.1.10', 80, 'sg-task has no ingress rule for tcp/80 from sg-alb');
    const events: HealthCheckEvent[] = [];
    group.on('health-check', (event) => events.push(event));
    await clock.advance(6000); // probe 1: the SYN goes unanswered
    expect(events).toHaveLength(0);
    await clock.advance(5000); // its timeout
    await clock.advance(6000); // probe 2 (at 12 s) and its timeout at 17 s
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events.map((event) => [event.state, event.outcome])).toEqual([
      ['initial', { ok: false, reason: 'Target.Timeout', description: 'Request timed out' }],
      ['unhealthy', { ok: false, reason: 'Target.Timeout', description: 'Request timed out' }],
    ]);
    expect(group.describeTargetHealth()[0]).toMatchObject({ state: 'unhealthy', reason: 'Target.Timeout' });
    expect(blocked).toEqual([
      'sg-task has no ingress rule for tcp/80 from sg-alb',
      'sg-task has no ingress rule for tcp/80 from sg-alb',
    ]);
    expect(backend.healthChecks).toHaveLength(0);
  });

  it('does not probe before the group is attached to a load balancer, nor after it is detached', async () => {
    await setUp();
    detach();
    await clock.advance(60_000);
    expect(backend.healthChecks).toHaveLength(0);
    expect(group.describeTargetHealth()[0]).toMatchObject({
      state: 'initial',
      reason: 'Elb.RegistrationInProgress',
    });
  });
});
