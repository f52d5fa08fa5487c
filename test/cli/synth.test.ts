import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateWithCfnValidator } from '../../src/check/cfn-validate.js';
import { loadTemplateFile } from '../../src/template/load.js';
import { ROOT, runWharf, tempDir } from '../support/cli.js';

describe('wharf synth --portable', () => {
  const cases = [
    {
      example: 'api-gateway-fargate',
      files: ['parent.yml', 'vpc.yml', 'cluster.yml', 'service.yml', 'api-gateway.yml'],
      stacks: ['VpcStack', 'ClusterStack', 'ServiceStack', 'ApiGatewayStack'],
    },
    {
      example: 'public-alb-fargate',
      files: ['parent.yml', 'vpc.yml', 'cluster.yml', 'service.yml'],
      stacks: ['VpcStack', 'ClusterStack', 'ServiceStack'],
    },
  ];

  // Each example is synthesized once (a CDK app run takes 10-20 s); both of its specs read the output.
  const synthesized = new Map<string, { out: string; result: ReturnType<typeof runWharf> }>();
  const synthOnce = (example: string) => {
    let done = synthesized.get(example);
    if (!done) {
      const out = tempDir();
      done = { out, result: runWharf(['synth', `examples/${example}`, '--portable', '--out', out]) };
      synthesized.set(example, done);
    }
    return done;
  };

  for (const { example, files, stacks } of cases) {
    it(`writes parent.yml and one file per nested stack for ${example}, each referenced by a relative path`, () => {
      const { out, result } = synthOnce(example);
      expect(result.stderr).not.toMatch(/error/i);
      expect(result.code).toBe(0);
      expect(readdirSync(out).sort()).toEqual([...files].sort());
      // Each written file is reported once (stdout's list), not again on stderr.
      for (const file of files) {
        expect(`${result.stdout}${result.stderr}`.split(join(out, file)).length - 1).toBe(1);
      }
      expect(result.stdout).toContain(`Wrote ${files.length} templates to ${out}`);

      const parent = readFileSync(join(out, 'parent.yml'), 'utf8');
      for (const nested of files.slice(1)) expect(parent).toContain(`TemplateURL: ${nested}`);
      expect(parent).not.toMatch(/cdk-hnb659fds|BootstrapVersion/);

      // Every referenced file exists and parses: the loader follows each TemplateURL.
      const app = loadTemplateFile(join(out, 'parent.yml'));
      expect(app.stacks.map((s) => s.name)).toEqual(['parent.yml', ...stacks]);
      expect(app.stacks.map((s) => s.file.split('/').pop())).toEqual(files);
      expect(app.unloaded ?? []).toEqual([]);
    });

    it(`produces templates AWS's CloudFormation validator accepts without errors for ${example}`, () => {
      const { out, result } = synthOnce(example);
      expect(result.code).toBe(0);
      const findings = validateWithCfnValidator(loadTemplateFile(join(out, 'parent.yml')));
      expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(findings.filter((f) => f.severity === 'warning')).toEqual([]);
    });
  }

  it('turns an image built from a folder into the ImageUrl parameter and prints how to build, push and deploy it', () => {
    const out = tempDir();
    const result = runWharf(['synth', 'test/fixtures/apps/asset-image', '--portable', '--out', out]);
    expect(result.code).toBe(0);
    const app = loadTemplateFile(join(out, 'parent.yml'));
    const service = app.stacks.find((s) => s.name === 'ServiceStack');
    expect(service?.template.Resources.TaskDefinition?.Properties?.ContainerDefinitions).toMatchObject([
      { Name: 'hello', Image: { Ref: 'ImageUrl' } },
    ]);
    expect(readFileSync(join(out, 'parent.yml'), 'utf8')).not.toMatch(/cdk-hnb659fds/);

    const tag = /asset-image\/hello:([0-9a-f]{64})/.exec(result.stdout)?.[1];
    expect(tag, result.stdout).toBeDefined();
    const uri = `$REGISTRY/asset-image/hello:${tag}`;
    expect(result.stdout).toContain('AssetImage takes its built image as ImageUrl.');
    expect(result.stdout).toContain(
      `  docker build --platform linux/arm64 --file test/fixtures/apps/asset-image/app/Dockerfile --target runtime --build-arg 'GREETING=hello world' --tag "${uri}" test/fixtures/apps/asset-image/app\n`,
    );
    expect(result.stdout).toContain(`  docker push "${uri}"\n`);
    expect(result.stdout).toContain(
      `  sam deploy --template-file ${join(out, 'parent.yml')} --stack-name AssetImage --resolve-s3 --capabilities CAPABILITY_IAM --parameter-overrides "ImageUrl=${uri}"\n`,
    );
  });

  it('writes JSON with --format json and keeps CDK asset URLs without --portable', () => {
    const out = tempDir();
    const result = runWharf([
      'synth',
      'examples/api-gateway-fargate',
      '--format',
      'json',
      '--out',
      out,
      '--json',
    ]);
    expect(result.code).toBe(0);
    const written = JSON.parse(result.stdout) as { files: { file: string; path: string[] }[] };
    expect(written.files).toHaveLength(5);
    const root = written.files.find((f) => f.path.length === 0);
    expect(root?.file.endsWith('ApiGatewayFargate.template.json')).toBe(true);
    const template = JSON.parse(readFileSync(root?.file ?? '', 'utf8'));
    expect(JSON.stringify(template.Resources.VpcStack.Properties.TemplateURL)).toContain(
      'cdk-hnb659fds-assets',
    );
  });
});

describe('wharf synth with bad input', () => {
  it('exits 2 naming the prop and what is allowed when the app has an invalid CPU, and writes nothing', () => {
    const out = join(tempDir(), 'out');
    const result = runWharf(['synth', 'test/fixtures/apps/bad-cpu', '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid prop 'cpu'");
    expect(result.stderr).toContain('BadCpu/Api/Service');
    expect(result.stderr).toContain('cpu 300 with memoryMiB 512 is not a Fargate task size');
    expect(result.stderr).toContain('cpu 256 → memory 512, 1024, 2048');
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 naming the missing cdk.json', () => {
    const out = join(tempDir(), 'out');
    const result = runWharf(['synth', 'test/fixtures/apps/no-cdk-json', '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(ROOT, 'test/fixtures/apps/no-cdk-json/cdk.json'));
    expect(result.stderr).toContain('not found');
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['synth', 'examples/api-gateway-fargate'], '--out <dir> is required'],
    [
      ['synth', 'examples/api-gateway-fargate', '--out', 'x', '--format', 'toml'],
      "--format 'toml' is not allowed; allowed: yaml, json",
    ],
    [['synth', '--bogus'], "Unknown option '--bogus'"],
    [['synth', 'a', 'b', '--out', 'x'], "unexpected argument 'b'"],
    [['frobnicate'], "unknown command 'frobnicate'"],
  ])('exits 2 for %j', (args, message) => {
    const result = runWharf(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('wharf --help', () => {
  it.each(['synth', 'check'])('documents every option of %s', (command) => {
    const result = runWharf([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: wharf ${command}`);
    expect(result.stdout).toContain('--json');
  });

  it('lists the commands and exit codes', () => {
    const result = runWharf(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/synth\s+Synthesize/);
    expect(result.stdout).toMatch(/check\s+Check/);
    expect(result.stdout).toContain('Exit codes');
  });
});
