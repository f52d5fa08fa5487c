/**
 * The images a Dockerfile starts FROM, which `wharf dev` pulls (or finds missing) before it picks
 * a runtime: stages and `scratch` left out, `ARG`s substituted as Docker does.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the cases are Dockerfile text, with Docker's ${…} variables.
import { describe, expect, it } from 'vitest';
import {
  baseImageUnavailable,
  dockerfileBaseImages,
} from '../../../src/local/runtime/dockerfile-base-images.js';

describe('dockerfileBaseImages', () => {
  const cases: Array<[string, string, Record<string, string>, string[]]> = [
    ['one FROM', 'FROM node:22-alpine\nCMD ["node"]\n', {}, ['node:22-alpine']],
    ['lower-case instruction', 'from node:22-alpine\n', {}, ['node:22-alpine']],
    ['scratch is no image', 'FROM scratch\nCOPY x /\n', {}, []],
    [
      'a later FROM naming an earlier stage (any case) is no image',
      'FROM node:22 AS Build\nRUN make\nFROM build AS test\nFROM gcr.io/distroless/nodejs22\nCOPY --from=build /a /a\n',
      {},
      ['node:22', 'gcr.io/distroless/nodejs22'],
    ],
    ['--platform flag skipped', 'FROM --platform=$BUILDPLATFORM node:22 AS b\n', {}, ['node:22']],
    ['ARG default', 'ARG V=22\nFROM node:${V}-alpine\n', {}, ['node:22-alpine']],
    [
      'build argument over the ARG default',
      'ARG V=22\nFROM node:$V-alpine\n',
      { V: '20' },
      ['node:20-alpine'],
    ],
    ['quoted ARG default', 'ARG V="22"\nFROM node:${V}\n', {}, ['node:22']],
    ['${V:-default} without a value', 'ARG V\nFROM node:${V:-18}\n', {}, ['node:18']],
    ['unknown variable: left to BuildKit', 'FROM node:${UNDECLARED}\n', { UNDECLARED: 'x' }, []],
    ['ARG after the first FROM does not apply to FROM', 'FROM a:1\nARG V=2\nFROM b:$V\n', {}, ['a:1']],
    [
      'line continuation and comments',
      '# syntax\nFROM \\\n  node:22-alpine \\\n  AS base\n',
      {},
      ['node:22-alpine'],
    ],
    ['each image once, in order', 'FROM a:1\nFROM b:1\nFROM a:1\n', {}, ['a:1', 'b:1']],
  ];
  for (const [name, dockerfile, args, images] of cases) {
    it(name, () => {
      expect(dockerfileBaseImages(dockerfile, args)).toEqual(images);
    });
  }
});

describe('baseImageUnavailable', () => {
  it('names the image, the Dockerfile, the reason, and the stand-in script for node images', () => {
    expect(baseImageUnavailable('node:22-alpine', '/p/app/Dockerfile', 'no such host', '/w/s.ts')).toBe(
      "Base image 'node:22-alpine' (FROM in /p/app/Dockerfile) is not on this machine and could not be pulled: no such host. " +
        "Pull it where a registry is reachable ('docker pull node:22-alpine') or load it ('docker load'), or, without registry access, " +
        "make Wharf's offline stand-in under that name: 'npx tsx /w/s.ts node:22-alpine'.",
    );
  });
  it('offers no stand-in for an image Wharf cannot stand in for, or without the script', () => {
    expect(baseImageUnavailable('python:3.12', '/D', 'x', '/w/s.ts')).not.toContain('stand-in');
    expect(baseImageUnavailable('node:22', '/D', 'x', undefined)).not.toContain('stand-in');
  });
});
