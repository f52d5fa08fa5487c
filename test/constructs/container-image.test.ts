/**
 * `image: { directory }`: a folder with a Dockerfile becomes a CDK Docker image asset whose ECR
 * URI the task definition references, and whose asset-manifest entry (`dockerImages`) carries the
 * build: folder, Dockerfile, build arguments, target and a platform that follows
 * `cpuArchitecture`. Nothing is built here: the CDK only hashes the folder.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  ApiGatewayFargateService,
  type ContainerImageSource,
  findCdkAppDirectory,
  isWharfError,
  LoadBalancedFargateService,
  normalizeContainerImage,
  type PropsValidationError,
} from '../../src/index.js';
import { expectResource, ref } from './support.js';

process.env.CDK_VALIDATION = 'false';

const ROOT = resolve(import.meta.dirname, '../..');
/** The fixture app's folder (with cdk.json) and its image folder `app/` (Dockerfile, server.mjs). */
const APP_DIR = join(ROOT, 'test/fixtures/apps/asset-image');
const IMAGE_DIR = join(APP_DIR, 'app');

/** The bootstrap repository URI the default synthesizer gives an image asset with this tag. */
const assetImageUri = (tag: string) => ({
  'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/cdk-hnb659fds-container-assets-\${AWS::AccountId}-\${AWS::Region}:${tag}`,
});

describe('normalizeContainerImage', () => {
  const normalize = (image: ContainerImageSource, arch: 'X86_64' | 'ARM64' = 'X86_64', appDir = APP_DIR) =>
    normalizeContainerImage('Test/Service', image, arch, appDir);

  it('keeps a registry reference as it is', () => {
    expect(normalize('public.ecr.aws/docker/library/nginx:1.28.0')).toEqual({
      kind: 'registry',
      reference: 'public.ecr.aws/docker/library/nginx:1.28.0',
    });
  });

  it('resolves a relative folder from the app folder, with the Dockerfile and platform defaults', () => {
    expect(normalize({ directory: 'app' })).toEqual({
      kind: 'directory',
      directory: IMAGE_DIR,
      file: 'Dockerfile',
      buildArgs: {},
      target: undefined,
      platform: 'linux/amd64',
    });
  });

  it('takes an absolute folder as it is, whatever the app folder', () => {
    expect(normalize({ directory: IMAGE_DIR }, 'X86_64', tmpdir())).toMatchObject({ directory: IMAGE_DIR });
  });

  it.each([
    ['X86_64', 'linux/amd64'],
    ['ARM64', 'linux/arm64'],
  ] as const)('follows cpuArchitecture %s with platform %s when none is given', (arch, platform) => {
    expect(normalize({ directory: 'app' }, arch)).toMatchObject({ platform });
  });

  it('accepts an explicit platform, build arguments and target that fit', () => {
    expect(
      normalize(
        {
          directory: 'app',
          platform: 'linux/arm64',
          buildArgs: { GREETING: 'hi there', _X1: '' },
          target: 'runtime',
        },
        'ARM64',
      ),
    ).toMatchObject({
      platform: 'linux/arm64',
      buildArgs: { GREETING: 'hi there', _X1: '' },
      target: 'runtime',
    });
  });

  const otherFolder = mkdtempSync(join(tmpdir(), 'wharf-image-'));
  mkdirSync(join(otherFolder, 'context'));
  writeFileSync(join(otherFolder, 'Dockerfile'), 'FROM scratch\n');
  symlinkSync(join(otherFolder, 'Dockerfile'), join(otherFolder, 'context', 'Dockerfile'));

  const REJECTED: readonly {
    when: string;
    image: unknown;
    arch?: 'X86_64' | 'ARM64';
    prop: string;
    says: readonly string[];
  }[] = [
    {
      when: 'the reference is empty',
      image: '',
      prop: 'image',
      says: ['got ""', 'an image reference without spaces'],
    },
    { when: 'the reference has a space', image: 'nginx latest', prop: 'image', says: ['got "nginx latest"'] },
    {
      when: 'the image is a number',
      image: 42,
      prop: 'image',
      says: ['got number 42', "{ directory: 'app' }"],
    },
    { when: 'the image is null', image: null, prop: 'image', says: ['got null'] },
    {
      when: "the folder is given as SST's 'context'",
      image: { context: 'app' },
      prop: 'image',
      says: ["unknown key 'context'", 'allowed keys: directory, file, buildArgs, target, platform'],
    },
    {
      when: 'the folder is empty',
      image: { directory: '' },
      prop: 'image.directory',
      says: ['got ""', 'a folder path'],
    },
    { when: 'the folder is missing', image: {}, prop: 'image.directory', says: ['got nothing'] },
    {
      when: 'the folder does not exist',
      image: { directory: 'no-such-app' },
      prop: 'image.directory',
      says: [`no such folder: ${join(APP_DIR, 'no-such-app')}`, `from the CDK app's folder ${APP_DIR}`],
    },
    {
      when: 'the folder is a file',
      image: { directory: 'app/server.mjs' },
      prop: 'image.directory',
      says: [`${join(IMAGE_DIR, 'server.mjs')} is not a folder`],
    },
    {
      when: 'the Dockerfile does not exist',
      image: { directory: 'app', file: 'Dockerfile.prod' },
      prop: 'image.file',
      says: [`no Dockerfile at ${join(IMAGE_DIR, 'Dockerfile.prod')}`],
    },
    {
      when: 'the Dockerfile is outside the folder',
      image: { directory: 'app', file: '../cdk.json' },
      prop: 'image.file',
      says: ["got '../cdk.json', which is not inside image.directory", IMAGE_DIR],
    },
    {
      when: 'the Dockerfile is an absolute path',
      image: { directory: 'app', file: join(IMAGE_DIR, 'Dockerfile') },
      prop: 'image.file',
      says: ['not inside image.directory', 'a path relative to it'],
    },
    {
      when: 'the Dockerfile is a link to a file outside the folder',
      image: { directory: join(otherFolder, 'context') },
      prop: 'image.file',
      says: ['is a link to a file outside image.directory'],
    },
    {
      when: 'a build argument name is empty',
      image: { directory: 'app', buildArgs: { '': 'x' } },
      prop: 'image.buildArgs',
      says: ['build argument name "" is not allowed', 'letters, digits and underscores'],
    },
    {
      when: 'a build argument name has a dash',
      image: { directory: 'app', buildArgs: { 'NODE-VERSION': '20' } },
      prop: 'image.buildArgs',
      says: ['"NODE-VERSION" is not allowed'],
    },
    {
      when: 'a build argument value is not a string',
      image: { directory: 'app', buildArgs: { PORT: 8080 } },
      prop: 'image.buildArgs.PORT',
      says: ['got number 8080', 'a string known when the app is synthesized'],
    },
    {
      when: 'build arguments are a list',
      image: { directory: 'app', buildArgs: ['A=1'] },
      prop: 'image.buildArgs',
      says: ['got an array'],
    },
    {
      when: 'the target is not a stage name',
      image: { directory: 'app', target: 'run time' },
      prop: 'image.target',
      says: ['got "run time"', 'a Dockerfile stage name'],
    },
    {
      when: 'the platform is not one Fargate runs',
      image: { directory: 'app', platform: 'linux/386' },
      prop: 'image.platform',
      says: ['got "linux/386"', "'linux/amd64', 'linux/arm64'"],
    },
    {
      when: 'the platform is arm64 on X86_64',
      image: { directory: 'app', platform: 'linux/arm64' },
      prop: 'image.platform',
      says: [
        "got 'linux/arm64' with cpuArchitecture 'X86_64'",
        "allowed: 'linux/amd64'",
        'leave platform out',
      ],
    },
    {
      when: 'the platform is amd64 on ARM64',
      image: { directory: 'app', platform: 'linux/amd64' },
      arch: 'ARM64',
      prop: 'image.platform',
      says: ["got 'linux/amd64' with cpuArchitecture 'ARM64'", "allowed: 'linux/arm64'"],
    },
  ];

  it.each(REJECTED)('throws when $when, naming $prop', ({ image, arch, prop, says }) => {
    let error: unknown;
    try {
      normalize(image as ContainerImageSource, arch);
    } catch (caught) {
      error = caught;
    }
    expect(isWharfError(error), `threw ${String(error)}`).toBe(true);
    const e = error as PropsValidationError;
    expect(e.code).toBe('WHARF_PROPS_INVALID');
    expect(e.prop).toBe(prop);
    expect(e.message.startsWith(`Test/Service: invalid prop '${prop}': `)).toBe(true);
    for (const fragment of says) expect(e.message).toContain(fragment);
  });
});

describe('findCdkAppDirectory', () => {
  const tree = mkdtempSync(join(tmpdir(), 'wharf-app-dir-'));
  mkdirSync(join(tree, 'infra/lib/deep'), { recursive: true });
  writeFileSync(join(tree, 'infra/cdk.json'), '{ "app": "npx tsx app.ts" }');

  it('finds the nearest folder with cdk.json at or above the start', () => {
    expect(findCdkAppDirectory(join(tree, 'infra/lib/deep'))).toBe(join(tree, 'infra'));
    expect(findCdkAppDirectory(join(tree, 'infra'))).toBe(join(tree, 'infra'));
  });

  it('falls back to the start folder when no folder above it has cdk.json', () => {
    expect(findCdkAppDirectory(tree)).toBe(tree);
  });
});

/** Synthesizes `build` into a fresh cloud assembly and returns its asset manifest's `dockerImages`. */
function dockerImagesOf(app: App, stack: Stack): Record<string, DockerImageEntry> {
  const assembly = app.synth();
  const manifest = JSON.parse(
    readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'),
  );
  return manifest.dockerImages ?? {};
}

interface DockerImageEntry {
  readonly displayName?: string;
  readonly source: Record<string, unknown>;
  readonly destinations: Record<string, { repositoryName: string; imageTag: string }>;
}

describe.each([
  {
    name: 'ApiGatewayFargateService',
    build: (stack: Stack, image: ContainerImageSource, arch?: 'X86_64' | 'ARM64') =>
      new ApiGatewayFargateService(stack, 'Api', {
        service: { image, cpuArchitecture: arch, localCommand: 'node server.mjs' },
      }).service,
  },
  {
    name: 'LoadBalancedFargateService',
    build: (stack: Stack, image: ContainerImageSource, arch?: 'X86_64' | 'ARM64') =>
      new LoadBalancedFargateService(stack, 'Web', {
        service: { image, cpuArchitecture: arch, localCommand: 'node server.mjs' },
      }).service,
  },
])('$name with image: { directory }', ({ build }) => {
  const app = new App();
  const stack = new Stack(app, 'Built');
  const service = build(
    stack,
    { directory: IMAGE_DIR, buildArgs: { GREETING: 'hello' }, target: 'runtime' },
    'ARM64',
  );
  const hash = service.imageAsset?.assetHash ?? '';
  const serviceStack = Template.fromStack(service.node.scope as Stack);
  const images = dockerImagesOf(app, stack);

  it('references the asset by its content-hash tag in the bootstrap ECR repository', () => {
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(service.imageUri).toBeDefined();
    expectResource(serviceStack, 'TaskDefinition', 'AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [{ Name: 'web', Image: assetImageUri(hash) }],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ExecutionRoleArn: ref('ECSTaskExecutionRole'),
    });
  });

  it('keeps localCommand for wharf dev --runtime process in the task definition metadata', () => {
    expect(serviceStack.toJSON().Resources.TaskDefinition.Metadata).toEqual({
      'wharf:local:command': 'node server.mjs',
    });
  });

  it("writes the build into the parent stack's asset manifest, as the CDK toolchain expects", () => {
    expect(Object.keys(images)).toEqual([hash]);
    const entry = images[hash];
    expect(entry.displayName).toBe('web image');
    expect(entry.source).toEqual({
      directory: `asset.${hash}`,
      dockerFile: 'Dockerfile',
      dockerBuildArgs: { GREETING: 'hello' },
      dockerBuildTarget: 'runtime',
      platform: 'linux/arm64',
    });
    expect(Object.values(entry.destinations)).toEqual([
      expect.objectContaining({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation placeholders, resolved at deploy time.
        repositoryName: 'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}',
        imageTag: hash,
      }),
    ]);
  });

  it('passes the task execution role, whose AWS managed policy allows pulls from any ECR repository of the account', () => {
    // AmazonECSTaskExecutionRolePolicy: ecr:GetAuthorizationToken, ecr:BatchCheckLayerAvailability,
    // ecr:GetDownloadUrlForLayer, ecr:BatchGetImage on "*"
    // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html).
    const clusterStack = Template.fromStack(
      stack.node.findAll().find((c) => c.node.id === 'ClusterStack') as Stack,
    );
    expectResource(clusterStack, 'ECSTaskExecutionRole', 'AWS::IAM::Role', {
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', ref('AWS::Partition'), ':iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'],
          ],
        },
      ],
    });
  });
});

describe('image asset hashes', () => {
  const hashOf = (image: ContainerImageSource, arch?: 'X86_64' | 'ARM64') =>
    new ApiGatewayFargateService(new Stack(new App(), 'Hash'), 'Api', {
      service: { image, cpuArchitecture: arch },
    }).service.imageAsset?.assetHash;

  it('is the same for the same folder and options, and changes with the build arguments, target or platform', () => {
    const base = hashOf({ directory: IMAGE_DIR });
    expect(hashOf({ directory: IMAGE_DIR })).toBe(base);
    expect(hashOf({ directory: IMAGE_DIR, buildArgs: { GREETING: 'x' } })).not.toBe(base);
    expect(hashOf({ directory: IMAGE_DIR, target: 'runtime' })).not.toBe(base);
    expect(hashOf({ directory: IMAGE_DIR }, 'ARM64')).not.toBe(base);
  });

  it('creates no asset for a registry reference', () => {
    const app = new App();
    const stack = new Stack(app, 'Registry');
    const service = new ApiGatewayFargateService(stack, 'Api', {
      service: { image: 'public.ecr.aws/docker/library/nginx:1.28.0' },
    }).service;
    expect(service.imageAsset).toBeUndefined();
    expect(service.imageUri).toBe('public.ecr.aws/docker/library/nginx:1.28.0');
    expect(dockerImagesOf(app, stack)).toEqual({});
  });
});
