/**
 * Debian's nginx in the two roles of the ingress benchmark: the backend ("the task", a fixed
 * static body) and the reverse proxy it is compared with. Each instance gets its own temporary
 * prefix and configuration, runs in the foreground as a child of the benchmark and is stopped
 * with it.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, freePort, startChild, waitForPort } from './processes.js';

/** Where Debian installs nginx (`apt-get install nginx-light`, or `nginx`). */
export const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';

/** Size of the body the backend serves, bytes. */
export const BODY_BYTES = 1024;

/** A running nginx. */
export interface RunningNginx {
  /** The master's pid (its worker is its child). */
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** `nginx/1.22.1`; throws, saying how to install it, when nginx is missing. */
export function nginxVersion(): string {
  if (!existsSync(NGINX)) {
    throw new Error(
      `nginx not found at ${NGINX}. Install Debian's nginx (sudo apt-get install nginx-light) or set NGINX=/path/to/nginx.`,
    );
  }
  // `nginx -v` prints `nginx version: nginx/1.22.1` on stderr.
  const result = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.replace(/^nginx version:\s*/, '').trim();
}

/** The settings both instances share: one worker, no access log, long-lived keep-alive. */
function commonConfig(prefix: string, port: number, body: string): string {
  return `worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
${body}
  }
}
`;
}

async function startNginx(
  name: string,
  configFor: (prefix: string, port: number) => string,
): Promise<RunningNginx> {
  nginxVersion();
  const prefix = await mkdtemp(join(tmpdir(), `wharf-bench-${name}-`));
  // Workers run as nobody when the benchmark runs as root: they must be able to read the prefix.
  await chmod(prefix, 0o755);
  await mkdir(join(prefix, 'tmp'), { recursive: true });
  await mkdir(join(prefix, 'www'), { recursive: true });
  await writeFile(join(prefix, 'www', 'body.txt'), 'x'.repeat(BODY_BYTES - 1).concat('\n'), { mode: 0o644 });
  const port = await freePort();
  await writeFile(join(prefix, 'nginx.conf'), configFor(prefix, port));
  const child: Child = startChild(name, NGINX, [
    '-p',
    prefix,
    '-c',
    join(prefix, 'nginx.conf'),
    '-e',
    join(prefix, 'error.log'),
  ]);
  // However it ends (stop(), or the benchmark exiting on an error), its prefix goes with it.
  child.process.once('exit', () => void rm(prefix, { recursive: true, force: true }).catch(() => {}));
  process.once('exit', () => rmSync(prefix, { recursive: true, force: true }));
  const stop = (): Promise<void> => child.stop('SIGTERM');
  try {
    await waitForPort(port, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.process.pid ?? 0, port, url: `http://127.0.0.1:${port}`, stop };
}

/** The backend: every path answers 200 with the same {@link BODY_BYTES}-byte static file. */
export function startBackendNginx(): Promise<RunningNginx> {
  return startNginx('backend', (prefix, port) =>
    commonConfig(
      prefix,
      port,
      `    open_file_cache max=16 inactive=60s;
    location / { root ${prefix}/www; try_files /body.txt =404; }`,
    ),
  );
}

/** The reverse proxy: HTTP/1.1 with a keep-alive pool of 64 connections to `backendPort`. */
export function startProxyNginx(backendPort: number): Promise<RunningNginx> {
  return startNginx('proxy', (prefix, port) =>
    commonConfig(
      prefix,
      port,
      `    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
  upstream backend {
    server 127.0.0.1:${backendPort};
    keepalive 64;
    keepalive_requests 1000000;`,
    ),
  );
}
