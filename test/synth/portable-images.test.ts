/**
 * `synth --portable` with images built from a folder: the CDK's asset image URI becomes a root
 * parameter (`ImageUrl`) passed down to the stack that uses it, and the printed commands build,
 * push and deploy the image. The apps are synthesized in-process into a temporary assembly with
 * `PORTABLE_CONTEXT`, as `wharf synth --portable` does.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { describe, expect, it } from 'vitest';
import { ApiGatewayFargateService, type FargatePatternProps, isWharfError } from '../../src/index.js';
import { shellQuote } from '../../src/io/shell-quote.js';
import { readDockerImageAssets } from '../../src/synth/image-assets.js';
import { toPortable } from '../../src/synth/portable.js';
import {
  imageDeployCommands,
  type PortableImage,
  repositoryName,
  unbuildableReason,
} from '../../src/synth/portable-images.js';
import { PORTABLE_CONTEXT } from '../../src/synth/synth.js';
import { loadCloudAssembly } from '../../src/template/load.js';
import type { CfnTemplate } from '../../src/template/model.js';

process.env.CDK_VALIDATION = 'false';

const ROOT = resolve(import.meta.dirname, '../..');
const IMAGE_DIR = join(ROOT, 'test/fixtures/apps/asset-image/app');

/** Synthesizes `build` in a fresh app (as a portable synth would) and makes it portable. */
function portableOf(build: (stack: Stack) => void) {
  const outdir = mkdtempSync(join(tmpdir(), 'wharf-portable-'));
  const app = new App({ outdir, context: { ...PORTABLE_CONTEXT, 'aws:cdk:enable-asset-metadata': true } });
  build(new Stack(app, 'Shop'));
  app.synth();
  const [loaded] = loadCloudAssembly(outdir);
  if (!loaded) throw new Error('no stack synthesized');
  const assets = readDockerImageAssets(outdir);
  return { outdir, assets, ...toPortable(loaded, 'yml', assets) };
}

const templateNamed = (files: { name: string; template: CfnTemplate }[], name: string) => {
  const file = files.find((f) => f.name === name);
  if (!file) throw new Error(`no ${name}; have ${files.map((f) => f.name).join(', ')}`);
  return file.template as CfnTemplate & { Parameters?: Record<string, Record<string, unknown>> };
};

const pattern =
  (props: FargatePatternProps, id = 'Api') =>
  (stack: Stack) =>
    new ApiGatewayFargateService(stack, id, props);

describe('toPortable with an image asset in the nested layout', () => {
  const { files, images, assets, outdir } = portableOf(
    pattern({ service: { serviceName: 'hello', image: { directory: IMAGE_DIR, target: 'runtime' } } }),
  );
  const parent = templateNamed(files, 'parent.yml');
  const service = templateNamed(files, 'service.yml');

  it('reads the asset from the manifest with its own folder (not a staged copy)', () => {
    expect(assets).toHaveLength(1);
    expect(assets[0]).toMatchObject({ directory: IMAGE_DIR, dockerFile: 'Dockerfile', target: 'runtime' });
    expect(unbuildableReason(assets[0] as (typeof assets)[number], outdir)).toBeUndefined();
  });

  it("references the root parameter ImageUrl in the service's task definition", () => {
    const definitions = service.Resources.TaskDefinition?.Properties?.ContainerDefinitions;
    const container = Array.isArray(definitions) ? definitions[0] : undefined;
    expect(container).toMatchObject({ Name: 'hello', Image: { Ref: 'ImageUrl' } });
    expect(service.Parameters?.ImageUrl).toMatchObject({ Type: 'String' });
  });

  it('declares ImageUrl in the root (required, no default) and passes it to ServiceStack only', () => {
    expect(parent.Parameters).toEqual({
      ImageUrl: expect.objectContaining({ Type: 'String', MinLength: 1 }),
    });
    expect(parent.Parameters?.ImageUrl?.Default).toBeUndefined();
    expect(parent.Resources.ServiceStack?.Properties?.Parameters).toMatchObject({
      ImageUrl: { Ref: 'ImageUrl' },
    });
    for (const other of ['VpcStack', 'ClusterStack', 'ApiGatewayStack']) {
      expect(JSON.stringify(parent.Resources[other]?.Properties?.Parameters ?? {})).not.toContain('ImageUrl');
    }
  });

  it('leaves no CDK asset reference in any template', () => {
    for (const file of files)
      expect(JSON.stringify(file.template)).not.toMatch(/cdk-[a-z0-9]+-(container-)?assets-/);
  });

  it('reports the image, its tag (the asset hash) and where it is used', () => {
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({
      parameter: 'ImageUrl',
      tag: assets[0]?.id,
      uses: [
        {
          stack: 'ServiceStack',
          logicalId: 'TaskDefinition',
          propertyPath: 'Properties.ContainerDefinitions.0.Image',
          container: 'hello',
        },
      ],
    });
  });
});

describe('toPortable with image assets in the flat layout', () => {
  it('declares the parameter in the one template', () => {
    const { files, images } = portableOf(
      pattern({ layout: 'flat', service: { image: { directory: IMAGE_DIR } } }),
    );
    expect(files.map((f) => f.name)).toEqual(['parent.yml']);
    const parent = templateNamed(files, 'parent.yml');
    expect(Object.keys(parent.Parameters ?? {})).toEqual(['ImageUrl']);
    expect(JSON.stringify(parent.Resources)).toContain('{"Ref":"ImageUrl"}');
    expect(images.map((i) => i.parameter)).toEqual(['ImageUrl']);
  });

  it('gives each distinct image its own parameter named after its container, and one to an image used twice', () => {
    const { images } = portableOf((stack) => {
      pattern(
        { layout: 'flat', service: { serviceName: 'orders', image: { directory: IMAGE_DIR } } },
        'Orders',
      )(stack);
      pattern(
        {
          layout: 'flat',
          service: { serviceName: 'audit-log', image: { directory: IMAGE_DIR, target: 'runtime' } },
        },
        'Audit',
      )(stack);
    });
    expect(images.map((i) => i.parameter).sort()).toEqual(['AuditLogImageUrl', 'OrdersImageUrl']);

    const shared = portableOf((stack) => {
      pattern(
        { layout: 'flat', service: { serviceName: 'orders', image: { directory: IMAGE_DIR } } },
        'Orders',
      )(stack);
      pattern(
        { layout: 'flat', service: { serviceName: 'billing', image: { directory: IMAGE_DIR } } },
        'Billing',
      )(stack);
    });
    expect(shared.images.map((i) => [i.parameter, i.uses.map((u) => u.container)])).toEqual([
      ['ImageUrl', ['orders', 'billing']],
    ]);
  });
});

describe('toPortable with other CDK assets', () => {
  it('still refuses file assets (e.g. Lambda code), naming the template', () => {
    let error: unknown;
    try {
      portableOf((stack) => {
        const code = new Asset(stack, 'Code', { path: join(IMAGE_DIR, 'server.mjs') });
        new CfnResource(stack, 'Uses', {
          type: 'AWS::S3::Bucket',
          properties: { Tags: [{ Key: 'code', Value: code.s3BucketName }] },
        });
      });
    } catch (caught) {
      error = caught;
    }
    expect(isWharfError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('WHARF_PORTABLE_ASSETS');
    expect((error as Error).message).toMatch(
      /Shop\.template\.json: this template uses CDK assets \(cdk-hnb659fds-assets-…\) other than Docker images/,
    );
  });
});

describe('imageDeployCommands', () => {
  const image = (
    parameter: string,
    container: string,
    extra: Partial<PortableImage['asset']> = {},
  ): PortableImage => ({
    parameter,
    tag: 'a1b2c3',
    uses: [
      {
        stack: 'ServiceStack',
        logicalId: 'TaskDefinition',
        propertyPath: 'Properties.ContainerDefinitions.0.Image',
        container,
      },
    ],
    asset: {
      id: 'a1b2c3',
      buildArgs: {},
      unsupported: [],
      imageTags: ['a1b2c3'],
      manifest: '/tmp/x.assets.json',
      directory: '/work/shop/app',
      ...extra,
    },
  });

  it('logs in to ECR, creates the repository once, builds for the platform, pushes, and passes the image to sam deploy', () => {
    const lines = imageDeployCommands(
      [
        image('ImageUrl', 'web', {
          platform: 'linux/arm64',
          dockerFile: 'Dockerfile',
          target: 'runtime',
          buildArgs: { B: '2', A: 'x y' },
        }),
      ],
      { stackName: 'OrdersApi', parentFile: '/work/shop/out/parent.yml', cwd: '/work/shop' },
    );
    expect(lines).toEqual([
      'ACCOUNT=$(aws sts get-caller-identity --query Account --output text)',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion.
      'REGION=${AWS_REGION:-$(aws configure get region)}',
      'REGISTRY=$ACCOUNT.dkr.ecr.$REGION.amazonaws.com',
      'aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY"',
      'aws ecr describe-repositories --repository-names orders-api/web >/dev/null 2>&1 || aws ecr create-repository --repository-name orders-api/web >/dev/null',
      'docker build --platform linux/arm64 --file app/Dockerfile --target runtime --build-arg \'A=x y\' --build-arg B=2 --tag "$REGISTRY/orders-api/web:a1b2c3" app',
      'docker push "$REGISTRY/orders-api/web:a1b2c3"',
      'sam deploy --template-file out/parent.yml --stack-name OrdersApi --resolve-s3 --capabilities CAPABILITY_IAM --parameter-overrides "ImageUrl=$REGISTRY/orders-api/web:a1b2c3"',
    ]);
  });

  it('keeps paths outside the current folder absolute and quotes them, and passes every image', () => {
    const lines = imageDeployCommands(
      [image('OrdersImageUrl', 'orders', { directory: "/srv/my app's" }), image('AuditImageUrl', 'audit')],
      { stackName: 'Shop', parentFile: '/tmp/out/parent.yml', cwd: '/work/elsewhere' },
    );
    expect(lines).toContain(
      `docker build --file '/srv/my app'\\''s/Dockerfile' --tag "$REGISTRY/shop/orders:a1b2c3" '/srv/my app'\\''s'`,
    );
    expect(lines.at(-1)).toBe(
      'sam deploy --template-file /tmp/out/parent.yml --stack-name Shop --resolve-s3 --capabilities CAPABILITY_IAM --parameter-overrides "OrdersImageUrl=$REGISTRY/shop/orders:a1b2c3" "AuditImageUrl=$REGISTRY/shop/audit:a1b2c3"',
    );
  });

  it.each([
    ['AssetImage', 'hello', 'asset-image/hello'],
    ['my_Stack..X', 'Web--API', 'my_stack-x/web-api'],
    ['Shop', '--', 'shop/app'],
  ])('names the ECR repository of stack %s, container %s: %s', (stack, container, name) => {
    expect(repositoryName(stack, image('ImageUrl', container))).toBe(name);
  });

  it.each([
    ['app', 'app'],
    ['hello world', "'hello world'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf ~)', "'$(rm -rf ~)'"],
  ])('quotes %j for the shell as %s', (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
  });
});

describe('unbuildableReason', () => {
  const asset = { id: 'x', buildArgs: {}, unsupported: [], imageTags: ['x'], manifest: '/a/x.assets.json' };

  it.each([
    [{ ...asset, directory: '/tmp/assembly/asset.x' }, 'staged inside the cloud assembly'],
    [{ ...asset }, 'is not built from a folder'],
    [
      { ...asset, directory: '/work/app', unsupported: ['dockerBuildSecrets'] },
      'uses build options dockerBuildSecrets',
    ],
  ])('explains why an asset cannot be built by the printed commands (%#)', (given, says) => {
    expect(unbuildableReason(given, '/tmp/assembly')).toContain(says);
  });
});
