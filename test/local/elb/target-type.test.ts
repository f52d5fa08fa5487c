/**
 * Target groups of type `instance` (the default when a template leaves `TargetType` out): accepted
 * beside Fargate services as AWS accepts them. One that no service registers with stays empty and
 * the ALB answers 503 for it (aws-behavior.md §2.5, "no registered targets"); a service that
 * registers its tasks in one gets one warning (its tasks are registered by IP locally); `lambda`
 * targets are still refused (aws-behavior-2.md §9.3).
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TemplateError } from '../../../src/errors.js';
import { ManualClock } from '../../../src/local/clock.js';
import { type RunningLoadBalancer, startLoadBalancer } from '../../../src/local/elb/load-balancer.js';
import { TargetGroup } from '../../../src/local/elb/target-group.js';
import { buildLocalModel, type LocalModel } from '../../../src/local/model.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { send, TestNetwork } from './support.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/any-ecs/partly-emulated.yml');
const dir = mkdtempSync(join(tmpdir(), 'wharf-target-type-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modelOf(file: string): LocalModel {
  return buildLocalModel(resolveApp(loadTemplateFile(file)));
}

/** The fixture with `edit` applied, in a temp file. */
function edited(name: string, edit: (text: string) => string): string {
  const file = join(dir, name);
  writeFileSync(file, edit(readFileSync(FIXTURE, 'utf8')));
  return file;
}

describe('target groups of type instance', () => {
  let lb: RunningLoadBalancer | undefined;
  afterEach(async () => {
    await lb?.close();
    lb = undefined;
  });

  it('accepts one without TargetType that no service uses, with no warning, and the ALB answers 503 for it', async () => {
    const model = modelOf(FIXTURE);
    const legacy = model.targetGroups.find((tg) => tg.origin?.logicalId === 'LegacyTargets');
    expect(legacy?.targetType).toBe('instance');
    expect(model.warnings.filter((w) => w.includes('LegacyTargets'))).toEqual([]);

    const config = model.loadBalancers[0];
    if (!config || !legacy) throw new Error('the fixture has a load balancer and LegacyTargets');
    const clock = new ManualClock();
    lb = await startLoadBalancer(
      {
        ...config,
        listeners: [
          {
            ...config.listeners[0],
            port: 80,
            protocol: 'HTTP',
            defaultActions: [{ type: 'forward', targetGroups: [{ targetGroupArn: legacy.arn, weight: 1 }] }],
          },
        ],
      } as typeof config,
      new Map([[legacy.arn, new TargetGroup(legacy, { clock })]]),
      { network: new TestNetwork(), clock, accessLog: () => {}, onBlocked: () => {} },
    );
    const response = await send(lb.listeners[0]?.url ?? '');
    expect(response.status).toBe(503);
    expect(response.body).toContain('<title>503 Service Temporarily Unavailable</title>');
  });

  it('runs a service that registers in an instance target group, with one warning naming the service and the group', () => {
    const file = edited('instance.yml', (text) => text.replace('      TargetType: ip\n', ''));
    const model = modelOf(file);
    expect(model.targetGroups.find((tg) => tg.origin?.logicalId === 'WebTargets')?.targetType).toBe(
      'instance',
    );
    expect(model.warnings.filter((w) => w.includes('TargetType'))).toEqual([
      `${file}: Service: target group WebTargets has TargetType instance, which only EC2 services use (they register container instances): locally its tasks are registered by IP, as Fargate tasks in an ip target group`,
    ]);
  });

  it('refuses a lambda target group, naming the file, resource and property (exit 2)', () => {
    const file = edited('lambda.yml', (text) =>
      text.replace('      TargetType: ip\n', '      TargetType: lambda\n'),
    );
    let error: unknown;
    try {
      modelOf(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toContain('WebTargets.Properties.TargetType');
    expect((error as Error).message).toContain("got 'lambda'");
    expect((error as Error).message).toContain('allowed: ip, instance');
  });
});
