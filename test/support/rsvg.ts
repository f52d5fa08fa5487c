import { spawnSync } from 'node:child_process';

/**
 * Whether `rsvg-convert` (PNG output) is available. Outside CI, tests that need it are skipped
 * when it is missing; in CI (`CI=true`) its absence is an error, so those tests never silently skip.
 */
export function requireRsvg(): boolean {
  const found = !spawnSync('rsvg-convert', ['--version']).error;
  if (!found && process.env.CI === 'true') {
    throw new Error(
      'rsvg-convert is required in CI (apt-get install librsvg2-bin; scripts/ensure-docker.sh installs it).',
    );
  }
  return found;
}
