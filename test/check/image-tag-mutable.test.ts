/**
 * Image references (`src/aws/image-reference.ts`) and what the `image-tag-mutable` trap says: it
 * flags `latest` and untagged registry images, traced through parameters, and nothing pinned.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { type ImagePinning, imagePinning, parseImageReference } from '../../src/aws/image-reference.js';
import { imageTagMutable } from '../../src/check/traps/image-tag-mutable.js';
import { ApiGatewayFargateService, type ContainerOptions } from '../../src/index.js';
import { loadCloudAssembly, loadTemplateFile } from '../../src/template/load.js';

process.env.CDK_VALIDATION = 'false';

const DIGEST = 'sha256:f85340bf132ae937d2c2a763b8335c9bab35d6e8293f70f606b9c6178d84f42b';

describe('parseImageReference', () => {
  it.each([
    ['nginx', { repository: 'nginx' }, 'untagged'],
    ['nginx:latest', { repository: 'nginx', tag: 'latest' }, 'latest'],
    [
      'public.ecr.aws/docker/library/nginx:1.28.0',
      { repository: 'public.ecr.aws/docker/library/nginx', tag: '1.28.0' },
      'tagged',
    ],
    ['localhost:5000/shop/api', { repository: 'localhost:5000/shop/api' }, 'untagged'],
    ['localhost:5000/shop/api:latest', { repository: 'localhost:5000/shop/api', tag: 'latest' }, 'latest'],
    [`busybox@${DIGEST}`, { repository: 'busybox', digest: DIGEST }, 'digest'],
    [`busybox:latest@${DIGEST}`, { repository: 'busybox', tag: 'latest', digest: DIGEST }, 'digest'],
    ['node:20-alpine', { repository: 'node', tag: '20-alpine' }, 'tagged'],
    ['nginx:LATEST', { repository: 'nginx', tag: 'LATEST' }, 'tagged'],
  ] as const)('reads %s', (text, parts, pinning) => {
    const reference = parseImageReference(text);
    expect(reference).toEqual(parts);
    expect(imagePinning(reference as NonNullable<typeof reference>)).toBe(pinning satisfies ImagePinning);
  });

  it.each([
    '',
    'nginx latest',
    'nginx:',
    'nginx:-bad',
    `nginx:${'x'.repeat(129)}`,
    'nginx@sha256',
    ':latest',
    'nginx\u001b[31m:latest',
  ])('rejects %j', (text) => {
    expect(parseImageReference(text)).toBeUndefined();
  });
});

describe('image-tag-mutable findings', () => {
  const findings = imageTagMutable.check(
    loadTemplateFile(
      fileURLToPath(new URL('../fixtures/traps/image-tag-mutable/trips/template.yml', import.meta.url)),
    ),
  );

  it('names the container, the parameter the image came from, the tag and a pinned fix', () => {
    expect(findings[0]?.message).toContain(
      'Container api of task definition ShopTask runs registry.example.com:5000/shop/api:latest (parameter ImageUrl), with the tag latest',
    );
    expect(findings[0]?.fix).toContain('(the value of ImageUrl)');
    expect(findings[0]?.fix).toContain('registry.example.com:5000/shop/api:1.2.3');
    expect(findings[0]?.fix).toContain("image: { directory: 'app' }");
  });

  it('says an untagged image means latest, and that tasks can differ when VersionConsistency is disabled', () => {
    expect(findings[1]?.message).toContain(
      'runs public.ecr.aws/aws-observability/aws-otel-collector, with no tag, which means latest',
    );
    expect(findings[1]?.message).toContain('tasks of one service can run different images');
    expect(findings[0]?.message).not.toContain('VersionConsistency');
  });
});

describe('image-tag-mutable on synthesized patterns', () => {
  /** The trap's findings on an API Gateway pattern synthesized with `service`. */
  const findingsFor = (service: ContainerOptions) => {
    const outdir = mkdtempSync(join(tmpdir(), 'wharf-trap-'));
    const app = new App({ outdir });
    new ApiGatewayFargateService(new Stack(app, 'Shop'), 'Api', { service });
    app.synth();
    return loadCloudAssembly(outdir).flatMap((loaded) => imageTagMutable.check(loaded));
  };

  it('says nothing about an image built from a folder (tagged by its content hash)', () => {
    const directory = fileURLToPath(new URL('../fixtures/apps/asset-image/app', import.meta.url));
    expect(findingsFor({ image: { directory } })).toEqual([]);
  });

  it("warns about the default image, the seeds' nginx:latest, in ServiceStack", () => {
    expect(findingsFor({}).map((f) => `${f.stack}/${f.logicalId} ${f.propertyPath}`)).toEqual([
      'ServiceStack/TaskDefinition Properties.ContainerDefinitions.0.Image',
    ]);
  });
});
