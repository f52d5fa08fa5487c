/**
 * `wharf deploy` of an app with a container image asset, against mocked AWS plus a real OCI
 * registry on 127.0.0.1 standing in for ECR: the CDK toolkit library builds the image with the
 * real Docker daemon, logs in and pushes it to the bootstrap repository's URI (which the mocked
 * ECR points at the local registry), and the deployed task definition references it.
 */

import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../src/deploy/deploy.js';
import type { ImageProgress } from '../../src/deploy/progress/types.js';
import type { ProgressListener } from '../../src/deploy/progress-listener.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { tempDir } from '../support/cli.js';
import { buildBusyboxImage, docker, requireDocker } from '../support/docker.js';
import type { MockAws } from '../support/mock-aws/index.js';
import { type LocalRegistry, requireRegistry, startRegistry } from '../support/registry.js';
import { cfnActions, FAST, useMockAws, wharfAgainst } from './support.js';

/** The CDK app: Wharf's API Gateway pattern running a DockerImageAsset built from its `app/`. */
const FIXTURE = 'test/fixtures/apps/image-asset';
/** The bootstrap stack's image repository in the mocked account and region. */
const REPOSITORY = 'cdk-hnb659fds-container-assets-123456789012-us-east-1';

const hasDocker = await requireDocker();
const hasRegistry = requireRegistry();
const startAws = useMockAws();

/** Stages in the order they were reported, without repeats (Docker's output lines repeat a stage). */
function stages(updates: readonly ImageProgress[]): string[] {
  return updates.map((u) => u.stage).filter((stage, i, all) => i === 0 || all[i - 1] !== stage);
}

/** A progress listener that keeps the image updates. */
function imageRecorder(): { updates: ImageProgress[]; listener: ProgressListener } {
  const updates: ImageProgress[] = [];
  return {
    updates,
    listener: {
      stackStarted() {},
      stackEvent() {},
      rollout() {},
      finished() {},
      image: (image) => updates.push(image),
    },
  };
}

describe.skipIf(!hasDocker || !hasRegistry)(
  'wharf deploy builds and pushes container images (mocked AWS, a local registry standing in for ECR)',
  () => {
    let registry: LocalRegistry;
    let dockerConfig: string;
    /** A fresh asset hash per run, so the image is built and pushed here, not found from a run before. */
    const salt = randomBytes(6).toString('hex');
    /** Local tags the toolkit made (`cdkasset-<id>`, `<registry>/<repo>:<id>`), removed at the end. */
    const localTags = new Set<string>();

    beforeAll(async () => {
      await buildBusyboxImage(); // the fixture's Dockerfile starts FROM wharf-test/busybox:1
      registry = await startRegistry();
      // Keep `docker login` out of the user's ~/.docker/config.json.
      dockerConfig = tempDir('wharf-docker-config-');
    });

    afterAll(async () => {
      for (const tag of localTags) {
        await docker
          .getImage(tag)
          .remove()
          .catch(() => {});
      }
      await registry?.stop();
      if (dockerConfig) rmSync(dockerConfig, { recursive: true, force: true });
    });

    /** Runs `deploy()` in this process against `aws`, with the test's Docker config and salt. */
    async function deployInProcess(aws: MockAws, listener: ProgressListener, io: RecordingIoHost) {
      const restoreAws = aws.useEnv();
      const saved = { DOCKER_CONFIG: process.env.DOCKER_CONFIG, SALT: process.env.WHARF_TEST_IMAGE_SALT };
      process.env.DOCKER_CONFIG = dockerConfig;
      process.env.WHARF_TEST_IMAGE_SALT = salt;
      try {
        return await deploy({ dir: FIXTURE, pollIntervalMs: 100, io, progress: listener });
      } finally {
        restoreAws();
        for (const [key, value] of [
          ['DOCKER_CONFIG', saved.DOCKER_CONFIG],
          ['WHARF_TEST_IMAGE_SALT', saved.SALT],
        ] as const) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      }
    }

    // Two synthesized deploys: more than the default timeout on a loaded 2-core machine.
    it('builds the image, pushes it to the bootstrap repository, deploys a task definition that references it, and does not push it again when unchanged', {
      timeout: 300_000,
    }, async () => {
      const aws = await startAws({ registry: registry.host });
      const first = imageRecorder();
      const io = new RecordingIoHost();

      const result = await deployInProcess(aws, first.listener, io);

      expect(result.stacks.map((s) => s.stackName)).toEqual(['ImageAsset']);
      expect(stages(first.updates)).toEqual(['waiting', 'building', 'built', 'pushing', 'pushed']);
      const pushed = first.updates.at(-1) as ImageProgress;
      const tag = pushed.assetId;
      localTags.add(`cdkasset-${tag}`).add(`${registry.host}/${REPOSITORY}:${tag}`);
      expect(pushed.name).toBe('Image');
      expect(pushed.imageUri).toBe(`${registry.host}/${REPOSITORY}:${tag}`);

      // The registry has it, by tag.
      expect(await registry.tags(REPOSITORY)).toEqual([tag]);
      const digest = await registry.digest(REPOSITORY, tag);
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

      // Docker's own output went to the image's row (and --verbose), not to the terminal.
      expect(first.updates.some((u) => /Step 2\/3 : COPY index\.html/.test(u.detail ?? ''))).toBe(true);
      expect(first.updates.some((u) => u.stage === 'pushing' && /: Pushed$/.test(u.detail ?? ''))).toBe(true);
      expect(io.withCode('WHARF_DEPLOY_DOCKER_OUTPUT').map((m) => m.message)).toContainEqual(
        expect.stringMatching(/^Successfully tagged cdkasset-/),
      );
      // The toolkit logged in with the token ECR handed out, then found no image, then pushed.
      expect(aws.actions('ecr')).toEqual(
        expect.arrayContaining(['DescribeRepositories', 'DescribeImages', 'GetAuthorizationToken']),
      );

      // The task definition ECS reports references the pushed repository and tag. (Its host is
      // ECR's, <account>.dkr.ecr.<region>.amazonaws.com, as on AWS; the mocked ECR's
      // repositoryUri maps that repository to the local registry.)
      const serviceStack = aws.stack('ImageAsset')?.nested.get('ServiceStack');
      const taskDefinition = [...(serviceStack?.resources.values() ?? [])].find(
        (r) => r.type === 'AWS::ECS::TaskDefinition',
      );
      expect(taskDefinition?.physicalId).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task-definition\//);
      const restore = aws.useEnv();
      const ecs = new ECSClient({});
      try {
        const described = await ecs.send(
          new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinition?.physicalId }),
        );
        expect(described.taskDefinition?.containerDefinitions?.map((c) => c.image)).toEqual([
          `123456789012.dkr.ecr.us-east-1.amazonaws.com/${REPOSITORY}:${tag}`,
        ]);
      } finally {
        ecs.destroy();
        restore();
      }

      // A second deploy of the same image: ECR (the registry's contents) already has the tag.
      const calls = aws.calls.length;
      const second = imageRecorder();
      await deployInProcess(aws, second.listener, new RecordingIoHost());

      expect(stages(second.updates)).toEqual(['waiting', 'unchanged']);
      const ecrCalls = aws.calls.slice(calls).filter((c) => c.service === 'ecr');
      expect(ecrCalls.map((c) => c.action)).toContain('DescribeImages');
      // No login, so no push.
      expect(ecrCalls.map((c) => c.action)).not.toContain('GetAuthorizationToken');
      expect(await registry.tags(REPOSITORY)).toEqual([tag]);
      expect(await registry.digest(REPOSITORY, tag)).toBe(digest);
    });

    it('exits 4 with the registry’s answer and a Next: line when the push is refused, and deploys no stack', {
      timeout: 240_000,
    }, async () => {
      const readOnly = await startRegistry({ readOnly: true });
      try {
        const aws = await startAws({ registry: readOnly.host });

        const run = await wharfAgainst(aws, ['deploy', FIXTURE, '--json', ...FAST], {
          DOCKER_CONFIG: dockerConfig,
          WHARF_TEST_IMAGE_SALT: `${salt}-refused`,
        });

        const records = run.stderr
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { type: string; stage?: string; assetId?: string });
        const images = records.filter((r) => r.type === 'image');
        const tag = images[0]?.assetId ?? '';
        localTags.add(`cdkasset-${tag}`).add(`${readOnly.host}/${REPOSITORY}:${tag}`);

        expect(run.code).toBe(4);
        expect(run.stderr).toContain(
          `error: pushing image 'Image' to ${readOnly.host}/${REPOSITORY}:${tag} failed; the stacks that use it were not deployed:`,
        );
        // Docker's message, with the registry's own answer in it (read-only mode refuses uploads).
        expect(run.stderr).toMatch(/docker push \S+ exited with error code 1: .*Method not allowed/);
        expect(run.stderr).toMatch(
          new RegExp(`^Next: docker push ${readOnly.host}/${REPOSITORY}:${tag} `, 'm'),
        );
        // stdout holds the one JSON document, nothing Docker printed.
        const result = JSON.parse(run.stdout) as {
          ok: boolean;
          error: { code: string; nextSteps: string[] };
        };
        expect(result.ok).toBe(false);
        expect(result.error.code).toBe('WHARF_DEPLOY_IMAGE_FAILED');
        expect(result.error.nextSteps[0]).toMatch(/^docker push /);
        // The JSON progress lines show the image's way to the failure.
        expect(images.map((r) => r.stage)).toEqual(['waiting', 'building', 'built', 'pushing', 'failed']);

        expect(await readOnly.tags(REPOSITORY)).toEqual([]);
        expect(cfnActions(aws)).not.toContain('CreateChangeSet');
        expect(aws.stack('ImageAsset')).toBeUndefined();
      } finally {
        await readOnly.stop();
      }
    });
  },
);
