// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings use ${…} literally.
/**
 * resolveApp as a specification: each intrinsic function, parameters, conditions and nested stacks,
 * evaluated the way CloudFormation evaluates them (intrinsic function reference:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/errors.js';
import { resolveApp } from '../../src/template/evaluate.js';
import { loadTemplateFile } from '../../src/template/load.js';
import type { CfnTemplate, CfnValue, LoadedApp, LoadedStack } from '../../src/template/model.js';
import type { ResolvedStack, ResolveOptions } from '../../src/template/resolved.js';
import { failure } from '../support/thrown-error.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const FILE = '/virtual/app.yml';

/** A one-template app, as the loader would give it. */
function inlineApp(template: Partial<CfnTemplate>, name = 'app'): LoadedApp {
  const root: LoadedStack = {
    name: 'app.yml',
    path: [],
    file: FILE,
    template: { Resources: {}, ...template },
    children: new Map(),
  };
  return { source: 'template-file', name, root, stacks: [root] };
}

/** A template with a bit of everything the cases below refer to. */
const BASE: Partial<CfnTemplate> = {
  Parameters: {
    Env: { Type: 'String', Default: 'prod' },
    Zones: { Type: 'CommaDelimitedList', Default: 'a, b ,c' },
    Count: { Type: 'Number', Default: 2 },
  },
  Mappings: { Sizes: { prod: { Cpu: 512 }, dev: { Cpu: 256 } } },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
    IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
  },
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/app/logs' } },
    DevGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Condition: 'IsDev',
      Properties: { GroupDescription: 'dev' },
    },
  },
};

/** Evaluates `value` as an output of the BASE template. */
function evaluateValue(value: CfnValue, options?: ResolveOptions): unknown {
  const app = inlineApp({ ...BASE, Outputs: { Probe: { Value: value } } });
  return resolveApp(app, options).root.outputs.Probe;
}

describe('intrinsic functions', () => {
  const cases: { name: string; value: CfnValue; expected: unknown }[] = [
    { name: 'Ref to a String parameter gives its value', value: { Ref: 'Env' }, expected: 'prod' },
    {
      name: 'Ref to a CommaDelimitedList parameter gives the trimmed items',
      value: { Ref: 'Zones' },
      expected: ['a', 'b', 'c'],
    },
    { name: 'Ref to a Number parameter gives a string', value: { Ref: 'Count' }, expected: '2' },
    {
      name: 'Ref to a VPC gives its vpc- id',
      value: { Ref: 'Vpc' },
      expected: expect.stringMatching(/^vpc-[0-9a-f]{17}$/),
    },
    { name: 'Ref to a named log group gives the name', value: { Ref: 'Logs' }, expected: '/app/logs' },
    { name: 'Ref AWS::AccountId', value: { Ref: 'AWS::AccountId' }, expected: '123456789012' },
    { name: 'Ref AWS::Region', value: { Ref: 'AWS::Region' }, expected: 'us-east-1' },
    { name: 'Ref AWS::Partition', value: { Ref: 'AWS::Partition' }, expected: 'aws' },
    { name: 'Ref AWS::URLSuffix', value: { Ref: 'AWS::URLSuffix' }, expected: 'amazonaws.com' },
    {
      name: 'Ref AWS::StackName gives the app name at the root',
      value: { Ref: 'AWS::StackName' },
      expected: 'app',
    },
    {
      name: 'Ref AWS::StackId gives a stack ARN with a UUID',
      value: { Ref: 'AWS::StackId' },
      expected: expect.stringMatching(
        /^arn:aws:cloudformation:us-east-1:123456789012:stack\/app\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
    },
    {
      name: 'Ref AWS::NotificationARNs gives an empty list',
      value: { Ref: 'AWS::NotificationARNs' },
      expected: [],
    },
    {
      name: 'Fn::GetAtt in array form',
      value: { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] },
      expected: '10.0.0.0/16',
    },
    {
      name: 'Fn::GetAtt in dotted string form',
      value: { 'Fn::GetAtt': 'Vpc.CidrBlock' },
      expected: '10.0.0.0/16',
    },
    {
      name: 'Fn::GetAtt with the attribute name from a Ref',
      value: { 'Fn::GetAtt': ['Logs', { 'Fn::Join': ['', ['A', 'rn']] }] },
      expected: 'arn:aws:logs:us-east-1:123456789012:log-group:/app/logs:*',
    },
    {
      name: 'Fn::Sub string form with a parameter, a pseudo parameter and Res.Attr',
      value: { 'Fn::Sub': '${Env}-${AWS::Region}-${Vpc.CidrBlock}' },
      expected: 'prod-us-east-1-10.0.0.0/16',
    },
    {
      name: 'Fn::Sub keeps ${!Literal} as ${Literal}',
      value: { 'Fn::Sub': 'a ${!Literal} b' },
      expected: 'a ${Literal} b',
    },
    {
      name: 'Fn::Sub [string, vars] form prefers the variables',
      value: {
        'Fn::Sub': ['${Env}:${Cpu}', { Env: 'override', Cpu: { 'Fn::FindInMap': ['Sizes', 'dev', 'Cpu'] } }],
      },
      expected: 'override:256',
    },
    {
      name: 'Fn::Join joins a literal list',
      value: { 'Fn::Join': ['-', ['a', { Ref: 'Env' }, 3]] },
      expected: 'a-prod-3',
    },
    {
      name: 'Fn::Join joins a list parameter',
      value: { 'Fn::Join': ['', { Ref: 'Zones' }] },
      expected: 'abc',
    },
    { name: 'Fn::Select picks by index', value: { 'Fn::Select': ['1', { Ref: 'Zones' }] }, expected: 'b' },
    {
      name: 'Fn::Split splits a string',
      value: { 'Fn::Split': ['|', 'x|y||z'] },
      expected: ['x', 'y', '', 'z'],
    },
    {
      name: 'Fn::FindInMap reads a mapping with a computed key',
      value: { 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Cpu'] },
      expected: 512,
    },
    {
      name: 'Fn::FindInMap falls back to DefaultValue',
      value: { 'Fn::FindInMap': ['Sizes', 'staging', 'Cpu', { DefaultValue: 128 }] },
      expected: 128,
    },
    {
      name: "Fn::GetAZs '' gives the environment's AZs",
      value: { 'Fn::GetAZs': '' },
      expected: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    },
    {
      name: 'Fn::GetAZs of Ref AWS::Region',
      value: { 'Fn::Select': [2, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }] },
      expected: 'us-east-1c',
    },
    {
      name: 'Fn::GetAZs of another region',
      value: { 'Fn::GetAZs': 'eu-west-1' },
      expected: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    },
    {
      name: 'Fn::If takes the true branch',
      value: { 'Fn::If': ['IsProd', 'big', 'small'] },
      expected: 'big',
    },
    {
      name: 'Fn::If takes the false branch',
      value: { 'Fn::If': ['IsDev', 'big', 'small'] },
      expected: 'small',
    },
    {
      name: 'Fn::If with AWS::NoValue removes the map key',
      value: { Keep: 1, Drop: { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, 2] } },
      expected: { Keep: 1 },
    },
    {
      name: 'Fn::If with AWS::NoValue removes the list item',
      value: ['a', { 'Fn::If': ['IsDev', 'b', { Ref: 'AWS::NoValue' }] }, 'c'],
      expected: ['a', 'c'],
    },
    { name: 'Fn::Base64 encodes UTF-8', value: { 'Fn::Base64': 'héllo' }, expected: 'aMOpbGxv' },
    {
      name: 'Fn::Cidr splits an IPv4 block',
      value: { 'Fn::Cidr': ['10.0.0.0/16', 3, 8] },
      expected: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
    },
    {
      name: 'Fn::Cidr starts at the network address and takes string arguments',
      value: { 'Fn::Cidr': ['192.168.7.77/24', '4', '6'] },
      expected: ['192.168.7.0/26', '192.168.7.64/26', '192.168.7.128/26', '192.168.7.192/26'],
    },
    {
      name: 'Fn::Cidr splits an IPv6 block',
      value: { 'Fn::Cidr': ['2001:db8:abcd::/56', 2, 64] },
      expected: ['2001:db8:abcd::/64', '2001:db8:abcd:1::/64'],
    },
  ];

  it.each(cases)('$name', ({ value, expected }) => {
    expect(evaluateValue(value)).toEqual(expected);
  });

  it('evaluates the Conditions functions Fn::Equals, Fn::And, Fn::Or, Fn::Not and Condition', () => {
    const app = inlineApp({
      Parameters: { Env: { Type: 'String', Default: 'prod' }, Count: { Type: 'Number', Default: '1' } },
      Conditions: {
        IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
        NumbersCompareAsText: { 'Fn::Equals': [{ Ref: 'Count' }, 1] },
        IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
        Both: {
          'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }],
        },
        Either: { 'Fn::Or': [{ Condition: 'IsDev' }, { Condition: 'Both' }] },
        Neither: { 'Fn::And': [{ Condition: 'IsDev' }, { Condition: 'Either' }] },
      },
    });
    expect(resolveApp(app).root.conditions).toEqual({
      IsProd: true,
      NumbersCompareAsText: true,
      IsDev: false,
      Both: true,
      Either: true,
      Neither: false,
    });
  });

  it('uses the environment given in the options', () => {
    const options = { environment: { region: 'eu-central-1', accountId: '111122223333' } };
    expect(evaluateValue({ 'Fn::Sub': '${AWS::Region}/${AWS::AccountId}' }, options)).toBe(
      'eu-central-1/111122223333',
    );
    expect(evaluateValue({ 'Fn::GetAZs': '' }, options)).toEqual([
      'eu-central-1a',
      'eu-central-1b',
      'eu-central-1c',
    ]);
    expect(evaluateValue({ Ref: 'AWS::Partition' }, { environment: { region: 'cn-north-1' } })).toBe(
      'aws-cn',
    );
  });
});

describe('intrinsic errors name the file, resource and property path', () => {
  /** Puts `image` at Properties.ContainerDefinitions.0.Image of a task definition. */
  function resolveImage(image: CfnValue) {
    return resolveApp(
      inlineApp({
        ...BASE,
        Resources: {
          ...BASE.Resources,
          Task: {
            Type: 'AWS::ECS::TaskDefinition',
            Properties: { ContainerDefinitions: [{ Name: 'web', Image: image }] },
          },
          Hook: {
            Type: 'Custom::Hook',
            Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x' },
          },
        },
      }),
    );
  }

  const cases: { name: string; image: CfnValue; code: string; message: RegExp; path?: string }[] = [
    {
      name: 'an unsupported function, listing the supported ones',
      image: { 'Fn::Length': [1, 2] },
      code: 'WHARF_INTRINSIC_UNSUPPORTED',
      message: /Fn::Length is not supported.*Ref, Fn::Base64, Fn::Cidr, .*Fn::Sub/,
    },
    {
      name: 'a condition function outside Conditions',
      image: { 'Fn::Equals': ['a', 'a'] },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /Fn::Equals is a condition function/,
    },
    {
      name: 'Ref to an unknown name',
      image: { Ref: 'Nope' },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /no resource named Nope; resources: Vpc, Logs/,
    },
    {
      name: 'Ref to an unknown pseudo parameter',
      image: { Ref: 'AWS::Nope' },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /not a pseudo parameter/,
    },
    {
      name: 'Ref to a resource whose condition is false',
      image: { Ref: 'DevGroup' },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /DevGroup is not created, because its condition IsDev is false/,
    },
    {
      name: 'Fn::GetAtt of an attribute the type does not have',
      image: { 'Fn::GetAtt': ['Vpc', 'Nope'] },
      code: 'WHARF_ATTRIBUTE_UNSUPPORTED',
      message:
        /AWS::EC2::VPC has no attribute Nope; its attributes \(from the CloudFormation resource schema\) are: CidrBlock, CidrBlockAssociations/,
    },
    {
      name: 'Fn::GetAtt of a custom resource',
      image: { 'Fn::GetAtt': 'Hook.Url' },
      code: 'WHARF_ATTRIBUTE_UNSUPPORTED',
      message: /Hook is a custom resource \(Custom::Hook\)/,
    },
    {
      name: 'malformed Fn::GetAtt',
      image: { 'Fn::GetAtt': 'Vpc' },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /Fn::GetAtt takes \[LogicalId, Attribute\]/,
    },
    {
      name: 'Fn::Select out of range',
      image: { 'Fn::Select': [5, ['a']] },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /index 5 is out of range: the list has 1 items/,
    },
    {
      name: 'Fn::Join of something that is not a list',
      image: { 'Fn::Join': [',', 'abc'] },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /the values of Fn::Join must be a list, got "abc"/,
      path: 'Properties.ContainerDefinitions.0.Image.Fn::Join.1',
    },
    {
      name: 'Fn::Sub of a list variable',
      image: { 'Fn::Sub': 'x-${Zones}' },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /Fn::Sub variable \$\{Zones\} must be a string, got \["a","b","c"\]/,
    },
    {
      name: 'Fn::FindInMap of a missing key, listing the keys',
      image: { 'Fn::FindInMap': ['Sizes', 'test', 'Cpu'] },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /no entry Sizes.test.Cpu; keys of Sizes: prod, dev/,
    },
    {
      name: 'Fn::Cidr blocks that do not fit',
      image: { 'Fn::Cidr': ['10.0.0.0/24', 4, 7] },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /4 blocks of \/25 do not fit in 10.0.0.0\/24/,
    },
    {
      name: 'Fn::If on an unknown condition',
      image: { 'Fn::If': ['Nope', 'a', 'b'] },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /condition Nope is not defined; conditions: IsProd, IsDev/,
    },
    {
      name: 'Fn::ImportValue of a name no stack of the app exports',
      image: { 'Fn::ImportValue': 'shared-vpc' },
      code: 'WHARF_IMPORT_NOT_FOUND',
      message: /'shared-vpc': no stack of this app exports that name/,
    },
    {
      name: 'an intrinsic sharing its object with other keys',
      image: { Ref: 'Env', Extra: 1 },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /Ref must be the only key of its object/,
    },
    {
      name: 'Fn::Sub with a non-string',
      image: { 'Fn::Sub': 3 },
      code: 'WHARF_INTRINSIC_INVALID',
      message: /Fn::Sub takes a string/,
    },
  ];

  it.each(cases)('rejects $name', ({ image, code, message, path }) => {
    const error = failure(() => resolveImage(image));
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.location).toEqual({
      file: FILE,
      logicalId: 'Task',
      propertyPath: path ?? 'Properties.ContainerDefinitions.0.Image',
    });
    expect(
      error.message.startsWith(`${FILE}: Task.${path ?? 'Properties.ContainerDefinitions.0.Image'}: `),
    ).toBe(true);
  });

  it('rejects a Ref to a resource inside Conditions', () => {
    const error = failure(() =>
      resolveApp(inlineApp({ ...BASE, Conditions: { Bad: { 'Fn::Equals': [{ Ref: 'Vpc' }, 'x'] } } })),
    );
    expect(error.code).toBe('WHARF_INTRINSIC_INVALID');
    expect(error.message).toMatch(/Bad.Fn::Equals.0: Ref Vpc: conditions can reference only parameters/);
  });

  it('rejects a condition that is not a condition function', () => {
    const error = failure(() => resolveApp(inlineApp({ Conditions: { Bad: 'true' } })));
    expect(error.message).toMatch(
      /Bad: a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or \{Condition: Name\}/,
    );
  });

  it('rejects a resource whose name property refers back to the resource, naming the cycle', () => {
    const error = failure(() =>
      resolveApp(
        inlineApp({
          Resources: {
            Cluster: {
              Type: 'AWS::ECS::Cluster',
              Properties: { ClusterName: { 'Fn::Sub': '${Cluster}-x' } },
            },
          },
        }),
      ),
    );
    expect(error.code).toBe('WHARF_REFERENCE_CYCLE');
    expect(error.message).toMatch(
      /Cluster.Properties.ClusterName → app.yml: Ref Cluster → app.yml: Cluster.Properties.ClusterName/,
    );
  });
});

describe('parameters', () => {
  const template: Partial<CfnTemplate> = {
    Parameters: {
      Env: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod'] },
      Name: { Type: 'String', Default: 'web', AllowedPattern: '[a-z]+', MaxLength: 8 },
      Count: { Type: 'Number', Default: 2, MinValue: 1, MaxValue: 10 },
      Subnets: { Type: 'List<AWS::EC2::Subnet::Id>', Default: 'subnet-1' },
      Ports: { Type: 'List<Number>', Default: '80,443' },
      Vpc: { Type: 'AWS::EC2::VPC::Id', Default: 'vpc-1' },
      Version: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
    },
  };
  const resolve = (parameters?: Record<string, string>, extra: Partial<CfnTemplate> = {}) =>
    resolveApp(
      inlineApp({ ...template, ...extra, Parameters: { ...template.Parameters, ...extra.Parameters } }),
      { parameters },
    ).root.parameters;

  it('takes Defaults, keeps Number as a string, splits lists and resolves SSM defaults to a placeholder', () => {
    expect(resolve()).toEqual({
      Env: 'dev',
      Name: 'web',
      Count: '2',
      Subnets: ['subnet-1'],
      Ports: ['80', '443'],
      Vpc: 'vpc-1',
      Version: 'local',
    });
  });

  it('lets --parameter values override Defaults, splitting and trimming lists', () => {
    expect(resolve({ Env: 'prod', Count: '7', Subnets: 'subnet-a , subnet-b', Version: '21' })).toMatchObject(
      {
        Env: 'prod',
        Count: '7',
        Subnets: ['subnet-a', 'subnet-b'],
        Version: '21',
      },
    );
  });

  it('rejects a key the root template does not declare, listing the declared ones', () => {
    const error = failure(() => resolve({ Colour: 'blue' }));
    expect(error.code).toBe('WHARF_PARAMETER_UNKNOWN');
    expect(error.message).toBe(
      `${FILE}: parameter Colour is not declared by the root template; it declares: Env, Name, Count, Subnets, Ports, Vpc, Version.`,
    );
  });

  it.each([
    [{ Env: 'test' }, /parameter Env: 'test' is not one of its AllowedValues \(dev, prod\)/],
    [{ Name: 'Web1' }, /parameter Name: 'Web1' does not match its AllowedPattern \[a-z\]\+/],
    [{ Name: 'abcdefghij' }, /parameter Name: 'abcdefghij' is longer than its MaxLength 8/],
    [{ Count: '0' }, /parameter Count: 0 is less than its MinValue 1/],
    [{ Count: '11' }, /parameter Count: 11 is greater than its MaxValue 10/],
    [{ Count: 'two' }, /parameter Count: 'two' is not a number/],
    [{ Ports: '80,http' }, /parameter Ports: 'http' is not a number/],
  ])('rejects %j', (parameters, message) => {
    const error = failure(() => resolve(parameters));
    expect(error.code).toBe('WHARF_PARAMETER_INVALID');
    expect(error.message).toMatch(message);
    expect(error.location.logicalId).toBe(Object.keys(parameters)[0]);
  });

  it('rejects a parameter with no value and no Default, naming it', () => {
    const error = failure(() => resolve(undefined, { Parameters: { ImageUri: { Type: 'String' } } }));
    expect(error.code).toBe('WHARF_PARAMETER_MISSING');
    expect(error.message).toMatch(
      /parameter ImageUri \(String\) has no value and no Default. Pass one with --parameter ImageUri=<value>/,
    );
  });

  it('rejects an SSM parameter with no Default and no value, saying there is no Parameter Store locally', () => {
    const error = failure(() =>
      resolve(undefined, {
        Parameters: { Ami: { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' } },
      }),
    );
    expect(error.code).toBe('WHARF_PARAMETER_MISSING');
    expect(error.message).toMatch(/reads AWS Systems Manager Parameter Store, which does not exist locally/);
  });

  it('rejects a type CloudFormation does not define', () => {
    const error = failure(() => resolve(undefined, { Parameters: { Bad: { Type: 'Strin', Default: 'x' } } }));
    expect(error.message).toMatch(
      /parameter Bad has type "Strin", which CloudFormation does not accept; the nearest allowed type is String\./,
    );
  });
});

describe('conditions on resources and outputs', () => {
  const app = inlineApp({
    ...BASE,
    Outputs: {
      Always: { Value: 'yes' },
      DevOnly: { Condition: 'IsDev', Value: { Ref: 'DevGroup' } },
    },
  });

  it('skips resources and outputs whose condition is false, and lists the skipped resources', () => {
    const root = resolveApp(app).root;
    expect([...root.resources.keys()]).toEqual(['Vpc', 'Logs']);
    expect(root.skipped).toEqual(['DevGroup']);
    expect(root.outputs).toEqual({ Always: 'yes' });
  });

  it('keeps them when a parameter makes the condition true', () => {
    const root = resolveApp(app, { parameters: { Env: 'dev' } }).root;
    expect(root.skipped).toEqual([]);
    // Without a VpcId, Ref of a security group is its (generated) group name.
    expect(root.outputs.DevOnly).toMatch(/^app-DevGroup-[A-Z0-9]{12}$/);
  });
});

describe('nested stacks', () => {
  const stackOf = (stacks: readonly ResolvedStack[], name: string) => {
    const found = stacks.find((s) => s.loaded.name === name);
    if (!found) throw new Error(`no stack ${name}`);
    return found;
  };

  it("passes a sibling's outputs through the parent, whatever the template order", () => {
    const resolved = resolveApp(loadTemplateFile(fixture('templates/evaluate/siblings/parent.yml')));
    const network = stackOf(resolved.stacks, 'Network');
    const app = stackOf(resolved.stacks, 'App');
    const subnets = [network.resources.get('SubnetA')?.ref, network.resources.get('SubnetB')?.ref];
    expect(app.parameters).toEqual({
      SubnetsAsString: subnets,
      SubnetsAsArray: subnets,
      VpcId: network.resources.get('Vpc')?.ref,
    });
    expect(app.resources.get('Service')?.properties.NetworkConfiguration).toEqual({
      AwsvpcConfiguration: { Subnets: subnets, SecurityGroups: [app.resources.get('Group')?.ref] },
    });
    expect(resolved.root.outputs.ServiceArn).toBe('arn:aws:ecs:us-east-1:123456789012:service/apps/api');
    expect(resolved.root.resources.get('Network')?.attributes['Outputs.VpcId']).toBe(network.outputs.VpcId);
  });

  it('names nested stacks <parent>-<LogicalId>-<12 characters> and uses the stack id as Ref', () => {
    const resolved = resolveApp(loadTemplateFile(fixture('templates/evaluate/siblings/parent.yml')));
    const network = stackOf(resolved.stacks, 'Network');
    expect(network.stackName).toMatch(/^parent-Network-[A-Z0-9]{12}$/);
    expect(network.stackId).toMatch(
      new RegExp(`^arn:aws:cloudformation:us-east-1:123456789012:stack/${network.stackName}/[0-9a-f-]{36}$`),
    );
    expect(resolved.root.resources.get('Network')?.ref).toBe(network.stackId);
  });

  it('leaves out a nested stack whose condition is false', () => {
    const resolved = resolveApp(loadTemplateFile(fixture('templates/evaluate/siblings/parent.yml')));
    expect(resolved.root.skipped).toEqual(['Extra']);
    expect(resolved.stacks.map((s) => s.loaded.name)).toEqual(['parent.yml', 'App', 'Network']);
  });

  it('rejects siblings that need each other, naming the chain', () => {
    const error = failure(() => resolveApp(loadTemplateFile(fixture('templates/evaluate/cycle/parent.yml'))));
    expect(error.code).toBe('WHARF_REFERENCE_CYCLE');
    expect(error.message).toMatch(
      /Right: Outputs.Echo → Right: Parameters.Input → parent.yml: Right.Properties.Parameters.Input → Left: Outputs.Echo → .* → Right: Outputs.Echo/,
    );
  });

  it('rejects reading an output the nested stack does not declare', () => {
    const app = loadTemplateFile(fixture('templates/evaluate/siblings/parent.yml'));
    const parent = app.root.template as { Outputs: Record<string, unknown> };
    parent.Outputs.Missing = { Value: { 'Fn::GetAtt': ['Network', 'Outputs.Nope'] } };
    const error = failure(() => resolveApp(app));
    expect(error.location).toMatchObject({ logicalId: 'Missing', propertyPath: 'Value' });
    expect(error.message).toMatch(
      /Network.Outputs.Nope: the nested stack .*network.yml\) has no output Nope; outputs: VpcId, SubnetIds/,
    );
  });

  it('rejects passing a parameter the nested stack does not declare', () => {
    const app = loadTemplateFile(fixture('templates/evaluate/siblings/parent.yml'));
    const network = app.root.template.Resources.Network as { Properties: Record<string, CfnValue> };
    network.Properties.Parameters = { Colour: 'blue' };
    const error = failure(() => resolveApp(app));
    expect(error.code).toBe('WHARF_PARAMETER_UNKNOWN');
    expect(error.location).toMatchObject({
      logicalId: 'Network',
      propertyPath: 'Properties.Parameters.Colour',
    });
    expect(error.message).toMatch(
      /passes Colour to the nested stack .*network.yml, which does not declare it/,
    );
  });

  it('rejects reading outputs of a nested stack whose template was not loaded, saying why', () => {
    const app = inlineApp({
      Resources: {
        Remote: {
          Type: 'AWS::CloudFormation::Stack',
          Properties: { TemplateURL: 'https://example.com/t.yml' },
        },
      },
      Outputs: { Url: { Value: { 'Fn::GetAtt': ['Remote', 'Outputs.Url'] } } },
    });
    const withUnloaded: LoadedApp = {
      ...app,
      unloaded: [
        {
          stack: app.root,
          logicalId: 'Remote',
          propertyPath: 'Properties.TemplateURL',
          location: 'https://example.com/t.yml',
          reason: 'remote',
        },
      ],
    };
    const error = failure(() => resolveApp(withUnloaded));
    expect(error.message).toMatch(
      /Remote.Outputs.Url: nested stack Remote cannot be evaluated: its template is at a remote location \(https:\/\/example.com\/t.yml\), which Wharf does not fetch/,
    );
  });
});

describe('the fixture using every supported intrinsic', () => {
  const resolved = resolveApp(loadTemplateFile(fixture('templates/evaluate/every-intrinsic/parent.yml')));
  const root = resolved.root;

  it('resolves every output', () => {
    expect(root.outputs).toEqual({
      SubnetCidr: '10.0.1.0/24',
      SubnetZone: 'us-east-1b',
      FirstSubnet: 'subnet-aaa',
      Endpoint: `https://${root.resources.get('Vpc')?.ref}.example.com:8080/\${Literal}`,
      Flags: 'east,any',
      Notifications: '',
      BucketArn: 'arn:aws:s3:::bucket-123456789012.amazonaws.com',
      StackId: root.stackId,
    });
    expect(root.skipped).toEqual(['DevOnlyGroup']);
  });

  it('resolves the task definition, import and NoValue removals included', () => {
    expect(root.resources.get('TaskDefinition')?.properties).toEqual({
      Family: 'prod-web',
      Cpu: 512,
      Memory: 1024,
      EphemeralStorage: 21,
      ContainerDefinitions: [
        {
          Name: 'web',
          Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.2.3',
          Command: ['serve', '--production'],
          PortMappings: [{ ContainerPort: '8080' }],
          Environment: [
            { Name: 'STACK', Value: 'parent' },
            { Name: 'USER_DATA', Value: 'ZWNobyBoZWxsbw==' },
            { Name: 'AZS', Value: 'us-east-1a,us-east-1b,us-east-1c' },
          ],
        },
      ],
    });
    expect(root.resources.get('TaskDefinition')?.ref).toBe(
      'arn:aws:ecs:us-east-1:123456789012:task-definition/prod-web:1',
    );
  });

  it('switches branches when the parameter changes', () => {
    const dev = resolveApp(loadTemplateFile(fixture('templates/evaluate/every-intrinsic/parent.yml')), {
      parameters: { Environment: 'dev' },
    }).root;
    expect(dev.outputs.Flags).toBe('elsewhere,any');
    expect(dev.outputs.DevGroup).toBe(dev.resources.get('DevOnlyGroup')?.ref);
    const definitions = dev.resources.get('TaskDefinition')?.properties.ContainerDefinitions;
    const container = (definitions as Record<string, unknown>[])[0];
    expect(container.Command).toBeUndefined();
    expect(container.Environment).toContainEqual({ Name: 'DEBUG', Value: '1' });
  });
});
