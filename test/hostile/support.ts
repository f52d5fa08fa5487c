/**
 * Fixtures for the hostile-input suites: a scratch tree made at test time (nothing big is
 * committed), a fake secret to look for in every output, and the CLI run in-process.
 */

import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { isWharfError, TemplateError } from '../../src/errors.js';
import { tempDir } from '../support/cli.js';

/** Per-test timeout of the hostile suites: inputs that hang today's code must fail, not hang. */
export const HOSTILE_TIMEOUT_MS = 20_000;

/** A fake AWS key id and a marker, unique per run, that must never appear in any output. */
export const SECRETS = {
  keyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
  marker: `SECRET_MARKER_${randomBytes(8).toString('hex')}`,
} as const;

/** The text of a `.env` holding both secrets. */
export const DOT_ENV = `AWS_ACCESS_KEY_ID=${SECRETS.keyId}\nAWS_SECRET_ACCESS_KEY=${SECRETS.marker}\n`;

/** Asserts that neither secret appears in `text`. */
export function expectNoSecret(...texts: readonly string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(SECRETS.keyId);
    expect(text).not.toContain(SECRETS.marker);
  }
}

/** A template with one topic. */
export const TOPIC = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';

/** A template whose one resource `Nested` is a nested stack at `location`. */
export function nestingTemplate(location: string, type = 'AWS::CloudFormation::Stack'): string {
  const property = type === 'AWS::Serverless::Application' ? 'Location' : 'TemplateURL';
  return `Resources:\n  Nested:\n    Type: ${type}\n    Properties:\n      ${property}: ${JSON.stringify(location)}\n`;
}

/** Writes `files` (path → content) under `root`, creating folders. */
export function writeFiles(root: string, files: Readonly<Record<string, string | Buffer>>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
}

/**
 * A scratch tree: `<base>/.env` (the secrets, outside the app), `<base>/work/app/` (the root
 * template's folder).
 */
export function scratchTree(): { base: string; app: string } {
  const base = tempDir('wharf-hostile-');
  const app = join(base, 'work/app');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(base, '.env'), DOT_ENV);
  return { base, app };
}

export { type CliRun, runMain } from '../support/in-process-cli.js';

/** The TemplateError `fn` throws (fails the test on anything else, a plain Error included). */
export function templateError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    expect(isWharfError(error), String((error as Error)?.stack ?? error)).toBe(true);
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}
