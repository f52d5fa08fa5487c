import { describe, expect, it } from 'vitest';
import { DiscoveryCache } from '../../../src/local/apigateway/discovery-cache.js';
import type { CloudMapTarget } from '../../../src/local/apigateway/integration-target.js';
import { parseCloudMapServiceArn } from '../../../src/local/apigateway/integration-target.js';
import { ManualClock } from '../../../src/local/clock.js';
import type { InstanceRecord } from '../../../src/local/cloudmap/types.js';

const instance = (id: string): InstanceRecord => ({
  serviceId: 'srv-1',
  instanceId: id,
  attributes: { AWS_INSTANCE_IPV4: '10.0.1.10', AWS_INSTANCE_PORT: '80' },
  health: 'HEALTHY',
});

const target = {
  kind: 'cloud-map',
  config: { id: 'int-1' },
  serviceId: 'srv-1',
  queryParameters: { stage: 'prod' },
} as unknown as CloudMapTarget;

describe('DiscoveryCache (aws-behavior.md §1.2)', () => {
  it('asks Cloud Map on every request by default, passing the URI filters', () => {
    const calls: unknown[] = [];
    let current = [instance('a')];
    const cache = new DiscoveryCache(
      {
        instancesForService: (id, query) => {
          calls.push([id, query]);
          return current;
        },
      },
      new ManualClock(),
    );
    expect(cache.pick(target)?.instanceId).toBe('a');
    current = [];
    expect(cache.pick(target)).toBeUndefined();
    expect(calls).toEqual([
      ['srv-1', { stage: 'prod' }],
      ['srv-1', { stage: 'prod' }],
    ]);
  });

  it('keeps sending to a deregistered instance until the staleness window passes', async () => {
    const clock = new ManualClock();
    let current = [instance('old')];
    const cache = new DiscoveryCache({ instancesForService: () => current }, clock, 5_000);
    expect(cache.pick(target)?.instanceId).toBe('old');
    current = [instance('new')];
    await clock.advance(4_999);
    expect(cache.pick(target)?.instanceId).toBe('old');
    await clock.advance(1);
    expect(cache.pick(target)?.instanceId).toBe('new');
  });

  it('picks uniformly with the injected random source', () => {
    const three = [instance('a'), instance('b'), instance('c')];
    const picks = [0, 0.34, 0.99].map(
      (r) =>
        new DiscoveryCache({ instancesForService: () => three }, new ManualClock(), 0, () => r).pick(target)
          ?.instanceId,
    );
    expect(picks).toEqual(['a', 'b', 'c']);
  });
});

describe('parseCloudMapServiceArn (aws-behavior.md §1.2)', () => {
  it('takes the service id, account and DiscoverInstances filters from the integration URI', () => {
    expect(
      parseCloudMapServiceArn(
        'arn:aws:servicediscovery:us-east-2:123456789012:service/srv-id?stage=prod&deployment=green_deployment',
      ),
    ).toEqual({
      serviceId: 'srv-id',
      accountId: '123456789012',
      queryParameters: { stage: 'prod', deployment: 'green_deployment' },
    });
    expect(
      parseCloudMapServiceArn('arn:aws:servicediscovery:us-east-1:123456789012:service/srv-x')
        ?.queryParameters,
    ).toBe(undefined);
    expect(
      parseCloudMapServiceArn('arn:aws:elasticloadbalancing:us-east-1:1:listener/app/x'),
    ).toBeUndefined();
  });
});
