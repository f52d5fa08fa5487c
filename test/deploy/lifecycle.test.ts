/**
 * `wharf diff`, `outputs`, `destroy` and `bootstrap` against mocked AWS, and a CDK example's whole
 * life: deploy, read outputs, diff, destroy.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtWharfAgainst,
  cfnActions,
  copyFixtureDir,
  FAST,
  SEEDS_API_GATEWAY,
  useMockAws,
  wharfAgainst,
} from './support.js';

const startAws = useMockAws();

describe('a CDK example from deploy to destroy (mocked AWS)', () => {
  // Four CLI runs in a row, each synthesizing and checking the example: more than one command's time.
  it('deploys, reads the outputs, shows no diff, and destroys', { timeout: 300_000 }, async () => {
    const aws = await startAws();

    const deployed = await wharfAgainst(aws, ['deploy', 'examples/api-gateway-fargate', ...FAST]);
    expect(deployed.stderr).not.toMatch(/^error/m);
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toMatch(/ApiGatewayFargate deployed to 123456789012\/us-east-1/);
    expect(deployed.stdout).toMatch(/ApiGatewayUri\s+https:\/\//);
    expect(aws.stack('ApiGatewayFargate')?.nested.size).toBe(4);

    const outputs = await wharfAgainst(aws, ['outputs', 'examples/api-gateway-fargate', '--json']);
    expect(outputs.code).toBe(0);
    const [stack] = JSON.parse(outputs.stdout) as {
      stackName: string;
      status: string;
      outputs: Record<string, string>;
    }[];
    expect(stack?.stackName).toBe('ApiGatewayFargate');
    expect(stack?.status).toBe('CREATE_COMPLETE');
    // Hand-written: the invoke URL of an HTTP API's default stage in us-east-1, as AWS writes it
    // (https://<api id>.execute-api.<region>.amazonaws.com), not a value computed by Wharf's evaluator.
    expect(stack?.outputs.ApiGatewayUri).toMatch(
      /^https:\/\/[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com\/?$/,
    );

    const diff = await wharfAgainst(aws, ['diff', 'examples/api-gateway-fargate', '--json']);
    expect(diff.code).toBe(0);
    expect(JSON.parse(diff.stdout).changes).toEqual([]);

    const destroyed = await wharfAgainst(aws, ['destroy', 'examples/api-gateway-fargate', '--yes', ...FAST]);
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toContain('ApiGatewayFargate: deleted');
    expect(aws.stack('ApiGatewayFargate')).toBeUndefined();
    expect(cfnActions(aws)).toContain('DeleteStack');
  });
});

describe('wharf diff (mocked AWS)', () => {
  it('lists the resources a changed nested template would update', async () => {
    const aws = await startAws();
    expect((await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...FAST])).code).toBe(0);

    const dir = copyFixtureDir('test/fixtures/seeds-like/api-gateway');
    const serviceFile = join(dir, 'service.yml');
    writeFileSync(serviceFile, readFileSync(serviceFile, 'utf8').replace('Interval: 10', 'Interval: 30'));

    const text = await wharfAgainst(aws, [
      'diff',
      '--template',
      join(dir, 'parent.yml'),
      '--stack-name',
      'api-gateway',
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('TaskDefinition');
    expect(text.stdout).toMatch(/resource change\(s\)/);

    const json = await wharfAgainst(aws, [
      'diff',
      '--template',
      join(dir, 'parent.yml'),
      '--stack-name',
      'api-gateway',
      '--json',
    ]);
    const changes = JSON.parse(json.stdout).changes as { logicalId: string; type: string; change: string }[];
    expect(changes).toContainEqual(
      expect.objectContaining({ logicalId: 'TaskDefinition', type: 'AWS::ECS::TaskDefinition' }),
    );
    // Nothing was deployed by diff.
    expect(cfnActions(aws).filter((a) => a === 'ExecuteChangeSet')).toHaveLength(1);
  });
});

describe('wharf outputs (mocked AWS)', () => {
  it('prints a deployed stack’s status and outputs', async () => {
    const aws = await startAws({
      stacks: [
        {
          name: 'orders',
          status: 'UPDATE_COMPLETE',
          outputs: { ApiGatewayUri: 'https://abc123.execute-api.us-east-1.amazonaws.com' },
        },
      ],
    });
    const run = await wharfAgainst(aws, ['outputs', '--stack-name', 'orders']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^orders {2}UPDATE_COMPLETE/m);
    expect(run.stdout).toMatch(/ApiGatewayUri {2}https:\/\/abc123\.execute-api/);
  });

  it('exits 4 for a stack that does not exist, naming the account and region', async () => {
    const aws = await startAws();
    const run = await wharfAgainst(aws, ['outputs', '--stack-name', 'nope']);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("stack 'nope' does not exist in account 123456789012, region us-east-1");
  });

  it('keeps the AWS SDK notice about Node 22 off stderr unless --verbose (the SDK switch unset)', async () => {
    const aws = await startAws({ stacks: [{ name: 'orders', status: 'CREATE_COMPLETE', outputs: {} }] });
    const sdkSwitch = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined };
    // The subject is the installed program's process (its warning filter is set up by the bin), so
    // these two runs spawn the built CLI.
    const quiet = await builtWharfAgainst(aws, ['outputs', '--stack-name', 'orders'], sdkSwitch);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain('NodeVersionSupportWarning');
    const verbose = await builtWharfAgainst(
      aws,
      ['outputs', '--stack-name', 'orders', '--verbose'],
      sdkSwitch,
    );
    expect(verbose.code).toBe(0);
    // The SDK only emits it below Node 22; there --verbose must show it.
    if (Number(process.versions.node.split('.')[0]) < 22) {
      expect(verbose.stderr).toContain('NodeVersionSupportWarning');
    }
  });

  it('prints the failure as JSON on stdout with --json, like deploy', async () => {
    const aws = await startAws();
    const run = await wharfAgainst(aws, ['outputs', '--stack-name', 'nope', '--json']);
    expect(run.code).toBe(4);
    const failure = JSON.parse(run.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(failure.ok).toBe(false);
    expect(failure.error.code).toMatch(/^WHARF_AWS_/);
    expect(failure.error.message).toContain("stack 'nope' does not exist in account 123456789012");
  });
});

describe('credentials and region (mocked AWS)', () => {
  it('uses a named profile from the shared credentials file, like the AWS CLI', async () => {
    const aws = await startAws({
      stacks: [{ name: 'orders', status: 'CREATE_COMPLETE', outputs: { Url: 'https://x' } }],
    });
    const credentials = aws.env.AWS_SHARED_CREDENTIALS_FILE as string;
    writeFileSync(
      credentials,
      `[deployer]\naws_access_key_id = ${aws.env.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${aws.env.AWS_SECRET_ACCESS_KEY}\n`,
    );
    const noKeys = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined };

    const withProfile = await wharfAgainst(
      aws,
      ['outputs', '--stack-name', 'orders', '--profile', 'deployer'],
      noKeys,
    );
    expect(withProfile.code).toBe(0);
    expect(withProfile.stdout).toContain('orders  CREATE_COMPLETE');

    const unknown = await wharfAgainst(
      aws,
      ['outputs', '--stack-name', 'orders', '--profile', 'nobody'],
      noKeys,
    );
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain("no usable AWS credentials for profile 'nobody'");
    expect(unknown.stderr).toContain('aws sso login --profile nobody');
  });

  it('reads the region from --region before the environment', async () => {
    const aws = await startAws({
      region: 'eu-west-3',
      stacks: [{ name: 'orders', status: 'CREATE_COMPLETE' }],
    });
    const run = await wharfAgainst(aws, ['outputs', '--stack-name', 'orders', '--region', 'eu-west-3'], {
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('region eu-west-3');
  });
});

describe('wharf destroy (mocked AWS)', () => {
  it('reports each resource CloudFormation could not delete, with its reason', async () => {
    const aws = await startAws();
    expect((await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, ...FAST])).code).toBe(0);
    aws.failures.push({
      logicalId: 'ServiceSecurityGroup',
      stack: 'ServiceStack',
      operation: 'DELETE',
      reason:
        'resource sg-0123 has a dependent object (Service: AmazonEC2; Status Code: 400; Error Code: DependencyViolation)',
    });

    const run = await wharfAgainst(aws, ['destroy', '--stack-name', 'api-gateway', '--yes', ...FAST]);

    expect(run.code).toBe(4);
    expect(run.stderr).toContain('could not delete api-gateway');
    expect(run.stderr).toContain('api-gateway/ServiceStack/ServiceSecurityGroup (AWS::EC2::SecurityGroup)');
    expect(run.stderr).toContain('DependencyViolation');
    expect(run.stderr).toContain('--retain-resources');
  });

  it('will not delete without --yes when it cannot ask', async () => {
    const aws = await startAws({ stacks: [{ name: 'orders', status: 'CREATE_COMPLETE' }] });
    const run = await wharfAgainst(aws, ['destroy', '--stack-name', 'orders']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pass --yes');
    expect(aws.calls).toHaveLength(0);
    expect(aws.stack('orders')?.status).toBe('CREATE_COMPLETE');
  });

  it('says so when there is nothing to delete', async () => {
    const aws = await startAws();
    const run = await wharfAgainst(aws, ['destroy', '--stack-name', 'orders', '--yes']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('orders: does not exist; nothing to delete');
    expect(cfnActions(aws)).not.toContain('DeleteStack');
  });
});

describe('wharf bootstrap (mocked AWS)', () => {
  it('creates the CDKToolkit stack in an unbootstrapped account, after which deploy works', async () => {
    const aws = await startAws({ bootstrap: false });
    const run = await wharfAgainst(aws, ['bootstrap', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      environment: 'aws://123456789012/us-east-1',
      status: 'success',
    });
    expect(aws.stack('CDKToolkit')?.status).toBe('CREATE_COMPLETE');
  });

  it('rejects an environment that is not aws://<account>/<region>', async () => {
    const aws = await startAws();
    const run = await wharfAgainst(aws, ['bootstrap', 'aws://12/us-east-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected aws://<12-digit account>/<region>');
  });
});

describe('--help of the AWS commands', () => {
  it.each(['deploy', 'diff', 'outputs', 'destroy', 'bootstrap'])(
    'wharf %s --help documents its options',
    async (command) => {
      const aws = await startAws();
      const run = await wharfAgainst(aws, [command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: wharf ${command}`);
      expect(run.stdout).toContain('--profile');
      expect(run.stdout).toContain('--region');
    },
  );
});

describe('a CDK app with two stacks (mocked AWS)', () => {
  const APP = 'test/fixtures/apps/two-stacks';

  it('deploys and destroys both, selecting stacks by CloudFormation name', async () => {
    const aws = await startAws();
    const deployed = await wharfAgainst(aws, ['deploy', APP, ...FAST]);
    expect(deployed.code).toBe(0);
    expect(aws.stack('orders-net')?.status).toBe('CREATE_COMPLETE');
    expect(aws.stack('Api')?.status).toBe('CREATE_COMPLETE');

    const one = await wharfAgainst(aws, ['outputs', APP, '--stack', 'orders-net', '--json']);
    expect(one.code).toBe(0);
    expect((JSON.parse(one.stdout) as { stackName: string }[]).map((s) => s.stackName)).toEqual([
      'orders-net',
    ]);

    const destroyed = await wharfAgainst(aws, ['destroy', APP, '--yes', ...FAST]);
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toContain('orders-net: deleted');
    expect(aws.stack('orders-net')).toBeUndefined();
    expect(aws.stack('Api')).toBeUndefined();
  });

  it('refuses a stack the app pins to another region, before deploying anything', async () => {
    const aws = await startAws();
    const run = await wharfAgainst(aws, ['deploy', APP, ...FAST], { WHARF_TEST_PIN_REGION: 'eu-west-1' });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(
      'stack Api is pinned to region eu-west-1 by the app, but this session is in us-east-1',
    );
    expect(run.stderr).toContain('--region eu-west-1');
    expect(cfnActions(aws)).not.toContain('CreateChangeSet');
  });
});

describe('machine-readable failures (mocked AWS)', () => {
  it('prints the error as JSON on stdout with --json, and progress and messages as JSON lines on stderr', async () => {
    const aws = await startAws({ bootstrap: false });
    const run = await wharfAgainst(aws, ['deploy', '--template', SEEDS_API_GATEWAY, '--json', ...FAST]);
    expect(run.code).toBe(4);
    const result = JSON.parse(run.stdout) as { ok: boolean; error: { code: string; nextSteps: string[] } };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('WHARF_AWS_NOT_BOOTSTRAPPED');
    expect(result.error.nextSteps).toEqual(['wharf bootstrap aws://123456789012/us-east-1']);
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('rejects a --parameter the root template does not declare, before calling AWS', async () => {
    const aws = await startAws();
    const run = await wharfAgainst(aws, [
      'deploy',
      '--template',
      SEEDS_API_GATEWAY,
      '--parameter',
      'DesiredCount=3',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("has no parameter 'DesiredCount'");
    expect(aws.calls).toHaveLength(0);
  });
});
