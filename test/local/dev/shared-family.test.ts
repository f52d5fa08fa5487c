/**
 * `wharf dev --template` when two task definitions set the same `Family` (issue 16): on AWS they
 * are two revisions of the family, `family:1` and `family:2` (aws-behavior-2.md §12.1), and each
 * service runs its own. On the process runtime, one ALB sends `/` to the first service (the
 * listener's default action) and `/api/*` to the second (a listener rule).
 */

import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildLocalModel } from '../../../src/local/model.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { devOnceOnProcesses, get, ingressUrl, type StartedCloud, startCloud } from './support.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const TEMPLATE = join(ROOT, 'test/fixtures/any-ecs/shared-family.yml');
const SERVER = 'node examples/local-server.mjs';
const FAMILY_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shared-family';

/** The fixture on the process runtime, both containers running the local server. */
function startSharedFamily(): Promise<StartedCloud> {
  return startCloud({
    template: TEMPLATE,
    runtime: 'process',
    overrides: { commands: { site: SERVER, api: SERVER }, commandDir: ROOT },
  });
}

describe('wharf dev with two task definitions of one family (issue 16)', () => {
  let started: StartedCloud | undefined;
  afterEach(async () => {
    await started?.cloud.stop();
    started = undefined;
  });

  it('runs both services, each with its own revision and its own container, behind one ALB', async () => {
    started = await startSharedFamily();
    const { cloud } = started;
    await cloud.waitUntilReady(60_000);

    const byContainer = (name: string) =>
      cloud.model.services.find((s) => s.taskDefinition.containers.some((c) => c.name === name));
    const site = byContainer('site');
    const api = byContainer('api');
    expect(site?.taskDefinition).toMatchObject({
      arn: `${FAMILY_ARN}:1`,
      family: 'shared-family',
      revision: 1,
    });
    expect(api?.taskDefinition).toMatchObject({
      arn: `${FAMILY_ARN}:2`,
      family: 'shared-family',
      revision: 2,
    });
    expect(site?.taskDefinition.containers.map((c) => c.name)).toEqual(['site']);
    expect(api?.taskDefinition.containers.map((c) => c.name)).toEqual(['api']);
    expect(cloud.outputs).toMatchObject({
      SiteTaskDefinition: `${FAMILY_ARN}:1`,
      ApiTaskDefinition: `${FAMILY_ARN}:2`,
    });

    // Each service runs a task of its own revision; the listener's default action reaches the first.
    const status = cloud.status().services;
    const taskOf = (serviceName: string | undefined) => {
      const service = status.find((s) => s.serviceName === serviceName);
      expect(service?.runningCount).toBe(1);
      return service?.tasks[0];
    };
    const siteTask = taskOf(site?.name);
    const apiTask = taskOf(api?.name);
    expect(siteTask?.taskDefinitionArn).toBe(`${FAMILY_ARN}:1`);
    expect(apiTask?.taskDefinitionArn).toBe(`${FAMILY_ARN}:2`);

    const url = ingressUrl(cloud, 'load-balancer');
    const home = await get(`${url}/`);
    expect(home.status).toBe(200);
    expect(home.body).toContain(`hello from task ${siteTask?.taskId}: GET /`);
    // The listener rule (priority 1, path-pattern /api/*) sends /api/orders to the api service.
    const api1 = await get(`${url}/api/orders`);
    expect(api1.status).toBe(200);
    expect(api1.body).toBe(`hello from task ${apiTask?.taskId}: GET /api/orders\n`);
    // /api itself does not match /api/* (the pattern matches the whole path): the default action.
    const bare = await get(`${url}/api`);
    expect(bare.body).toContain(`hello from task ${siteTask?.taskId}: GET /api`);
  });

  it('registers a changed definition as the family’s next revision, above both of the template’s (watch)', async () => {
    started = await startSharedFamily();
    const { cloud } = started;
    await cloud.waitUntilReady(60_000);
    const siteName = cloud.model.services.find((s) => s.taskDefinition.revision === 1)?.name;
    // The site container's command changes: its definition is registered again, as shared-family:3
    // (shared-family:2 is the api service's definition).
    const next = buildLocalModel(resolveApp(loadTemplateFile(TEMPLATE)), {
      commands: { site: `${SERVER} --changed`, api: SERVER },
      commandDir: ROOT,
    });
    expect(await cloud.update(next)).toEqual([`${siteName}: new task definition shared-family:3`]);
    const site = cloud.status().services.find((s) => s.serviceName === siteName);
    expect(site?.taskDefinition).toBe(`${FAMILY_ARN}:3`);
  });

  it('wharf dev --template shared-family.yml --once exits 0', async () => {
    const run = await devOnceOnProcesses([TEMPLATE], { site: SERVER, api: SERVER });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('All ingresses answered.');
  });
});
