/**
 * A project made by `wharf init` in a temporary folder, ready to run without a registry.
 *
 * A user runs `npm install` (verified by hand: about 2 minutes from the registry here). The tests
 * do not: they need seconds and no network. Instead they make the `node_modules` that `npm install`
 * makes for the generated package.json: every dependency it names, under that name, linked to the
 * package Wharf itself has installed (the version the package.json asks for, checked), `wharf`
 * linked to its `file:` target as npm links a `file:` folder, and the packages' bins linked into
 * `node_modules/.bin` as npm does. A dependency the generated package.json forgot, or one Wharf
 * does not have, fails here. Unlike a real install, the app's `aws-cdk-lib` is then Wharf's own
 * copy rather than a second one of the same version (the by-hand run covers the second copy).
 */

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { type InitOptions, type InitResult, initProject } from '../../src/init/init.js';
import { ROOT, tempDir } from './cli.js';

interface Manifest {
  readonly version?: string;
  readonly bin?: string | Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/**
 * Runs `wharf init` into a new temporary folder (`<tmp>/<folder>`) and links its dependencies. A
 * nonce file in `app/` makes the image's content hash this run's own, so it is built, not reused.
 */
export function scaffoldProject(folder: string, options: Omit<InitOptions, 'dir'> = {}): InitResult {
  const dir = join(tempDir('wharf-init-project-'), folder);
  const result = initProject({ ...options, dir });
  writeFileSync(join(dir, 'app', 'nonce.txt'), `${randomBytes(8).toString('hex')}\n`);
  linkDependencies(dir);
  return result;
}

/** Makes `dir/node_modules` as `npm install` would for its package.json, from Wharf's own packages. */
export function linkDependencies(dir: string): void {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  const fromWharf = createRequire(join(ROOT, 'package.json'));
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
    let source: string;
    if (range.startsWith('file:')) source = range.slice('file:'.length);
    else {
      source = dirname(fromWharf.resolve(`${name}/package.json`));
      const version = readManifest(source).version;
      if (range !== version && range !== `^${version}`) {
        throw new Error(`${name}: the project asks for ${range}, Wharf has ${version}`);
      }
    }
    const target = join(modules, name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(source, target);
    const bin = readManifest(source).bin;
    const bins = typeof bin === 'string' ? { [name.split('/').pop() ?? name]: bin } : (bin ?? {});
    for (const [command, file] of Object.entries(bins)) {
      symlinkSync(relative(join(modules, '.bin'), join(target, file)), join(modules, '.bin', command));
    }
  }
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}
