/**
 * The images the local-cloud tests run, built here from Debian's static busybox because nothing
 * can be pulled: a web server like the seeds' NGINX (answers `/` on port 80, or `$PORT`), with a
 * `curl` stand-in so the seeds' `curl -f http://localhost/` health check works, and a crashing
 * image for circuit-breaker tests.
 */

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A busybox web server: `hello from <hostname>` on `/`, port `$PORT` or 80. */
export const WEB_IMAGE = 'wharf-test/web:3';
/** Exits with status 1 one second after start, every time. */
export const CRASH_IMAGE = 'wharf-test/crash:1';

// `curl -f[s] URL` → `wget -q -O /dev/null URL` (busybox has wget, not curl). `localhost` becomes
// 127.0.0.1: a static glibc busybox cannot resolve names in a scratch image (no NSS modules).
const CURL_SHIM = `#!/bin/sh
url=""
for arg in "$@"; do case "$arg" in -*) ;; *) url="$arg" ;; esac; done
url=$(echo "$url" | sed 's#//localhost#//127.0.0.1#')
exec wget -q -O /dev/null "$url"
`;

const WEB_START =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a JS template.
  'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p "${PORT:-80}" -h /www';

function imageExists(tag: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function build(tag: string, dockerfile: string, files: Record<string, string> = {}): void {
  if (imageExists(tag)) return;
  const dir = mkdtempSync(join(tmpdir(), 'wharf-image-'));
  try {
    copyFileSync('/bin/busybox', join(dir, 'busybox'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o755 });
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    execFileSync('docker', ['build', '-q', '-t', tag, dir], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BASE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
`;

/** Builds {@link WEB_IMAGE} and {@link CRASH_IMAGE} unless present. Needs the docker CLI. */
export function buildTestImages(): void {
  build(WEB_IMAGE, `${BASE}COPY curl /bin/curl\nCMD ["sh", "-c", ${JSON.stringify(WEB_START)}]\n`, {
    curl: CURL_SHIM,
  });
  build(CRASH_IMAGE, `${BASE}CMD ["sh", "-c", "echo starting; sleep 1; echo crashed >&2; exit 1"]\n`);
}
