/**
 * Mocked AWS checks each request against the service's API model before answering
 * (test/support/mock-aws/request-validation.ts, constraints generated from botocore's models by
 * scripts/aws-api-constraints.mjs), plus the limits only the documentation states
 * (ecs-limits.ts), and answers in the protocol's error shape. Driven with the real AWS SDK v3
 * clients and, for a body no SDK would send, raw HTTP to 127.0.0.1.
 */

import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { type MockAws, startMockAws } from '../support/mock-aws/index.js';
import { apiModels, requestViolations } from '../support/mock-aws/request-validation.js';
import { awsRefusal } from '../support/thrown-error.js';

let active: { mock: MockAws; restore: () => void } | undefined;
afterEach(async () => {
  active?.restore();
  await active?.mock.close();
  active = undefined;
});

async function mockAws(): Promise<MockAws> {
  const mock = await startMockAws();
  active = { mock, restore: mock.useEnv() };
  return mock;
}

const TEMPLATE = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });

describe('mocked AWS refuses ECS requests ECS refuses', () => {
  it('refuses DescribeTasks with 150 task ARNs (the limit is 100)', async () => {
    await mockAws();
    const tasks = Array.from({ length: 150 }, (_, i) => `arn:aws:ecs:us-east-1:123456789012:task/c/${i}`);
    expect(
      await awsRefusal(new ECSClient({}).send(new DescribeTasksCommand({ cluster: 'c', tasks }))),
    ).toEqual({
      code: 'InvalidParameterException',
      message: 'tasks can have at most 100 items.',
    });
  });

  it('refuses DescribeServices with no services, and with 11', async () => {
    await mockAws();
    const ecs = new ECSClient({});
    expect(await awsRefusal(ecs.send(new DescribeServicesCommand({ cluster: 'c', services: [] })))).toEqual({
      code: 'InvalidParameterException',
      message: 'Services cannot be empty.',
    });
    const eleven = Array.from({ length: 11 }, (_, i) => `s${i}`);
    expect(
      await awsRefusal(ecs.send(new DescribeServicesCommand({ cluster: 'c', services: eleven }))),
    ).toEqual({
      code: 'InvalidParameterException',
      message: 'service names can have at most 10 items.',
    });
  });

  it('answers a JSON body that does not parse with a SerializationException, without running the action', async () => {
    const mock = await mockAws();
    const response = await fetch(mock.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeTasks',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{"tasks": [',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException');
    expect(await response.json()).toEqual({
      __type: 'SerializationException',
      message: 'Start of structure or map found where not expected.',
    });
  });

  it('refuses DescribeTasks without its required tasks member, in the model’s words', async () => {
    await mockAws();
    const call = new ECSClient({}).send(new DescribeTasksCommand({ cluster: 'c' } as never));
    expect(await awsRefusal(call)).toEqual({
      code: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'tasks' failed to satisfy constraint: Member must not be null",
    });
  });
});

describe('mocked AWS refuses requests that break the API model’s constraints', () => {
  it('refuses a change set name that breaks its pattern (CloudFormation, query protocol: ValidationError)', async () => {
    await mockAws();
    const call = new CloudFormationClient({}).send(
      new CreateChangeSetCommand({ StackName: 'S', ChangeSetName: '1-bad', TemplateBody: TEMPLATE }),
    );
    expect(await awsRefusal(call)).toEqual({
      code: 'ValidationError',
      message:
        "1 validation error detected: Value '1-bad' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*",
    });
  });

  it('refuses a capability outside the enum, reporting the list as AWS does', async () => {
    await mockAws();
    const call = new CloudFormationClient({}).send(
      new CreateStackCommand({
        StackName: 'S',
        TemplateBody: TEMPLATE,
        Capabilities: ['CAPABILITY_ROOT' as never],
      }),
    );
    expect(await awsRefusal(call)).toEqual({
      code: 'ValidationError',
      message:
        "1 validation error detected: Value '[CAPABILITY_ROOT]' at 'capabilities' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND]]",
    });
  });

  it('refuses an empty SSM parameter name and a log page over 10,000 events (JSON protocol: ValidationException)', async () => {
    await mockAws();
    expect(await awsRefusal(new SSMClient({}).send(new GetParameterCommand({ Name: '' })))).toEqual({
      code: 'ValidationException',
      message:
        "1 validation error detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    const logs = new CloudWatchLogsClient({}).send(
      new GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's', limit: 20_000 }),
    );
    expect(await awsRefusal(logs)).toEqual({
      code: 'ValidationException',
      message:
        "1 validation error detected: Value '20000' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
    });
  });

  it('reports every violation of one request, counted', () => {
    expect(
      requestViolations('cloudformation', 'CreateChangeSet', {
        StackName: 'S',
        ChangeSetName: '1-bad',
        ChangeSetType: 'REPLACE',
      }),
    ).toEqual([
      "Value '1-bad' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*",
      "Value 'REPLACE' at 'changeSetType' failed to satisfy constraint: Member must satisfy enum value set: [CREATE, UPDATE, IMPORT]",
    ]);
  });

  it('has a model for every action of every mocked service but S3, taken from botocore', () => {
    const models = apiModels();
    expect(models.source).toMatch(/^botocore \d+\.\d+\.\d+ /);
    expect(Object.keys(models.services).sort()).toEqual([
      'cloudformation',
      'cloudtrail',
      'ec2',
      'ecr',
      'ecs',
      'logs',
      'ssm',
      'sts',
    ]);
    expect(models.services.ecs.operations.DescribeTasks).toBe('DescribeTasksRequest');
  });
});
