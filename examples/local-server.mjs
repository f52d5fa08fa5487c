// A stand-in for the NGINX container when `wharf dev` runs without Docker (the process runtime):
// answers every request on $PORT with a short page naming the task, and stops cleanly on SIGTERM
// like a well-behaved container.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const task = process.env.WHARF_TASK_ID ?? String(process.pid);

const server = createServer((request, response) => {
  const body = `hello from task ${task}: ${request.method} ${request.url}\n`;
  response.writeHead(200, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
});
server.keepAliveTimeout = 75_000; // longer than the ALB's idle timeout, as AWS advises
server.listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => {
  console.log('SIGTERM: closing');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
