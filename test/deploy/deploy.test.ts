/**
 * `wharf deploy` against mocked AWS: the built CLI in a child process, the real CDK toolkit
 * library and AWS SDK clients inside it, and a local endpoint playing CloudFormation, S3, STS,
 * SSM, EC2, ECS and CloudWatch Logs.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../src/template/yaml.js';
import { tempDir } from '../support/cli.js';
import type { MockStoppedTask } from '../support/mock-aws/index.js';
import { cfnActions, copyFixtureDir, FAST, SEEDS_API_GATEWAY, useMockAws, wharfAgainst } from './support.js';

const startAws = useMockAws();

describe('wharf deploy --template (mocked AWS)', () => {
  it('deploys the seeds-shaped SAM parent with its nested stacks and prints the outputs', async () => {
    const aws = await startAws();
    const run = await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...FAST]);

    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/api-gateway deployed to 123456789012\/us-east-1/);
    expect(run.stdout).toMatch(/ApiGatewayUri\s+https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com/);

    // One change set, created then executed, for the stack named after the template's folder.
    const actions = cfnActions(aws);
    expect(actions.indexOf('CreateChangeSet')).toBeGreaterThan(-1);
    expect(actions.indexOf('ExecuteChangeSet')).toBeGreaterThan(actions.indexOf('CreateChangeSet'));
    const stack = aws.stack('api-gateway');
    expect(stack?.status).toBe('CREATE_COMPLETE');

    // The SAM applications became nested stacks whose templates were uploaded to the bootstrap bucket.
    const changeSet = [...(stack?.changeSets.values() ?? [])][0];
    const types = Object.values(changeSet?.template.Resources ?? {}).map((r) => r.Type);
    expect(types).toEqual(Array(4).fill('AWS::CloudFormation::Stack'));
    expect(changeSet?.template.Transform).toBeUndefined();
    expect([...(stack?.nested.keys() ?? [])].sort()).toEqual(
      ['ApiGatewayStack', 'ClusterStack', 'ServiceStack', 'VpcStack'].sort(),
    );
    const uploaded = [...aws.objects.keys()].filter((key) =>
      key.startsWith('cdk-hnb659fds-assets-123456789012-us-east-1/'),
    );
    expect(uploaded.length).toBeGreaterThanOrEqual(4);
    const service = stack?.nested.get('ServiceStack');
    expect(service?.status).toBe('CREATE_COMPLETE');
    expect(Object.keys(service?.template.Resources ?? {})).toContain('Service');

    // The progress view (not a terminal here: one line per change) shows nested resources by path.
    expect(run.stderr).toMatch(/ServiceStack\/Service\s+ECS::Service\s+CREATE_COMPLETE/);
    expect(run.stderr).toMatch(/ApiGatewayStack\/VpcLink\s+ApiGatewayV2::VpcLink\s+CREATE_IN_PROGRESS/);
  });

  it('accepts the portable output of wharf synth --portable', async () => {
    const out = tempDir('wharf-portable-');
    const aws = await startAws();
    const synth = await wharfAgainst(aws, [
      'synth',
      'examples/public-alb-fargate',
      '--portable',
      '--out',
      out,
    ]);
    expect(synth.code).toBe(0);

    // No --stack-name: the portable output records the CDK app's stack name.
    const run = await wharfAgainst(aws, ['deploy', '--template', join(out, 'parent.yml'), ...FAST]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/PublicAlbFargate deployed to/);
    expect(run.stdout).toMatch(/LoadBalancerUri\s+http:\/\//);
    const stack = aws.stack('PublicAlbFargate');
    // outputs and destroy find the same stack from the same file.
    const outputs = await wharfAgainst(aws, ['outputs', '--template', join(out, 'parent.yml'), '--json']);
    expect(JSON.parse(outputs.stdout)[0].stackName).toBe('PublicAlbFargate');
    expect(stack?.status).toBe('CREATE_COMPLETE');
    expect([...(stack?.nested.keys() ?? [])]).toHaveLength(3);
    // The bootstrap check that --portable strips is back, so the toolkit can verify the bootstrap version.
    expect(Object.keys(stack?.template.Parameters ?? {})).toContain('BootstrapVersion');
  });

  it('stops before AWS when wharf check finds errors, and deploys anyway with --force', async () => {
    const aws = await startAws();
    const template = 'test/fixtures/traps/apigw-cloudmap-not-srv/trips/parent.yml';

    const blocked = await wharfAgainst(aws, [
      'deploy',
      '--template',
      template,
      '--stack-name',
      'trap',
      ...FAST,
    ]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('nothing was deployed');
    expect(blocked.stderr).toContain('--force');
    expect(aws.calls).toHaveLength(0);

    const forced = await wharfAgainst(aws, [
      'deploy',
      '--template',
      template,
      '--stack-name',
      'trap',
      '--force',
      ...FAST,
    ]);
    expect(forced.code).toBe(0);
    expect(aws.stack('trap')?.status).toBe('CREATE_COMPLETE');
  });

  it('reports a failed resource in a nested stack with CloudFormation’s reason, and exits 4 after the rollback', async () => {
    const reason =
      'Resource handler returned message: "Invalid request provided: CreateService error: subnet-0abc is not in the VPC"';
    const aws = await startAws({ failures: [{ logicalId: 'Service', stack: 'ServiceStack', reason }] });

    const run = await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...FAST]);

    expect(run.code).toBe(4);
    // The cause is named in the failed resource, not only in "Embedded stack … was not successfully created".
    expect(run.stderr).toContain(
      'api-gateway/ServiceStack/Service (AWS::ECS::Service) CREATE_FAILED: Resource handler returned message',
    );
    expect(run.stderr).toContain('subnet-0abc is not in the VPC');
    expect(run.stderr).toContain('ROLLBACK_COMPLETE');
    expect(run.stderr).toMatch(/Next: .*fix the cause above and deploy again/);
    expect(aws.stack('api-gateway')?.status).toBe('ROLLBACK_COMPLETE');
  });

  it('fails fast when the ECS circuit breaker trips, with the stopped reason and the last log lines', async () => {
    const aws = await startAws({
      holds: [{ logicalId: 'Service', stack: 'ServiceStack' }],
      ecs: {
        Service: {
          desired: 2,
          running: 0,
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
          circuitBreaker: { enable: true, rollback: true },
          failedTasks: 3,
          stoppedTasks: [
            {
              stoppedReason: 'Essential container in task exited',
              containers: [{ name: 'web', exitCode: 1 }],
              logLines: ['starting on :8080', 'Error: DATABASE_URL is not set'],
            },
          ],
        },
      },
    });

    const run = await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...FAST]);

    expect(run.code).toBe(4);
    expect(run.stderr).toContain('circuit breaker tripped');
    expect(run.stderr).toContain('Essential container in task exited (web exit 1)');
    expect(run.stderr).toContain('Error: DATABASE_URL is not set');
    expect(run.stderr).toContain('rolls the stack back on its own');
    // Wharf did not wait for CloudFormation: the service resource is still held in progress.
    expect(aws.stack('api-gateway')?.nested.get('ServiceStack')?.resources.get('Service')?.status).toBe(
      'CREATE_IN_PROGRESS',
    );
  });

  it('cancels an update whose tasks keep stopping when the service has no circuit breaker', async () => {
    const holds: { logicalId: string; stack?: string }[] = [];
    const service = { desired: 2, running: 2, stoppedTasks: [] as MockStoppedTask[] };
    const aws = await startAws({ holds, ecs: { Service: service } });
    const first = await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...FAST]);
    expect(first.code).toBe(0);

    // The next version of the service never stays up.
    const dir = copyFixtureDir('test/fixtures/seeds-like/api-gateway');
    const serviceFile = join(dir, 'service.yml');
    writeFileSync(
      serviceFile,
      readFileSync(serviceFile, 'utf8').replace('MinimumHealthyPercent: 75', 'MinimumHealthyPercent: 50'),
    );
    const crash: MockStoppedTask = {
      stoppedReason: 'Essential container in task exited',
      containers: [
        { name: 'web', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
      ],
      logLines: ['allocating cache'],
    };
    holds.push({ logicalId: 'Service', stack: 'ServiceStack' });
    Object.assign(service, { desired: 3, running: 1, stoppedTasks: [crash, crash, crash] });

    const run = await wharfAgainst(aws, [
      'deploy',
      '--template',
      join(dir, 'parent.yml'),
      '--stack-name',
      'api-gateway',
      ...FAST,
    ]);

    expect(run.code).toBe(4);
    expect(run.stderr).toContain('3 tasks stopped and 1/3 are running');
    expect(run.stderr).toContain('OutOfMemoryError: Container killed due to memory usage');
    expect(run.stderr).toContain('Cancelled the update of api-gateway');
    expect(cfnActions(aws)).toContain('CancelUpdateStack');
    await aws.settled();
    expect(aws.stack('api-gateway')?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  it('cannot cancel a first creation whose tasks keep stopping, and says how to remove it', async () => {
    const crash: MockStoppedTask = {
      stoppedReason: 'Task failed ELB health checks',
      containers: [{ name: 'web' }],
    };
    const aws = await startAws({
      holds: [{ logicalId: 'Service', stack: 'ServiceStack' }],
      ecs: { Service: { desired: 2, running: 0, stoppedTasks: [crash, crash, crash] } },
    });
    const run = await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...FAST]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('Task failed ELB health checks');
    expect(run.stderr).toContain('cannot cancel a first creation');
    expect(run.stderr).toContain('wharf destroy --stack-name api-gateway --yes');
    expect(cfnActions(aws)).not.toContain('CancelUpdateStack');
  });

  it('says there are no credentials, with the commands that fix it', async () => {
    const aws = await startAws();
    const run = await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...FAST], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('no usable AWS credentials');
    expect(run.stderr).toContain('aws configure');
    expect(aws.actions('cloudformation')).toEqual([]);
  });

  it('says the account is not bootstrapped and offers the exact command', async () => {
    const aws = await startAws({ bootstrap: false });
    const run = await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...FAST]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('is not bootstrapped in us-east-1');
    expect(run.stderr).toContain('wharf bootstrap aws://123456789012/us-east-1');
    expect(cfnActions(aws)).not.toContain('CreateChangeSet');
  });

  it('refuses a stack in UPDATE_ROLLBACK_FAILED and names the failed resources and the command to continue', async () => {
    const aws = await startAws({
      stacks: [
        {
          name: 'api-gateway',
          status: 'UPDATE_ROLLBACK_FAILED',
          statusReason: 'The following resource(s) failed to update: [Topic].',
        },
      ],
    });
    const run = await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...FAST]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("stack 'api-gateway' is UPDATE_ROLLBACK_FAILED");
    expect(run.stderr).toContain('aws cloudformation continue-update-rollback --stack-name api-gateway');
    expect(cfnActions(aws)).not.toContain('CreateChangeSet');
  });

  it('refuses to put a VPC link in an Availability Zone without VPC link support', async () => {
    const aws = await startAws({
      zones: [
        { zoneName: 'us-east-1a', zoneId: 'use1-az1' },
        { zoneName: 'us-east-1b', zoneId: 'use1-az3' },
        { zoneName: 'us-east-1c', zoneId: 'use1-az2' },
      ],
    });
    const run = await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...FAST]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('use1-az3');
    expect(run.stderr).toContain('VpcLink');
    expect(run.stderr).toContain('us-east-1c (use1-az2)');
    expect(cfnActions(aws)).not.toContain('CreateChangeSet');
  });
});

describe('wharf deploy: bad input (mocked AWS)', () => {
  it.each([
    [['--fail-fast-after=-1'], "--fail-fast-after '-1' is not allowed"],
    [['--region', 'Mars'], "--region 'Mars' is not a region name"],
    [['--poll-interval', '5'], "--poll-interval '5' is not allowed"],
    [['--stack-name', '1-bad'], '1-bad'],
    [['--parameter', 'NoEquals'], 'is not Key=Value'],
  ])('exits 2 for %j before calling AWS', async (extra, message) => {
    const aws = await startAws();
    const run = await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...extra]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(aws.calls).toHaveLength(0);
  });

  it('names the missing nested template and creates nothing', async () => {
    const dir = copyFixtureDir('test/fixtures/seeds-like/api-gateway');
    const parent = join(dir, 'parent.yml');
    writeFileSync(
      parent,
      readFileSync(parent, 'utf8').replace('Location: cluster.yml', 'Location: clusters.yml'),
    );
    const aws = await startAws();
    const run = await wharfAgainst(aws, ['deploy', '--template', parent]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ClusterStack');
    expect(run.stderr).toContain('clusters.yml');
    expect(aws.calls).toHaveLength(0);
    expect(parseTemplate(readFileSync(parent, 'utf8'), parent).Resources.ClusterStack).toBeDefined();
  });
});
