/** Container definition → Docker create options (no daemon needed). */

import { describe, expect, it } from 'vitest';
import {
  dockerCreateOptions,
  dockerHealthcheck,
  publishedEndpoints,
  withDefaultTag,
} from '../../../src/local/runtime/docker-container-config.js';
import { containerConfig, taskSpec } from './support.js';

describe('dockerCreateOptions', () => {
  const web = containerConfig({
    name: 'web',
    image: 'app:1',
    containerPorts: [8080],
    command: ['serve'],
    entryPoint: ['/entry'],
    environment: { A: '1', PORT: '9999' },
    user: '1000',
    workingDirectory: '/app',
  });
  const spec = taskSpec('run1', [web], { environment: { A: 'task', B: '2' } });

  it('publishes every task port on 127.0.0.1 with an ephemeral host port on the first container', () => {
    const options = dockerCreateOptions(spec, web, { owner: true, ports: [8080, 9090] });
    expect(options.HostConfig?.PortBindings).toEqual({
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      '9090/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
    });
    expect(options.ExposedPorts).toEqual({ '8080/tcp': {}, '9090/tcp': {} });
  });

  it('puts the first container on the VPC network with the Cloud Map resolver as its DNS, when given', () => {
    const options = dockerCreateOptions(spec, web, {
      owner: true,
      ports: [8080],
      network: 'wharf-run1-vpc',
      ipv4Address: '198.18.4.7',
      dns: ['198.18.4.1'],
    });
    expect(options.HostConfig?.NetworkMode).toBe('wharf-run1-vpc');
    expect(options.NetworkingConfig).toEqual({
      EndpointsConfig: { 'wharf-run1-vpc': { IPAMConfig: { IPv4Address: '198.18.4.7' } } },
    });
    expect(options.HostConfig?.Dns).toEqual(['198.18.4.1']);
    const plain = dockerCreateOptions(spec, web, { owner: true, ports: [8080] });
    expect([plain.HostConfig?.NetworkMode, plain.HostConfig?.Dns]).toEqual([undefined, undefined]);
  });

  it('makes later containers join the first one network namespace, publishing nothing', () => {
    const options = dockerCreateOptions(spec, web, { owner: false, ownerContainerId: 'abc' });
    expect(options.HostConfig?.NetworkMode).toBe('container:abc');
    expect(options.HostConfig?.PortBindings).toBeUndefined();
  });

  it('passes command, entry point, user and working directory; container env wins over task env and PORT', () => {
    const options = dockerCreateOptions(spec, web, { owner: true, ports: [8080] });
    expect(options).toMatchObject({
      Cmd: ['serve'],
      Entrypoint: ['/entry'],
      User: '1000',
      WorkingDir: '/app',
    });
    expect(options.Env).toEqual(['PORT=9999', 'A=1', 'B=2']);
  });

  it('uses --init always by default, or only with InitProcessEnabled in task-definition mode', () => {
    expect(dockerCreateOptions(spec, web, { owner: true, ports: [] }).HostConfig?.Init).toBe(true);
    expect(
      dockerCreateOptions(spec, web, { owner: true, ports: [] }, { init: 'task-definition' }).HostConfig
        ?.Init,
    ).toBe(false);
  });
});

describe('dockerHealthcheck (§3.2)', () => {
  it('keeps the command array and converts seconds to nanoseconds', () => {
    expect(
      dockerHealthcheck({
        command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
        intervalSeconds: 30,
        timeoutSeconds: 5,
        retries: 3,
        startPeriodSeconds: 10,
      }),
    ).toEqual({
      Test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
      Interval: 30e9,
      Timeout: 5e9,
      StartPeriod: 10e9,
      Retries: 3,
    });
  });
});

describe('withDefaultTag', () => {
  it.each([
    ['nginx', 'nginx:latest'],
    ['nginx:1.27', 'nginx:1.27'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['public.ecr.aws/a/b@sha256:abc', 'public.ecr.aws/a/b@sha256:abc'],
  ])('%s → %s', (image, ref) => {
    expect(withDefaultTag(image)).toBe(ref);
  });
});

describe('publishedEndpoints', () => {
  it('reads the 127.0.0.1 host port of each container port', () => {
    const inspect = {
      NetworkSettings: {
        Ports: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '49153' }], '9090/tcp': null },
      },
    } as never;
    expect(publishedEndpoints(inspect, [8080, 9090])).toEqual(
      new Map([[8080, { host: '127.0.0.1', port: 49153 }]]),
    );
  });
});
