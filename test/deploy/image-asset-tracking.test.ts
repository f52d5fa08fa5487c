/**
 * How a deploy follows its container images: the asset manifests of an assembly, the CDK
 * toolkit's asset messages (recorded from real runs in
 * test/fixtures/deploy/image-asset-messages.json), the failures with their next steps, Docker's
 * output kept off the terminal, and the Docker and repository preflights. No Docker needed; the
 * repository check reads a mocked CloudFormation.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureDockerOutput,
  checkDocker,
  classifyImageFailure,
  decodeAssetMessage,
  type ImageAsset,
  ImageAssetTracker,
  imageAssetError,
  imageFailureNextSteps,
  readImageAssets,
  type ToolkitAssetMessage,
} from '../../src/deploy/assets/index.js';
import { AWS_EXIT_CODE, ImageAssetError } from '../../src/deploy/errors.js';
import {
  checkImageRepository,
  imageRepositoryMismatches,
} from '../../src/deploy/preflight/image-repository.js';
import type { ImageProgress } from '../../src/deploy/progress/types.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { ROOT, tempDir } from '../support/cli.js';
import {
  RECORDED,
  RECORDED_IMAGE,
  replayImageRun as replay,
  stagesOf as stages,
} from '../support/image-asset-recording.js';
import { type MockAwsOptions, startMockAws } from '../support/mock-aws/index.js';

describe('readImageAssets: the container images of an assembly', () => {
  it('reads each image of the selected stacks once, with its staged build folder and destination, nested assemblies included', () => {
    const dir = tempDir('wharf-assets-');
    const manifest = (artifacts: Record<string, unknown>) => JSON.stringify({ version: '48.0.0', artifacts });
    const images = (id: string, displayName?: string) =>
      JSON.stringify({
        version: '48.0.0',
        files: { t1: { source: { path: 'x.json' }, destinations: {} } },
        dockerImages: {
          [id]: {
            ...(displayName ? { displayName } : {}),
            source: { directory: `asset.${id}`, dockerFile: 'Dockerfile.prod' },
            destinations: {
              'current_account-current_region': {
                // biome-ignore lint/suspicious/noTemplateCurlyInString: a CDK placeholder, not a JS template.
                repositoryName: 'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}',
                imageTag: id,
              },
            },
          },
        },
      });
    writeFileSync(
      join(dir, 'manifest.json'),
      manifest({
        'Api.assets': { type: 'cdk:asset-manifest', properties: { file: 'Api.assets.json' } },
        Api: {
          type: 'aws:cloudformation:stack',
          properties: { stackName: 'orders-api' },
          dependencies: ['Api.assets'],
        },
        'Other.assets': { type: 'cdk:asset-manifest', properties: { file: 'Other.assets.json' } },
        Other: { type: 'aws:cloudformation:stack', dependencies: ['Other.assets'] },
        assembly: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } },
      }),
    );
    writeFileSync(join(dir, 'Api.assets.json'), images('aaa111', 'Api/Image'));
    writeFileSync(join(dir, 'Other.assets.json'), images('bbb222'));
    mkdirSync(join(dir, 'assembly-Prod'));
    writeFileSync(
      join(dir, 'assembly-Prod', 'manifest.json'),
      manifest({
        'ProdApi.assets': { type: 'cdk:asset-manifest', properties: { file: 'ProdApi.assets.json' } },
        ProdApi: { type: 'aws:cloudformation:stack', dependencies: ['ProdApi.assets'] },
      }),
    );
    // The same image in a second stack is one image.
    writeFileSync(join(dir, 'assembly-Prod', 'ProdApi.assets.json'), images('aaa111', 'Prod/Api/Image'));

    expect(readImageAssets(dir, ['orders-api'])).toEqual([
      {
        assetId: 'aaa111',
        name: 'Api/Image',
        stackName: 'orders-api',
        directory: join(dir, 'asset.aaa111'),
        dockerfile: 'Dockerfile.prod',
        destinations: [
          {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CDK placeholder, not a JS template.
            repositoryName: 'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}',
            imageTag: 'aaa111',
          },
        ],
      },
    ]);
    expect(readImageAssets(dir).map((a) => [a.assetId, a.name, a.stackName])).toEqual([
      ['aaa111', 'Api/Image', 'orders-api'],
      ['bbb222', 'bbb222', 'Other'],
    ]);
    expect(readImageAssets(dir, ['ProdApi']).map((a) => a.name)).toEqual(['Prod/Api/Image']);
    expect(readImageAssets(dir, ['nothing'])).toEqual([]);
  });
});

describe('decodeAssetMessage: what a toolkit message says about assets', () => {
  const uri =
    '127.0.0.1:5000/cdk-hnb659fds-container-assets-123456789012-us-east-1:77ee9a7991386b503e2d56e3a294594afba8cf3ae4a9f2bc4af523106484fe05';
  const assetEvent = (type: string, text: string): ToolkitAssetMessage => ({
    code: type === 'fail' ? 'CDK_ASSETS_E5279' : 'CDK_ASSETS_I5271',
    message: `ImageAsset: ${type}: ${text}`,
    data: { type, message: `\u001b[1mImageAsset\u001b[22m: ${type}: ${text}` },
  });
  it.each([
    ['an image being checked', assetEvent('check', `Check ${uri}`), { kind: 'checking', imageUri: uri }],
    ['an image ECR already has', assetEvent('found', `Found ${uri}`), { kind: 'found', imageUri: uri }],
    ['an image being pushed', assetEvent('upload', `Push ${uri}`), { kind: 'pushing', imageUri: uri }],
    [
      'an image built before',
      assetEvent('cached', 'Cached cdkasset-77ee9a79'),
      { kind: 'cached', localTag: 'cdkasset-77ee9a79' },
    ],
    ['a file upload (not an image)', assetEvent('upload', 'Upload s3://bucket/abc.json'), undefined],
    ['a file check (not an image)', assetEvent('check', 'Check s3://bucket/abc.json'), undefined],
    ['a debug line', assetEvent('debug', 'shell_open'), undefined],
    [
      'a failure',
      assetEvent('fail', 'docker push x exited with error code 1: denied'),
      { kind: 'failed', message: 'docker push x exited with error code 1: denied' },
    ],
    [
      'a build span',
      {
        code: 'CDK_TOOLKIT_I5210',
        message: 'Starting Build Asset ...',
        span: 's1',
        data: { asset: { id: { assetId: 'abc' }, type: 'docker-image', destination: { imageTag: 'abc' } } },
      },
      { kind: 'build-started', span: 's1', assetId: 'abc', assetType: 'docker-image', imageTag: 'abc' },
    ],
    [
      'the end of a publish span',
      { code: 'CDK_TOOLKIT_I5221', message: 'Publish Asset time: 1s', span: 's2', data: { duration: 1000 } },
      { kind: 'publish-ended', span: 's2' },
    ],
    ['a stack event', { code: 'CDK_TOOLKIT_I5502', message: 'event', data: {} }, undefined],
  ] as const)('%s', (_name, message, expected) => {
    expect(decodeAssetMessage(message)).toEqual(expected);
  });
});

describe('ImageAssetTracker: an image’s stages from the toolkit’s recorded messages', () => {
  it('reports waiting, building (with Docker’s lines), built, pushing (with the push lines) and pushed for a first deploy', () => {
    const { updates, tracker } = replay(RECORDED.success);
    expect(stages(updates)).toEqual(['waiting', 'building', 'built', 'pushing', 'pushed']);
    const building = updates.filter((u) => u.stage === 'building').map((u) => u.detail);
    expect(building).toContain('Step 2/3 : COPY index.html /www/index.html');
    const pushing = updates.filter((u) => u.stage === 'pushing').map((u) => u.detail);
    expect(pushing).toContain('e401aa45f08c: Pushed');
    expect(updates.at(-1)?.imageUri).toMatch(
      /^127\.0\.0\.1:\d+\/cdk-hnb659fds-container-assets-123456789012-us-east-1:77ee9a79/,
    );
    expect(tracker.failures()).toEqual([]);
  });

  it('reports unchanged, and never building or pushing, when ECR already has the tag', () => {
    const { updates } = replay(RECORDED.unchanged);
    expect(stages(updates)).toEqual(['waiting', 'unchanged']);
  });

  it('reports the refused push as failed with Docker’s message, and keeps the failure for the deploy’s error', () => {
    const { updates, tracker } = replay(RECORDED.failure);
    expect(stages(updates)).toEqual(['waiting', 'building', 'built', 'pushing', 'failed']);
    // The image was built by the run before: the toolkit reused the local image.
    expect(updates.find((u) => u.stage === 'building' && u.detail)?.detail).toMatch(
      /^built before: reusing the local image cdkasset-77ee9a79/,
    );
    const [failure] = tracker.failures();
    expect(failure?.stage).toBe('push');
    expect(failure?.asset?.name).toBe('Image');
    expect(failure?.message).toMatch(
      /^docker push 127\.0\.0\.1:\d+\/\S+ exited with error code 1: .*Method not allowed/,
    );
    expect(updates.at(-1)?.detail).toBe(failure?.message);
  });

  it('fails the image Docker was working on, and cancels those not reached, when the deploy stops', () => {
    const second: ImageAsset = { ...RECORDED_IMAGE, assetId: 'ffff', name: 'Other', destinations: [] };
    const updates: ImageProgress[] = [];
    const tracker = new ImageAssetTracker([RECORDED_IMAGE, second], (u) => updates.push(u));
    tracker.start();
    const buildStart = RECORDED.success.find(
      (e) =>
        'code' in e &&
        e.code === 'CDK_TOOLKIT_I5210' &&
        JSON.stringify(e.data).includes(RECORDED_IMAGE.assetId),
    ) as ToolkitAssetMessage;
    tracker.observe(buildStart);
    tracker.stopped('Interrupted');
    expect(updates.slice(-2).map((u) => [u.name, u.stage, u.detail])).toEqual([
      ['Image', 'failed', 'Interrupted'],
      ['Other', 'cancelled', undefined],
    ]);
  });
});

describe('image failures: the step, the message and the next steps', () => {
  it.each([
    ['docker push 127.0.0.1:5000/r:t exited with error code 1: denied', 'push'],
    [
      'docker login --username AWS --password-stdin 127.0.0.1:5000 exited with error code 1: refused',
      'login',
    ],
    ['docker build --tag cdkasset-x . exited with error code 1: unknown instruction: FORM', 'build'],
    [
      "No ECR repository named 'cdk-hnb659fds-container-assets-1-r' in account 1. Is this account bootstrapped?",
      'repository',
    ],
    ["Failed to find and execute 'docker' while attempting to build a container asset.", 'docker'],
    ['User: arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole', 'publish'],
  ] as const)('classifies %j as %s', (message, stage) => {
    expect(classifyImageFailure(message)).toBe(stage);
  });

  it('names the image, the destination and Docker’s message, exits 4, and says how to retry the push', () => {
    const { tracker } = replay(RECORDED.failure);
    const [failure] = tracker.failures();
    if (!failure) throw new Error('the recorded run has a failure');
    const error = imageAssetError(failure, { account: '123456789012', region: 'us-east-1' });
    expect(error).toBeInstanceOf(ImageAssetError);
    expect(error.exitCode).toBe(AWS_EXIT_CODE);
    expect(error.code).toBe('WHARF_DEPLOY_IMAGE_FAILED');
    expect(error.stage).toBe('push');
    const [head, detail, next] = error.message.split('\n');
    expect(head).toMatch(
      /^pushing image 'Image' to 127\.0\.0\.1:\d+\/cdk-hnb659fds-container-assets-123456789012-us-east-1:77ee9a\w+ failed; the stacks that use it were not deployed:$/,
    );
    expect(detail).toMatch(/^ {2}docker push .*Method not allowed/);
    expect(next).toMatch(
      /^Next: docker push 127\.0\.0\.1:\d+\/cdk-hnb659fds-container-assets-123456789012-us-east-1:77ee9a\w+ {3}\(/,
    );
  });

  it('points a failed login at the ECR login command for the registry, and a missing repository at wharf bootstrap', () => {
    const context = {
      name: 'Image',
      imageUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo:abc',
      account: '123456789012',
      region: 'eu-west-1',
    };
    expect(imageFailureNextSteps('login', context)[0]).toMatch(
      /^aws ecr get-login-password --region eu-west-1 \| docker login --username AWS --password-stdin 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com /,
    );
    expect(imageFailureNextSteps('repository', context)[0]).toMatch(
      /^wharf bootstrap aws:\/\/123456789012\/eu-west-1 /,
    );
    expect(imageFailureNextSteps('build', context)[0]).toContain('image Image');
  });
});

describe('captureDockerOutput: Docker’s output kept off the terminal', () => {
  // The module cdk-assets copies a subprocess's output with (the toolkit leaves it at `stdio`).
  const cdkAssets = createRequire(join(ROOT, 'node_modules/@aws-cdk/toolkit-lib/package.json'))(
    join(ROOT, 'node_modules/@aws-cdk/cdk-assets-lib/lib/private/shell.js'),
  ) as {
    shell(
      command: string[],
      options: { subprocessOutputDestination: 'stdio'; shellEventPublisher: () => void },
    ): Promise<string>;
  };
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('diverts what cdk-assets copies from a subprocess, line by line, and lets every other write through', async () => {
    const lines: string[] = [];
    const passed: string[] = [];
    const realWrite = process.stderr.write;
    // Stand in for the terminal underneath the capture.
    process.stderr.write = ((chunk: string) => {
      passed.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      stop = captureDockerOutput((line) => {
        lines.push(line);
        // What the listener writes (a progress frame) goes out, even from inside a diverted write.
        process.stderr.write(`frame for ${line}\n`);
      });
      await cdkAssets.shell(
        ['sh', '-c', 'printf "Step 1/2 : FROM x\\n\\nStep 2/2"; echo " : COPY a b"; echo denied >&2'],
        {
          subprocessOutputDestination: 'stdio',
          shellEventPublisher: () => {},
        },
      );
      process.stderr.write('a message of our own\n');
      stop();
      stop = undefined;
    } finally {
      process.stderr.write = realWrite;
    }
    expect(lines.sort()).toEqual(['Step 1/2 : FROM x', 'Step 2/2 : COPY a b', 'denied'].sort());
    expect(passed).toContain('a message of our own\n');
    expect(passed).toContain('frame for denied\n');
    expect(passed.join('')).not.toMatch(/^denied$/m);
  });
});

describe('checkDocker: the Docker preflight of a deploy with images', () => {
  const saved = process.env.CDK_DOCKER;
  afterEach(() => {
    if (saved === undefined) delete process.env.CDK_DOCKER;
    else process.env.CDK_DOCKER = saved;
  });

  it('stops before AWS, naming the images and the missing CLI, with what to do', async () => {
    process.env.CDK_DOCKER = '/nonexistent/docker';
    const error = await checkDocker([RECORDED_IMAGE]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageAssetError);
    const e = error as ImageAssetError;
    expect(e.stage).toBe('docker');
    expect(e.message).toContain(
      "the app has 1 container image(s) to build and push (Image), which needs Docker: '/nonexistent/docker' is not installed (or not on PATH). Nothing was deployed.",
    );
    expect(e.message).toMatch(/\nNext: start Docker/);
  });

  it('reports the daemon’s answer when the CLI fails', async () => {
    const fake = join(tempDir('wharf-fake-docker-'), 'docker');
    writeFileSync(
      fake,
      '#!/bin/sh\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    process.env.CDK_DOCKER = fake;
    const error = (await checkDocker([RECORDED_IMAGE]).catch((e: unknown) => e)) as ImageAssetError;
    expect(error.message).toContain(`'${fake} version' failed: Cannot connect to the Docker daemon`);
  });
});

describe('checkImageRepository: the images go to the bootstrap stack’s repository (mocked AWS)', () => {
  const environment = { account: '123456789012', region: 'us-east-1' };

  it('resolves the asset manifest’s placeholders and finds no mismatch with the default bootstrap', () => {
    expect(
      imageRepositoryMismatches(
        [RECORDED_IMAGE],
        environment,
        'cdk-hnb659fds-container-assets-123456789012-us-east-1',
      ),
    ).toEqual([]);
    expect(imageRepositoryMismatches([RECORDED_IMAGE], environment, 'my-images')).toEqual([
      { image: RECORDED_IMAGE, repository: 'cdk-hnb659fds-container-assets-123456789012-us-east-1' },
    ]);
  });

  async function check(options: MockAwsOptions) {
    const aws = await startMockAws(options);
    const restore = aws.useEnv();
    const cloudFormation = new CloudFormationClient({});
    const io = new RecordingIoHost();
    try {
      return await checkImageRepository(cloudFormation, [RECORDED_IMAGE], environment, io).then(
        () => ({ error: undefined, io }),
        (error: unknown) => ({ error, io }),
      );
    } finally {
      cloudFormation.destroy();
      restore();
      await aws.close();
    }
  }

  it('passes when the bootstrap stack’s ImageRepositoryName output is the app’s repository', async () => {
    expect((await check({})).error).toBeUndefined();
  });

  it('stops before building when the environment was bootstrapped with another repository, naming both', async () => {
    const { error } = await check({
      bootstrap: false,
      stacks: [
        { name: 'CDKToolkit', status: 'UPDATE_COMPLETE', outputs: { ImageRepositoryName: 'team-images' } },
      ],
    });
    expect(error).toBeInstanceOf(ImageAssetError);
    const e = error as ImageAssetError;
    expect(e.stage).toBe('repository');
    expect(e.message).toContain(
      "image 'Image' would be pushed to the ECR repository 'cdk-hnb659fds-container-assets-123456789012-us-east-1', but the bootstrap stack CDKToolkit in 123456789012/us-east-1 has 'team-images'",
    );
    expect(e.nextSteps[0]).toBe(
      "point the app at it: new DefaultStackSynthesizer({ imageAssetsRepositoryName: 'team-images' }) on the stack",
    );
  });

  it('passes over an environment without a readable bootstrap stack (the push reports it)', async () => {
    expect((await check({ bootstrap: false })).error).toBeUndefined();
  });
});
