/**
 * Attributes Wharf does not model: every read-only attribute in the CloudFormation resource
 * schemas of the types most common next to ECS answers `Fn::GetAtt` with a value shaped like
 * AWS's, of the type the schema declares; attributes a type does not have are still errors.
 */

import { describe, expect, it } from 'vitest';
import { resolveApp } from '../../src/template/evaluate.js';
import type { CfnTemplate, LoadedApp } from '../../src/template/model.js';
import type { PlainValue } from '../../src/template/resolved.js';
import {
  attributeSchema,
  readOnlyProperties,
  validatorDocument,
} from '../../src/template/resource-schemas.js';

/** The services most common next to ECS, and the ARN namespace of each (Service Authorization Reference). */
const SERVICES: Readonly<Record<string, string>> = {
  IAM: 'iam',
  DynamoDB: 'dynamodb',
  S3: 's3',
  SQS: 'sqs',
  SNS: 'sns',
  EFS: 'elasticfilesystem',
  KMS: 'kms',
  SecretsManager: 'secretsmanager',
  SSM: 'ssm',
  Logs: 'logs',
  ECR: 'ecr',
  EC2: 'ec2',
  Events: 'events',
  Lambda: 'lambda',
  StepFunctions: 'states',
};

/** Values AWS itself returns empty, with the reason. */
const EMPTY_ON_AWS: Readonly<Record<string, string>> = {
  'AWS::EC2::Subnet.OutpostArn': 'empty for a subnet that is not on an Outpost',
};

/** Properties a type's modelled attributes are read from (AWS requires them). */
const REQUIRED: Readonly<Record<string, Record<string, unknown>>> = {
  'AWS::EC2::Route': { RouteTableId: 'rtb-0123456789abcdef0', DestinationCidrBlock: '0.0.0.0/0' },
};

function app(template: CfnTemplate): LoadedApp {
  const root = { name: 'app', file: 'schema-attributes.yml', template, path: [], children: new Map() };
  return { name: 'app', root, stacks: [root] } as unknown as LoadedApp;
}

/** Why `value` is not a plausible `attribute` of `type` (declared `declared`), or undefined. */
function implausible(
  type: string,
  attribute: string,
  declared: string,
  value: PlainValue,
): string | undefined {
  const [, service] = type.split('::');
  const last = attribute.replace(/^.*\./, '');
  switch (declared) {
    case 'integer':
      return Number.isInteger(value) ? undefined : 'not an integer';
    case 'number':
      return typeof value === 'number' ? undefined : 'not a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'not a boolean';
    case 'array':
      return Array.isArray(value) ? undefined : 'not a list';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : 'not a map';
  }
  if (typeof value !== 'string') return 'not a string';
  if (value === '') return EMPTY_ON_AWS[`${type}.${attribute}`] ? undefined : 'empty';
  if (/\s/.test(value)) return 'has white space';
  if (/(Arn|ARN)$/.test(last)) {
    const shape = /^arn:aws:([a-z0-9-]+):(us-east-1)?:(123456789012)?:\S+$/.exec(value);
    if (!shape) return 'not an ARN';
    if (attribute === 'Arn' && shape[1] !== SERVICES[service]) return `ARN of service ${shape[1]}`;
  }
  if (/Url$/.test(last) && !/^(https?|wss):\/\//.test(value)) return 'not a URL';
  return undefined;
}

describe('Fn::GetAtt of attributes Wharf does not model', () => {
  it('answers every read-only attribute in the resource schemas of the types most common next to ECS with a plausible value', () => {
    const readOnly = readOnlyProperties();
    const resources: Record<string, { Type: string; Properties?: unknown }> = {};
    const outputs: Record<string, { Value: unknown }> = {};
    const read: { type: string; attribute: string; output: string }[] = [];
    for (const [type, names] of readOnly) {
      const [, service] = type.split('::');
      if (!type.startsWith('AWS::') || !Object.hasOwn(SERVICES, service)) continue;
      const logicalId = `R${Object.keys(resources).length}`;
      resources[logicalId] = { Type: type, ...(REQUIRED[type] ? { Properties: REQUIRED[type] } : {}) };
      for (const attribute of names.filter((name) => !name.includes('*'))) {
        const output = `O${read.length}`;
        outputs[output] = { Value: { 'Fn::GetAtt': [logicalId, attribute] } };
        read.push({ type, attribute, output });
      }
    }
    expect(
      Object.keys(SERVICES).every((s) => Object.values(resources).some((r) => r.Type.split('::')[1] === s)),
    ).toBe(true);
    expect(read.length).toBeGreaterThan(500);

    const resolved = resolveApp(app({ Resources: resources, Outputs: outputs } as CfnTemplate));
    const wrong: string[] = [];
    for (const { type, attribute, output } of read) {
      const schema = attributeSchema(type);
      const declared =
        schema.kind === 'found' ? schema.attributes[attribute] : 'missing from the GetAtt table';
      const value = resolved.root.outputs[output];
      const why =
        declared === undefined ? 'not in the GetAtt table' : implausible(type, attribute, declared, value);
      if (why) wrong.push(`${type}.${attribute} (${declared}) = ${JSON.stringify(value)}: ${why}`);
    }
    expect(wrong).toEqual([]);
    expect(resolved.inventedAttributes.every((r) => r.checked)).toBe(true);
  });

  it('gives the values of the issue-16 templates the shapes AWS gives them', () => {
    const resolved = resolveApp(
      app({
        Resources: {
          Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders' } },
          Files: { Type: 'AWS::EFS::FileSystem' },
          Template: { Type: 'AWS::EC2::LaunchTemplate' },
          Profile: {
            Type: 'AWS::Signer::SigningProfile',
            Properties: { PlatformId: 'AWSLambda-SHA384-ECDSA' },
          },
          Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true } },
        },
        Outputs: {
          TableArn: { Value: { 'Fn::GetAtt': 'Table.Arn' } },
          StreamArn: { Value: { 'Fn::GetAtt': 'Table.StreamArn' } },
          FilesArn: { Value: { 'Fn::GetAtt': 'Files.Arn' } },
          FilesId: { Value: { 'Fn::GetAtt': 'Files.FileSystemId' } },
          Latest: { Value: { 'Fn::GetAtt': 'Template.LatestVersionNumber' } },
          TemplateId: { Value: { 'Fn::GetAtt': 'Template.LaunchTemplateId' } },
          ProfileArn: { Value: { 'Fn::GetAtt': 'Profile.Arn' } },
          DnsHostnames: { Value: { 'Fn::GetAtt': 'Vpc.EnableDnsHostnames' } },
        },
      } as CfnTemplate),
    );
    const out = resolved.root.outputs;
    expect(out.TableArn).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/orders');
    expect(out.StreamArn).toMatch(/^arn:aws:dynamodb:us-east-1:123456789012:table\/orders\/stream\/\d{4}-/);
    expect(out.FilesId).toMatch(/^fs-[0-9a-f]{17}$/);
    expect(out.FilesArn).toBe(`arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/${out.FilesId}`);
    expect(out.Latest).toBe('1');
    expect(out.TemplateId).toMatch(/^lt-[0-9a-f]{17}$/);
    expect(out.ProfileArn).toMatch(/^arn:aws:signer:us-east-1:123456789012:\/signing-profiles\/\S+$/);
    expect(out.DnsHostnames).toBe(true);
    expect(resolved.inventedAttributes.map((r) => `${r.readerId} ← ${r.logicalId}.${r.attribute}`)).toEqual([
      'TableArn ← Table.Arn',
      'StreamArn ← Table.StreamArn',
      'FilesArn ← Files.Arn',
      'FilesId ← Files.FileSystemId',
      'Latest ← Template.LatestVersionNumber',
      'TemplateId ← Template.LaunchTemplateId',
      'ProfileArn ← Profile.Arn',
      'DnsHostnames ← Vpc.EnableDnsHostnames',
    ]);
  });

  it('rejects an attribute the resource schema does not list, naming the resource and the attributes it has', () => {
    const template = {
      Resources: { Table: { Type: 'AWS::DynamoDB::Table' } },
      Outputs: { X: { Value: { 'Fn::GetAtt': 'Table.Arnn' } } },
    } as CfnTemplate;
    expect(() => resolveApp(app(template))).toThrow(
      /Fn::GetAtt Table\.Arnn: AWS::DynamoDB::Table has no attribute Arnn; its attributes \(from the CloudFormation resource schema\) are: Arn, StreamArn\./,
    );
  });

  it('names the table it looked for when the validator does not carry it (its layout changed)', () => {
    expect(() => validatorDocument('{"no_such_table":')).toThrow(
      /the validator bundled with aws-cdk-lib has no table starting \{"no_such_table":/,
    );
  });

  it('answers a type the schemas do not list as unknown, not as an error', () => {
    expect(attributeSchema('AWS::Serverless::Function')).toEqual({ kind: 'unknown-type' });
  });
});
