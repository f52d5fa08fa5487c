/**
 * Docker helpers for integration tests: detect the daemon, build a tiny busybox image without any
 * registry, and find containers by label. Docker tests are mandatory in CI (`CI=true`): there,
 * {@link requireDocker} fails instead of letting the suite skip.
 */

import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';

/** The shared client (honours `DOCKER_HOST`). */
export const docker = new Docker();

/** The static busybox the test image is built from (Debian `busybox-static`). */
export const BUSYBOX_BINARY = '/bin/busybox';

let available: Promise<boolean> | undefined;

/** True when a Docker daemon answers a ping within 2 s (cached per test file). */
export function dockerAvailable(): Promise<boolean> {
  available ??= (async () => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000);
      });
      await Promise.race([docker.ping(), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  })();
  return available;
}

/**
 * For test files that need Docker: resolves `true` when it is there. Without Docker it resolves
 * `false` (use `describe.skipIf(!hasDocker)`), except in CI (`CI=true`), where it throws so the
 * run fails: Docker tests must not be skipped silently there.
 */
export async function requireDocker(): Promise<boolean> {
  if (await dockerAvailable()) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      'Docker is required in CI (CI=true) but no daemon answered. Run scripts/ensure-docker.sh first ' +
        '(installs docker.io and busybox-static, starts dockerd).',
    );
  }
  return false;
}

const builds = new Map<string, Promise<string>>();

/**
 * Builds (once) an image holding only a static busybox with its applets installed in /bin:
 * `FROM scratch`, `COPY busybox /bin/busybox`, `RUN ["/bin/busybox","--install","-s","/bin"]`.
 * Needs no registry. Skips the build when the tag exists. Resolves the tag.
 */
export function buildBusyboxImage(tag = 'wharf-test/busybox:1'): Promise<string> {
  let pending = builds.get(tag);
  if (!pending) {
    pending = buildBusybox(tag);
    builds.set(tag, pending);
    pending.catch(() => builds.delete(tag));
  }
  return pending;
}

async function buildBusybox(tag: string): Promise<string> {
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch {
    // Absent: build it.
  }
  if (!existsSync(BUSYBOX_BINARY)) {
    throw new Error(
      `${BUSYBOX_BINARY} is missing: install Debian's busybox-static (scripts/ensure-docker.sh).`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'wharf-busybox-'));
  try {
    copyFileSync(BUSYBOX_BINARY, join(dir, 'busybox'));
    writeFileSync(
      join(dir, 'Dockerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\n',
    );
    const stream = await docker.buildImage(
      { context: dir, src: ['Dockerfile', 'busybox'] },
      { t: tag, rm: true },
    );
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
        const failed = error?.message ?? output.find((event) => event.error)?.error;
        if (failed) reject(new Error(`building ${tag} failed: ${failed}`));
        else resolve();
      });
    });
    return tag;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Containers (running or not) that carry `label` (or `label=value`). */
export function containersWithLabel(label: string, value?: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({
    all: true,
    filters: { label: [value === undefined ? label : `${label}=${value}`] },
  });
}

/** Force-removes every container with `label=value`; returns how many (test cleanup). */
export async function removeContainersWithLabel(label: string, value: string): Promise<number> {
  const list = await containersWithLabel(label, value);
  await Promise.all(
    list.map((info) =>
      docker
        .getContainer(info.Id)
        .remove({ force: true, v: true })
        .catch(() => {}),
    ),
  );
  return list.length;
}

/** A run id unique to one test file run, e.g. `test-1a2b3c4d`. */
export function testRunId(): string {
  return `test-${randomBytes(4).toString('hex')}`;
}

/** A random 32-hex-character ECS-like task id. */
export function testTaskId(): string {
  return randomBytes(16).toString('hex');
}
