/**
 * Hostile templates, part 2: bombs, depth, fan-out, cycles, oversize files and too many
 * resources. Each input is one that today's loader spends minutes or gigabytes on, or answers
 * with "internal error" (exit 3); each must now end in bounded time with exit code 2 and a
 * `WHARF_TEMPLATE_LIMIT` error naming the limit. Inputs are generated here, in a temporary folder.
 */

import { symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/errors.js';
import { loadTemplateFile } from '../../src/template/load.js';
import { parseTemplate } from '../../src/template/yaml.js';
import {
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

/** Writes `content` as `name` in a fresh folder; returns its path. */
function hostileFile(name: string, content: string | Buffer): string {
  const { app } = scratchTree();
  writeFiles(app, { [name]: content });
  return join(app, name);
}

/** Exit code 2 from `wharf check` with a message naming `limit`, and the loader's code. */
async function expectLimit(file: string, limit: string): Promise<void> {
  const error = templateError(() => loadTemplateFile(file));
  expect(error.code).toBe('WHARF_TEMPLATE_LIMIT');
  expect(error.message).toContain(`Limit '${limit}'`);
  const run = await runMain(['check', '--template', file]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`Limit '${limit}'`);
  expect(run.stderr).not.toContain('internal error');
}

const resourceWith = (value: string) =>
  `Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: ${value}\n`;

describe('YAML alias bombs', { timeout: HOSTILE_TIMEOUT_MS }, () => {
  it('refuses a billion laughs (9 aliases per level, 10 levels)', async () => {
    let text = 'Metadata:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i < 10; i++)
      text += `  l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    await expectLimit(hostileFile('laughs.yaml', `${text}${resourceWith('*l9')}`), 'yamlExpandedChars');
  });

  it('refuses 999 aliases of a 100 KB anchor', async () => {
    const text = `Metadata:\n  Big: &big "${'x'.repeat(100_000)}"\n${resourceWith(`[${Array(999).fill('*big').join(', ')}]`)}`;
    await expectLimit(hostileFile('anchor.yaml', text), 'yamlExpandedChars');
  });

  it('refuses 1,001 aliases of a small anchor', async () => {
    const text = `Metadata:\n  A: &a x\n${resourceWith(`[${Array(1001).fill('*a').join(', ')}]`)}`;
    await expectLimit(hostileFile('many.yaml', text), 'yamlAliases');
  });

  it('refuses an alias inside the anchor it names (a cyclic value), as bad input', async () => {
    const file = hostileFile('cyclic.yaml', `Metadata:\n  A: &a [1, *a]\n${TOPIC}`);
    const error = templateError(() => loadTemplateFile(file));
    expect(error.message).toContain('circular');
    expect((await runMain(['diagram', file])).code).toBe(2);
  });

  it('still unrolls a few aliases of a small anchor, as aws cloudformation package does', () => {
    const text = `Metadata:\n  Tags: &tags [{Key: team, Value: api}]\n${resourceWith('*tags')}`;
    expect(parseTemplate(text, 't.yaml').Resources.Topic.Properties?.X).toEqual([
      { Key: 'team', Value: 'api' },
    ]);
  });
});

describe('deep documents', { timeout: HOSTILE_TIMEOUT_MS }, () => {
  it.each([
    [
      '5,000-deep JSON',
      'deep.json',
      `{"Resources":{"T":{"Type":"AWS::SNS::Topic","Properties":{"X":${'['.repeat(5000)}${']'.repeat(5000)}}}}}`,
    ],
    ['5,000-deep YAML flow', 'flow.yaml', resourceWith(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
    ['5,000-deep YAML block sequence on one line', 'dash.yaml', resourceWith(`\n${'- '.repeat(5000)}x`)],
    [
      '1,000-deep YAML block mapping (indented)',
      'block.yaml',
      resourceWith(`\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(8 + i)}k${i}:`).join('\n')} x`),
    ],
  ])('refuses %s with the documentDepth limit, never a stack overflow', async (_what, name, text) => {
    await expectLimit(hostileFile(name, text), 'documentDepth');
  });

  it('accepts a template 30 levels deep', () => {
    const text = resourceWith(`${'['.repeat(30)}${']'.repeat(30)}`);
    expect(parseTemplate(text, 't.yaml').Resources.Topic.Type).toBe('AWS::SNS::Topic');
  });
});

/** `count` files, each nesting the next twice; the last holds a topic. */
function doublingChain(count: number): string {
  const { app } = scratchTree();
  for (let i = 0; i < count; i++) {
    const next = `s${i + 1}.yaml`;
    writeFileSync(
      join(app, `s${i}.yaml`),
      i === count - 1
        ? TOPIC
        : `Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties: { TemplateURL: ${next} }\n  B:\n    Type: AWS::CloudFormation::Stack\n    Properties: { TemplateURL: ${next} }\n`,
    );
  }
  return join(app, 's0.yaml');
}

describe('nested-stack fan-out and cycles', { timeout: HOSTILE_TIMEOUT_MS }, () => {
  it('ends the 4.5 KB fan-out of 24 files (each nesting the next twice) at the nesting limit', async () => {
    await expectLimit(doublingChain(24), 'nestingDepth');
  });

  it('ends a fan-out within the nesting limit (12 files, 4,095 stacks) at the stacks-per-app limit', async () => {
    await expectLimit(doublingChain(12), 'stacksPerApp');
  });

  it('reads and parses a file referenced many times once', () => {
    const { app } = scratchTree();
    const resources = Array.from(
      { length: 400 },
      (_, i) =>
        `  N${i}:\n    Type: AWS::CloudFormation::Stack\n    Properties: { TemplateURL: child.yaml }\n`,
    );
    writeFiles(app, { 'parent.yaml': `Resources:\n${resources.join('')}`, 'child.yaml': TOPIC });
    const loaded = loadTemplateFile(join(app, 'parent.yaml'));
    expect(loaded.stacks).toHaveLength(401);
    const templates = new Set(loaded.stacks.slice(1).map((stack) => stack.template));
    expect(templates.size).toBe(1);
  });

  it('finds a cycle through a symlinked file', async () => {
    const { app } = scratchTree();
    writeFiles(app, { 'a.yaml': nestingTemplate('alias.yaml') });
    symlinkSync(join(app, 'a.yaml'), join(app, 'alias.yaml'));
    const error = templateError(() => loadTemplateFile(join(app, 'a.yaml')));
    expect(error.code).toBe('WHARF_TEMPLATE_CYCLE');
    expect(error.message).toContain(`${join(app, 'alias.yaml')} is ${join(app, 'a.yaml')}`);
    expect((await runMain(['check', join(app, 'a.yaml')])).code).toBe(2);
  });

  it('finds a cycle through a symlinked folder (sub -> .)', async () => {
    const { app } = scratchTree();
    writeFiles(app, { 'a.yaml': nestingTemplate('sub/a.yaml') });
    symlinkSync('.', join(app, 'sub'));
    const error = templateError(() => loadTemplateFile(join(app, 'a.yaml')));
    expect(error.code).toBe('WHARF_TEMPLATE_CYCLE');
    expect(error.location).toMatchObject({ logicalId: 'Nested', propertyPath: 'Properties.TemplateURL' });
    expect((await runMain(['cost', join(app, 'a.yaml')])).code).toBe(2);
  });
});

describe('oversize files and too many resources', { timeout: HOSTILE_TIMEOUT_MS }, () => {
  const justOver = `${TOPIC}#${'x'.repeat(1024 * 1024 - TOPIC.length)}`; // 1,048,577 bytes

  it('refuses a root template one byte over 1 MB', async () => {
    await expectLimit(hostileFile('big.yaml', justOver), 'templateBytes');
  });

  it('refuses a nested template one byte over 1 MB, naming the nested-stack resource', async () => {
    const { app } = scratchTree();
    writeFiles(app, { 'parent.yaml': nestingTemplate('big.yaml'), 'big.yaml': justOver });
    const error = templateError(() => loadTemplateFile(join(app, 'parent.yaml')));
    expect(error.code).toBe('WHARF_TEMPLATE_LIMIT');
    expect(error.location).toEqual({
      file: join(app, 'parent.yaml'),
      logicalId: 'Nested',
      propertyPath: 'Properties.TemplateURL',
    });
  });

  it('refuses a 50 MB (sparse) template from its size, without reading it', async () => {
    const file = hostileFile('huge.yaml', '');
    truncateSync(file, 50 * 1024 * 1024);
    await expectLimit(file, 'templateBytes');
    expect((await runMain(['dev', '--template', file])).stderr).toContain('has 52,428,800 bytes');
  });

  it('refuses 501 resources in one template, and accepts 500', async () => {
    const resources = (n: number) =>
      `Resources:\n${Array.from({ length: n }, (_, i) => `  T${i}:\n    Type: AWS::SNS::Topic\n`).join('')}`;
    await expectLimit(hostileFile('many.yaml', resources(501)), 'resourcesPerStack');
    expect(Object.keys(parseTemplate(resources(500), 'ok.yaml').Resources)).toHaveLength(500);
  });

  it('refuses binary files as bad input, quoting nothing (a secret in them included)', async () => {
    const noise = Buffer.alloc(4096);
    for (let i = 0, x = 7; i < noise.length; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      noise[i] = x >> 23;
    }
    const cases = [
      ['with NUL bytes', 'nul.yaml', Buffer.concat([noise, Buffer.from(SECRETS.marker)]), /binary file/],
      [
        'without NUL bytes, starting with a secret',
        'noise.yaml',
        Buffer.concat([Buffer.from(`${SECRETS.marker} `), noise.map((b) => b || 1)]),
        /the top level is a string of \d+ characters|not valid YAML/,
      ],
      [
        'a zip archive',
        'archive.yaml',
        Buffer.concat([Buffer.from(`PK\u0003\u0004${SECRETS.keyId}`), noise]),
        /binary file/,
      ],
    ] as const;
    for (const [what, name, content, message] of cases) {
      const run = await runMain(['check', '--template', hostileFile(name, content)]);
      expect(run.code, `${what}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expectNoSecret(run.stderr);
    }
  });
});

describe('mutated templates', { timeout: HOSTILE_TIMEOUT_MS }, () => {
  it('end as a template or a TemplateError, never another error (500 seeded mutations)', () => {
    const seed = `AWSTemplateFormatVersion: '2010-09-09'
Metadata: { Tags: &tags [{ Key: a, Value: b }] }
Parameters: { Size: { Type: Number, Default: 1 } }
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties: { TopicName: !Sub '\${AWS::StackName}-t', Tags: *tags }
  Queue:
    Type: AWS::SQS::Queue
    Properties: { DelaySeconds: !Ref Size, Policy: !If [C, !GetAtt Topic.Arn, [1, {a: "x"}]] }
`;
    const pieces = [
      '[',
      ']',
      '{',
      '}',
      ':',
      '- ',
      '&a ',
      '*a',
      '*tags',
      '!Ref ',
      '!Sub ',
      '"',
      "'",
      '\n',
      '  ',
      '#',
      '? ',
      '|',
      '>',
      ',',
      '\t',
      '\u0000',
      '%YAML 1.2\n---\n',
      '\ufeff',
    ];
    let x = 42;
    const next = (n: number) => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x % n;
    };
    let parsed = 0;
    for (let i = 0; i < 500; i++) {
      let text = seed;
      for (let m = 1 + next(4); m > 0; m--) {
        const at = next(text.length);
        const cut = next(3);
        text = `${text.slice(0, at)}${pieces[next(pieces.length)]}${text.slice(at + cut)}`;
      }
      try {
        parseTemplate(text, i % 2 ? 'm.yaml' : 'm.json');
        parsed++;
      } catch (error) {
        expect(error, `mutation ${i}: ${JSON.stringify(text)}`).toBeInstanceOf(TemplateError);
      }
    }
    expect(parsed).toBeGreaterThan(0);
  });
});
