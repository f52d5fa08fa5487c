/**
 * Mocked AWS refuses what CloudFormation refuses (test/support/mock-aws/template-rules.ts,
 * resource-schemas.ts, resource-create-rules.ts): each template or request below reached
 * CREATE_COMPLETE on the lenient mock, and is refused here with CloudFormation's error code and
 * message, or fails the resource and rolls the stack back. Driven with the real AWS SDK v3
 * CloudFormation and S3 clients. Sources of every message: docs/reference/mock-aws-strictness.md.
 */

import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type Parameter,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { type MockAws, startMockAws } from '../support/mock-aws/index.js';
import { awsRefusal } from '../support/thrown-error.js';

const ASSETS = 'cdk-hnb659fds-assets-123456789012-us-east-1';
const TOPIC = { Type: 'AWS::SNS::Topic' };

let active: { mock: MockAws; restore: () => void } | undefined;
afterEach(async () => {
  active?.restore();
  await active?.mock.close();
  active = undefined;
});

async function mockAws(): Promise<{ mock: MockAws; cfn: CloudFormationClient; s3: S3Client }> {
  const mock = await startMockAws();
  active = { mock, restore: mock.useEnv() };
  return { mock, cfn: new CloudFormationClient({}), s3: new S3Client({ forcePathStyle: true }) };
}

function createStack(
  cfn: CloudFormationClient,
  template: unknown,
  extra: Partial<{
    StackName: string;
    Parameters: Parameter[];
    Capabilities: ('CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM')[];
  }> = {},
) {
  return cfn.send(
    new CreateStackCommand({
      StackName: 'Strict',
      TemplateBody: typeof template === 'string' ? template : JSON.stringify(template),
      ...extra,
    }),
  );
}

/** Creates `Strict` from `template` through a change set, waits, and returns its final status. */
async function deployed(
  mock: MockAws,
  cfn: CloudFormationClient,
  template: unknown,
  capabilities: 'CAPABILITY_IAM'[] = [],
) {
  const created = await cfn.send(
    new CreateChangeSetCommand({
      StackName: 'Strict',
      ChangeSetName: 'one',
      ChangeSetType: 'CREATE',
      TemplateBody: JSON.stringify(template),
      Capabilities: capabilities,
    }),
  );
  await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
  await mock.settled();
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: created.StackId }))).Stacks?.[0];
  const events =
    (await cfn.send(new DescribeStackEventsCommand({ StackName: created.StackId }))).StackEvents ?? [];
  const failed = events
    .filter((e) => e.ResourceStatus === 'CREATE_FAILED' && e.LogicalResourceId !== 'Strict')
    .map((e) => [e.LogicalResourceId, e.ResourceStatusReason]);
  return { status: stack?.StackStatus, failed };
}

describe('mocked AWS refuses templates CloudFormation refuses, with its ValidationError', () => {
  it('refuses an unknown resource type: Unrecognized resource types', async () => {
    const { mock, cfn } = await mockAws();
    const template = { Resources: { Thing: { Type: 'AWS::Nope::Thing' }, Topic: TOPIC } };
    expect(await awsRefusal(createStack(cfn, template))).toEqual({
      code: 'ValidationError',
      message: 'Template format error: Unrecognized resource types: [AWS::Nope::Thing]',
    });
    expect(mock.stack('Strict')).toBeUndefined();
  });

  it('refuses an empty Resources section', async () => {
    const { cfn } = await mockAws();
    expect(await awsRefusal(createStack(cfn, { Resources: {} }))).toEqual({
      code: 'ValidationError',
      message: 'Template format error: At least one Resources member must be defined.',
    });
  });

  it('refuses more than 500 resources', async () => {
    const { cfn } = await mockAws();
    const resources = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`T${i}`, TOPIC]));
    // Posted through S3: 501 resources do not fit in an inline body.
    const { s3 } = { s3: new S3Client({ forcePathStyle: true }) };
    await s3.send(
      new PutObjectCommand({
        Bucket: ASSETS,
        Key: 'big.json',
        Body: JSON.stringify({ Resources: resources }),
      }),
    );
    const call = cfn.send(
      new CreateStackCommand({
        StackName: 'Strict',
        TemplateURL: `https://s3.us-east-1.amazonaws.com/${ASSETS}/big.json`,
      }),
    );
    expect(await awsRefusal(call)).toEqual({
      code: 'ValidationError',
      message: 'Template format error: Number of resources, 501, is greater than maximum allowed, 500',
    });
  });

  it('refuses the stack name bad_name! with the stack-name pattern', async () => {
    const { cfn } = await mockAws();
    expect(
      await awsRefusal(createStack(cfn, { Resources: { Topic: TOPIC } }, { StackName: 'bad_name!' })),
    ).toEqual({
      code: 'ValidationError',
      message:
        "1 validation error detected: Value 'bad_name!' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*",
    });
  });

  it('refuses a TemplateBody over 51,200 bytes, and accepts one of exactly 51,200', async () => {
    const { cfn } = await mockAws();
    const body = (size: number) => {
      const base = JSON.stringify({ Description: '', Resources: { Topic: TOPIC } });
      return JSON.stringify({ Description: 'x'.repeat(size - base.length), Resources: { Topic: TOPIC } });
    };
    expect(Buffer.byteLength(body(51_201))).toBe(51_201);
    const refused = await awsRefusal(createStack(cfn, body(51_201)));
    expect(refused.code).toBe('ValidationError');
    expect(refused.message).toMatch(
      /^1 validation error detected: Value '\{"Description":"x+…' at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to 51200$/,
    );
    await expect(createStack(cfn, body(51_200))).resolves.toHaveProperty('StackId');
  });

  it('refuses a template in S3 over 1 MB', async () => {
    const { cfn, s3 } = await mockAws();
    const big = JSON.stringify({ Description: 'x'.repeat(1_000_001), Resources: { Topic: TOPIC } });
    await s3.send(new PutObjectCommand({ Bucket: ASSETS, Key: 'huge.json', Body: big }));
    const call = cfn.send(
      new CreateStackCommand({
        StackName: 'Strict',
        TemplateURL: `https://s3.us-east-1.amazonaws.com/${ASSETS}/huge.json`,
      }),
    );
    expect(await awsRefusal(call)).toEqual({
      code: 'ValidationError',
      message: 'Template may not exceed 1000000 bytes in size.',
    });
  });

  it('refuses a TemplateURL that is not an S3 URL', async () => {
    const { cfn } = await mockAws();
    const call = cfn.send(
      new CreateStackCommand({ StackName: 'Strict', TemplateURL: 'https://example.com/t.json' }),
    );
    expect(await awsRefusal(call)).toEqual({
      code: 'ValidationError',
      message: 'TemplateURL must be a supported URL.',
    });
  });

  it('refuses a parameter type CloudFormation does not know', async () => {
    const { cfn } = await mockAws();
    const template = { Parameters: { P: { Type: 'Integer' } }, Resources: { Topic: TOPIC } };
    expect(await awsRefusal(createStack(cfn, template))).toEqual({
      code: 'ValidationError',
      message: 'Template format error: Unrecognized parameter type: Integer',
    });
  });
});

describe('mocked AWS refuses parameter values outside their declared constraints', () => {
  const template = {
    Parameters: {
      Env: { Type: 'String', AllowedValues: ['dev', 'prod'], Default: 'dev' },
      Count: { Type: 'Number', Default: '1', MinValue: 1, MaxValue: 10 },
      Name: { Type: 'String', Default: 'abc', AllowedPattern: '[a-z]+', MinLength: 2, MaxLength: 5 },
      Sizes: { Type: 'List<Number>', Default: '1,2' },
      Vpc: { Type: 'AWS::EC2::VPC::Id', Default: 'vpc-0123456789abcdef0' },
    },
    Resources: { Topic: TOPIC },
  };
  const cases: [string, string, string][] = [
    ['Env', 'staging', "Parameter 'Env' must be one of AllowedValues"],
    ['Count', 'not-a-number', "Parameter 'Count' must be a number."],
    ['Count', '11', "Parameter 'Count' must be a number not greater than 10"],
    ['Count', '0', "Parameter 'Count' must be a number not less than 1"],
    ['Name', 'ABC', "Parameter 'Name' must match pattern [a-z]+"],
    ['Name', 'a', "Parameter 'Name' must contain at least 2 characters"],
    ['Name', 'abcdef', "Parameter 'Name' must contain at most 5 characters"],
    ['Sizes', '1,two', "Parameter 'Sizes' must be a number."],
    [
      'Vpc',
      'my-vpc',
      'Parameter validation failed: parameter value my-vpc for parameter name Vpc does not exist. Rollback requested by user.',
    ],
  ];
  it.each(cases)('refuses %s=%s', async (key, value, message) => {
    const { mock, cfn } = await mockAws();
    const parameters = [{ ParameterKey: key, ParameterValue: value }];
    expect(await awsRefusal(createStack(cfn, template, { Parameters: parameters }))).toEqual({
      code: 'ValidationError',
      message,
    });
    expect(mock.stack('Strict')).toBeUndefined();
  });

  it('accepts the defaults, which satisfy every constraint', async () => {
    const { mock, cfn } = await mockAws();
    await createStack(cfn, template);
    await mock.settled();
    expect(mock.stack('Strict')?.status).toBe('CREATE_COMPLETE');
  });
});

describe('mocked AWS fails a resource CloudFormation cannot create, and rolls the stack back', () => {
  const taskDefinition = (properties: Record<string, unknown>) => ({
    Type: 'AWS::ECS::TaskDefinition',
    Properties: {
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: '256',
      Memory: '512',
      ContainerDefinitions: [{ Name: 'web', Image: 'public.ecr.aws/nginx/nginx:latest' }],
      ...properties,
    },
  });
  const REQUEST =
    'Request ID: 00000000-0000-0000-0000-000000000000; Proxy: null)" (RequestToken: 00000000-0000-0000-0000-000000000000, HandlerErrorCode: InvalidRequest)';

  it('fails an ECS service with DesiredCount -5', async () => {
    const { mock, cfn } = await mockAws();
    const template = {
      Resources: {
        Cluster: { Type: 'AWS::ECS::Cluster' },
        Task: taskDefinition({}),
        Service: {
          Type: 'AWS::ECS::Service',
          Properties: { Cluster: { Ref: 'Cluster' }, TaskDefinition: { Ref: 'Task' }, DesiredCount: -5 },
        },
      },
    };
    expect(await deployed(mock, cfn, template)).toEqual({
      status: 'ROLLBACK_COMPLETE',
      failed: [
        [
          'Service',
          `Resource handler returned message: "Invalid request provided: CreateService error: Invalid desiredCount value (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException; ${REQUEST}`,
        ],
      ],
    });
  });

  it('fails a task definition without containers', async () => {
    const { mock, cfn } = await mockAws();
    const template = { Resources: { Task: taskDefinition({ ContainerDefinitions: [] }) } };
    expect(await deployed(mock, cfn, template)).toEqual({
      status: 'ROLLBACK_COMPLETE',
      failed: [
        [
          'Task',
          `Resource handler returned message: "Invalid request provided: Create TaskDefinition: Container list cannot be empty. (Service: AmazonECS; Status Code: 400; Error Code: ClientException; ${REQUEST}`,
        ],
      ],
    });
  });

  it('fails a Fargate task definition with 256 CPU and 4096 memory', async () => {
    const { mock, cfn } = await mockAws();
    const template = { Resources: { Task: taskDefinition({ Memory: '4096' }) } };
    expect(await deployed(mock, cfn, template)).toEqual({
      status: 'ROLLBACK_COMPLETE',
      failed: [
        [
          'Task',
          `Resource handler returned message: "Invalid request provided: Create TaskDefinition: No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values. (Service: AmazonECS; Status Code: 400; Error Code: ClientException; ${REQUEST}`,
        ],
      ],
    });
  });

  it('fails a resource whose properties break its schema: an unknown property and a wrong type', async () => {
    const { mock, cfn } = await mockAws();
    const template = {
      Resources: {
        Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayNme: 'typo' } },
        Group: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 'seven' } },
      },
    };
    const result = await deployed(mock, cfn, template);
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(Object.fromEntries(result.failed)).toMatchObject({
      Topic:
        'Properties validation failed for resource Topic with message: #: extraneous key [DisplayNme] is not permitted',
    });
    // The two resources are created side by side: whichever failed first cancelled the other.
    expect(
      result.failed.some(
        ([id, reason]) =>
          id === 'Group' &&
          reason ===
            'Properties validation failed for resource Group with message: #/RetentionInDays: expected type: Number, found: String',
      ) || result.failed.some(([id, reason]) => id === 'Group' && reason === 'Resource creation cancelled'),
    ).toBe(true);
  });
});

describe('mocked AWS checks nested templates as CloudFormation does', () => {
  async function parentWithNested(s3: S3Client, nested: unknown, url?: string) {
    await s3.send(new PutObjectCommand({ Bucket: ASSETS, Key: 'nested.json', Body: JSON.stringify(nested) }));
    return {
      Resources: {
        Child: {
          Type: 'AWS::CloudFormation::Stack',
          Properties: { TemplateURL: url ?? `https://s3.us-east-1.amazonaws.com/${ASSETS}/nested.json` },
        },
      },
    };
  }

  it('fails a nested stack whose TemplateURL is not on S3 (https://example.com)', async () => {
    const { mock, cfn, s3 } = await mockAws();
    const parent = await parentWithNested(
      s3,
      { Resources: { Topic: TOPIC } },
      'https://example.com/nested.json',
    );
    expect(await deployed(mock, cfn, parent)).toEqual({
      status: 'ROLLBACK_COMPLETE',
      failed: [['Child', 'TemplateURL must be an Amazon S3 URL.']],
    });
  });

  it('fails a nested stack with an IAM role when the request did not acknowledge CAPABILITY_IAM, and creates it when it did', async () => {
    const { mock, cfn, s3 } = await mockAws();
    const role = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
      },
    };
    const parent = await parentWithNested(s3, { Resources: { Role: role } });
    expect(await deployed(mock, cfn, parent)).toEqual({
      status: 'ROLLBACK_COMPLETE',
      failed: [['Child', 'Requires capabilities : [CAPABILITY_IAM]']],
    });
    await cfn.send(
      new (await import('@aws-sdk/client-cloudformation')).DeleteStackCommand({ StackName: 'Strict' }),
    );
    await mock.settled();
    expect((await deployed(mock, cfn, parent, ['CAPABILITY_IAM'])).status).toBe('CREATE_COMPLETE');
  });

  it('fails a nested stack whose template has an unknown resource type', async () => {
    const { mock, cfn, s3 } = await mockAws();
    const parent = await parentWithNested(s3, { Resources: { Thing: { Type: 'AWS::Nope::Thing' } } });
    expect(await deployed(mock, cfn, parent)).toEqual({
      status: 'ROLLBACK_COMPLETE',
      failed: [['Child', 'Template format error: Unrecognized resource types: [AWS::Nope::Thing]']],
    });
  });
});

describe('mocked AWS answers ValidateTemplate', () => {
  it('describes a valid template: parameters, description, the capabilities it needs and why', async () => {
    const { cfn } = await mockAws();
    const template = {
      Description: 'one role',
      Parameters: { Env: { Type: 'String', Default: 'dev', Description: 'where' } },
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } },
        },
      },
    };
    const result = await cfn.send(new ValidateTemplateCommand({ TemplateBody: JSON.stringify(template) }));
    expect({
      Parameters: result.Parameters,
      Description: result.Description,
      Capabilities: result.Capabilities,
      CapabilitiesReason: result.CapabilitiesReason,
    }).toEqual({
      Parameters: [{ ParameterKey: 'Env', DefaultValue: 'dev', NoEcho: false, Description: 'where' }],
      Description: 'one role',
      Capabilities: ['CAPABILITY_IAM'],
      CapabilitiesReason: 'The following resource(s) require capabilities: [AWS::IAM::Role]',
    });
  });

  it('refuses an unknown resource type as CreateStack does', async () => {
    const { cfn } = await mockAws();
    const call = cfn.send(
      new ValidateTemplateCommand({
        TemplateBody: JSON.stringify({ Resources: { T: { Type: 'AWS::Nope::Thing' } } }),
      }),
    );
    expect(await awsRefusal(call)).toEqual({
      code: 'ValidationError',
      message: 'Template format error: Unrecognized resource types: [AWS::Nope::Thing]',
    });
  });
});
