/**
 * `wharf dev --template` on templates written the way others write them (issue 16), on the process
 * runtime: resource types Wharf does not model feed IAM policies, outputs and a container variable
 * (invented values, one warning for the variable); a dual-stack VPC with an Amazon-provided IPv6
 * block, subnets cut with Fn::Cidr and a dual-stack ALB, whose tasks get IPv6 addresses while the
 * ingress serves on the loopback; an unused instance target group, a listener rule (emulated, no
 * warning), an HTTPS listener (served over TLS with a certificate from a local CA made in a temp
 * folder, which `--once` probes trusting that CA) and a private DNS namespace, run with exactly one
 * warning for what differs locally (the namespace).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CA_DIR_VARIABLE } from '../../../src/local/tls/ca-location.js';
import {
  devOnceOnProcesses,
  get,
  ingressUrl,
  LOCAL_SERVER,
  type StartedCloud,
  startCloud,
} from './support.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/any-ecs');
const COMMAND = { commands: { web: 'node examples/local-server.mjs' }, commandDir: ROOT };

describe('wharf dev on templates others write (issue 16)', () => {
  let started: StartedCloud | undefined;
  // The HTTPS listener's local CA: in a temp folder, never the user's.
  let caRoot: string;
  const previousCaDir = process.env[CA_DIR_VARIABLE];
  beforeAll(() => {
    caRoot = mkdtempSync(join(tmpdir(), 'wharf-ca-'));
    process.env[CA_DIR_VARIABLE] = join(caRoot, 'ca');
  });
  afterAll(() => {
    if (previousCaDir === undefined) delete process.env[CA_DIR_VARIABLE];
    else process.env[CA_DIR_VARIABLE] = previousCaDir;
    rmSync(caRoot, { recursive: true, force: true });
  });
  afterEach(async () => {
    await started?.cloud.stop();
    started = undefined;
  });

  it('runs a service next to resources Wharf does not model, warning once, for the invented value a container gets', async () => {
    started = await startCloud({
      template: join(FIXTURES, 'unmodelled-attributes.yml'),
      runtime: 'process',
      overrides: COMMAND,
    });
    await started.cloud.waitUntilReady(60_000);
    const response = await get(`${ingressUrl(started.cloud, 'load-balancer')}/`);
    expect(response.status).toBe(200);

    const invented = started.io
      .withCode('WHARF_DEV_NOT_EMULATED')
      .map((m) => m.message)
      .filter((m) => m.includes('Fn::GetAtt'));
    expect(invented).toEqual([
      expect.stringMatching(
        /unmodelled-attributes\.yml: TaskDefinition: Properties\.ContainerDefinitions\.0\.Environment\.2\.Value: the container gets Fn::GetAtt Table\.Arn \(AWS::DynamoDB::Table\) as "arn:aws:dynamodb:us-east-1:123456789012:table\/[^"]+", a value Wharf invents/,
      ),
    ]);
    const outputs = started.cloud.outputs;
    expect(outputs.WorkerTemplateVersion).toBe('1');
    expect(outputs.SigningProfileArn).toMatch(
      /^arn:aws:signer:us-east-1:123456789012:\/signing-profiles\/\S+$/,
    );
    expect(outputs.FileSystemArn).toMatch(
      /^arn:aws:elasticfilesystem:us-east-1:123456789012:file-system\/fs-[0-9a-f]{17}$/,
    );
  });

  it('gives tasks in dual-stack subnets an IPv6 address from their subnet, and serves the dual-stack ALB on 127.0.0.1', async () => {
    started = await startCloud({
      template: join(FIXTURES, 'dual-stack.yml'),
      runtime: 'process',
      overrides: COMMAND,
    });
    await started.cloud.waitUntilReady(60_000);
    const url = ingressUrl(started.cloud, 'load-balancer');
    expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(started.cloud.model.loadBalancers[0]?.ipAddressType).toBe('dualstack');
    expect((await get(`${url}/`)).status).toBe(200);

    const subnets = new Map(started.cloud.model.subnets.map((s) => [s.id, s.ipv6CidrBlock]));
    const tasks = started.cloud.status().services[0]?.tasks ?? [];
    expect(tasks).toHaveLength(2);
    for (const task of tasks) {
      const block = subnets.get(task.subnetId ?? '') ?? '';
      expect(block).toMatch(/^2600:1f18:[0-9a-f:]+::\/64$/);
      expect(task.ipv6Address).toBe(block.replace('::/64', '::4'));
    }
    expect(new Set(tasks.map((t) => t.subnetId)).size).toBe(2);
  });

  it('wharf dev --template partly-emulated.yml --once exits 0 with exactly one warning, for the private DNS namespace, and probes the HTTPS listener over TLS', async () => {
    const file = join(FIXTURES, 'partly-emulated.yml');
    const run = await devOnceOnProcesses([file], { web: LOCAL_SERVER });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('All ingresses answered.');
    const warnings = run.stderr.split('\n').filter((line) => line.startsWith('warning:'));
    expect(warnings).toEqual([
      `warning: ${file}: Namespace: AWS::ServiceDiscovery::PrivateDnsNamespace is partly emulated: its names resolve only inside Docker tasks (the local Cloud Map DNS server; process tasks cannot resolve them); the Cloud Map API and API Gateway's discovery work on both runtimes`,
    ]);
    const caFile = join(caRoot, 'ca', 'ca.pem');
    // Where the CA is and how to trust it: printed once.
    expect(run.stderr.split(`Created the local certificate authority ${caFile}`)).toHaveLength(2);
    expect(run.stdout).toMatch(/GET https:\/\/[a-z0-9.-]+\.elb\.amazonaws\.com:\d+\/ → 200 /);
    expect(run.stdout).toMatch(
      new RegExp(
        `curl --cacert ${caFile.replaceAll('.', '\\.')} --resolve [a-z0-9.-]+:\\d+:127\\.0\\.0\\.1 https://`,
      ),
    );
  });

  it.each(['unmodelled-attributes.yml', 'dual-stack.yml'])(
    'wharf dev --template %s --once exits 0',
    async (file) => {
      const run = await devOnceOnProcesses([join(FIXTURES, file)], { web: LOCAL_SERVER });
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('All ingresses answered.');
    },
  );
});
