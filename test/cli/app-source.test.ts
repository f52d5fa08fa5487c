import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSourceArgs, isTemplateArgument } from '../../src/cli/app-source.js';
import { parseCommandArgs } from '../../src/cli/command.js';
import { sourceOptions } from '../../src/cli/commands/deploy.js';
import { COMMANDS } from '../../src/cli/main.js';
import { UsageError } from '../../src/errors.js';
import { tempDir } from '../support/cli.js';
import { runMain } from '../support/in-process-cli.js';

const SEED = 'test/fixtures/seeds-like/alb/parent.yml';

describe('appSourceArgs: the positional argument is a CDK app folder or a template file', () => {
  it.each([
    ['a template file in place of the folder', [SEED], {}, { templates: [SEED] }],
    [
      'a folder',
      ['examples/api-gateway-fargate'],
      {},
      { dir: 'examples/api-gateway-fargate', templates: [] },
    ],
    ['nothing (the current folder)', [], {}, { dir: '.', templates: [] }],
    [
      'a path that does not exist (the CDK app error names it)',
      ['no/such'],
      {},
      { dir: 'no/such', templates: [] },
    ],
    ['--template', [], { template: SEED }, { templates: [SEED] }],
    ['repeated --template (check)', [], { template: [SEED, SEED] }, { templates: [SEED, SEED] }],
    [
      '--allow-path',
      [SEED],
      { 'allow-path': ['../shared'] },
      { templates: [SEED], allowPaths: ['../shared'] },
    ],
  ])('%s', (_what, positionals, options, expected) => {
    expect(appSourceArgs('check', positionals, options)).toEqual(expected);
  });

  it('rejects a positional argument together with --template, for every command', () => {
    expect(() => appSourceArgs('cost', [SEED], { template: SEED })).toThrow(UsageError);
    expect(() => appSourceArgs('cost', ['examples'], { template: SEED })).toThrow(
      'wharf cost: give either a CDK app folder or --template, not both',
    );
  });

  it('treats files as templates and folders (or nothing) as apps', () => {
    expect(isTemplateArgument(SEED)).toBe(true);
    expect(isTemplateArgument('/dev/null')).toBe(true);
    expect(isTemplateArgument('examples')).toBe(false);
    expect(isTemplateArgument('no/such/file.yml')).toBe(false);
  });

  it('gives deploy, diff, outputs and destroy the same decision', () => {
    for (const command of ['deploy', 'diff', 'outputs', 'destroy']) {
      expect(sourceOptions([SEED], {}, command)).toEqual({ template: SEED });
      expect(sourceOptions([], { 'allow-path': ['x'], 'stack-name': 'n' }, command)).toEqual({
        dir: '.',
        allowPaths: ['x'],
        stackName: 'n',
      });
    }
  });
});

describe('--allow-path', () => {
  it('is an option of every command that loads templates', () => {
    // bootstrap deploys CDK's own toolkit stack; init writes a new project rather than reading one.
    const loading = COMMANDS.filter((c) => c.name !== 'bootstrap' && c.name !== 'init');
    expect(loading.map((c) => c.name).sort()).toEqual(
      ['check', 'cost', 'deploy', 'destroy', 'dev', 'diagram', 'diff', 'outputs', 'synth'].sort(),
    );
    for (const command of loading) {
      expect(
        parseCommandArgs(command, ['--allow-path', 'a', '--allow-path', 'b']).options['allow-path'],
      ).toEqual(['a', 'b']);
    }
  });
});

describe('a template file where the app folder goes', { timeout: 20_000 }, () => {
  it('is checked, priced and drawn as with --template (it said "no such folder")', async () => {
    const file = join(tempDir(), 'topic.yml');
    writeFileSync(file, 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n');
    // check's validator takes seconds to warm up: a template the loader rejects shows the decision.
    const broken = join(tempDir(), 'parent.yml');
    writeFileSync(
      broken,
      'Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties: { TemplateURL: gone.yml }\n',
    );
    const check = await runMain(['check', broken]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(
      `${broken}: Child.Properties.TemplateURL: nested stack template not found`,
    );
    const cost = await runMain(['cost', file, '--json']);
    expect(cost.code).toBe(0);
    expect(JSON.parse(cost.stdout)[0].estimate.app).toBe('topic');
    // A diagram needs something it draws: a topic alone is refused (WHARF_DIAGRAM_EMPTY), a VPC is drawn.
    const network = join(tempDir(), 'network.yml');
    writeFileSync(
      network,
      'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: 10.0.0.0/16 }\n',
    );
    const diagram = await runMain(['diagram', network, '--json']);
    expect(diagram.code).toBe(0);
    expect(JSON.parse(diagram.stdout).title).toMatch(/^network: /);
  });

  it('is refused by synth, which runs CDK apps, with a message saying so', async () => {
    const run = await runMain(['synth', SEED, '--out', tempDir()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`wharf synth: ${SEED} is a file; synth runs the CDK app in a folder`);
  });
});
