/** Which file changes `wharf dev --watch` acts on. */

import { describe, expect, it } from 'vitest';
import { appChangeIgnored, imageChangeIgnored, isEditorTemp } from '../../src/local/watch-filter.js';

describe('isEditorTemp', () => {
  it.each([
    '.app.ts.swp',
    '.app.ts.swo',
    'app.ts~',
    '.#app.ts',
    '#app.ts#',
    '4913',
    'app.ts___jb_tmp___',
    'sedAb12Cd',
  ])('ignores %s', (name) => expect(isEditorTemp(`/work/app/${name}`)).toBe(true));
  it.each(['app.ts', 'server.mjs', 'sed.config', 'Dockerfile'])('keeps %s', (name) => {
    expect(isEditorTemp(`/work/app/${name}`)).toBe(false);
  });
});

describe('appChangeIgnored', () => {
  const images = ['/work/app/service'];
  it.each([
    ['/work/app/app.ts', false],
    ['/work/app/lib/stack.ts', false],
    ['/work/app/cdk.out/manifest.json', true],
    ['/work/app/node_modules/x/index.js', true],
    ['/work/app/.git/HEAD', true],
    ['/work/app/service/server.mjs', true],
    ['/elsewhere/app.ts', true],
  ])('%s → ignored: %s', (path, ignored) => {
    expect(appChangeIgnored('/work/app', path, images)).toBe(ignored);
  });
});

describe('imageChangeIgnored', () => {
  const ignores = (path: string) => path.endsWith('.md') || path.startsWith('scratch');
  it.each([
    ['/work/app/service/server.mjs', false],
    ['/work/app/service/Dockerfile', false],
    ['/work/app/service/.dockerignore', false],
    ['/work/app/service/NOTES.md', true],
    ['/work/app/service/scratch', true],
    ['/work/app/service/.git/index', true],
    ['/work/app/service/.server.mjs.swp', true],
  ])('%s → ignored: %s', (path, ignored) => {
    expect(imageChangeIgnored('/work/app/service', path, ignores)).toBe(ignored);
  });
});
