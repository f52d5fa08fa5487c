// The two-services example: one small HTTP server with no dependencies, two roles.
//
// ROLE=inventory (private: no route, reached by other services only)
//   GET /            {"service":"inventory","host":…,"pid":…,"items":{…}}
// ROLE=orders (public, behind the API Gateway)
//   GET /            (what `wharf dev --once` asks for)
//   GET /orders      calls inventory at $INVENTORY_URL (http://inventory.internal:8080, the
//   GET /orders/…    Cloud Map name the constructs put in its environment) and answers
//                    {"service":"orders","host":…,"pid":…,"path":…,"inventory":{…}}: the chain
//                    client → API Gateway → orders task → DNS → inventory task, with both tasks'
//                    host names. 502 {"service":"orders","error":…} when inventory is unreachable.
// Both: GET /health  200 "ok", for the container health check.
//
// Listens on $PORT (default 8080); stops on SIGTERM once the requests in flight are answered.

import { createServer } from 'node:http';
import { hostname } from 'node:os';

const role = process.env.ROLE ?? 'orders';
const port = Number(process.env.PORT ?? 8080);
const inventoryUrl = process.env.INVENTORY_URL ?? 'http://inventory.internal:8080';
/** How long orders waits for inventory before answering 502. */
const CALL_TIMEOUT_MS = 5_000;

function json(response, status, body) {
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

const task = () => ({ service: role, host: hostname(), pid: process.pid });

function inventory(response) {
  json(response, 200, { ...task(), items: { widget: 12, gadget: 3 } });
}

async function orders(response, path) {
  try {
    const answer = await fetch(`${inventoryUrl}/`, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    const body = await answer.json();
    json(response, answer.ok ? 200 : 502, { ...task(), path, inventoryUrl, inventory: body });
  } catch (error) {
    const reason = error?.cause?.code ?? error?.name ?? 'error';
    json(response, 502, { ...task(), path, inventoryUrl, error: `inventory unreachable: ${reason}` });
  }
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://two-services');
  if (url.pathname === '/health') {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 3 });
    return response.end('ok\n');
  }
  if (role === 'inventory' && url.pathname === '/') return inventory(response);
  const ordersPath =
    url.pathname === '/' || url.pathname === '/orders' || url.pathname.startsWith('/orders/');
  if (role === 'orders' && ordersPath) {
    return orders(response, url.pathname);
  }
  return json(response, 404, { service: role, error: 'not found' });
});
// Longer than a load balancer's idle timeout, so the server never closes a connection it reuses.
server.keepAliveTimeout = 65_000;
server.listen(port, process.env.HOST, () => console.log(`${role} listening on ${port}`));

process.once('SIGTERM', () => {
  console.log('SIGTERM: closing');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
});
