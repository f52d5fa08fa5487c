/**
 * Reading what Docker streams back from a build: Dockerfile instructions and their lines, where a
 * failure is, and BuildKit's protobuf progress.
 */

import { describe, expect, it } from 'vitest';
import {
  dockerfileInstructions,
  failedInstruction,
  LineSplitter,
} from '../../../src/local/runtime/build-output.js';
import { BuildkitProgress, decodeBuildkitStatus } from '../../../src/local/runtime/buildkit-status.js';

const DOCKERFILE = `# syntax comment is a comment here
FROM node:22-alpine AS build
WORKDIR /src
RUN npm ci \\
  --omit=dev

FROM node:22-alpine
COPY --from=build /src /srv
CMD ["node", "/srv/server.js"]
`;

describe('dockerfileInstructions', () => {
  it('numbers instructions by their first line, continuations joined, comments and blanks skipped', () => {
    expect(dockerfileInstructions(DOCKERFILE)).toEqual([
      { line: 2, text: 'FROM node:22-alpine AS build' },
      { line: 3, text: 'WORKDIR /src' },
      { line: 4, text: 'RUN npm ci  --omit=dev' },
      { line: 7, text: 'FROM node:22-alpine' },
      { line: 8, text: 'COPY --from=build /src /srv' },
      { line: 9, text: 'CMD ["node", "/srv/server.js"]' },
    ]);
  });

  it('honours the escape parser directive', () => {
    expect(dockerfileInstructions('# escape=`\nFROM x\nRUN a `\n b\n').map((i) => i.line)).toEqual([2, 3]);
  });
});

describe('failedInstruction', () => {
  const instructions = dockerfileInstructions(DOCKERFILE);
  it.each([
    ['the line in a parse error', 'dockerfile parse error line 8: unknown flag', {}, 8],
    [
      'a BuildKit step of a named stage',
      'exit code: 1',
      { vertexName: '[build 3/3] RUN npm ci   --omit=dev' },
      4,
    ],
    [
      'a BuildKit step of the last stage by position',
      'x',
      { vertexName: '[2/3] COPY --from=build /src /srv' },
      8,
    ],
    ['a BuildKit step named stage-0', 'x', { vertexName: '[stage-0 2/3] WORKDIR /nowhere' }, 3],
    [
      'the classic builder’s last step',
      "The command '/bin/sh -c npm ci' returned a non-zero code: 1",
      { step: 3 },
      4,
    ],
  ])('finds %s', (_what, message, position, line) => {
    expect(failedInstruction(message, instructions, position)?.line).toBe(line);
  });

  it('knows nothing for a step after the Dockerfile’s own (the LABEL Wharf adds)', () => {
    expect(failedInstruction('boom', instructions, { step: 7 })).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  it('joins lines split across chunks and keeps the unfinished tail', () => {
    const lines = new LineSplitter();
    expect(lines.push('Step 1/2 : FR')).toEqual([]);
    expect(lines.push('OM x\n ---> abc\nSucc')).toEqual(['Step 1/2 : FROM x', ' ---> abc']);
    expect(lines.flush()).toEqual(['Succ']);
  });
});

/** Protobuf bytes for the fields BuildKit's StatusResponse uses here. */
function field(number: number, value: string | Buffer | boolean): Buffer {
  if (typeof value === 'boolean') return Buffer.from([number * 8, value ? 1 : 0]);
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return Buffer.concat([Buffer.from([number * 8 + 2, bytes.length]), bytes]);
}

describe('BuildKit progress', () => {
  it('decodes step names, cache hits, RUN output and a step’s error from base64 protobuf', () => {
    const started = field(5, Buffer.from([8, 1]));
    const completed = field(6, Buffer.from([8, 2]));
    const status = Buffer.concat([
      field(
        1,
        Buffer.concat([
          field(1, 'sha256:a'),
          field(3, '[1/3] FROM node'),
          field(4, true),
          started,
          completed,
        ]),
      ),
      field(1, Buffer.concat([field(1, 'sha256:b'), field(3, '[2/3] RUN make'), started])),
      field(3, Buffer.concat([field(1, 'sha256:b'), field(4, 'compiling\nhalf')])),
    ]);
    const failed = field(1, Buffer.concat([field(1, 'sha256:b'), field(7, 'exit code: 2')]));
    const progress = new BuildkitProgress();
    expect(progress.push(decodeBuildkitStatus(status.toString('base64')))).toEqual([
      'CACHED [1/3] FROM node',
      '[2/3] RUN make',
      'compiling',
    ]);
    expect(progress.push(decodeBuildkitStatus(failed.toString('base64')))).toEqual([
      'ERROR [2/3] RUN make: exit code: 2',
    ]);
    expect(progress.failed).toEqual({ name: '[2/3] RUN make', error: 'exit code: 2' });
  });
});
