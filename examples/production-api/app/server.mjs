// The production-api example: a small HTTP service with no dependencies.
//
//   GET /             {"message":"hello from production-api","host":…,"pid":…}: which task answered
//   GET /work?ms=N    spends N ms of CPU (1-1000, default 100) before answering, so a few curl
//                     loops drive the CPU target of `scaling` (watch it with wharf dev)
//   GET /health       200 "ok", for the container health check
//
// Listens on $PORT (default 8080); stops taking connections on SIGTERM and exits once the
// requests in flight are answered.

import { createServer } from 'node:http';
import { hostname } from 'node:os';

const port = Number(process.env.PORT ?? 8080);

function json(response, status, body) {
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Busy-waits `ms` milliseconds: CPU the autoscaler can see. */
function burn(ms) {
  const until = Date.now() + ms;
  let spins = 0;
  while (Date.now() < until) spins++;
  return spins;
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://production-api');
  switch (url.pathname) {
    case '/health':
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 3 });
      return response.end('ok\n');
    case '/work': {
      const asked = Number(url.searchParams.get('ms') ?? 100);
      const ms = Number.isInteger(asked) && asked >= 1 && asked <= 1000 ? asked : 100;
      burn(ms);
      return json(response, 200, { worked: ms, host: hostname(), pid: process.pid });
    }
    case '/':
      return json(response, 200, {
        message: 'hello from production-api',
        host: hostname(),
        pid: process.pid,
      });
    default:
      return json(response, 404, { message: 'Not Found' });
  }
});

server.listen(port, () => console.log(`production-api listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
