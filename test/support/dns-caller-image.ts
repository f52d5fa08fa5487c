/**
 * The caller image of the Cloud Map DNS tests, built here from Debian's static busybox (nothing can
 * be pulled): `httpd` on `$PORT` whose CGI `/cgi-bin/call` resolves `$TARGET_HOST` through the
 * container's resolver and fetches `http://<address>:$TARGET_PORT/`, answering one line:
 * `via <address>: <body>`, `unreachable <address>` or `no address for <name>`.
 *
 * The CGI resolves with `nslookup` and then fetches the address: busybox's own DNS client reads
 * /etc/resolv.conf, while its `wget` goes through static glibc's getaddrinfo, which cannot resolve
 * names in a scratch image (no NSS modules). An image with a normal libc calls
 * `http://inventory.internal:8080/` directly.
 */

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The image tag the `several-services/dns-app.yml` fixture names. */
export const DNS_CALLER_IMAGE = 'wharf-test/dns-caller:2';

const CALL = `#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
ip=$(nslookup "$TARGET_HOST" 2>/dev/null | sed -n '/^Name:/,$ s/^Address:[[:space:]]*//p' | head -n 1)
if [ -z "$ip" ]; then echo "no address for $TARGET_HOST"; exit 0; fi
if body=$(timeout 3 wget -q -O - "http://$ip:$TARGET_PORT/" 2>/dev/null); then echo "via $ip: $body"; else echo "unreachable $ip"; fi
`;

// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a JS template.
const START = 'exec httpd -f -p "${PORT:-80}" -h /www';

/** Builds {@link DNS_CALLER_IMAGE} unless present. Needs the docker CLI. */
export function buildDnsCallerImage(): void {
  try {
    execFileSync('docker', ['image', 'inspect', DNS_CALLER_IMAGE], { stdio: 'ignore' });
    return;
  } catch {
    // absent: build it
  }
  const dir = mkdtempSync(join(tmpdir(), 'wharf-dns-caller-'));
  try {
    copyFileSync('/bin/busybox', join(dir, 'busybox'));
    mkdirSync(join(dir, 'cgi-bin'));
    writeFileSync(join(dir, 'cgi-bin', 'call'), CALL, { mode: 0o755 });
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY cgi-bin/call /www/cgi-bin/call
CMD ["sh", "-c", ${JSON.stringify(START)}]
`,
    );
    execFileSync('docker', ['build', '-q', '-t', DNS_CALLER_IMAGE, dir], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
