import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type IIoHost, Toolkit } from '@aws-cdk/toolkit-lib';
import { Manifest } from 'aws-cdk-lib/cloud-assembly-schema';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  assembleTemplate,
  type TemplateAssembly,
  validateStackName,
} from '../../src/deploy/assembly/index.js';
import { TemplateError, UsageError } from '../../src/errors.js';
import { synth } from '../../src/synth/synth.js';
import { loadCloudAssembly, loadTemplateFile } from '../../src/template/load.js';
import { ROOT, tempDir } from '../support/cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** `${AWS::…}` placeholders as CloudFormation (and the toolkit) read them, not JS interpolation. */
const cfn = (text: string) => text.replaceAll('{', '${');
const BUCKET = cfn('cdk-hnb659fds-assets-{AWS::AccountId}-{AWS::Region}');
const PUBLISHING_ROLE = cfn(
  'arn:{AWS::Partition}:iam::{AWS::AccountId}:role/cdk-hnb659fds-file-publishing-role-{AWS::AccountId}-{AWS::Region}',
);

/** The TemplateURL CDK writes for a nested stack stored as `key` in the bootstrap bucket. */
function bucketUrl(key: string, bucket = BUCKET) {
  return {
    'Fn::Join': [
      '',
      [
        'https://s3.',
        { Ref: 'AWS::Region' },
        '.',
        { Ref: 'AWS::URLSuffix' },
        '/',
        { 'Fn::Sub': bucket },
        `/${key}`,
      ],
    ],
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// biome-ignore lint/suspicious/noExplicitAny: templates are read back as plain JSON
type Json = any;

function readJson(dir: string, name: string): Json {
  return JSON.parse(readFileSync(join(dir, name), 'utf8'));
}

function assetManifest(assembly: TemplateAssembly): Json {
  return readJson(assembly.dir, `${assembly.stackName}.assets.json`);
}

/** The JSON template the assembly holds for the nested stack at `path`. */
function nestedTemplate(assembly: TemplateAssembly, ...path: string[]): Json {
  const entry = assembly.nestedTemplates.find((n) => n.path.join('/') === path.join('/'));
  if (!entry) throw new Error(`no nested template ${path.join('/')}`);
  return readJson(assembly.dir, entry.templateFile);
}

function rootTemplate(assembly: TemplateAssembly): Json {
  return readJson(assembly.dir, assembly.templateFile);
}

/** Temporary folders this file made, removed at the end. */
const scratchDirs: string[] = [];
function scratch(prefix = 'wharf-assembly-test-'): string {
  const dir = tempDir(prefix);
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const disposables: TemplateAssembly[] = [];
function assemble(options: Parameters<typeof assembleTemplate>[0]): TemplateAssembly {
  const assembly = assembleTemplate(options);
  disposables.push(assembly);
  return assembly;
}
afterEach(() => {
  for (const assembly of disposables.splice(0)) assembly.dispose();
});

/** Writes files (path → YAML/JSON text) into a fresh folder; returns the folder. */
function writeTree(files: Record<string, string>): string {
  const dir = scratch('wharf-assembly-src-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function thrown<T extends Error>(type: new (...args: never[]) => T, fn: () => unknown): T {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as T;
  }
  throw new Error(`expected a ${type.name}`);
}

/**
 * Every nested template is a file asset: the manifest entry's key is the sha256 of the file the
 * assembly holds, the destination is the bootstrap bucket with the publishing role, and the
 * object key is what the parent's TemplateURL names.
 */
function expectNestedAssets(assembly: TemplateAssembly): void {
  const files = assetManifest(assembly).files;
  for (const nested of assembly.nestedTemplates) {
    const hash = sha256(readFileSync(join(assembly.dir, nested.templateFile), 'utf8'));
    expect(nested.objectKey).toBe(`${hash}.json`);
    const asset = files[hash];
    expect(asset.source).toEqual({ path: nested.templateFile, packaging: 'file' });
    expect(Object.values(asset.destinations)).toEqual([
      { bucketName: BUCKET, objectKey: `${hash}.json`, assumeRoleArn: PUBLISHING_ROLE },
    ]);
    const parent =
      nested.path.length === 1
        ? rootTemplate(assembly)
        : nestedTemplate(assembly, ...nested.path.slice(0, -1));
    const resource = parent.Resources[nested.path[nested.path.length - 1] as string];
    expect(resource.Type).toBe('AWS::CloudFormation::Stack');
    expect(resource.Properties.TemplateURL).toEqual(bucketUrl(`${hash}.json`));
    expect(resource.Metadata['aws:asset:path']).toBe(nested.templateFile);
  }
}

describe('assembleTemplate: the seeds-like SAM parents', () => {
  const cases = [
    {
      name: 'api-gateway',
      stacks: ['VpcStack', 'ClusterStack', 'ServiceStack', 'ApiGatewayStack'],
      output: 'ApiGatewayUri',
    },
    { name: 'alb', stacks: ['VpcStack', 'ClusterStack', 'ServiceStack'], output: 'LoadBalancerUri' },
  ];

  for (const { name, stacks, output } of cases) {
    it(`packages ${name}/parent.yml: every SAM application becomes a nested stack whose template is a file asset`, () => {
      const assembly = assemble({
        templateFile: fixture(`seeds-like/${name}/parent.yml`),
        stackName: `seeds-${name}`,
      });

      expect(assembly.stackName).toBe(`seeds-${name}`);
      expect(assembly.convertedSamApplications).toEqual(stacks);
      expect(assembly.nestedTemplates.map((n) => n.path)).toEqual(stacks.map((s) => [s]));
      expect(assembly.nestedTemplates.map((n) => n.sourceFile)).toEqual(
        assembly.app.stacks.slice(1).map((s) => s.file),
      );
      expect(assembly.untouchedNestedStacks).toEqual([]);
      expectNestedAssets(assembly);

      const root = rootTemplate(assembly);
      expect(root.Transform).toBeUndefined();
      expect(Object.values(root.Resources).map((r: Json) => r.Type)).toEqual(
        stacks.map(() => 'AWS::CloudFormation::Stack'),
      );
      expect(root.Outputs[output]).toEqual(assembly.app.root.template.Outputs?.[output]);
      // The nested templates' own content is untouched (they hold no nested stacks).
      for (const stack of assembly.app.stacks.slice(1)) {
        expect(nestedTemplate(assembly, ...stack.path)).toEqual(stack.template);
      }
    });
  }

  it('converts AWS::Serverless::Application as the SAM transform does: Parameters kept, SAM tag added', () => {
    const assembly = assemble({
      templateFile: fixture('seeds-like/api-gateway/parent.yml'),
      stackName: 'seeds',
    });
    const source = assembly.app.root.template.Resources.ServiceStack;
    const service = rootTemplate(assembly).Resources.ServiceStack;
    expect(Object.keys(service.Properties)).toEqual(['TemplateURL', 'Parameters', 'Tags']);
    expect(service.Properties.Parameters).toEqual(source?.Properties?.Parameters);
    expect(service.Properties.Parameters.ClusterName).toEqual({
      'Fn::GetAtt': ['ClusterStack', 'Outputs.ClusterName'],
    });
    expect(service.Properties.Tags).toEqual([{ Key: 'lambda:createdBy', Value: 'SAM' }]);
  });

  it("adds CDK's bootstrap check and writes a stack artifact like the default synthesizer's", () => {
    const assembly = assemble({ templateFile: fixture('seeds-like/alb/parent.yml'), stackName: 'seeds-alb' });
    const root = rootTemplate(assembly);
    expect(root.Parameters.BootstrapVersion).toMatchObject({
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: '/cdk-bootstrap/hnb659fds/version',
    });
    expect(root.Rules.CheckBootstrapVersion.Assertions[0].Assert).toEqual({
      'Fn::Not': [{ 'Fn::Contains': [['1', '2', '3', '4', '5'], { Ref: 'BootstrapVersion' }] }],
    });

    // Both manifests pass the cloud-assembly schema that aws-cdk-lib bundles.
    const manifest = Manifest.loadAssemblyManifest(join(assembly.dir, 'manifest.json'), {
      validateSchema: true,
    });
    expect(manifest.version).toBe(Manifest.version());
    const role = (name: string) =>
      `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-hnb659fds-${name}-\${AWS::AccountId}-\${AWS::Region}`;
    const rootHash = sha256(readFileSync(join(assembly.dir, 'seeds-alb.template.json'), 'utf8'));
    expect(manifest.artifacts?.['seeds-alb']).toEqual({
      type: 'aws:cloudformation:stack',
      environment: 'aws://unknown-account/unknown-region',
      properties: {
        templateFile: 'seeds-alb.template.json',
        stackName: 'seeds-alb',
        validateOnSynth: false,
        assumeRoleArn: role('deploy-role'),
        cloudFormationExecutionRoleArn: role('cfn-exec-role'),
        stackTemplateAssetObjectUrl: `s3://${BUCKET}/${rootHash}.json`,
        requiresBootstrapStackVersion: 6,
        bootstrapStackVersionSsmParameter: '/cdk-bootstrap/hnb659fds/version',
        lookupRole: {
          arn: role('lookup-role'),
          requiresBootstrapStackVersion: 8,
          bootstrapStackVersionSsmParameter: '/cdk-bootstrap/hnb659fds/version',
        },
      },
      dependencies: ['seeds-alb.assets'],
      displayName: 'seeds-alb',
    });
    expect(manifest.artifacts?.['seeds-alb.assets']).toEqual({
      type: 'cdk:asset-manifest',
      properties: {
        file: 'seeds-alb.assets.json',
        requiresBootstrapStackVersion: 6,
        bootstrapStackVersionSsmParameter: '/cdk-bootstrap/hnb659fds/version',
      },
    });
    vi.stubEnv('TESTING_CDK', '1'); // makes loadAssetManifest validate against the schema
    try {
      const assets = Manifest.loadAssetManifest(join(assembly.dir, 'seeds-alb.assets.json'));
      // The root template is an asset too (large templates deploy from S3), plus 3 nested ones.
      expect(Object.keys(assets.files ?? {}).sort()).toEqual(
        [rootHash, ...assembly.nestedTemplates.map((n) => n.objectKey.replace('.json', ''))].sort(),
      );
      expect(assets.files?.[rootHash]?.displayName).toBe('seeds-alb Template');
      expect(assets.dockerImages).toEqual({});
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("is read back by Wharf's own cloud-assembly loader, nested stacks included", () => {
    const assembly = assemble({
      templateFile: fixture('seeds-like/api-gateway/parent.yml'),
      stackName: 'seeds',
    });
    const [app] = loadCloudAssembly(assembly.dir);
    expect(app?.name).toBe('seeds');
    expect(app?.stacks.map((s) => s.name)).toEqual([
      'seeds',
      'VpcStack',
      'ClusterStack',
      'ServiceStack',
      'ApiGatewayStack',
    ]);
  });

  it('uses the buckets and roles of another bootstrap qualifier', () => {
    const assembly = assemble({
      templateFile: fixture('seeds-like/alb/parent.yml'),
      stackName: 'seeds',
      qualifier: 'team1',
    });
    const vpc = rootTemplate(assembly).Resources.VpcStack;
    const key = assembly.nestedTemplates[0]?.objectKey as string;
    expect(vpc.Properties.TemplateURL).toEqual(
      bucketUrl(key, cfn('cdk-team1-assets-{AWS::AccountId}-{AWS::Region}')),
    );
    expect(rootTemplate(assembly).Parameters.BootstrapVersion.Default).toBe('/cdk-bootstrap/team1/version');
    const manifest = readJson(assembly.dir, 'manifest.json');
    expect(manifest.artifacts.seeds.properties.assumeRoleArn).toContain(':role/cdk-team1-deploy-role-');
    expect(JSON.stringify(assetManifest(assembly))).not.toContain('hnb659fds');
  });

  it('writes into a given folder and, on dispose, removes only its own files there', () => {
    const out = scratch('wharf-assembly-out-');
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const assembly = assembleTemplate({
      templateFile: fixture('seeds-like/alb/parent.yml'),
      stackName: 'seeds',
      outdir: out,
    });
    expect(assembly.dir).toBe(out);
    expect(readdirSync(out)).toContain('manifest.json');
    assembly.dispose();
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });

  it('removes its temporary folder on dispose', () => {
    const assembly = assembleTemplate({
      templateFile: fixture('seeds-like/alb/parent.yml'),
      stackName: 'seeds',
    });
    expect(existsSync(join(assembly.dir, 'manifest.json'))).toBe(true);
    assembly.dispose();
    expect(existsSync(assembly.dir)).toBe(false);
  });
});

describe('assembleTemplate: the output of wharf synth --portable', () => {
  // The examples import 'wharf' from dist/: run `npm run build` first (npm test does).
  const examples = [
    {
      example: 'api-gateway-fargate',
      stacks: ['VpcStack', 'ClusterStack', 'ServiceStack', 'ApiGatewayStack'],
    },
    { example: 'public-alb-fargate', stacks: ['VpcStack', 'ClusterStack', 'ServiceStack'] },
  ];
  const portableDirs = new Map<string, string>();

  beforeAll(async () => {
    await Promise.all(
      examples.map(async ({ example }) => {
        const out = scratch(`wharf-portable-${example}-`);
        await synth({ dir: join(ROOT, 'examples', example), out, portable: true });
        portableDirs.set(example, out);
      }),
    );
  });

  for (const { example, stacks } of examples) {
    it(`packages ${example}'s parent.yml with each relative TemplateURL as a bootstrap-bucket asset`, () => {
      const parentFile = join(portableDirs.get(example) as string, 'parent.yml');
      const assembly = assemble({ templateFile: parentFile, stackName: example });

      expect(assembly.convertedSamApplications).toEqual([]);
      expect(assembly.nestedTemplates.map((n) => n.path.join('/'))).toEqual(stacks);
      expectNestedAssets(assembly);

      // Only the TemplateURLs (and the asset metadata) change; everything else is as written.
      const portable = loadTemplateFile(parentFile);
      const root = rootTemplate(assembly);
      for (const [logicalId, resource] of Object.entries(portable.root.template.Resources)) {
        const packaged = root.Resources[logicalId];
        if (resource.Type !== 'AWS::CloudFormation::Stack') {
          expect(packaged).toEqual(resource);
          continue;
        }
        const { TemplateURL: _local, ...properties } = resource.Properties ?? {};
        const { TemplateURL: _remote, ...packagedProperties } = packaged.Properties;
        expect(packagedProperties).toEqual(properties);
      }
      expect(root.Outputs).toEqual(portable.root.template.Outputs);
      for (const stack of portable.stacks.slice(1)) {
        expect(nestedTemplate(assembly, ...stack.path)).toEqual(stack.template);
      }
      // The bootstrap check that --portable strips is back.
      expect(Object.keys(root.Parameters)).toContain('BootstrapVersion');
      expect(Object.keys(root.Rules)).toContain('CheckBootstrapVersion');
    });
  }
});

describe('assembleTemplate: the CDK toolkit accepts the assembly (offline)', () => {
  const silent: IIoHost = {
    notify: async () => {},
    requestResponse: async (message) => message.defaultResponse,
  };
  const connections: unknown[] = [];

  beforeAll(() => {
    // No region lookup through EC2 metadata, and any outgoing connection is recorded.
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    const connect = net.Socket.prototype.connect;
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (
      this: net.Socket,
      ...args: unknown[]
    ) {
      connections.push(args[0]);
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    });
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('lists and synthesizes the stack from toolkit.fromAssemblyDirectory, with its nested-template assets', async () => {
    const assembly = assemble({
      templateFile: fixture('seeds-like/api-gateway/parent.yml'),
      stackName: 'seeds-api',
    });
    const toolkit = new Toolkit({ ioHost: silent });
    const source = await toolkit.fromAssemblyDirectory(assembly.dir);

    const stacks = await toolkit.list(source);
    expect(stacks.map((s) => ({ id: s.id, name: s.name, env: s.environment.name }))).toEqual([
      { id: 'seeds-api', name: 'seeds-api', env: 'aws://unknown-account/unknown-region' },
    ]);

    const synthesized = await toolkit.synth(source);
    try {
      const [stack] = synthesized.cloudAssembly.stacks;
      expect(stack?.stackName).toBe('seeds-api');
      expect(stack?.template.Resources.VpcStack.Type).toBe('AWS::CloudFormation::Stack');
      expect(stack?.stackTemplateAssetObjectUrl).toMatch(
        /^s3:\/\/cdk-hnb659fds-assets-\$\{AWS::AccountId\}-/,
      );
      expect(stack?.assumeRoleArn).toContain(':role/cdk-hnb659fds-deploy-role-');
      // The stack depends on its asset manifest, which lists the 4 nested templates and the root.
      const manifests = (stack?.dependencies ?? []).filter((d) => d.manifest.type === 'cdk:asset-manifest');
      expect(manifests).toHaveLength(1);
      const file = (manifests[0] as unknown as { file: string }).file;
      const assets = Manifest.loadAssetManifest(file);
      const keys = Object.keys(assets.files ?? {});
      expect(keys).toHaveLength(5);
      for (const nested of assembly.nestedTemplates)
        expect(keys).toContain(nested.objectKey.replace('.json', ''));
    } finally {
      await synthesized.dispose();
    }
    expect(connections).toEqual([]);
  });
});

describe('assembleTemplate: nested stacks inside nested stacks', () => {
  const tree = (leafDescription = 'leaf') => ({
    'root.yml': [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]',
      'Resources:',
      '  Middle:',
      '    Type: AWS::CloudFormation::Stack',
      '    DeletionPolicy: Retain',
      '    Properties:',
      '      TemplateURL: stacks/middle.yml',
      '      Parameters: { Name: !Ref AWS::StackName }',
      '  Remote:',
      '    Type: AWS::CloudFormation::Stack',
      '    Properties:',
      '      TemplateURL: https://example-bucket.s3.amazonaws.com/remote.yml',
      'Outputs:',
      '  LeafValue:',
      '    Value: !GetAtt Middle.Outputs.LeafValue',
    ].join('\n'),
    'stacks/middle.yml': [
      'Transform: AWS::Serverless-2016-10-31',
      'Parameters:',
      '  Name: { Type: String }',
      'Conditions:',
      '  Always: !Equals [a, a]',
      'Resources:',
      '  Leaf:',
      '    Type: AWS::Serverless::Application',
      '    Condition: Always',
      '    DependsOn: Topic',
      '    DeletionPolicy: Delete',
      '    Properties:',
      '      Location: ../leaf/leaf.json',
      '      Parameters: { Name: !Ref Name }',
      '      NotificationARNs: [!Ref Topic]',
      '      TimeoutInMinutes: 15',
      '      Tags: { team: payments, cost-center: "42" }',
      '  Topic:',
      '    Type: AWS::SNS::Topic',
      'Outputs:',
      '  LeafValue:',
      '    Value: !GetAtt Leaf.Outputs.Value',
    ].join('\n'),
    'leaf/leaf.json': JSON.stringify({
      Description: leafDescription,
      Parameters: { Name: { Type: 'String' } },
      Resources: {
        Param: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { Ref: 'Name' } } },
      },
      Outputs: { Value: { Value: { 'Fn::GetAtt': ['Param', 'Value'] } } },
    }),
  });

  it('packages the leaf first, then the middle template that points at it, then the root', () => {
    const dir = writeTree(tree());
    const assembly = assemble({ templateFile: join(dir, 'root.yml'), stackName: 'deep' });

    expect(assembly.nestedTemplates.map((n) => ({ path: n.path, sourceFile: n.sourceFile }))).toEqual([
      { path: ['Middle'], sourceFile: join(dir, 'stacks/middle.yml') },
      { path: ['Middle', 'Leaf'], sourceFile: join(dir, 'leaf/leaf.json') },
    ]);
    expect(assembly.convertedSamApplications).toEqual(['Middle/Leaf']);
    expectNestedAssets(assembly);

    const middle = nestedTemplate(assembly, 'Middle');
    expect(middle.Transform).toBeUndefined();
    const leafKey = assembly.nestedTemplates[1]?.objectKey as string;
    expect(middle.Resources.Leaf).toEqual({
      Type: 'AWS::CloudFormation::Stack',
      Condition: 'Always',
      DependsOn: 'Topic',
      DeletionPolicy: 'Delete',
      Properties: {
        TemplateURL: bucketUrl(leafKey),
        Parameters: { Name: { Ref: 'Name' } },
        NotificationARNs: [{ Ref: 'Topic' }],
        Tags: [
          { Key: 'lambda:createdBy', Value: 'SAM' },
          { Key: 'team', Value: 'payments' },
          { Key: 'cost-center', Value: '42' },
        ],
        TimeoutInMinutes: 15,
      },
      Metadata: {
        'aws:asset:path': 'deep.Middle.Leaf.nested.template.json',
        'aws:asset:property': 'TemplateURL',
      },
    });
    expect(nestedTemplate(assembly, 'Middle', 'Leaf').Description).toBe('leaf');

    const root = rootTemplate(assembly);
    // Other transforms stay; the SAM one goes once no AWS::Serverless::* resource is left.
    expect(root.Transform).toEqual(['AWS::LanguageExtensions']);
    expect(root.Resources.Middle.DeletionPolicy).toBe('Retain');
    expect(root.Resources.Middle.Properties.Parameters).toEqual({ Name: { Ref: 'AWS::StackName' } });
    // Remote templates are deployed as written.
    expect(root.Resources.Remote.Properties.TemplateURL).toBe(
      'https://example-bucket.s3.amazonaws.com/remote.yml',
    );
    expect(assembly.untouchedNestedStacks).toEqual([
      {
        path: ['Remote'],
        propertyPath: 'Properties.TemplateURL',
        location: 'https://example-bucket.s3.amazonaws.com/remote.yml',
        reason: 'remote',
      },
    ]);
  });

  it('changes every object key up the tree when the leaf changes (content addressed)', () => {
    const before = assemble({ templateFile: join(writeTree(tree('one')), 'root.yml'), stackName: 'deep' });
    const after = assemble({ templateFile: join(writeTree(tree('two')), 'root.yml'), stackName: 'deep' });
    for (const [index, nested] of before.nestedTemplates.entries()) {
      expect(after.nestedTemplates[index]?.objectKey).not.toBe(nested.objectKey);
    }
    const again = assemble({ templateFile: join(writeTree(tree('one')), 'root.yml'), stackName: 'deep' });
    expect(again.nestedTemplates.map((n) => n.objectKey)).toEqual(
      before.nestedTemplates.map((n) => n.objectKey),
    );
  });

  it('keeps the SAM transform and SAR applications when a serverless resource remains', () => {
    const dir = writeTree({
      'parent.yml': [
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  Local:',
        '    Type: AWS::Serverless::Application',
        '    Properties: { Location: child.yml }',
        '  FromRepo:',
        '    Type: AWS::Serverless::Application',
        '    Properties:',
        '      Location:',
        '        ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/thing',
        '        SemanticVersion: 1.0.0',
      ].join('\n'),
      'child.yml': 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
    });
    const assembly = assemble({ templateFile: join(dir, 'parent.yml'), stackName: 'mixed' });
    const root = rootTemplate(assembly);
    expect(root.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(root.Resources.Local.Type).toBe('AWS::CloudFormation::Stack');
    expect(root.Resources.FromRepo).toEqual(assembly.app.root.template.Resources.FromRepo);
    expect(assembly.convertedSamApplications).toEqual(['Local']);
    expect(assembly.untouchedNestedStacks.map((u) => [u.path, u.reason])).toEqual([
      [['FromRepo'], 'serverless-repo'],
    ]);
  });
});

describe('assembleTemplate: bad input', () => {
  it('names the parent file, the resource and the property when a nested template is missing, and writes nothing', () => {
    const dir = writeTree({
      'parent.yml': [
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  ServiceStack:',
        '    Type: AWS::Serverless::Application',
        '    Properties: { Location: service.yml }',
      ].join('\n'),
    });
    const out = join(scratch(), 'assembly');
    const error = thrown(TemplateError, () =>
      assembleTemplate({ templateFile: join(dir, 'parent.yml'), stackName: 'app', outdir: out }),
    );
    expect(error.code).toBe('WHARF_TEMPLATE_NOT_FOUND');
    expect(error.location).toEqual({
      file: join(dir, 'parent.yml'),
      logicalId: 'ServiceStack',
      propertyPath: 'Properties.Location',
    });
    expect(error.message).toContain(`${join(dir, 'parent.yml')}: ServiceStack.Properties.Location`);
    expect(error.message).toContain(join(dir, 'service.yml'));
    expect(existsSync(out)).toBe(false);
  });

  it('names the TemplateURL of a missing nested template one level down', () => {
    const dir = writeTree({
      'parent.yml':
        'Resources:\n  Outer:\n    Type: AWS::CloudFormation::Stack\n    Properties: { TemplateURL: outer.yml }\n',
      'outer.yml':
        'Resources:\n  Inner:\n    Type: AWS::CloudFormation::Stack\n    Properties: { TemplateURL: gone/inner.yml }\n',
    });
    const error = thrown(TemplateError, () =>
      assembleTemplate({ templateFile: join(dir, 'parent.yml'), stackName: 'app' }),
    );
    expect(error.location).toEqual({
      file: join(dir, 'outer.yml'),
      logicalId: 'Inner',
      propertyPath: 'Properties.TemplateURL',
    });
  });

  it('rejects a Location that is a folder, naming the resource and property', () => {
    const dir = writeTree({
      'parent.yml':
        'Resources:\n  Vpc:\n    Type: AWS::Serverless::Application\n    Properties: { Location: vpc }\n',
      'vpc/template.yml': 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
    });
    const error = thrown(TemplateError, () =>
      assembleTemplate({ templateFile: join(dir, 'parent.yml'), stackName: 'app' }),
    );
    expect(error.location).toEqual({
      file: join(dir, 'parent.yml'),
      logicalId: 'Vpc',
      propertyPath: 'Properties.Location',
    });
    expect(error.message).toContain(join(dir, 'vpc'));
    expect(error.message).toMatch(/template file/);
  });

  it('rejects a missing root template', () => {
    const error = thrown(TemplateError, () =>
      assembleTemplate({ templateFile: '/nonexistent/parent.yml', stackName: 'app' }),
    );
    expect(error.code).toBe('WHARF_TEMPLATE_NOT_FOUND');
    expect(error.location.file).toBe('/nonexistent/parent.yml');
  });

  it('rejects SAM application properties SAM does not accept, and tag keys SAM reserves', () => {
    const app = (properties: string) =>
      writeTree({
        'parent.yml': `Resources:\n  App:\n    Type: AWS::Serverless::Application\n    Properties: ${properties}\n`,
        'child.yml': 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
      });
    const unknown = thrown(TemplateError, () =>
      assembleTemplate({
        templateFile: join(app('{ Location: child.yml, CodeUri: src }'), 'parent.yml'),
        stackName: 'a',
      }),
    );
    expect(unknown.code).toBe('WHARF_SAM_APPLICATION_INVALID');
    expect(unknown.location.propertyPath).toBe('Properties.CodeUri');
    expect(unknown.message).toContain('Location, Parameters, NotificationARNs, Tags, TimeoutInMinutes');

    const listTags = thrown(TemplateError, () =>
      assembleTemplate({
        templateFile: join(app('{ Location: child.yml, Tags: [{ Key: a, Value: b }] }'), 'parent.yml'),
        stackName: 'a',
      }),
    );
    expect(listTags.location.propertyPath).toBe('Properties.Tags');
    expect(listTags.message).toMatch(/map of tag key to value/);

    const reserved = thrown(TemplateError, () =>
      assembleTemplate({
        templateFile: join(app("{ Location: child.yml, Tags: { 'lambda:createdBy': me } }"), 'parent.yml'),
        stackName: 'a',
      }),
    );
    expect(reserved.location.propertyPath).toBe('Properties.Tags.lambda:createdBy');
  });

  it('rejects a stack name CloudFormation would refuse, before reading any template', () => {
    for (const name of ['my_stack', '1stack', '-stack', 'my stack', '', 'a'.repeat(129)]) {
      const error = thrown(UsageError, () =>
        assembleTemplate({ templateFile: '/nonexistent.yml', stackName: name }),
      );
      expect(error.code).toBe('WHARF_STACK_NAME_INVALID');
      expect(error.message).toContain('starts with a letter and contains only letters, digits and hyphens');
      expect(error.message).toContain('at most 128 characters');
    }
    expect(thrown(UsageError, () => validateStackName('my_stack')).message).toContain("'_' is not allowed");
    for (const name of ['a', 'My-Stack-1', 'a'.repeat(128)])
      expect(() => validateStackName(name)).not.toThrow();
  });

  it('rejects a bootstrap qualifier cdk bootstrap would refuse', () => {
    const error = thrown(UsageError, () =>
      assembleTemplate({
        templateFile: fixture('seeds-like/alb/parent.yml'),
        stackName: 'a',
        qualifier: 'far-too-long-1',
      }),
    );
    expect(error.code).toBe('WHARF_QUALIFIER_INVALID');
    expect(error.message).toContain('1 to 10 letters, digits');
  });

  it('refuses an output folder that is a file', () => {
    const file = join(scratch(), 'file');
    writeFileSync(file, '');
    const error = thrown(UsageError, () =>
      assembleTemplate({ templateFile: fixture('seeds-like/alb/parent.yml'), stackName: 'a', outdir: file }),
    );
    expect(error.message).toContain(file);
  });
});
