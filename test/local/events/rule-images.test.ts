/**
 * Images built from a folder (CDK Docker image assets) for the task definitions scheduled rules
 * run: hashed (process runtime) or built (Docker) before any task starts, as a service's are, and
 * their Dockerfile's base image is known before start-up (checked here without Docker: hashing).
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalImageBuilds } from '../../../src/local/image-builds.js';
import { buildLocalModel, type LocalModel } from '../../../src/local/model.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/tasks/scheduled-task.yml');
const folder = mkdtempSync(join(tmpdir(), 'wharf-rule-image-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The fixture's model with the report rule's `job` container built from `folder`. */
function modelWithBuild(): LocalModel {
  writeFileSync(
    join(folder, 'Dockerfile'),
    'FROM public.ecr.aws/docker/library/busybox:1.36\nCMD ["true"]\n',
  );
  const model = buildLocalModel(resolveApp(loadTemplateFile(FIXTURE)));
  const build = { directory: folder, assetHash: 'abc123' };
  return {
    ...model,
    scheduledRules: model.scheduledRules.map((rule) => ({
      ...rule,
      targets: rule.targets.map((target) => ({
        ...target,
        taskDefinition: {
          ...target.taskDefinition,
          containers: target.taskDefinition.containers.map((c) => ({ ...c, build })),
        },
      })),
    })),
  };
}

describe('images built from a folder for scheduled rules', () => {
  it('are found, their base image listed, and hashed before tasks start', async () => {
    const model = modelWithBuild();
    expect(model.services).toEqual([]);
    expect(LocalImageBuilds.hasBuilds(model)).toBe(true);
    expect(Object.keys(LocalImageBuilds.baseImages(model))).toEqual([
      'public.ecr.aws/docker/library/busybox:1.36',
    ]);
    const prepared = await new LocalImageBuilds(undefined).prepare(model);
    const hashes = prepared.scheduledRules.flatMap((r) =>
      r.targets.flatMap((t) => t.taskDefinition.containers.map((c) => c.build?.contextHash)),
    );
    expect(hashes).toHaveLength(2);
    for (const hash of hashes) expect(hash).toMatch(/^[0-9a-f]{16,}$/);
  });
});
