// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings use ${…} literally.
/**
 * `Ref` values that depend on more than the resource itself: task definitions that share a
 * `Family` are successive revisions of it (aws-behavior-2.md §12.1), and a Route 53 record set's
 * `Ref` is its name (§12.2).
 */
import { describe, expect, it } from 'vitest';
import { resolveApp } from '../../src/template/evaluate.js';
import type { CfnResource, CfnTemplate, LoadedApp, LoadedStack } from '../../src/template/model.js';
import type { ResolvedApp } from '../../src/template/resolved.js';

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition';

function stackOf(template: CfnTemplate, path: string[] = [], parent?: LoadedStack): LoadedStack {
  return {
    name: path.length === 0 ? 'app.yml' : path.join('/'),
    path,
    file: `/virtual/${path.length === 0 ? 'app' : path.join('-')}.yml`,
    template,
    ...(parent ? { parent: { stack: parent, logicalId: path[path.length - 1] } } : {}),
    children: new Map(),
  };
}

/** A root template, with optional nested templates under the given logical ids. */
function app(resources: Record<string, CfnResource>, nested: Record<string, CfnTemplate> = {}): LoadedApp {
  const root = stackOf({ Resources: resources });
  const stacks = [root];
  for (const [logicalId, template] of Object.entries(nested)) {
    const child = stackOf(template, [logicalId], root);
    (root.children as Map<string, LoadedStack>).set(logicalId, child);
    stacks.push(child);
  }
  return { source: 'template-file', name: 'app', root, stacks };
}

function task(family?: string, extra: Partial<CfnResource> = {}): CfnResource {
  return { Type: 'AWS::ECS::TaskDefinition', Properties: family ? { Family: family } : {}, ...extra };
}

function refOf(resolved: ResolvedApp, logicalId: string, stack = 0): string | undefined {
  return resolved.stacks[stack].resources.get(logicalId)?.ref;
}

describe('task definition revisions', () => {
  it('gives two task definitions of one Family revisions 1 and 2, in declaration order', () => {
    const resolved = resolveApp(app({ Web: task('shop'), Worker: task('shop') }));
    expect(refOf(resolved, 'Web')).toBe(`${ARN}/shop:1`);
    expect(refOf(resolved, 'Worker')).toBe(`${ARN}/shop:2`);
    expect(resolved.root.resources.get('Worker')?.attributes.TaskDefinitionArn).toBe(`${ARN}/shop:2`);
  });

  it('numbers by declaration order, not by logical id order', () => {
    const resolved = resolveApp(app({ Zeta: task('shop'), Alpha: task('shop'), Mid: task('shop') }));
    expect([refOf(resolved, 'Zeta'), refOf(resolved, 'Alpha'), refOf(resolved, 'Mid')]).toEqual([
      `${ARN}/shop:1`,
      `${ARN}/shop:2`,
      `${ARN}/shop:3`,
    ]);
  });

  it('starts every family at 1, and keeps definitions without a Family at 1', () => {
    const resolved = resolveApp(
      app({ A: task('web'), B: task('jobs'), C: task(), D: task('web'), E: task(), F: task('jobs') }),
    );
    expect(refOf(resolved, 'A')).toBe(`${ARN}/web:1`);
    expect(refOf(resolved, 'B')).toBe(`${ARN}/jobs:1`);
    expect(refOf(resolved, 'D')).toBe(`${ARN}/web:2`);
    expect(refOf(resolved, 'F')).toBe(`${ARN}/jobs:2`);
    expect(refOf(resolved, 'C')).toMatch(/task-definition\/app-C-[A-Z0-9]{12}:1$/);
    expect(refOf(resolved, 'E')).toMatch(/task-definition\/app-E-[A-Z0-9]{12}:1$/);
  });

  it('compares the evaluated Family, so a Family built with Fn::Sub counts', () => {
    const resolved = resolveApp(
      app({
        A: task('app-web'),
        B: {
          Type: 'AWS::ECS::TaskDefinition',
          Properties: { Family: { 'Fn::Sub': '${AWS::StackName}-web' } },
        },
      }),
    );
    expect(refOf(resolved, 'B')).toBe(`${ARN}/app-web:2`);
  });

  it('skips a definition whose condition is false: it registers nothing', () => {
    const template = app({
      Old: task('shop', { Condition: 'Never' }),
      Web: task('shop'),
      Worker: task('shop'),
    });
    (template.root.template as { Conditions?: unknown }).Conditions = {
      Never: { 'Fn::Equals': ['a', 'b'] },
    };
    const resolved = resolveApp(template);
    expect(resolved.root.resources.has('Old')).toBe(false);
    expect(refOf(resolved, 'Web')).toBe(`${ARN}/shop:1`);
    expect(refOf(resolved, 'Worker')).toBe(`${ARN}/shop:2`);
  });

  it('counts across nested stacks: the root first, then each nested stack in order', () => {
    const resolved = resolveApp(
      app(
        {
          First: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'first.yml' } },
          Second: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'second.yml' } },
          Root: task('shop'),
        },
        {
          First: { Resources: { InFirst: task('shop') } },
          Second: { Resources: { InSecond: task('shop'), Other: task('admin') } },
        },
      ),
    );
    expect(refOf(resolved, 'Root')).toBe(`${ARN}/shop:1`);
    expect(refOf(resolved, 'InFirst', 1)).toBe(`${ARN}/shop:2`);
    expect(refOf(resolved, 'InSecond', 2)).toBe(`${ARN}/shop:3`);
    expect(refOf(resolved, 'Other', 2)).toBe(`${ARN}/admin:1`);
  });

  it('hands each service the revision it references', () => {
    const resolved = resolveApp(
      app({
        Web: task('shop'),
        Worker: task('shop'),
        WebService: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Web' } } },
        WorkerService: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Worker' } } },
      }),
    );
    expect(resolved.root.resources.get('WebService')?.properties.TaskDefinition).toBe(`${ARN}/shop:1`);
    expect(resolved.root.resources.get('WorkerService')?.properties.TaskDefinition).toBe(`${ARN}/shop:2`);
  });
});

describe('Route 53 record set Ref', () => {
  function record(name: unknown): CfnResource {
    return {
      Type: 'AWS::Route53::RecordSet',
      Properties: { HostedZoneName: 'example.com.', Name: name as string, Type: 'A' },
    };
  }

  it('is the Name as written, with or without a trailing dot', () => {
    const resolved = resolveApp(
      app({ Dotted: record('api.example.com.'), Plain: record('www.example.com') }),
    );
    expect(refOf(resolved, 'Dotted')).toBe('api.example.com.');
    expect(refOf(resolved, 'Plain')).toBe('www.example.com');
    // Id is the change id, not the name.
    expect(resolved.root.resources.get('Dotted')?.attributes.Id).toMatch(/^C[A-Z0-9]{13}$/);
  });

  it('is the evaluated Name when the name is built, as in an https:// output', () => {
    const template = app({
      Record: record({ 'Fn::Join': ['', ['api', '.', 'example.com', '.']] }),
    });
    (template.root.template as { Outputs?: unknown }).Outputs = {
      Endpoint: { Value: { 'Fn::Join': ['', ['https://', { Ref: 'Record' }]] } },
    };
    expect(resolveApp(template).root.outputs.Endpoint).toBe('https://api.example.com.');
  });
});
