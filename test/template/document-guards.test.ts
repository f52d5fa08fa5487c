import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import {
  jsonDepth,
  measureAliases,
  valueDepth,
  yamlDepthEstimate,
} from '../../src/template/document-guards.js';
import { describeValue, excerpt } from '../../src/template/excerpt.js';

describe('jsonDepth', () => {
  it.each([
    ['{}', 1],
    ['{"a":[1,{"b":2}]}', 3],
    ['{"a":"[[[[{{{{"}', 1],
    ['{"a":"\\"[[["}', 1],
    ['[[],[[]],[]]', 3],
  ])('%s is %i deep', (text, depth) => {
    expect(jsonDepth(text, 100)).toEqual({ depth });
  });

  it('stops at the first opening past the bound, with its offset', () => {
    expect(jsonDepth(`{"a":${'['.repeat(5000)}`, 100)).toEqual({ depth: 101, overAt: 104 });
  });
});

describe('yamlDepthEstimate', () => {
  it.each([
    ['a: b\n', 1],
    ['a:\n  b:\n    c: d\n', 3],
    ['a:\n  - b: 1\n    c: [1, {d: 2}]\n', 5],
    ['a:\n- - - x\n', 3],
    ['a: "[[[[" # [[[[\n', 1],
    ['a: |\n  [[[[\n    b: c\n', 1],
    ['? a\n: b\n', 1],
  ])('%j is about %i deep', (text, depth) => {
    expect(yamlDepthEstimate(text, 100)).toEqual({ depth });
  });

  it('counts flow collections exactly and stops past the bound', () => {
    expect(yamlDepthEstimate(`a: ${'['.repeat(5000)}\n`, 100).overAt).toBe(3 + 99);
  });

  it('counts compact block sequences on one line', () => {
    expect(yamlDepthEstimate(`a:\n${'- '.repeat(5000)}x\n`, 100).depth).toBe(101);
  });

  it('counts indented block mappings', () => {
    let text = '';
    for (let i = 0; i < 200; i++) text += `${' '.repeat(i)}k${i}:\n`;
    expect(yamlDepthEstimate(text, 100).depth).toBe(101);
  });
});

describe('valueDepth', () => {
  it.each([
    [1, 0],
    [{}, 1],
    [{ a: [1, { b: [] }] }, 4],
  ])('%j is %i deep', (value, depth) => {
    expect(valueDepth(value)).toBe(depth);
  });
});

describe('measureAliases', () => {
  const limits = { aliases: 10, expandedChars: 1000 };
  const measure = (text: string) => measureAliases(parseDocument(text).contents, limits);

  it('counts aliases and the size with aliases written out', () => {
    const result = measure('a: &x [1, 2]\nb: *x\nc: *x\n');
    expect(result).toMatchObject({ ok: true, aliases: 2 });
    expect(result.expandedChars).toBeGreaterThan(measure('a: [1, 2]\n').expandedChars * 2);
  });

  it('stops at the alias past the count', () => {
    const text = `a: &x 1\nb: [${Array(11).fill('*x').join(', ')}]\n`;
    expect(measure(text)).toMatchObject({ ok: false, reason: 'aliases', aliases: 11 });
  });

  it('stops a billion laughs as soon as the unrolled size passes the bound', () => {
    let text = 'a0: &a0 [lol, lol, lol]\n';
    for (let i = 1; i < 30; i++) text += `a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}]\n`;
    const result = measureAliases(parseDocument(text).contents, { aliases: 1000, expandedChars: 1000 });
    expect(result).toMatchObject({ ok: false, reason: 'expanded' });
  });

  it('reports an alias inside the anchor it names (a circular document)', () => {
    expect(measure('a: &x [1, *x]\n')).toMatchObject({ ok: false, reason: 'circular' });
  });
});

describe('excerpt', () => {
  it('quotes short values whole', () => {
    expect(excerpt('AWS::ECS::Service')).toBe('"AWS::ECS::Service"');
    expect(describeValue(42)).toBe('the number 42');
    expect(describeValue(['a'])).toBe('a list');
  });

  it('cuts long values to 60 characters and keeps them on one line', () => {
    const text = excerpt(`${'x'.repeat(500)}\nsecond line`);
    expect(Array.from(text)).toHaveLength(60);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toContain('\n');
  });

  it('escapes control, format and separator characters', () => {
    expect(excerpt('a\u001b[31mb\u202ec\u2028d')).toBe('"a\\u001b[31mb\\u202ec\\u2028d"');
  });
});
