/**
 * The SRV answer an in-VPC resolver would get for a Cloud Map service (aws-behavior.md §4.1, §3.6).
 */

import { describe, expect, it } from 'vitest';
import { formatSrvAnswer } from '../../../src/local/cloudmap/srv-records.js';
import {
  A_ONLY,
  CUSTOM,
  ecsAttributes,
  HTTP_ONLY,
  makeRegistry,
  taskId,
  UNCHECKED,
  WEIGHTED,
} from './fixtures.js';

describe('srvRecords', () => {
  it('answers "1 1 <AWS_INSTANCE_PORT> <instanceId>.<service>.<namespace>" with the record TTL and the A record', () => {
    const registry = makeRegistry();
    registry.registerInstance(CUSTOM.id, taskId(1), ecsAttributes('10.0.1.7', 5000));
    const [answer] = registry.srvRecords(CUSTOM.id);
    expect(answer).toEqual({
      name: 'api.wharf.local',
      ttl: 60,
      priority: 1,
      weight: 1,
      port: 5000,
      target: `${taskId(1)}.api.wharf.local`,
      ipv4: '10.0.1.7',
      instanceId: taskId(1),
    });
    expect(formatSrvAnswer(answer as NonNullable<typeof answer>)).toBe(
      `api.wharf.local. 60 IN SRV 1 1 5000 ${taskId(1)}.api.wharf.local.`,
    );
  });

  it('MULTIVALUE returns at most 8 of 10 healthy instances', () => {
    const registry = makeRegistry();
    for (let n = 1; n <= 10; n++)
      registry.registerInstance(CUSTOM.id, taskId(n), ecsAttributes(`10.0.0.${n}`));
    const answers = registry.srvRecords(CUSTOM.id);
    expect(answers).toHaveLength(8);
    expect(new Set(answers.map((a) => a.instanceId)).size).toBe(8);
  });

  it('MULTIVALUE returns only the healthy instances when some are healthy', () => {
    const registry = makeRegistry();
    for (let n = 1; n <= 6; n++) {
      const init: Record<string, string> = n <= 2 ? {} : { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' };
      registry.registerInstance(CUSTOM.id, taskId(n), ecsAttributes(`10.0.0.${n}`, 80, init));
    }
    expect(
      registry
        .srvRecords(CUSTOM.id)
        .map((a) => a.instanceId)
        .sort(),
    ).toEqual([taskId(1), taskId(2)]);
  });

  it('MULTIVALUE returns up to 8 unhealthy instances when none is healthy', () => {
    const registry = makeRegistry();
    for (let n = 1; n <= 9; n++) {
      registry.registerInstance(
        CUSTOM.id,
        taskId(n),
        ecsAttributes(`10.0.0.${n}`, 80, { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' }),
      );
    }
    expect(registry.srvRecords(CUSTOM.id)).toHaveLength(8);
  });

  it('treats every instance of a service without health check as healthy', () => {
    const registry = makeRegistry();
    for (let n = 1; n <= 3; n++)
      registry.registerInstance(UNCHECKED.id, taskId(n), ecsAttributes(`10.0.0.${n}`));
    expect(registry.srvRecords(UNCHECKED.id)).toHaveLength(3);
  });

  it('WEIGHTED returns one healthy instance', () => {
    const registry = makeRegistry();
    registry.registerInstance(WEIGHTED.id, 'up', ecsAttributes('10.0.0.1'));
    registry.registerInstance(
      WEIGHTED.id,
      'down',
      ecsAttributes('10.0.0.2', 80, { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' }),
    );
    for (let i = 0; i < 10; i++)
      expect(registry.srvRecords(WEIGHTED.id).map((a) => a.instanceId)).toEqual(['up']);
  });

  it('is empty for a service without SRV records and for a service of an HTTP namespace', () => {
    const registry = makeRegistry();
    registry.registerInstance(A_ONLY.id, 'a', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '80' });
    registry.registerInstance(HTTP_ONLY.id, 'h', ecsAttributes('10.0.0.2'));
    expect(registry.srvRecords(A_ONLY.id)).toEqual([]);
    expect(registry.srvRecords(HTTP_ONLY.id)).toEqual([]);
  });

  it('does not list a deregistered instance', () => {
    const registry = makeRegistry();
    registry.registerInstance(CUSTOM.id, 'a', ecsAttributes('10.0.0.1'));
    registry.registerInstance(CUSTOM.id, 'b', ecsAttributes('10.0.0.2'));
    registry.deregisterInstance(CUSTOM.id, 'a');
    expect(registry.srvRecords(CUSTOM.id).map((a) => a.instanceId)).toEqual(['b']);
  });
});
