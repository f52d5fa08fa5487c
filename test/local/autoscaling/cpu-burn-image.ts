/**
 * A CPU-bound web task for the autoscaling test, built here from Debian's static busybox (nothing
 * can be pulled): busybox httpd serves `/` (the health check) and the CGI script
 * `/cgi-bin/burn`, which counts in shell arithmetic for a while and answers `burned by <hostname>`.
 */

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The image tag (bump the version when the script changes). */
export const CPU_BURN_IMAGE = 'wharf-test/cpu-burn:1';

const BURN = `#!/bin/sh
i=0
while [ $i -lt 20000 ]; do i=$((i + 1)); done
printf 'Content-Type: text/plain\\r\\n\\r\\nburned by %s\\n' "$(hostname)"
`;

const DOCKERFILE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY www /www
CMD ["httpd", "-f", "-p", "80", "-h", "/www"]
`;

/** Builds {@link CPU_BURN_IMAGE} unless present. Needs the docker CLI. */
export function buildCpuBurnImage(): void {
  try {
    execFileSync('docker', ['image', 'inspect', CPU_BURN_IMAGE], { stdio: 'ignore' });
    return;
  } catch {
    // Not built yet.
  }
  const dir = mkdtempSync(join(tmpdir(), 'wharf-cpu-burn-'));
  try {
    copyFileSync('/bin/busybox', join(dir, 'busybox'));
    mkdirSync(join(dir, 'www', 'cgi-bin'), { recursive: true });
    writeFileSync(join(dir, 'www', 'index.html'), 'ok\n');
    writeFileSync(join(dir, 'www', 'cgi-bin', 'burn'), BURN, { mode: 0o755 });
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
    execFileSync('docker', ['build', '-q', '-t', CPU_BURN_IMAGE, dir], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
