import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../../support/in-process-cli.js';
import { devOnceOnProcesses, LOCAL_SERVER } from './support.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CROSS = join(ROOT, 'test/fixtures/any-ecs/cross-stack');

describe('wharf dev --template cluster.yml --template service.yml', () => {
  it('runs the service on the imported cluster, network and target group, and --once exits 0', async () => {
    const run = await devOnceOnProcesses([join(CROSS, 'service.yml'), join(CROSS, 'cluster.yml')], {
      web: LOCAL_SERVER,
    });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/ → 200 hello from task/);
    expect(run.stdout).toContain('All ingresses answered.');
    // Each root stack's outputs, named after its stack; the service's import is the cluster's export.
    const listener = /^ {2}cluster\.Listener: (arn:\S+)$/m.exec(run.stdout)?.[1];
    expect(listener).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\/app\/cluster-/);
    expect(run.stdout).toContain(`  service.Listener: ${listener}\n`);
    // The service's task runs in a subnet the cluster exports (10.1.2.0/24 or 10.1.3.0/24).
    expect(run.stdout).toMatch(/service-Service-\S+ \S+ 10\.1\.[23]\.\d+ us-east-1[ab] RUNNING/);
  });

  it('exits 2 naming the file, resource and export when the service imports what no template given exports', async () => {
    const run = await runMain([
      'dev',
      '--template',
      join(CROSS, 'service.yml'),
      '--template',
      join(CROSS, 'cluster.yml'),
      '--parameter',
      'ClusterStack=production',
      '--runtime',
      'process',
      '--once',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /service\.yml: ServiceSG\.Properties\.VpcId: Fn::ImportValue 'production:VpcId': none of the templates given \(service\.yml, cluster\.yml\) exports that name/,
    );
    expect(run.stderr).toContain('cluster:VpcId');
  });
});
