/**
 * The mocked AWS endpoint (test/support/mock-aws) driven by the real CDK toolkit library and the
 * real AWS SDK v3 clients: what the toolkit's deploy, diff and destroy do against it, and the
 * CloudFormation behaviours Wharf's deploy tests rely on (rollbacks, holds, cancellation).
 */

import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import {
  DiffMethod,
  type IIoHost,
  type IoMessage,
  StackSelectionStrategy,
  Toolkit,
} from '@aws-cdk/toolkit-lib';
import {
  CancelUpdateStackCommand,
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { locateCdkApp } from '../../src/synth/cdk-app.js';
import { ROOT, tempDir } from '../support/cli.js';
import {
  type MockAws,
  type MockAwsOptions,
  type MockStack,
  startMockAws,
} from '../support/mock-aws/index.js';

const EXAMPLE = join(ROOT, 'examples/api-gateway-fargate');
const NESTED = ['VpcStack', 'ClusterStack', 'ServiceStack', 'ApiGatewayStack'];
const DEPLOY = { deploymentMethod: { method: 'change-set' as const }, stackEventPollingInterval: 20 };

/** An IoHost that keeps every message and accepts every default answer. */
class RecordingHost implements IIoHost {
  readonly messages: IoMessage<unknown>[] = [];
  async notify(message: IoMessage<unknown>): Promise<void> {
    this.messages.push(message);
  }
  async requestResponse<T>(message: { defaultResponse: T }): Promise<T> {
    return message.defaultResponse;
  }
  withCode(code: string): IoMessage<unknown>[] {
    return this.messages.filter((m) => m.code === code);
  }
}

let assembly: string;
const remoteHosts = new Set<string>();
const onSocket = (message: unknown) => {
  const socket = (message as { socket: Socket }).socket;
  socket.once('connect', () => remoteHosts.add(socket.remoteAddress ?? 'unknown'));
  socket.once('lookup', (_error: Error | null, _address: string, _family: unknown, host: string) =>
    remoteHosts.add(host),
  );
};

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/index.js'))) {
    throw new Error("the examples import 'wharf' from dist/: run `npm run build` first");
  }
  subscribe('net.client.socket', onSocket);
  // Synthesize the example once, with the app command its cdk.json names, offline (no STS call
  // for a default account and region: the stacks stay environment-agnostic, as Wharf synthesizes them).
  assembly = tempDir('wharf-mock-aws-assembly-');
  const app = locateCdkApp(EXAMPLE);
  const toolkit = new Toolkit({ ioHost: new RecordingHost() });
  const source = await toolkit.fromCdkApp(app.command, {
    workingDirectory: app.dir,
    outdir: assembly,
    resolveDefaultEnvironment: false,
  });
  const cached = await toolkit.synth(source);
  await cached.dispose();
});

afterAll(() => {
  unsubscribe('net.client.socket', onSocket);
  // Nothing but the mocked endpoint was contacted.
  expect(remoteHosts.has('127.0.0.1')).toBe(true);
  expect([...remoteHosts].filter((host) => host !== '127.0.0.1')).toEqual([]);
});

/** A mocked AWS endpoint with `process.env` pointing at it, torn down after each test. */
let active: { mock: MockAws; restore: () => void } | undefined;
async function mockAws(options: MockAwsOptions = {}): Promise<MockAws> {
  const mock = await startMockAws(options);
  active = { mock, restore: mock.useEnv() };
  return mock;
}
afterEach(async () => {
  active?.restore();
  await active?.mock.close();
  active = undefined;
});

function toolkit(host = new RecordingHost()) {
  return { host, toolkit: new Toolkit({ ioHost: host, color: false, emojis: false }) };
}

/** The nested stacks of a stack, by logical id. */
function nestedOf(stack: MockStack | undefined): Record<string, MockStack> {
  return Object.fromEntries(stack?.nested ?? []);
}

/** The actions called since `from`, without the polling ones. */
function actionsSince(mock: MockAws, from: number, service = 'cloudformation'): string[] {
  return mock.calls
    .slice(from)
    .filter((c) => c.service === service)
    .map((c) => c.action)
    .filter((a) => a !== 'DescribeStackEvents' && a !== 'DescribeStacks');
}

describe('mocked AWS: the CDK toolkit deploys, diffs and destroys the api-gateway-fargate example', () => {
  it('deploys the parent and its nested stacks with a change set, from templates uploaded to S3, and returns the outputs', async () => {
    const mock = await mockAws();
    const { toolkit: tk } = toolkit();
    const result = await tk.deploy(await tk.fromAssemblyDirectory(assembly), DEPLOY);

    const [deployed] = result.stacks;
    expect(deployed.stackName).toBe('ApiGatewayFargate');
    expect(deployed.stackArn).toMatch(
      /^arn:aws:cloudformation:us-east-1:123456789012:stack\/ApiGatewayFargate\/[0-9a-f-]{36}$/,
    );
    expect(deployed.outputs.ApiGatewayUri).toMatch(
      /^https:\/\/[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$/,
    );

    const root = mock.stack('ApiGatewayFargate');
    expect(root?.status).toBe('CREATE_COMPLETE');
    const nested = nestedOf(root);
    expect(Object.keys(nested).sort()).toEqual([...NESTED].sort());
    for (const id of NESTED) {
      expect(nested[id].status).toBe('CREATE_COMPLETE');
      expect(nested[id].name).toMatch(new RegExp(`^ApiGatewayFargate-${id}-[A-Z0-9]{12}$`));
      expect(nested[id].parentId).toBe(root?.id);
    }
    // Nested templates came from the bootstrap bucket, byte for byte what the toolkit uploaded.
    const manifest = JSON.parse(readFileSync(join(assembly, 'ApiGatewayFargate.assets.json'), 'utf8'));
    for (const [hash, asset] of Object.entries<{ source: { path: string } }>(manifest.files)) {
      const key = `cdk-hnb659fds-assets-123456789012-us-east-1/${hash}.json`;
      expect(mock.objects.get(key)?.toString('utf8')).toBe(
        readFileSync(join(assembly, asset.source.path), 'utf8'),
      );
    }
    // The ECS service's physical id is its ARN, in the cluster the cluster stack created.
    const cluster = nested.ClusterStack.resources.get('ECSCluster')?.physicalId;
    expect(nested.ServiceStack.resources.get('Service')?.physicalId).toBe(
      `arn:aws:ecs:us-east-1:123456789012:service/${cluster}/web`,
    );
    // Like AWS, the parent reports CREATE_IN_PROGRESS for a nested stack twice: without, then with its ARN.
    const vpcEvents = root?.events
      .filter((e) => e.LogicalResourceId === 'VpcStack')
      .map((e) => [e.ResourceStatus, e.PhysicalResourceId]);
    expect(vpcEvents).toEqual([
      ['CREATE_IN_PROGRESS', ''],
      ['CREATE_IN_PROGRESS', nested.VpcStack.id],
      ['CREATE_COMPLETE', nested.VpcStack.id],
    ]);

    const create = mock.calls.find((c) => c.action === 'CreateChangeSet')?.input;
    expect(create).toMatchObject({
      StackName: 'ApiGatewayFargate',
      ChangeSetType: 'CREATE',
      IncludeNestedStacks: 'true',
    });
    expect(actionsSince(mock, 0)).toEqual([
      'CreateChangeSet',
      'DescribeChangeSet',
      'DescribeChangeSet',
      'ExecuteChangeSet',
    ]);
    expect(mock.actions('sts')).toContain('AssumeRole');
    expect(mock.actions('ssm')).toContain('GetParameter');
    expect(mock.unknownActions).toEqual([]);
  });

  it('rolls back when a resource of a nested stack fails, and the deploy rejects naming the reason', async () => {
    const reason = 'Resource handler returned message: "Invalid request provided: CreateService error"';
    const mock = await mockAws({ failures: [{ logicalId: 'Service', stack: 'ServiceStack', reason }] });
    const { toolkit: tk } = toolkit();

    await expect(tk.deploy(await tk.fromAssemblyDirectory(assembly), DEPLOY)).rejects.toThrow(
      'Invalid request provided: CreateService error',
    );

    const root = mock.stack('ApiGatewayFargate');
    expect(root?.status).toBe('ROLLBACK_COMPLETE');
    const statuses = root?.events
      .filter((e) => e.LogicalResourceId === 'ApiGatewayFargate')
      .map((e) => e.ResourceStatus);
    expect(statuses).toEqual([
      'REVIEW_IN_PROGRESS',
      'CREATE_IN_PROGRESS',
      'ROLLBACK_IN_PROGRESS',
      'ROLLBACK_COMPLETE',
    ]);
    const rollback = root?.events.find((e) => e.ResourceStatus === 'ROLLBACK_IN_PROGRESS');
    expect(rollback?.ResourceStatusReason).toBe(
      'The following resource(s) failed to create: [ServiceStack]. Rollback requested by user.',
    );
    const serviceStack = mock.stacks().find((s) => s.name.startsWith('ApiGatewayFargate-ServiceStack-'));
    const failed = serviceStack?.events.find(
      (e) => e.ResourceStatus === 'CREATE_FAILED' && e.LogicalResourceId === 'Service',
    );
    expect(failed?.ResourceStatusReason).toBe(reason);
    const embedded = root?.events.find(
      (e) => e.LogicalResourceId === 'ServiceStack' && e.ResourceStatus === 'CREATE_FAILED',
    );
    expect(embedded?.ResourceStatusReason).toBe(
      `Embedded stack ${serviceStack?.id} was not successfully created: The following resource(s) failed to create: [Service]. `,
    );
    // The rollback deleted every nested stack that had been created.
    const nestedStacks = mock.stacks().filter((s) => s.parentId === root?.id);
    expect(nestedStacks.length).toBeGreaterThan(0);
    expect(nestedStacks.map((s) => s.status)).toEqual(nestedStacks.map(() => 'DELETE_COMPLETE'));
  });

  it('reports a second deploy without changes as a no-op: the empty change set is deleted, not executed', async () => {
    const mock = await mockAws();
    const { toolkit: tk, host } = toolkit();
    const source = await tk.fromAssemblyDirectory(assembly);
    await tk.deploy(source, DEPLOY);
    const eventCount = mock.stack('ApiGatewayFargate')?.events.length;
    const from = mock.calls.length;

    const again = await tk.deploy(source, DEPLOY);

    expect(again.stacks[0].outputs.ApiGatewayUri).toMatch(/execute-api/);
    expect(actionsSince(mock, from)).not.toContain('ExecuteChangeSet');
    expect(actionsSince(mock, from)).toContain('DeleteChangeSet');
    expect(mock.stack('ApiGatewayFargate')?.events.length).toBe(eventCount);
    const done = host.withCode('CDK_TOOLKIT_I5900').map((m) => (m.data as { noOp?: boolean }).noOp);
    expect(done).toEqual([false, true]);
  });

  it('diffs the deployed app against its nested stacks: nothing for the deployed version, everything for a new one', async () => {
    const mock = await mockAws();
    const { toolkit: tk } = toolkit();
    const source = await tk.fromAssemblyDirectory(assembly);

    const before = await tk.diff(source, { method: DiffMethod.ChangeSet() });
    expect(Object.values(before).every((d) => d.differenceCount > 0)).toBe(true);
    // The diff change set's REVIEW_IN_PROGRESS stack was removed again.
    expect(mock.stack('ApiGatewayFargate')).toBeUndefined();

    await tk.deploy(source, DEPLOY);
    const from = mock.calls.length;
    const after = await tk.diff(source, {});
    expect(Object.values(after).map((d) => d.differenceCount)).toEqual([0, 0, 0, 0, 0]);
    expect(actionsSince(mock, from)).toEqual(
      expect.arrayContaining([
        'GetTemplate',
        'ListStackResources',
        'CreateChangeSet',
        'DescribeChangeSet',
        'DeleteChangeSet',
      ]),
    );
  });

  it('destroys the stack and its nested stacks: afterwards DescribeStacks says it does not exist', async () => {
    const mock = await mockAws();
    const { toolkit: tk } = toolkit();
    const source = await tk.fromAssemblyDirectory(assembly);
    const { stacks } = await tk.deploy(source, DEPLOY);
    const from = mock.calls.length;

    const destroyed = await tk.destroy(source, {
      stacks: { strategy: StackSelectionStrategy.ALL_STACKS },
      stackEventPollingInterval: 20,
    });

    expect(destroyed.stacks.map((s) => [s.stackName, s.stackExisted])).toEqual([['ApiGatewayFargate', true]]);
    expect(actionsSince(mock, from)).toEqual(['DeleteStack']);
    expect(mock.stack('ApiGatewayFargate')).toBeUndefined();
    const gone = mock.stack(stacks[0].stackArn);
    expect(gone?.status).toBe('DELETE_COMPLETE');
    expect(
      mock
        .stacks()
        .filter((s) => s.parentId === gone?.id)
        .map((s) => s.status),
    ).toEqual(NESTED.map(() => 'DELETE_COMPLETE'));
    const cfn = new CloudFormationClient({});
    await expect(cfn.send(new DescribeStacksCommand({ StackName: 'ApiGatewayFargate' }))).rejects.toThrow(
      'Stack with id ApiGatewayFargate does not exist',
    );
  });

  it('says how to bootstrap when the account is not bootstrapped', async () => {
    const mock = await mockAws({ bootstrap: false });
    const { toolkit: tk } = toolkit();
    await expect(tk.deploy(await tk.fromAssemblyDirectory(assembly), DEPLOY)).rejects.toThrow(
      /SSM parameter \/cdk-bootstrap\/hnb659fds\/version not found.*Has the environment been bootstrapped\?/,
    );
    expect(mock.stack('ApiGatewayFargate')).toBeUndefined();
    expect(mock.stack('CDKToolkit')).toBeUndefined();
  });

  it('refuses to deploy over a stack left in UPDATE_ROLLBACK_FAILED, with AWS’s message', async () => {
    await mockAws({ stacks: [{ name: 'ApiGatewayFargate', status: 'UPDATE_ROLLBACK_FAILED' }] });
    const { toolkit: tk } = toolkit();
    await expect(tk.deploy(await tk.fromAssemblyDirectory(assembly), DEPLOY)).rejects.toThrow(
      /is in UPDATE_ROLLBACK_FAILED state and can not be updated/,
    );
  });

  it('serves the ECS service, its stopped tasks and their log lines to the toolkit’s failure diagnosis', async () => {
    const mock = await mockAws({
      failures: [
        {
          logicalId: 'Service',
          stack: 'ServiceStack',
          reason: "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'.",
        },
      ],
      ecs: {
        Service: {
          desired: 2,
          running: 0,
          rolloutState: 'FAILED',
          circuitBreaker: { enable: true, rollback: true },
          stoppedTasks: [
            {
              taskId: 'f00dbabe',
              stoppedReason: 'Essential container in task exited',
              containers: [{ name: 'web', exitCode: 1 }],
              logLines: ['listening on :80', 'Error: cannot open /etc/app.conf'],
            },
          ],
        },
      },
    });
    const { toolkit: tk } = toolkit();
    const deploy = tk.deploy(await tk.fromAssemblyDirectory(assembly), { ...DEPLOY, rollback: false });
    await expect(deploy).rejects.toThrow(
      /Essential container in task exited[\s\S]*Error: cannot open \/etc\/app.conf/,
    );
    expect(mock.stack('ApiGatewayFargate')?.status).toBe('CREATE_FAILED');
    expect(mock.actions('ecs')).toEqual([
      'DescribeServices',
      'ListTasks',
      'DescribeTasks',
      'DescribeTaskDefinition',
    ]);
    expect(mock.actions('logs')).toEqual(['FilterLogEvents']);
  });
});

describe('mocked AWS: CloudFormation operations driven with the AWS SDK', () => {
  const template = JSON.stringify({
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue' },
      Topic: {
        Type: 'AWS::SNS::Topic',
        Properties: { DisplayName: { 'Fn::GetAtt': ['Queue', 'QueueName'] } },
      },
    },
    Outputs: { TopicArn: { Value: { Ref: 'Topic' } } },
  });

  async function createStack(cfn: CloudFormationClient, body = template): Promise<string> {
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'Small',
        ChangeSetName: 'one',
        ChangeSetType: 'CREATE',
        TemplateBody: body,
      }),
    );
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
    return created.StackId ?? '';
  }

  async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(condition()).toBe(true);
  }

  it('describes a change set with Add, Modify and Remove, and fails one without changes with AWS’s reason', async () => {
    const mock = await mockAws();
    const cfn = new CloudFormationClient({});
    await createStack(cfn);
    await mock.settled();
    expect(mock.stack('Small')?.outputs.TopicArn).toMatch(/^arn:aws:sns:us-east-1:123456789012:Small-Topic-/);

    const changed = JSON.parse(template);
    changed.Resources.Topic.Properties.DisplayName = 'fixed';
    delete changed.Resources.Queue;
    changed.Resources.Bucket = { Type: 'AWS::S3::Bucket' };
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'Small',
        ChangeSetName: 'two',
        TemplateBody: JSON.stringify(changed),
      }),
    );
    const two = await cfn.send(new DescribeChangeSetCommand({ StackName: 'Small', ChangeSetName: 'two' }));
    expect(two.Status).toBe('CREATE_COMPLETE');
    expect(
      two.Changes?.map((c) => [
        c.ResourceChange?.Action,
        c.ResourceChange?.LogicalResourceId,
        c.ResourceChange?.ResourceType,
      ]),
    ).toEqual([
      ['Modify', 'Topic', 'AWS::SNS::Topic'],
      ['Add', 'Bucket', 'AWS::S3::Bucket'],
      ['Remove', 'Queue', 'AWS::SQS::Queue'],
    ]);
    expect(two.Changes?.[0].ResourceChange?.Replacement).toBe('False');

    await cfn.send(
      new CreateChangeSetCommand({ StackName: 'Small', ChangeSetName: 'three', TemplateBody: template }),
    );
    const three = await cfn.send(
      new DescribeChangeSetCommand({ StackName: 'Small', ChangeSetName: 'three' }),
    );
    expect([three.Status, three.ExecutionStatus, three.StatusReason]).toEqual([
      'FAILED',
      'UNAVAILABLE',
      "The submitted information didn't contain changes. Submit different information to create a change set.",
    ]);
  });

  it('keeps a held resource in progress until released, and pages stack events newest first', async () => {
    const mock = await mockAws({ holds: [{ logicalId: 'Topic' }] });
    const cfn = new CloudFormationClient({});
    const stackId = await createStack(cfn);
    await until(() => (mock.stack('Small')?.resources.get('Topic')?.physicalId ?? '') !== '');
    await new Promise((r) => setTimeout(r, 50));
    expect(mock.stack('Small')?.status).toBe('CREATE_IN_PROGRESS');
    expect(mock.stack('Small')?.resources.get('Topic')?.status).toBe('CREATE_IN_PROGRESS');

    mock.release('Topic');
    await mock.settled();
    expect(mock.stack('Small')?.status).toBe('CREATE_COMPLETE');
    const { StackEvents } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId }));
    expect(StackEvents?.[0]).toMatchObject({
      LogicalResourceId: 'Small',
      ResourceStatus: 'CREATE_COMPLETE',
      StackId: stackId,
    });
    expect(StackEvents?.at(-1)?.ResourceStatus).toBe('REVIEW_IN_PROGRESS');
  });

  it('pages DescribeStackEvents a hundred events at a time, newest first', async () => {
    const mock = await mockAws({ stepMs: 1 });
    const cfn = new CloudFormationClient({});
    const resources = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`Topic${i}`, { Type: 'AWS::SNS::Topic' }]),
    );
    const stackId = await createStack(cfn, JSON.stringify({ Resources: resources }));
    await mock.settled();

    const first = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId }));
    const second = await cfn.send(
      new DescribeStackEventsCommand({ StackName: stackId, NextToken: first.NextToken }),
    );
    expect(first.StackEvents).toHaveLength(100);
    expect(second.NextToken).toBeUndefined();
    const all = [...(first.StackEvents ?? []), ...(second.StackEvents ?? [])];
    expect(all).toHaveLength(mock.stack(stackId)?.events.length ?? -1);
    const times = all.map((e) => e.Timestamp?.getTime() ?? 0);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(all.map((e) => e.EventId)).size).toBe(all.length);
  });

  it('rolls an update back when CancelUpdateStack is called while a resource is held', async () => {
    const mock = await mockAws();
    const cfn = new CloudFormationClient({});
    await createStack(cfn);
    await mock.settled();
    const changed = JSON.parse(template);
    changed.Resources.Topic.Properties.DisplayName = 'changed';
    mock.hold('Topic');
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'Small',
        ChangeSetName: 'upd',
        TemplateBody: JSON.stringify(changed),
      }),
    );
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'Small', ChangeSetName: 'upd' }));
    await until(() => mock.stack('Small')?.resources.get('Topic')?.status === 'UPDATE_IN_PROGRESS');

    await cfn.send(new CancelUpdateStackCommand({ StackName: 'Small' }));
    await mock.settled();

    const small = mock.stack('Small');
    expect(small?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const reasons = small?.events
      .filter((e) => /UPDATE_(FAILED|ROLLBACK_IN_PROGRESS)/.test(e.ResourceStatus))
      .map((e) => [e.LogicalResourceId, e.ResourceStatus, e.ResourceStatusReason]);
    expect(reasons).toEqual([
      ['Topic', 'UPDATE_FAILED', 'Resource update cancelled'],
      ['Small', 'UPDATE_ROLLBACK_IN_PROGRESS', 'Stack update cancelled'],
    ]);
    expect(small?.template.Resources.Topic.Properties?.DisplayName).toEqual({
      'Fn::GetAtt': ['Queue', 'QueueName'],
    });
  });

  it('cancels a held creation when the stack is deleted, then deletes what was created', async () => {
    const mock = await mockAws({ holds: [{ logicalId: 'Topic' }] });
    const cfn = new CloudFormationClient({});
    const stackId = await createStack(cfn);
    await until(() => (mock.stack('Small')?.resources.get('Topic')?.physicalId ?? '') !== '');

    await cfn.send(new DeleteStackCommand({ StackName: 'Small' }));
    await mock.settled();

    expect(mock.stack('Small')).toBeUndefined();
    const events = mock.stack(stackId)?.events.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`);
    expect(events).toEqual(
      expect.arrayContaining([
        'Topic CREATE_FAILED',
        'Small DELETE_IN_PROGRESS',
        'Queue DELETE_COMPLETE',
        'Small DELETE_COMPLETE',
      ]),
    );
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    expect(Stacks?.[0].StackStatus).toBe('DELETE_COMPLETE');
  });
});
