/**
 * The service `wharf init` starts a project with, in `app/`: a Dockerfile `FROM` the official
 * `node:22-alpine` image, a dependency-free Node HTTP server answering `/` and `/health` that stops
 * promptly on SIGTERM, its tests (`node --test`), and a `.dockerignore`. The folder is the image's
 * build context (`image: { directory: 'app' }`) and where `wharf dev` runs `node server.mjs` on a
 * machine without Docker.
 */

import type { ProjectSpec } from './options.js';

/** One file `wharf init` writes: its path relative to the project folder, and its text. */
export interface ProjectFile {
  readonly path: string;
  readonly text: string;
}

/** The port the service listens on in its container (`containerPort`). */
export const SERVICE_PORT = 8080;

/** The health path the server answers and the health checks ask. */
export const HEALTH_PATH = '/health';

/**
 * The base image of the generated Dockerfile: the official Node.js image, Node 22 (LTS) on Alpine.
 * A version tag, not `latest`; Wharf's offline stand-in can take its name (`scripts/`).
 */
export const SERVICE_BASE_IMAGE = 'node:22-alpine';

/** The files of `app/`. */
export function serviceFiles(spec: ProjectSpec): ProjectFile[] {
  return [
    { path: 'app/Dockerfile', text: dockerfile(spec) },
    { path: 'app/.dockerignore', text: DOCKERIGNORE },
    { path: 'app/server.mjs', text: server(spec) },
    { path: 'app/server.test.mjs', text: SERVER_TEST },
  ];
}

function dockerfile(spec: ProjectSpec): string {
  return `# The image of ${spec.serviceName}: built by \`npx wharf dev\` on this machine, and by
# \`npx wharf deploy\` for AWS.
#
# node:22-alpine is the official Node.js image (https://hub.docker.com/_/node), Node 22 LTS on
# Alpine Linux: a version tag, not \`latest\`. For builds that never change under you, pin its
# digest too: FROM node:22-alpine@sha256:<digest> (docker images --digests node).
FROM ${SERVICE_BASE_IMAGE}
ENV NODE_ENV=production
WORKDIR /srv
# Everything in this folder except what .dockerignore lists.
COPY . .
# The official image's unprivileged user.
USER node
EXPOSE ${SERVICE_PORT}
CMD ["node", "server.mjs"]
`;
}

const DOCKERIGNORE = `# Not sent to Docker when the image is built, and not part of its content hash: a change here
# does not rebuild the image under \`npx wharf dev --watch\`.
node_modules
npm-debug.log*
*.test.mjs
.env*
`;

function server(spec: ProjectSpec): string {
  const ingress = spec.pattern === 'alb' ? 'load balancer' : 'API Gateway HTTP API';
  const checker =
    spec.pattern === 'alb'
      ? "the load balancer's target group"
      : 'ECS (the container health check in app.ts)';
  return `// ${spec.serviceName}: a small HTTP service with no dependencies, the start of your own.
//
//   GET /        a JSON greeting naming the service and the host (container) that answered
//   GET ${HEALTH_PATH}  200 "ok": what ${checker} asks
//
// On AWS it runs on Fargate behind an ${ingress}; \`npx wharf dev\` runs it the same way
// on this machine (in a container built from ./Dockerfile, or without Docker as \`node server.mjs\`
// in this folder). It listens on $PORT (default ${SERVICE_PORT}) on $HOST (default every interface;
// \`wharf dev\` sets 127.0.0.1 for processes). On SIGTERM, which ECS sends to stop a task, it stops
// taking connections and exits as soon as the requests in flight are answered (at most 10 s;
// ECS sends SIGKILL 30 s after SIGTERM).

import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';

export const SERVICE = ${JSON.stringify(spec.serviceName)};

/** Answers one request. */
export function handle(request, response) {
  const { pathname } = new URL(request.url ?? '/', 'http://service');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return send(response, 405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
  }
  if (pathname === '${HEALTH_PATH}') return send(response, 200, 'ok\\n');
  if (pathname === '/') {
    return send(response, 200, { service: SERVICE, message: \`Hello from \${SERVICE}!\`, host: hostname() });
  }
  return send(response, 404, { error: 'not found' });
}

function send(response, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : \`\${JSON.stringify(body)}\\n\`;
  response.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Starts the server; resolves once it listens. */
export function startServer({ port = Number(process.env.PORT ?? ${SERVICE_PORT}), host = process.env.HOST } = {}) {
  const server = createServer(handle);
  // Longer than the load balancer's idle timeout (30 s), so the server never closes a kept-alive
  // connection the load balancer is about to reuse (a 502).
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** Stops taking connections, answers what is in flight, then exits (at most \`graceMs\` later). */
function stopOn(signal, server, graceMs = 10_000) {
  process.once(signal, () => {
    console.log(\`\${signal}: closing\`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), graceMs).unref();
  });
}

// Run as \`node server.mjs\`, not when imported by the tests.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await startServer();
  stopOn('SIGTERM', server);
  stopOn('SIGINT', server);
  const { address, port } = server.address();
  console.log(\`\${SERVICE} listening on \${address}:\${port}\`);
}
`;
}

const SERVER_TEST = `// The service's tests: \`npm test\` runs them (node --test), then \`npx wharf check\`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SERVICE, startServer } from './server.mjs';

test('answers / with a JSON greeting, ${HEALTH_PATH} with ok, other paths with 404', async (t) => {
  const server = await startServer({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close());
  const base = \`http://127.0.0.1:\${server.address().port}\`;

  const root = await fetch(\`\${base}/\`);
  assert.equal(root.status, 200);
  assert.equal((await root.json()).service, SERVICE);

  const health = await fetch(\`\${base}${HEALTH_PATH}\`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), 'ok\\n');

  assert.equal((await fetch(\`\${base}/nothing-here\`)).status, 404);
  assert.equal((await fetch(\`\${base}/\`, { method: 'DELETE' })).status, 405);
});

test('exits 0 soon after SIGTERM, as ECS stops a task', async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url))], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await once(child.stdout, 'data');
  assert.match(String(line), /listening on/);
  const started = Date.now();
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.ok(Date.now() - started < 5_000, 'stopped within 5 s');
});
`;
