/**
 * Hostile templates, part 1: files a template names outside its folder, and secrets in files
 * and in the environment. Every case must end with exit code 2, a message naming the referring
 * file, resource and property, and no byte of the secret in any output. The CLI runs in-process
 * except where the process's own environment is the subject (`/proc/self/environ`).
 */

import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCloudAssembly, loadTemplateFile } from '../../src/template/load.js';
import { runWharfAsync } from '../support/cli.js';
import {
  DOT_ENV,
  expectNoSecret,
  HOSTILE_TIMEOUT_MS,
  nestingTemplate,
  runMain,
  SECRETS,
  scratchTree,
  TOPIC,
  templateError,
  writeFiles,
} from './support.js';

/** A nested stack or SAM application pointing at `location`, in a fresh tree. */
function parentPointingAt(location: (tree: { base: string; app: string }) => string, type?: string) {
  const tree = scratchTree();
  symlinkSync(join(tree.base, '.env'), join(tree.app, 'link.yml'));
  symlinkSync('/dev/zero', join(tree.app, 'zero.yml'));
  const parent = join(tree.app, 'parent.yml');
  writeFileSync(parent, nestingTemplate(location(tree), type));
  return { ...tree, parent };
}

describe('a template that names a file outside its folder', { timeout: HOSTILE_TIMEOUT_MS }, () => {
  it.each([
    ['/proc/self/environ', () => '/proc/self/environ', 'WHARF_TEMPLATE_OUTSIDE_ROOT'],
    ['../../.env (a secret two folders up)', () => '../../.env', 'WHARF_TEMPLATE_OUTSIDE_ROOT'],
    ['/etc/passwd', () => '/etc/passwd', 'WHARF_TEMPLATE_OUTSIDE_ROOT'],
    [
      'a file:// URL',
      (t: { base: string }) => `file://${join(t.base, '.env')}`,
      'WHARF_TEMPLATE_PATH_INVALID',
    ],
    ['a symlink in the folder that leads out of it', () => 'link.yml', 'WHARF_TEMPLATE_OUTSIDE_ROOT'],
    ['a symlink to a device', () => 'zero.yml', 'WHARF_TEMPLATE_OUTSIDE_ROOT'],
  ])(
    'rejects TemplateURL: %s, naming the file, resource and property, exit 2, nothing echoed',
    async (_what, location, code) => {
      const { parent } = parentPointingAt(location);
      const error = templateError(() => loadTemplateFile(parent));
      expect(error.code).toBe(code);
      expect(error.location).toEqual({
        file: parent,
        logicalId: 'Nested',
        propertyPath: 'Properties.TemplateURL',
      });
      const run = await runMain(['check', '--template', parent]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`error: ${parent}: Nested.Properties.TemplateURL: nested stack template`);
      expectNoSecret(run.stdout, run.stderr);
      expect(run.stderr).not.toMatch(/root:x:0:0|internal error/);
    },
  );

  it('rejects a SAM application Location that climbs out, naming Properties.Location', async () => {
    const { parent } = parentPointingAt(() => '../../.env', 'AWS::Serverless::Application');
    const error = templateError(() => loadTemplateFile(parent));
    expect(error.code).toBe('WHARF_TEMPLATE_OUTSIDE_ROOT');
    expect(error.location.propertyPath).toBe('Properties.Location');
    const run = await runMain(['dev', '--template', parent]);
    expect(run.code).toBe(2);
    expectNoSecret(run.stdout, run.stderr);
  });

  it('rejects a device even inside a folder allowed with --allow-path', async () => {
    const { parent } = parentPointingAt(() => '/dev/zero');
    const error = templateError(() => loadTemplateFile(parent, { allowPaths: ['/dev'] }));
    expect(error.code).toBe('WHARF_TEMPLATE_NOT_A_FILE');
    expect(error.message).toContain('/dev/zero is a device, not a template file');
    const run = await runMain(['cost', parent, '--allow-path', '/dev']);
    expect(run.code).toBe(2);
  });

  it('follows a path outside the folder once --allow-path names its folder', async () => {
    const tree = scratchTree();
    writeFiles(tree.base, {
      'work/shared/topic.yml': TOPIC,
      'work/app/parent.yml': nestingTemplate('../shared/topic.yml'),
    });
    const parent = join(tree.app, 'parent.yml');
    expect(templateError(() => loadTemplateFile(parent)).code).toBe('WHARF_TEMPLATE_OUTSIDE_ROOT');
    const app = loadTemplateFile(parent, { allowPaths: [join(tree.base, 'work/shared')] });
    expect(app.stacks.map((s) => s.name)).toEqual(['parent.yml', 'Nested']);
    expect(app.roots?.folders).toEqual([tree.app, join(tree.base, 'work/shared')]);
    const run = await runMain(['cost', parent, '--allow-path', join(tree.base, 'work/shared'), '--json']);
    expect(run.code).toBe(0);
  });
});

describe('a cloud assembly that names files outside it', { timeout: HOSTILE_TIMEOUT_MS }, () => {
  /** An assembly `<base>/work/app` (the tree's app folder) whose one stack has `resource`. */
  function assembly(
    resource: Record<string, unknown>,
    extra: Record<string, string> = {},
    templateFile = 'Stack.template.json',
  ) {
    const tree = scratchTree();
    writeFiles(tree.app, {
      'manifest.json': JSON.stringify({
        version: '36.0.0',
        artifacts: { Stack: { type: 'aws:cloudformation:stack', properties: { templateFile } } },
      }),
      'Stack.template.json': JSON.stringify({ Resources: { Nested: resource } }),
      ...extra,
    });
    return tree;
  }

  it('rejects Metadata.aws:asset:path that climbs out of the assembly', () => {
    const tree = assembly({
      Type: 'AWS::CloudFormation::Stack',
      Metadata: { 'aws:asset:path': '../../.env' },
    });
    const error = templateError(() => loadCloudAssembly(tree.app));
    expect(error.code).toBe('WHARF_TEMPLATE_OUTSIDE_ROOT');
    expect(error.location).toEqual({
      file: join(tree.app, 'Stack.template.json'),
      logicalId: 'Nested',
      propertyPath: 'Metadata.aws:asset:path',
    });
    expectNoSecret(error.message);
  });

  it('rejects an asset-manifest source path that climbs out of the assembly', () => {
    const tree = assembly(
      {
        Type: 'AWS::CloudFormation::Stack',
        Properties: { TemplateURL: { 'Fn::Join': ['', ['s3://b/', 'abc.json']] } },
      },
      { 'Stack.assets.json': JSON.stringify({ files: { abc: { source: { path: '../../.env' } } } }) },
    );
    const error = templateError(() => loadCloudAssembly(tree.app));
    expect(error.code).toBe('WHARF_TEMPLATE_OUTSIDE_ROOT');
    expect(error.location.propertyPath).toBe('Properties.TemplateURL');
  });

  it('rejects a manifest whose templateFile is /etc/passwd, naming the manifest', () => {
    const tree = assembly({ Type: 'AWS::SNS::Topic' }, {}, '/etc/passwd');
    const error = templateError(() => loadCloudAssembly(tree.app));
    expect(error.code).toBe('WHARF_TEMPLATE_OUTSIDE_ROOT');
    expect(error.location).toEqual({
      file: join(tree.app, 'manifest.json'),
      logicalId: 'Stack',
      propertyPath: 'properties.templateFile',
    });
  });
});

describe('secrets in files and in the environment are never printed', { timeout: HOSTILE_TIMEOUT_MS }, () => {
  it('does not echo a root template that is not a template (a .env named with --template)', async () => {
    const tree = scratchTree();
    for (const command of ['check', 'dev', 'cost', 'diagram']) {
      const run = await runMain([command, '--template', join(tree.base, '.env')]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/the top level is a string of \d+ characters/);
      expectNoSecret(run.stdout, run.stderr);
    }
  });

  it('does not echo a .env inside the folder that a nested stack names', async () => {
    const tree = scratchTree();
    writeFiles(tree.app, { '.env': DOT_ENV, 'parent.yml': nestingTemplate('.env') });
    const run = await runMain(['check', join(tree.app, 'parent.yml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(tree.app, '.env')}: the top level is a string`);
    expectNoSecret(run.stdout, run.stderr);
  });

  it('does not echo a secret inside a binary file, nor quote a YAML or JSON parse error', async () => {
    const tree = scratchTree();
    writeFiles(tree.app, {
      'bin.yml': Buffer.concat([Buffer.from([0xff, 0xfe, 1, 2, 0, 7]), Buffer.from(SECRETS.marker)]),
      'bad.json': `{"Resources": ${SECRETS.keyId}}`,
      'bad.yml': `Resources: [${SECRETS.marker}\n`,
      'tag.yml': `Resources: !${SECRETS.marker} x\n`,
    });
    for (const file of ['bin.yml', 'bad.json', 'bad.yml', 'tag.yml']) {
      const run = await runMain(['check', '--template', join(tree.app, file)]);
      expect(run.code, `${file}: ${run.stderr}`).toBe(2);
      expectNoSecret(run.stdout, run.stderr);
    }
  });

  it('wharf check --template t.yaml with TemplateURL /proc/self/environ: exit 2, no line of the environment printed (spawned)', async () => {
    const tree = scratchTree();
    const parent = join(tree.app, 't.yaml');
    writeFileSync(parent, nestingTemplate('/proc/self/environ'));
    const run = await runWharfAsync(['check', '--template', parent], {
      env: { AWS_SECRET_ACCESS_KEY: SECRETS.marker, WHARF_FAKE_KEY_ID: SECRETS.keyId },
      timeoutMs: 110_000,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Nested.Properties.TemplateURL');
    expectNoSecret(run.stdout, run.stderr);
    expect(`${run.stdout}${run.stderr}`).not.toContain(`PATH=${process.env.PATH}`);
  }, 120_000); // a spawned CLI: Node start and imports take 3 s alone, 30 s and more on a busy machine

  it('wharf dev --template /etc/passwd: exit 2, no line of the file printed (spawned)', async () => {
    const run = await runWharfAsync(['dev', '--template', '/etc/passwd'], { timeoutMs: 110_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('/etc/passwd: the top level is');
    const output = `${run.stdout}${run.stderr}`;
    for (const line of readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .filter((l) => l.includes(':'))) {
      expect(output).not.toContain(line);
    }
  }, 120_000);
});
