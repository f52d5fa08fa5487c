/**
 * The Wharf that runs `wharf init`, as the new project depends on it: its folder (for the
 * `file:` link, while Wharf is not published to npm) and the versions of the packages a Wharf app
 * needs beside it (`aws-cdk-lib`, `constructs`, `tsx`), as installed in that folder.
 */

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WharfError } from '../errors.js';

/** What a new project takes from the Wharf that created it. */
export interface WharfPackage {
  /** The folder of Wharf's `package.json` (absolute). */
  readonly dir: string;
  /** Wharf's version. */
  readonly version: string;
  /**
   * The version of each package the app needs, as npm ranges: the exact installed version of
   * `aws-cdk-lib` and `constructs` (the app then builds with the very code Wharf's constructs were
   * tested with), `^<installed>` for `tsx`; Wharf's declared range when one is not installed.
   */
  readonly versions: Readonly<Record<'aws-cdk-lib' | 'constructs' | 'tsx', string>>;
}

/** The packages a Wharf app needs beside Wharf, and whether the project pins them exactly. */
const NEEDED = { 'aws-cdk-lib': 'exact', constructs: 'exact', tsx: 'caret' } as const;

/**
 * Finds the Wharf package this code belongs to (the nearest `package.json` named `wharf` above
 * this file) and the versions a new project should depend on.
 *
 * @param from a file inside Wharf. @default this module
 * @example wharfPackage().versions['aws-cdk-lib'] // '2.276.0'
 */
export function wharfPackage(from: string = fileURLToPath(import.meta.url)): WharfPackage {
  const dir = packageRoot(from);
  const manifest = readJson(join(dir, 'package.json')) as {
    version?: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const require = createRequire(join(dir, 'package.json'));
  const versions = {} as Record<keyof typeof NEEDED, string>;
  for (const [name, style] of Object.entries(NEEDED) as Array<[keyof typeof NEEDED, 'exact' | 'caret']>) {
    const installed = installedVersion(require, name);
    const declared = manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
    const version = installed ? (style === 'exact' ? installed : `^${installed}`) : declared;
    if (!version) {
      throw new WharfError(
        'WHARF_INIT_WHARF_INCOMPLETE',
        `${dir}: '${name}' is neither installed nor declared in Wharf's package.json; run 'npm install' there.`,
        { source: 'internal' },
      );
    }
    versions[name] = version;
  }
  return { dir, version: manifest.version ?? '0.0.0', versions };
}

function packageRoot(from: string): string {
  let dir = dirname(from);
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (readJson(file) as { name?: string }).name === 'wharf') return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new WharfError('WHARF_INIT_WHARF_NOT_FOUND', `no package.json named 'wharf' above ${from}`, {
        source: 'internal',
      });
    }
    dir = parent;
  }
}

function installedVersion(require: NodeJS.Require, name: string): string | undefined {
  try {
    return (readJson(require.resolve(`${name}/package.json`)) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}
