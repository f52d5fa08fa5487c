/**
 * Full-template snapshots of both example apps: the parent stack and every nested stack. Nested
 * template URLs carry a hash of the nested template, so identical output gives identical
 * snapshots. A change here is a change to what users deploy: review it like a migration.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiGatewayExample, publicAlbExample, templatesOf } from './support.js';

process.env.CDK_VALIDATION = 'false';

const EXAMPLES = [
  {
    name: 'api-gateway-fargate',
    build: apiGatewayExample,
    construct: "new ApiGatewayFargateService(stack, 'Api'",
  },
  {
    name: 'public-alb-fargate',
    build: publicAlbExample,
    construct: "new LoadBalancedFargateService(stack, 'Web'",
  },
];

for (const { name, build, construct } of EXAMPLES) {
  describe(`examples/${name}`, () => {
    const { stack, pattern } = build();
    const templates = templatesOf(pattern);

    it('is built here as its app.ts builds it', () => {
      const source = readFileSync(
        fileURLToPath(new URL(`../../examples/${name}/app.ts`, import.meta.url)),
        'utf8',
      );
      expect(source).toContain(`new Stack(app, '${stack.stackName}'`);
      expect(source).toContain(construct);
    });

    it('parent stack', () => {
      expect(templates.parent.toJSON()).toMatchSnapshot();
    });

    it.each(Object.keys(templates.nested))('nested stack %s', (id) => {
      expect(templates.nested[id]?.toJSON()).toMatchSnapshot();
    });

    it('synthesizes the same templates twice', () => {
      const again = templatesOf(build().pattern);
      expect(again.parent.toJSON()).toEqual(templates.parent.toJSON());
      for (const [id, template] of Object.entries(templates.nested)) {
        expect(again.nested[id]?.toJSON()).toEqual(template.toJSON());
      }
    });
  });
}
