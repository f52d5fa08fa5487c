// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings use ${…} literally.
/**
 * Several root templates as one app (`--template cluster.yml --template service.yml`): one
 * evaluator reads `Fn::ImportValue` across them, orders them exporters first, and refuses a cycle
 * or a missing export naming the file, the resource and the export (aws-behavior-2.md §13.2).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveApp } from '../../src/template/evaluate.js';
import { importOrder } from '../../src/template/import-order.js';
import { combineApps, loadTemplateFiles } from '../../src/template/load.js';
import type { CfnTemplate, LoadedApp, LoadedStack } from '../../src/template/model.js';
import { failure } from '../support/thrown-error.js';

const CROSS = fileURLToPath(new URL('../fixtures/any-ecs/cross-stack/', import.meta.url));

/** A one-template app named `name`, read from `/virtual/<name>.yml`. */
function inlineApp(name: string, template: Partial<CfnTemplate>): LoadedApp {
  const root: LoadedStack = {
    name: `${name}.yml`,
    path: [],
    file: `/virtual/${name}.yml`,
    template: { Resources: {}, ...template },
    children: new Map(),
  };
  return { source: 'template-file', name, root, stacks: [root] };
}

const TOPIC = { Topic: { Type: 'AWS::SNS::Topic' } };

describe('several root templates as one app', () => {
  it("reads the cluster's exports in the service, whatever order the templates are given in, exporters first", () => {
    const app = loadTemplateFiles([`${CROSS}service.yml`, `${CROSS}cluster.yml`]);
    const resolved = resolveApp(app);
    expect(resolved.roots.map((stack) => stack.stackName)).toEqual(['cluster', 'service']);
    expect(resolved.stacks.map((stack) => stack.stackName)).toEqual(['cluster', 'service']);
    const [cluster, service] = resolved.roots;
    const properties = service?.resources.get('Service')?.properties;
    expect(properties?.Cluster).toBe(cluster?.outputs.ClusterName);
    expect(properties?.NetworkConfiguration).toEqual({
      AwsvpcConfiguration: {
        Subnets: [cluster?.outputs.PrivateSubnetOne, cluster?.outputs.PrivateSubnetTwo],
        SecurityGroups: [service?.resources.get('ServiceSG')?.ref],
      },
    });
    expect(service?.outputs.Listener).toBe(cluster?.outputs.Listener);
    expect(cluster?.outputs.ClusterName).toMatch(/^cluster-Cluster-[A-Z0-9]{12}$/);
  });

  it('gives a --parameter to every root template that declares it, and refuses one that none declares', () => {
    const a = inlineApp('a', { Parameters: { Env: { Type: 'String' } }, Resources: TOPIC });
    const b = inlineApp('b', {
      Parameters: { Env: { Type: 'String' }, Size: { Type: 'Number', Default: '1' } },
      Resources: TOPIC,
    });
    const resolved = resolveApp(combineApps([a, b]), { parameters: { Env: 'dev' } });
    expect(resolved.roots.map((stack) => stack.parameters.Env)).toEqual(['dev', 'dev']);
    const error = failure(() => resolveApp(combineApps([a, b]), { parameters: { Env: 'dev', Colour: 'x' } }));
    expect(error.code).toBe('WHARF_PARAMETER_UNKNOWN');
    expect(error.message).toContain(
      'parameter Colour is not declared by any of the root templates; they declare: Env, Size.',
    );
  });

  it('refuses an import no template given exports, naming file, resource, export and what is exported', () => {
    const cluster = inlineApp('cluster', {
      Resources: TOPIC,
      Outputs: { Topic: { Value: { Ref: 'Topic' }, Export: { Name: 'cluster:Topic' } } },
    });
    const service = inlineApp('service', {
      Resources: {
        Queue: {
          Type: 'AWS::SQS::Queue',
          Properties: { QueueName: { 'Fn::ImportValue': 'production:Topic' } },
        },
      },
    });
    const error = failure(() => resolveApp(combineApps([cluster, service])));
    expect(error.code).toBe('WHARF_IMPORT_NOT_FOUND');
    expect(error.location).toMatchObject({
      file: '/virtual/service.yml',
      logicalId: 'Queue',
      propertyPath: 'Properties.QueueName',
    });
    expect(error.message).toContain(
      "Fn::ImportValue 'production:Topic': none of the templates given (cluster.yml, service.yml) exports that name",
    );
    expect(error.message).toContain('Exports: cluster:Topic.');
  });

  it('refuses templates that import from each other, naming the file, resource and export of the cycle', () => {
    const a = inlineApp('a', {
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::ImportValue': 'b-topic' } } },
      },
      Outputs: { Queue: { Value: { Ref: 'Queue' }, Export: { Name: 'a-queue' } } },
    });
    const b = inlineApp('b', {
      Resources: {
        Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::ImportValue': 'a-queue' } } },
      },
      Outputs: { Topic: { Value: 'topic', Export: { Name: 'b-topic' } } },
    });
    const error = failure(() => resolveApp(combineApps([a, b])));
    expect(error.code).toBe('WHARF_IMPORT_CYCLE');
    expect(error.location).toMatchObject({
      file: '/virtual/a.yml',
      logicalId: 'Queue',
      propertyPath: 'Properties.QueueName',
    });
    expect(error.message).toBe(
      "/virtual/a.yml: Queue.Properties.QueueName: Fn::ImportValue 'b-topic': the templates import from each other in a cycle (/virtual/a.yml imports 'b-topic' from /virtual/b.yml, and /virtual/b.yml imports 'a-queue' from /virtual/a.yml). CloudFormation creates an exporting stack before any stack can import from it, so one of them must stop importing from the other.",
    );
  });

  it('refuses one file given twice, and names members with the same file name apart', () => {
    expect(() => loadTemplateFiles([`${CROSS}cluster.yml`, `${CROSS}cluster.yml`])).toThrow(
      /cluster\.yml is given twice as --template; give each template once\./,
    );
    const combined = combineApps([
      inlineApp('svc', { Resources: TOPIC }),
      inlineApp('svc', { Resources: TOPIC }),
    ]);
    const resolved = resolveApp(combined);
    expect(resolved.roots.map((stack) => stack.stackName)).toEqual(['svc', 'svc-2']);
    const topics = resolved.roots.map((stack) => stack.resources.get('Topic')?.ref);
    expect(new Set(topics).size).toBe(2);
  });
});

describe('importOrder', () => {
  const edge = (importer: number, exporter: number, name = `${exporter}-out`) => ({
    importer,
    exporter,
    name,
    file: `t${importer}.yml`,
  });

  it.each([
    ['keeps the given order when nothing is imported', 3, [], [0, 1, 2]],
    ['puts an exporter before its importer', 2, [edge(0, 1)], [1, 0]],
    ['orders a chain', 3, [edge(0, 1), edge(1, 2)], [2, 1, 0]],
    ['ignores imports within one template', 2, [edge(1, 1)], [0, 1]],
  ])('%s', (_, count, edges, order) => {
    expect(importOrder(count, edges)).toEqual({ order });
  });

  it('returns the imports of a three-template cycle, one per step', () => {
    const result = importOrder(3, [edge(0, 1, 'x'), edge(1, 2, 'y'), edge(2, 0, 'z')]);
    expect(result).toEqual({ cycle: [edge(0, 1, 'x'), edge(1, 2, 'y'), edge(2, 0, 'z')] });
  });
});
