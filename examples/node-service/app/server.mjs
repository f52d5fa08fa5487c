// The node-service example: a small HTTP service with no dependencies.
//
//   GET /         {"message":"<GREETING> from node-service","host":…,"pid":…}: which task answered
//   GET /request  the request as it reached the container: method, path, query and the headers
//                 the ingress set on the way (API Gateway: Forwarded, Via, X-Amzn-Trace-Id; an
//                 ALB: X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Port, X-Amzn-Trace-Id)
//   GET /health   200 "ok", for the container health check
//
// Listens on $PORT (default 8080) on $HOST (default every interface); stops taking connections on
// SIGTERM and exits once the requests in flight are answered.

import { createServer } from 'node:http';
import { hostname } from 'node:os';

const greeting = process.env.GREETING ?? 'hello';
const port = Number(process.env.PORT ?? 8080);

/** The headers a proxy in front of the service adds or rewrites. */
const INGRESS_HEADERS = [
  'host',
  'forwarded',
  'via',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-amzn-trace-id',
];

function json(response, status, body) {
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://node-service');
  switch (url.pathname) {
    case '/health':
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 3 });
      return response.end('ok\n');
    case '/':
      return json(response, 200, {
        message: `${greeting} from node-service`,
        host: hostname(),
        pid: process.pid,
      });
    case '/request': {
      const headers = Object.fromEntries(
        INGRESS_HEADERS.filter((name) => request.headers[name] !== undefined).map((name) => [
          name,
          request.headers[name],
        ]),
      );
      return json(response, 200, {
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
      });
    }
    default:
      return json(response, 404, { error: 'not found' });
  }
});
// Longer than a load balancer's idle timeout, so the server never closes a connection it reuses.
server.keepAliveTimeout = 65_000;
server.listen(port, process.env.HOST, () => console.log(`node-service listening on ${port}`));

process.once('SIGTERM', () => {
  console.log('SIGTERM: closing');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
});
