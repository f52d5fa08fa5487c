import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateError, UsageError } from '../../src/errors.js';
import {
  containmentRoots,
  isInside,
  readContainedFile,
  readTemplateText,
  resolveContainedPath,
} from '../../src/template/containment.js';
import { TEMPLATE_LIMITS } from '../../src/template/limits.js';
import { tempDir } from '../support/cli.js';

const TOPIC = 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n';
const from = (file: string) => ({ file, logicalId: 'Child', propertyPath: 'Properties.TemplateURL' });

/** A root folder `app/` with `parent.yml` and `nested/child.yml`, next to an `outside/` folder. */
function layout() {
  const base = tempDir('wharf-contain-');
  const app = join(base, 'app');
  mkdirSync(join(app, 'nested'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(app, 'parent.yml'), TOPIC);
  writeFileSync(join(app, 'nested/child.yml'), TOPIC);
  writeFileSync(join(base, 'outside/secret.yml'), TOPIC);
  const ref = (path: string, baseDir = app) => ({ path, baseDir, from: from(join(app, 'parent.yml')) });
  return { base, app, ref, roots: containmentRoots(app) };
}

function thrown(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('resolveContainedPath', () => {
  it('accepts a relative path inside the root folder, and returns its real path', () => {
    const { app, ref, roots } = layout();
    const contained = resolveContainedPath(ref('nested/child.yml'), roots);
    expect(contained.path).toBe(join(app, 'nested/child.yml'));
    expect(isInside(contained.realPath, roots.realFolders[0] as string)).toBe(true);
  });

  it('accepts an absolute path when it lies inside the root folder', () => {
    const { app, ref, roots } = layout();
    expect(resolveContainedPath(ref(join(app, 'nested/child.yml')), roots).path).toBe(
      join(app, 'nested/child.yml'),
    );
  });

  it.each([
    ['a path that climbs out', '../outside/secret.yml', /resolves to .*outside\/secret\.yml, outside /],
    ['an absolute path outside', '/etc/passwd', /"\/etc\/passwd" is an absolute path, outside /],
    ['a path that does not exist outside', '../outside/none.yml', /resolves to .*none\.yml, outside /],
  ])('rejects %s before touching it, naming file, resource and property', (_what, path, message) => {
    const { app, ref, roots } = layout();
    const error = thrown(() => resolveContainedPath(ref(path), roots, { what: 'nested stack template' }));
    expect(error.code).toBe('WHARF_TEMPLATE_OUTSIDE_ROOT');
    expect(error.location).toEqual(from(join(app, 'parent.yml')));
    expect(error.message).toContain(`${join(app, 'parent.yml')}: Child.Properties.TemplateURL`);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('--allow-path');
  });

  it('rejects a file:// URL even when it points inside the folder', () => {
    const { app, ref, roots } = layout();
    const error = thrown(() => resolveContainedPath(ref(`file://${join(app, 'nested/child.yml')}`), roots));
    expect(error.code).toBe('WHARF_TEMPLATE_PATH_INVALID');
    expect(error.message).toContain('file:// URL');
  });

  it('rejects a symlink inside the folder that leads out of it', () => {
    const { base, app, ref, roots } = layout();
    symlinkSync(join(base, 'outside/secret.yml'), join(app, 'link.yml'));
    const error = thrown(() => resolveContainedPath(ref('link.yml'), roots));
    expect(error.code).toBe('WHARF_TEMPLATE_OUTSIDE_ROOT');
    expect(error.message).toMatch(/leads through a symlink to .*outside\/secret\.yml/);
  });

  it('accepts a symlink that stays inside the folder', () => {
    const { app, ref, roots } = layout();
    symlinkSync(join(app, 'nested/child.yml'), join(app, 'alias.yml'));
    expect(resolveContainedPath(ref('alias.yml'), roots).realPath).toMatch(/nested\/child\.yml$/);
  });

  it('accepts a folder named with --allow-path, and only that folder', () => {
    const { base, ref } = layout();
    const roots = containmentRoots(join(base, 'app'), [join(base, 'outside')]);
    expect(resolveContainedPath(ref('../outside/secret.yml'), roots).path).toBe(
      join(base, 'outside/secret.yml'),
    );
    expect(thrown(() => resolveContainedPath(ref('../../etc/passwd'), roots)).code).toBe(
      'WHARF_TEMPLATE_OUTSIDE_ROOT',
    );
  });

  it('rejects a folder where a file is expected, and a device even in an allowed folder', () => {
    const { app, ref, roots } = layout();
    const folder = thrown(() => resolveContainedPath(ref('nested'), roots));
    expect(folder.code).toBe('WHARF_TEMPLATE_NOT_A_FILE');
    expect(folder.message).toContain('is a folder, not a template file');
    const devices = containmentRoots(app, ['/dev']);
    const device = thrown(() => resolveContainedPath(ref('/dev/zero'), devices));
    expect(device.code).toBe('WHARF_TEMPLATE_NOT_A_FILE');
    expect(device.message).toContain('is a device');
  });

  it('says what was looked for when nothing is there', () => {
    const { app, ref, roots } = layout();
    const error = thrown(() => resolveContainedPath(ref('nested/gone.yml'), roots));
    expect(error.code).toBe('WHARF_TEMPLATE_NOT_FOUND');
    expect(error.message).toContain(`looked for ${join(app, 'nested/gone.yml')}`);
  });

  it('resolves folders with kind directory', () => {
    const { app, ref, roots } = layout();
    expect(resolveContainedPath(ref('nested'), roots, { kind: 'directory' }).path).toBe(join(app, 'nested'));
  });
});

describe('containmentRoots', () => {
  it('rejects an --allow-path that is not a folder', () => {
    const { app } = layout();
    expect(() => containmentRoots(app, [join(app, 'parent.yml')])).toThrow(UsageError);
    expect(() => containmentRoots(app, [join(app, 'nope')])).toThrow(/--allow-path .*nope: no such folder/);
  });
});

describe('readContainedFile and readTemplateText', () => {
  it('reads a contained file', () => {
    const { ref, roots } = layout();
    expect(readContainedFile(ref('nested/child.yml'), roots).text).toBe(TOPIC);
  });

  it('refuses a nested template one byte over 1 MB, naming the referring resource', () => {
    const { app, ref, roots } = layout();
    writeFileSync(
      join(app, 'big.yml'),
      `${TOPIC}#${'x'.repeat(TEMPLATE_LIMITS.templateBytes - TOPIC.length)}`,
    );
    const error = thrown(() => readContainedFile(ref('big.yml'), roots, { what: 'nested stack template' }));
    expect(error.code).toBe('WHARF_TEMPLATE_LIMIT');
    expect(error.location).toEqual(from(join(app, 'parent.yml')));
    expect(error.message).toContain('has 1,048,577 bytes');
    expect(error.message).toContain("Limit 'templateBytes'");
  });

  it('refuses a 50 MB sparse root file from its size, and /dev/zero from its type', () => {
    const { app } = layout();
    const huge = join(app, 'huge.yml');
    writeFileSync(huge, '');
    truncateSync(huge, 50 * 1024 * 1024);
    const error = thrown(() => readTemplateText(huge));
    expect(error.code).toBe('WHARF_TEMPLATE_LIMIT');
    expect(error.message).toContain('has 52,428,800 bytes');
    expect(thrown(() => readTemplateText('/dev/zero')).code).toBe('WHARF_TEMPLATE_NOT_A_FILE');
  });
});
