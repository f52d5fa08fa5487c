/**
 * The Cloud Map registry as ECS, API Gateway and the status view use it: registration, health,
 * DiscoverInstances semantics and revisions (aws-behavior.md §4, §3.6, §1.2).
 */

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/local/clock.js';
import type { HealthStatusFilter } from '../../../src/local/cloudmap/discovery-filter.js';
import { isCloudMapError } from '../../../src/local/cloudmap/errors.js';
import { type CloudMapChange, CloudMapRegistry } from '../../../src/local/cloudmap/registry.js';
import {
  A_ONLY,
  CUSTOM,
  ecsAttributes,
  HTTP_NAMESPACE,
  HTTP_ONLY,
  makeRegistry,
  NAMESPACE,
  ROUTE53,
  taskId,
  UNCHECKED,
} from './fixtures.js';

/** The AWS error name `fn` throws, or `'no error'`. */
function awsErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isCloudMapError(error)) return error.awsType;
    throw error;
  }
  return 'no error';
}

const ids = (instances: readonly { instanceId: string }[]) => instances.map((i) => i.instanceId).sort();

let registry: CloudMapRegistry | undefined;
afterEach(() => {
  registry?.close();
  registry = undefined;
});

describe('RegisterInstance: initial health (§4.2, §4.3, §3.6)', () => {
  it.each([
    ['a custom-health service', CUSTOM.id, {}, 'HEALTHY'],
    [
      'a custom-health service given AWS_INIT_HEALTH_STATUS=UNHEALTHY',
      CUSTOM.id,
      { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' },
      'UNHEALTHY',
    ],
    [
      'a custom-health service given AWS_INIT_HEALTH_STATUS=HEALTHY',
      CUSTOM.id,
      { AWS_INIT_HEALTH_STATUS: 'HEALTHY' },
      'HEALTHY',
    ],
    ['a service without health check', UNCHECKED.id, {}, 'UNKNOWN'],
    ['a Route 53 health-checked service (not probed locally)', ROUTE53.id, {}, 'HEALTHY'],
  ])('an instance of %s starts %s', (_label, serviceId, extra, expected) => {
    registry = makeRegistry();
    const instance = registry.registerInstance(serviceId, taskId(1), ecsAttributes('10.0.1.1', 8080, extra));
    expect(instance.health).toBe(expected);
    expect(registry.getInstancesHealthStatus(serviceId)).toEqual({ [taskId(1)]: expected });
  });

  it('keeps the attributes ECS registers, exactly as given', () => {
    registry = makeRegistry();
    registry.registerInstance(CUSTOM.id, taskId(1), ecsAttributes('10.0.1.1'));
    expect(registry.getInstance(CUSTOM.id, taskId(1)).attributes).toEqual(ecsAttributes('10.0.1.1'));
  });

  it.each([
    ['an SRV service without AWS_INSTANCE_PORT', CUSTOM.id, { AWS_INSTANCE_IPV4: '10.0.0.1' }],
    ['an SRV service without an address', CUSTOM.id, { AWS_INSTANCE_PORT: '80' }],
    ['an A-record service without AWS_INSTANCE_IPV4', A_ONLY.id, { AWS_INSTANCE_PORT: '80' }],
    [
      'a malformed AWS_INSTANCE_IPV4',
      CUSTOM.id,
      { AWS_INSTANCE_IPV4: '10.0.0.300', AWS_INSTANCE_PORT: '80' },
    ],
    ['a port out of range', CUSTOM.id, { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '70000' }],
    [
      'AWS_INIT_HEALTH_STATUS=MAYBE',
      CUSTOM.id,
      ecsAttributes('10.0.0.1', 80, { AWS_INIT_HEALTH_STATUS: 'MAYBE' }),
    ],
  ])('rejects %s with InvalidInput', (_label, serviceId, attributes) => {
    registry = makeRegistry();
    expect(awsErrorOf(() => registry?.registerInstance(serviceId, taskId(1), attributes))).toBe(
      'InvalidInput',
    );
  });

  it('rejects an instance id with characters outside 0-9a-zA-Z_/:.@- with InvalidInput', () => {
    registry = makeRegistry();
    expect(
      awsErrorOf(() => registry?.registerInstance(CUSTOM.id, 'bad id!', ecsAttributes('10.0.0.1'))),
    ).toBe('InvalidInput');
  });

  it('accepts an A-record service instance without a port, and an HTTP-namespace instance without any AWS_ attribute', () => {
    registry = makeRegistry();
    expect(registry.registerInstance(A_ONLY.id, 'a', { AWS_INSTANCE_IPV4: '10.0.0.1' }).health).toBe(
      'HEALTHY',
    );
    expect(registry.registerInstance(HTTP_ONLY.id, 'h', { color: 'blue' }).attributes).toEqual({
      color: 'blue',
    });
  });

  it('answers ServiceNotFound for an unknown service id', () => {
    registry = makeRegistry();
    expect(
      awsErrorOf(() => registry?.registerInstance('srv-nope', taskId(1), ecsAttributes('10.0.0.1'))),
    ).toBe('ServiceNotFound');
  });

  it('re-registering an instance id replaces its attributes and restarts its health', () => {
    registry = makeRegistry();
    registry.registerInstance(CUSTOM.id, taskId(1), ecsAttributes('10.0.0.1'));
    registry.updateInstanceCustomHealthStatus(CUSTOM.id, taskId(1), 'UNHEALTHY');
    registry.registerInstance(CUSTOM.id, taskId(1), ecsAttributes('10.0.0.2'));
    expect(registry.listInstances(CUSTOM.id)).toHaveLength(1);
    expect(registry.getInstance(CUSTOM.id, taskId(1))).toMatchObject({
      health: 'HEALTHY',
      attributes: { AWS_INSTANCE_IPV4: '10.0.0.2' },
    });
  });
});

describe('DeregisterInstance', () => {
  it('removes the instance; a second deregistration answers InstanceNotFound', () => {
    registry = makeRegistry();
    registry.registerInstance(CUSTOM.id, taskId(1), ecsAttributes('10.0.0.1'));
    registry.deregisterInstance(CUSTOM.id, taskId(1));
    expect(registry.listInstances(CUSTOM.id)).toEqual([]);
    expect(awsErrorOf(() => registry?.deregisterInstance(CUSTOM.id, taskId(1)))).toBe('InstanceNotFound');
  });
});

describe('DiscoverInstances HealthStatus filter (§4.4)', () => {
  // Custom-health service: t1, t2 HEALTHY; t3 UNHEALTHY.
  const mixed = () => {
    const r = makeRegistry();
    for (const n of [1, 2, 3]) r.registerInstance(CUSTOM.id, taskId(n), ecsAttributes(`10.0.0.${n}`));
    r.updateInstanceCustomHealthStatus(CUSTOM.id, taskId(3), 'UNHEALTHY');
    return r;
  };
  // Custom-health service: every instance UNHEALTHY.
  const allUnhealthy = () => {
    const r = makeRegistry();
    for (const n of [1, 2]) {
      r.registerInstance(
        CUSTOM.id,
        taskId(n),
        ecsAttributes(`10.0.0.${n}`, 80, { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' }),
      );
    }
    return r;
  };
  // No health check: t1, t2 UNKNOWN.
  const unchecked = () => {
    const r = makeRegistry();
    for (const n of [1, 2]) r.registerInstance(UNCHECKED.id, taskId(n), ecsAttributes(`10.0.0.${n}`));
    return r;
  };

  // [situation, HealthStatus (undefined = omitted), tasks returned, registry]
  const cases: [string, HealthStatusFilter | undefined, number[], () => CloudMapRegistry][] = [
    ['mixed', 'HEALTHY', [1, 2], mixed],
    ['mixed', 'UNHEALTHY', [3], mixed],
    ['mixed', 'ALL', [1, 2, 3], mixed],
    ['mixed', 'HEALTHY_OR_ELSE_ALL', [1, 2], mixed],
    ['mixed', undefined, [1, 2, 3], mixed],
    ['all unhealthy', 'HEALTHY', [], allUnhealthy],
    ['all unhealthy', 'UNHEALTHY', [1, 2], allUnhealthy],
    ['all unhealthy (fails open)', 'HEALTHY_OR_ELSE_ALL', [1, 2], allUnhealthy],
    ['no health check (filter ignored)', 'HEALTHY', [1, 2], unchecked],
    ['no health check (filter ignored)', 'UNHEALTHY', [1, 2], unchecked],
    ['no health check (filter ignored)', 'ALL', [1, 2], unchecked],
    ['no health check (filter ignored)', 'HEALTHY_OR_ELSE_ALL', [1, 2], unchecked],
  ];

  it.each(cases)('%s: HealthStatus %s returns tasks %j', (_label, healthStatus, expected, build) => {
    registry = build();
    const serviceName = build === unchecked ? UNCHECKED.name : CUSTOM.name;
    const result = registry.discoverInstances({ namespaceName: NAMESPACE.name, serviceName, healthStatus });
    expect(ids(result.instances)).toEqual(expected.map(taskId).sort());
  });

  it('reports UNKNOWN health for instances of a service without health check', () => {
    registry = unchecked();
    const result = registry.discoverInstances({ namespaceName: NAMESPACE.name, serviceName: 'worker' });
    expect(result.instances.map((i) => i.health)).toEqual(['UNKNOWN', 'UNKNOWN']);
  });

  it('uses the configured default filter when HealthStatus is omitted', () => {
    registry = new CloudMapRegistry({
      namespaces: [NAMESPACE, HTTP_NAMESPACE],
      services: [CUSTOM],
      defaultHealthStatus: 'HEALTHY',
    });
    registry.registerInstance(CUSTOM.id, 'a', ecsAttributes('10.0.0.1'));
    registry.registerInstance(
      CUSTOM.id,
      'b',
      ecsAttributes('10.0.0.2', 80, { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' }),
    );
    expect(
      ids(registry.discoverInstances({ namespaceName: NAMESPACE.name, serviceName: 'api' }).instances),
    ).toEqual(['a']);
  });
});

describe('DiscoverInstances QueryParameters and OptionalParameters (§4.4, §1.2)', () => {
  const build = () => {
    const r = makeRegistry();
    r.registerInstance(
      CUSTOM.id,
      'blue-a',
      ecsAttributes('10.0.0.1', 80, { stage: 'prod', color: 'blue', az: '1a' }),
    );
    r.registerInstance(
      CUSTOM.id,
      'blue-b',
      ecsAttributes('10.0.0.2', 80, { stage: 'prod', color: 'blue', az: '1b' }),
    );
    r.registerInstance(
      CUSTOM.id,
      'green-a',
      ecsAttributes('10.0.0.3', 80, { stage: 'prod', color: 'green', az: '1a' }),
    );
    r.registerInstance(
      CUSTOM.id,
      'dev-a',
      ecsAttributes('10.0.0.4', 80, { stage: 'dev', color: 'blue', az: '1a' }),
    );
    return r;
  };

  it.each([
    [
      'every pair of QueryParameters must match',
      { stage: 'prod', color: 'blue' },
      undefined,
      ['blue-a', 'blue-b'],
    ],
    ['QueryParameters naming a missing attribute match nothing', { version: 'v1' }, undefined, []],
    [
      'OptionalParameters narrow the result when some instance matches',
      { stage: 'prod' },
      { az: '1a' },
      ['blue-a', 'green-a'],
    ],
    [
      'OptionalParameters are ignored when no instance matches them',
      { stage: 'prod' },
      { az: '1c' },
      ['blue-a', 'blue-b', 'green-a'],
    ],
    ['OptionalParameters alone narrow all instances', undefined, { color: 'green' }, ['green-a']],
  ])('%s', (_label, queryParameters, optionalParameters, expected) => {
    registry = build();
    const result = registry.discoverInstances({
      namespaceName: NAMESPACE.name,
      serviceName: 'api',
      queryParameters,
      optionalParameters,
    });
    expect(ids(result.instances)).toEqual([...expected].sort());
  });

  it('HEALTHY_OR_ELSE_ALL fails open among the instances the QueryParameters select', () => {
    registry = build();
    registry.updateInstanceCustomHealthStatus(CUSTOM.id, 'green-a', 'UNHEALTHY');
    const result = registry.discoverInstances({
      namespaceName: NAMESPACE.name,
      serviceName: 'api',
      healthStatus: 'HEALTHY_OR_ELSE_ALL',
      queryParameters: { color: 'green' },
    });
    expect(ids(result.instances)).toEqual(['green-a']);
  });
});

describe('DiscoverInstances order, MaxResults and errors (§4.4)', () => {
  it('returns the instances in a randomized order', () => {
    registry = makeRegistry();
    for (let n = 1; n <= 6; n++)
      registry.registerInstance(CUSTOM.id, taskId(n), ecsAttributes(`10.0.0.${n}`));
    const orders = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const result = registry.discoverInstances({ namespaceName: NAMESPACE.name, serviceName: 'api' });
      expect(result.instances).toHaveLength(6);
      orders.add(result.instances.map((instance) => instance.instanceId).join(','));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it('returns at most MaxResults instances (100 by default)', () => {
    registry = makeRegistry();
    for (let n = 1; n <= 120; n++) registry.registerInstance(CUSTOM.id, taskId(n), ecsAttributes('10.0.0.1'));
    expect(
      registry.discoverInstances({ namespaceName: NAMESPACE.name, serviceName: 'api' }).instances,
    ).toHaveLength(100);
    expect(
      registry.discoverInstances({ namespaceName: NAMESPACE.name, serviceName: 'api', maxResults: 3 })
        .instances,
    ).toHaveLength(3);
  });

  it.each([0, 1001, 2.5])('answers InvalidInput for MaxResults %s', (maxResults) => {
    registry = makeRegistry();
    expect(
      awsErrorOf(() =>
        registry?.discoverInstances({ namespaceName: NAMESPACE.name, serviceName: 'api', maxResults }),
      ),
    ).toBe('InvalidInput');
  });

  it('answers NamespaceNotFound for an unknown namespace name and ServiceNotFound for an unknown service name', () => {
    registry = makeRegistry();
    expect(
      awsErrorOf(() => registry?.discoverInstances({ namespaceName: 'nope.local', serviceName: 'api' })),
    ).toBe('NamespaceNotFound');
    expect(
      awsErrorOf(() => registry?.discoverInstances({ namespaceName: NAMESPACE.name, serviceName: 'nope' })),
    ).toBe('ServiceNotFound');
    // `api` exists, but in the DNS namespace, not the HTTP one.
    expect(
      awsErrorOf(() =>
        registry?.discoverInstances({ namespaceName: HTTP_NAMESPACE.name, serviceName: 'api' }),
      ),
    ).toBe('ServiceNotFound');
  });
});

describe('InstancesRevision (§4.4)', () => {
  it('changes on register and deregister, not on health changes', () => {
    registry = makeRegistry();
    const revision = () => registry?.discoverInstancesRevision(NAMESPACE.name, 'api');
    const r0 = revision();
    registry.registerInstance(CUSTOM.id, taskId(1), ecsAttributes('10.0.0.1'));
    const r1 = revision();
    expect(r1).not.toBe(r0);
    registry.updateInstanceCustomHealthStatus(CUSTOM.id, taskId(1), 'UNHEALTHY');
    expect(revision()).toBe(r1);
    registry.deregisterInstance(CUSTOM.id, taskId(1));
    expect(revision()).not.toBe(r1);
    expect(revision()).toBe(
      registry.discoverInstances({ namespaceName: NAMESPACE.name, serviceName: 'api' }).instancesRevision,
    );
  });
});

describe('UpdateInstanceCustomHealthStatus (§4.3)', () => {
  it.each([
    ['without health check', UNCHECKED.id],
    ['with a Route 53 health check', ROUTE53.id],
  ])('answers CustomHealthNotFound for a service %s', (_label, serviceId) => {
    registry = makeRegistry();
    registry.registerInstance(serviceId, taskId(1), ecsAttributes('10.0.0.1'));
    expect(
      awsErrorOf(() => registry?.updateInstanceCustomHealthStatus(serviceId, taskId(1), 'UNHEALTHY')),
    ).toBe('CustomHealthNotFound');
  });

  it('answers InstanceNotFound for an instance that is not registered', () => {
    registry = makeRegistry();
    expect(
      awsErrorOf(() => registry?.updateInstanceCustomHealthStatus(CUSTOM.id, taskId(9), 'HEALTHY')),
    ).toBe('InstanceNotFound');
  });

  it('takes effect at once by default (healthPropagationMs 0)', () => {
    registry = makeRegistry();
    registry.registerInstance(CUSTOM.id, taskId(1), ecsAttributes('10.0.0.1'));
    registry.updateInstanceCustomHealthStatus(CUSTOM.id, taskId(1), 'UNHEALTHY');
    expect(registry.getInstance(CUSTOM.id, taskId(1)).health).toBe('UNHEALTHY');
  });

  describe('with healthPropagationMs 30,000 (AWS waits about 30 s)', () => {
    const setup = () => {
      const clock = new ManualClock();
      const r = makeRegistry({ clock, healthPropagationMs: 30_000 });
      r.registerInstance(CUSTOM.id, taskId(1), ecsAttributes('10.0.0.1'));
      return { clock, r };
    };
    const health = (r: CloudMapRegistry) => r.getInstance(CUSTOM.id, taskId(1)).health;

    it('changes the status only once the delay has passed', async () => {
      const { clock, r } = setup();
      registry = r;
      r.updateInstanceCustomHealthStatus(CUSTOM.id, taskId(1), 'UNHEALTHY');
      expect(r.pendingHealth(CUSTOM.id, taskId(1))).toEqual({
        status: 'UNHEALTHY',
        effectiveAt: clock.now() + 30_000,
      });
      await clock.advance(29_999);
      expect(health(r)).toBe('HEALTHY');
      expect(r.instancesForService(CUSTOM.id)).toHaveLength(1);
      await clock.advance(1);
      expect(health(r)).toBe('UNHEALTHY');
      expect(r.instancesForService(CUSTOM.id)).toHaveLength(0);
      expect(r.pendingHealth(CUSTOM.id, taskId(1))).toBeUndefined();
    });

    it('a repeated request with the same value neither restarts nor speeds up the wait', async () => {
      const { clock, r } = setup();
      registry = r;
      r.updateInstanceCustomHealthStatus(CUSTOM.id, taskId(1), 'UNHEALTHY');
      await clock.advance(20_000);
      r.updateInstanceCustomHealthStatus(CUSTOM.id, taskId(1), 'UNHEALTHY');
      await clock.advance(9_999);
      expect(health(r)).toBe('HEALTHY');
      await clock.advance(1);
      expect(health(r)).toBe('UNHEALTHY');
    });

    it('a request back to the current value cancels the pending change', async () => {
      const { clock, r } = setup();
      registry = r;
      r.updateInstanceCustomHealthStatus(CUSTOM.id, taskId(1), 'UNHEALTHY');
      await clock.advance(10_000);
      r.updateInstanceCustomHealthStatus(CUSTOM.id, taskId(1), 'HEALTHY');
      await clock.advance(60_000);
      expect(health(r)).toBe('HEALTHY');
      expect(clock.pending).toBe(0);
    });

    it('deregistering the instance drops its pending change', async () => {
      const { clock, r } = setup();
      registry = r;
      r.updateInstanceCustomHealthStatus(CUSTOM.id, taskId(1), 'UNHEALTHY');
      r.deregisterInstance(CUSTOM.id, taskId(1));
      await clock.advance(30_000);
      expect(r.listInstances(CUSTOM.id)).toEqual([]);
      expect(clock.pending).toBe(0);
    });
  });
});

describe('instancesForService: what API Gateway gets for a private integration (§1.2)', () => {
  it('returns only HEALTHY instances of a custom-health service', () => {
    registry = makeRegistry();
    registry.registerInstance(CUSTOM.id, 'up', ecsAttributes('10.0.0.1'));
    registry.registerInstance(
      CUSTOM.id,
      'down',
      ecsAttributes('10.0.0.2', 80, { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' }),
    );
    expect(ids(registry.instancesForService(CUSTOM.id))).toEqual(['up']);
    registry.updateInstanceCustomHealthStatus(CUSTOM.id, 'down', 'HEALTHY');
    expect(ids(registry.instancesForService(CUSTOM.id))).toEqual(['down', 'up']);
  });

  it('returns every instance of a service without health check (UNKNOWN health)', () => {
    registry = makeRegistry();
    registry.registerInstance(UNCHECKED.id, 'a', ecsAttributes('10.0.0.1'));
    registry.registerInstance(UNCHECKED.id, 'b', ecsAttributes('10.0.0.2'));
    expect(ids(registry.instancesForService(UNCHECKED.id))).toEqual(['a', 'b']);
  });

  it("filters by the integration URI's query parameters", () => {
    registry = makeRegistry();
    registry.registerInstance(CUSTOM.id, 'green', ecsAttributes('10.0.0.1', 80, { deployment: 'green' }));
    registry.registerInstance(CUSTOM.id, 'blue', ecsAttributes('10.0.0.2', 80, { deployment: 'blue' }));
    expect(ids(registry.instancesForService(CUSTOM.id, { deployment: 'green' }))).toEqual(['green']);
    expect(ids(registry.instancesForService(CUSTOM.id, {}))).toEqual(['blue', 'green']);
  });

  it('reflects deregistration immediately', () => {
    registry = makeRegistry();
    registry.registerInstance(CUSTOM.id, 'a', ecsAttributes('10.0.0.1'));
    expect(registry.instancesForService(CUSTOM.id)).toHaveLength(1);
    registry.deregisterInstance(CUSTOM.id, 'a');
    expect(registry.instancesForService(CUSTOM.id)).toHaveLength(0);
  });

  it('answers ServiceNotFound for an unknown service', () => {
    registry = makeRegistry();
    expect(awsErrorOf(() => registry?.instancesForService('srv-nope'))).toBe('ServiceNotFound');
  });
});

describe('lookups, health status listing and change events', () => {
  it('finds a service by id and by ARN, ignoring an integration-URI query string', () => {
    registry = makeRegistry();
    expect(registry.serviceById(CUSTOM.id)).toBe(CUSTOM);
    expect(registry.serviceByArn(CUSTOM.arn)).toBe(CUSTOM);
    expect(registry.serviceByArn(`${CUSTOM.arn}?stage=prod`)).toBe(CUSTOM);
    expect(registry.serviceByArn(`${CUSTOM.arn}x`)).toBeUndefined();
  });

  it('GetInstancesHealthStatus lists the requested instances and answers InstanceNotFound for an unknown one', () => {
    registry = makeRegistry();
    registry.registerInstance(CUSTOM.id, 'a', ecsAttributes('10.0.0.1'));
    registry.registerInstance(
      CUSTOM.id,
      'b',
      ecsAttributes('10.0.0.2', 80, { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' }),
    );
    expect(registry.getInstancesHealthStatus(CUSTOM.id, ['b'])).toEqual({ b: 'UNHEALTHY' });
    expect(awsErrorOf(() => registry?.getInstancesHealthStatus(CUSTOM.id, ['zzz']))).toBe('InstanceNotFound');
  });

  it('emits a change event for registration, health and deregistration', () => {
    const clock = new ManualClock();
    registry = makeRegistry({ clock, healthPropagationMs: 5_000 });
    const seen: string[] = [];
    registry.on('change', (change: CloudMapChange) =>
      seen.push(`${change.type}:${change.instance.instanceId}`),
    );
    registry.registerInstance(CUSTOM.id, 'a', ecsAttributes('10.0.0.1'));
    registry.updateInstanceCustomHealthStatus(CUSTOM.id, 'a', 'UNHEALTHY');
    return clock.advance(5_000).then(() => {
      registry?.deregisterInstance(CUSTOM.id, 'a');
      expect(seen).toEqual(['registered:a', 'health-pending:a', 'health:a', 'deregistered:a']);
    });
  });

  it('refuses a service whose namespace is not declared, naming both', () => {
    expect(() => new CloudMapRegistry({ namespaces: [], services: [CUSTOM] })).toThrow(
      /service api \(srv-custom000000001\) names namespace ns-local0000000001, which is not declared/,
    );
  });
});
