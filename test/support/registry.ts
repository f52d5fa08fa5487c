/**
 * A real OCI registry on 127.0.0.1 for tests, standing in for ECR's Docker endpoint: Debian's
 * `docker-registry` (the CNCF Distribution registry), started on a free port with its own config
 * file and storage in a temporary folder, without authentication (Docker's login to it succeeds
 * with any password) and without TLS (Docker treats 127.0.0.0/8 as an insecure registry).
 * `scripts/ensure-docker.sh` installs it; in CI ({@link requireRegistry}) a missing registry
 * fails the run instead of skipping.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's package puts the registry binary. */
export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** A running registry. */
export interface LocalRegistry {
  /** `127.0.0.1:<port>`: what a repository URI starts with. */
  readonly host: string;
  /** The tags of a repository (`[]` when it does not exist). */
  tags(repository: string): Promise<string[]>;
  /** The digest of `repository:tag`, or `undefined` when the registry does not have it. */
  digest(repository: string, tag: string): Promise<string | undefined>;
  /** Stops the registry and removes its folder. */
  stop(): Promise<void>;
}

/** Options of {@link startRegistry}. */
export interface RegistryOptions {
  /** Refuse every write (push): the registry's read-only maintenance mode. @default false */
  readonly readOnly?: boolean;
}

/**
 * True when the registry binary is installed. Without it: `false` outside CI (skip), an error in
 * CI (`CI=true`), where registry tests must run.
 */
export function requireRegistry(): boolean {
  if (existsSync(REGISTRY_BINARY)) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `${REGISTRY_BINARY} is missing but required in CI (CI=true): run scripts/ensure-docker.sh (installs Debian's docker-registry).`,
    );
  }
  return false;
}

/** Starts a registry on a free port of 127.0.0.1; resolves once it answers `GET /v2/`. */
export async function startRegistry(options: RegistryOptions = {}): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-registry-'));
  let lastError: unknown;
  // The free port found can be taken before the registry binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = join(dir, 'config.yml');
    writeFileSync(config, configYaml(join(dir, 'data'), port, options.readOnly === true));
    const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      output = `${output}${chunk}`.slice(-4000);
    });
    const host = `127.0.0.1:${port}`;
    // Never outlive the test process, even when a test times out before stop().
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    child.once('exit', () => process.removeListener('exit', kill));
    try {
      await waitUntilUp(host, child, () => output);
      return registryAt(host, child, dir);
    } catch (error) {
      lastError = error;
      await stopProcess(child);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

function configYaml(storage: string, port: number, readOnly: boolean): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    ...(readOnly ? ['  maintenance:', '    readonly:', '      enabled: true'] : []),
    'http:',
    `  addr: 127.0.0.1:${port}`,
    // A fixed secret silences the registry's warning about generating one.
    '  secret: wharf-test-registry',
    '',
  ].join('\n');
}

function registryAt(host: string, child: ChildProcess, dir: string): LocalRegistry {
  return {
    host,
    async tags(repository) {
      const response = await fetch(`http://${host}/v2/${repository}/tags/list`, {
        signal: AbortSignal.timeout(5000),
      });
      if (response.status === 404) return [];
      const body = (await response.json()) as { tags?: string[] | null };
      return body.tags ?? [];
    },
    async digest(repository, tag) {
      const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
        method: 'HEAD',
        headers: {
          accept: [
            'application/vnd.oci.image.manifest.v1+json',
            'application/vnd.docker.distribution.manifest.v2+json',
          ].join(', '),
        },
        signal: AbortSignal.timeout(5000),
      });
      return response.ok ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
    },
    async stop() {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `GET /v2/` every 50 ms for at most 10 s; fails early when the process exits. */
async function waitUntilUp(host: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`docker-registry exited (${child.exitCode}) before answering on ${host}: ${output()}`);
    }
    try {
      const response = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer on ${host} within 10 s: ${output()}`);
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** A port that was free on 127.0.0.1 a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
