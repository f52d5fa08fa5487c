// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings use ${…} literally.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTemplateFile } from '../../src/template/load.js';
import type { CfnValue, LoadedStack } from '../../src/template/model.js';
import { describeTraced, type Traced, traceList, traceValue } from '../../src/template/references.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** A compact, comparable view of a trace. */
function view(traced: Traced): unknown {
  switch (traced.kind) {
    case 'resource':
      return `resource ${traced.stack.name}/${traced.logicalId}`;
    case 'attribute':
      return `attribute ${traced.stack.name}/${traced.logicalId}.${traced.attribute}`;
    case 'parameter':
      return `parameter ${traced.stack.name}/${traced.name}`;
    case 'list':
      return traced.items.map(view);
    case 'unknown':
      return 'unknown';
    default:
      return traced;
  }
}

describe('traceValue', () => {
  const app = loadTemplateFile(fixture('seeds-like/api-gateway/parent.yml'));
  const stack = (name: string) => app.stacks.find((s) => s.name === name) as LoadedStack;
  const api = stack('ApiGatewayStack');
  const service = stack('ServiceStack');

  it('follows a parameter to the parent, into a sibling output, to the resource attribute', () => {
    expect(view(traceValue(api, { Ref: 'ServiceDiscoveryServiceArn' }))).toBe(
      'attribute ServiceStack/ServiceDiscoveryService.Arn',
    );
  });

  it("turns a sibling's comma-joined !Sub output into a list of subnet resources", () => {
    expect(view(traceValue(service, { Ref: 'PublicSubnetIds' }))).toEqual([
      'resource VpcStack/PublicSubnetOne',
      'resource VpcStack/PublicSubnetTwo',
    ]);
  });

  it('follows a parameter with no value passed to its Default', () => {
    expect(traceValue(service, { Ref: 'ContainerPort' })).toEqual({ kind: 'literal', value: 80 });
  });

  it('resolves Fn::Select over Fn::GetAZs to an AZ index', () => {
    const subnet = stack('VpcStack').template.Resources.PublicSubnetTwo;
    expect(traceValue(stack('VpcStack'), subnet.Properties?.AvailabilityZone)).toEqual({
      kind: 'az',
      index: 1,
    });
  });

  it('resolves Fn::FindInMap with literal keys', () => {
    expect(traceValue(stack('VpcStack'), { 'Fn::FindInMap': ['Cidrs', 'Vpc', 'Block'] })).toEqual({
      kind: 'literal',
      value: '10.0.0.0/16',
    });
  });

  it('returns pseudo parameters and literals as they are', () => {
    expect(traceValue(api, { Ref: 'AWS::Region' })).toEqual({ kind: 'pseudo', name: 'AWS::Region' });
    expect(traceValue(api, 'plain')).toEqual({ kind: 'literal', value: 'plain' });
  });

  it('renders a Sub with unresolved pieces as text', () => {
    expect(traceValue(api, { 'Fn::Sub': 'arn:${AWS::Partition}:x:${VpcLink}' })).toEqual({
      kind: 'text',
      text: 'arn:${AWS::Partition}:x:${VpcLink}',
    });
  });

  it('returns unknown, never throws, for what it cannot follow', () => {
    for (const value of [
      { Ref: 'Nope' },
      { 'Fn::If': ['C', 'a', 'b'] },
      { 'Fn::GetAtt': ['VpcStack', 'Outputs.Missing'] },
      { 'Fn::Select': [{ Ref: 'X' }, []] },
      { 'Fn::Sub': 42 },
      { A: 1, B: 2 },
    ] as CfnValue[]) {
      expect(traceValue(stack('parent.yml'), value).kind).toBe('unknown');
    }
  });

  it('traces a parameter cycle to unknown instead of looping', () => {
    const looping = {
      ...app.root,
      template: {
        Parameters: {
          A: { Type: 'String', Default: { Ref: 'B' } },
          B: { Type: 'String', Default: { Ref: 'A' } },
        },
        Resources: {},
      },
    } as unknown as LoadedStack;
    expect(traceValue(looping, { Ref: 'A' }).kind).toBe('unknown');
  });
});

describe('traceList', () => {
  const app = loadTemplateFile(fixture('templates/cfn-stack/parent.yml'));
  const nested = app.root.children.get('App') as LoadedStack;

  it('traces List<> parameters fed by Fn::GetAtt of a sibling output', () => {
    expect(traceList(nested, { Ref: 'SubnetIds' }).map(view)).toEqual([
      'resource Network/SubnetA',
      'resource Network/SubnetB',
    ]);
  });

  it('splits a CommaDelimitedList default into literals', () => {
    expect(traceList(nested, { Ref: 'DefaultSubnets' })).toEqual([
      { kind: 'literal', value: 'subnet-1' },
      { kind: 'literal', value: 'subnet-2' },
    ]);
  });

  it('traces Fn::Join with a comma and Fn::Split into lists', () => {
    expect(traceList(nested, { 'Fn::Join': [',', ['a', { Ref: 'Port' }]] })).toEqual([
      { kind: 'literal', value: 'a' },
      { kind: 'literal', value: 8080 },
    ]);
    expect(traceList(nested, { 'Fn::Split': [',', 'x,y'] }).map((t) => describeTraced(t))).toEqual([
      'x',
      'y',
    ]);
  });

  it('returns a parameter with no value and no default as a parameter', () => {
    expect(traceList(nested, { Ref: 'Unset' }).map(view)).toEqual(['parameter App/Unset']);
  });

  it('follows a sibling output that is a resource attribute', () => {
    expect(view(traceValue(nested, { Ref: 'Zone' }))).toBe('attribute Network/SubnetA.AvailabilityZone');
  });
});
