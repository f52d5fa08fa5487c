/**
 * An independent client against the mocked AWS: Debian's AWS CLI v2 (`/usr/bin/aws`, package
 * awscli, installed in CI by scripts/ensure-awscli.sh) uploads the portable output of
 * `wharf synth --portable` with `s3 cp`, deploys it with `cloudformation deploy` (change set,
 * waiter), reads it back with `describe-stacks` and removes it with `delete-stack` + `wait`.
 * `cloudformation package` is not used: in 2.9 it builds its S3 client without `--endpoint-url`.
 *
 * Every command gets `--endpoint-url` (127.0.0.1), and a dead proxy on 127.0.0.1:9 for anything
 * else, so no request can leave the machine.
 */

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synth } from '../../src/synth/synth.js';
import { ROOT, runCommandAsync, tempDir, type WharfRun } from '../support/cli.js';
import { type MockAws, startMockAws } from '../support/mock-aws/index.js';

const AWS = '/usr/bin/aws';
const BUCKET = 'cdk-hnb659fds-assets-123456789012-us-east-1';

function requireAwsCli(): boolean {
  if (existsSync(AWS)) return true;
  if (process.env.CI === 'true') {
    throw new Error('Debian awscli (/usr/bin/aws) is required in CI: run scripts/ensure-awscli.sh first.');
  }
  return false;
}

const available = requireAwsCli();

describe.skipIf(!available)(
  'Debian AWS CLI v2 against mocked AWS: the portable output of wharf synth --portable',
  () => {
    let mock: MockAws;
    let portable: string;

    beforeAll(async () => {
      mock = await startMockAws();
      portable = tempDir('wharf-awscli-portable-');
      await synth({ dir: join(ROOT, 'examples', 'public-alb-fargate'), out: portable, portable: true });
    });
    afterAll(async () => {
      await mock?.close();
    });

    function aws(args: string[]): Promise<WharfRun> {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: tempDir('wharf-awscli-home-'),
        ...mock.env,
        AWS_PAGER: '',
        HTTP_PROXY: 'http://127.0.0.1:9',
        HTTPS_PROXY: 'http://127.0.0.1:9',
        NO_PROXY: '127.0.0.1',
      };
      return runCommandAsync(AWS, [...args, '--endpoint-url', mock.endpoint, '--region', 'us-east-1'], {
        cwd: portable,
        env,
        timeoutMs: 120_000,
      });
    }

    it('uploads, deploys, describes and deletes the stack; every response parses', async () => {
      const nested = readdirSync(portable).filter((f) => f.endsWith('.yml') && f !== 'parent.yml');
      expect(nested.sort()).toEqual(['cluster.yml', 'service.yml', 'vpc.yml']);
      let parent = readFileSync(join(portable, 'parent.yml'), 'utf8');
      for (const file of nested) {
        const upload = await aws(['s3', 'cp', file, `s3://${BUCKET}/portable/${file}`]);
        expect(upload.stderr).toBe('');
        expect(upload.code).toBe(0);
        parent = parent.replace(
          `TemplateURL: ${file}`,
          `TemplateURL: https://s3.us-east-1.amazonaws.com/${BUCKET}/portable/${file}`,
        );
      }
      writeFileSync(join(portable, 'packaged.yml'), parent);

      const deploy = await aws([
        'cloudformation',
        'deploy',
        '--template-file',
        'packaged.yml',
        '--stack-name',
        'PublicAlbFargate',
        '--capabilities',
        'CAPABILITY_IAM',
      ]);
      expect(deploy.stderr).toBe('');
      expect(deploy.code).toBe(0);
      expect(deploy.stdout).toContain('Successfully created/updated stack - PublicAlbFargate');

      const described = await aws(['cloudformation', 'describe-stacks', '--stack-name', 'PublicAlbFargate']);
      expect(described.code).toBe(0);
      const stack = (
        JSON.parse(described.stdout) as {
          Stacks: { StackStatus: string; Outputs: { OutputKey: string; OutputValue: string }[] }[];
        }
      ).Stacks[0];
      expect(stack.StackStatus).toBe('CREATE_COMPLETE');
      const uri = stack.Outputs.find((o) => o.OutputKey === 'LoadBalancerUri')?.OutputValue;
      // Hand-written expectation: an ALB's DNS name in us-east-1, as AWS names them.
      expect(uri).toMatch(/^http:\/\/[\w-]+\.us-east-1\.elb\.amazonaws\.com\/?$/);
      expect([...(mock.stack('PublicAlbFargate')?.nested.keys() ?? [])].sort()).toEqual([
        'ClusterStack',
        'ServiceStack',
        'VpcStack',
      ]);

      const deleted = await aws(['cloudformation', 'delete-stack', '--stack-name', 'PublicAlbFargate']);
      expect(deleted.code).toBe(0);
      const waited = await aws([
        'cloudformation',
        'wait',
        'stack-delete-complete',
        '--stack-name',
        'PublicAlbFargate',
      ]);
      expect(waited.stderr).toBe('');
      expect(waited.code).toBe(0);
      expect(mock.stack('PublicAlbFargate')).toBeUndefined();
      expect(mock.unknownActions).toEqual([]);
    });
  },
);
