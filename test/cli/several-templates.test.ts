/**
 * `cost` and `diagram` take several `--template` as one app, like `dev`: the service stack's
 * imports read the cluster stack's exports, and the two are priced (drawn) once, together.
 * In-process (no AWS, no servers).
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/in-process-cli.js';

const CROSS = join(resolve(import.meta.dirname, '../..'), 'test/fixtures/any-ecs/cross-stack');
const BOTH = ['--template', join(CROSS, 'service.yml'), '--template', join(CROSS, 'cluster.yml')];

describe('several --template as one app', () => {
  it('wharf cost prices the service of one stack and the load balancer of the other in one estimate', async () => {
    const run = await runMain(['cost', ...BOTH, '--json']);
    expect(run.code).toBe(0);
    const results = JSON.parse(run.stdout) as {
      estimate: { lines: { resource?: { file: string; logicalId: string } }[] };
    }[];
    expect(results).toHaveLength(1);
    const priced = new Set(
      results[0]?.estimate.lines.map(
        (line) => `${line.resource?.file.split('/').pop()}:${line.resource?.logicalId}`,
      ),
    );
    expect(priced).toContain('service.yml:Service');
    expect(priced).toContain('cluster.yml:LoadBalancer');
  });

  it('wharf diagram draws the service stack’s tasks behind the cluster stack’s load balancer', async () => {
    const run = await runMain(['diagram', ...BOTH, '--json']);
    expect(run.code).toBe(0);
    const model = JSON.parse(run.stdout) as { title: string; nodes: { kind: string; label: string }[] };
    expect(model.title).toBe('service+cluster: Application Load Balancer → Fargate');
    expect(model.nodes.map((node) => node.kind)).toEqual(expect.arrayContaining(['load-balancer', 'tasks']));
  });
});
