/**
 * Full-template snapshots of both example apps, synthesized from examples/<name> exactly as
 * `wharf synth` runs them: the parent stack and every nested stack. Nested template URLs carry a
 * hash of the nested template, so identical output gives identical snapshots. A change here is a
 * change to what users deploy: review it like a migration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedApp, synthesizeApp } from '../../src/synth/synth.js';
import type { CfnTemplate } from '../../src/template/model.js';

/** The example's templates by stack: the root under its stack name, nested ones by logical id. */
async function synthesizeExample(name: string): Promise<Map<string, CfnTemplate>> {
  let synthesized: SynthesizedApp | undefined;
  try {
    synthesized = await synthesizeApp({ dir: `examples/${name}` });
    const [app] = synthesized.apps;
    return new Map((app?.stacks ?? []).map((s) => [s.path.join('/') || app?.name || '', s.template]));
  } finally {
    synthesized?.dispose();
  }
}

for (const name of ['api-gateway-fargate', 'public-alb-fargate']) {
  describe(`examples/${name}`, () => {
    let templates = new Map<string, CfnTemplate>();
    beforeAll(async () => {
      templates = await synthesizeExample(name);
    });
    afterAll(() => templates.clear());

    it('matches the snapshot of every template, parent and nested', () => {
      expect(templates.size).toBeGreaterThanOrEqual(4);
      for (const [stack, template] of templates) expect(template, stack).toMatchSnapshot(stack);
    });

    it('synthesizes the same templates twice', async () => {
      expect(await synthesizeExample(name)).toEqual(templates);
    });
  });
}
