/**
 * Free TCP ports on the loopback interface, for the process runtime (each container port of a
 * task gets its own host port, as Docker's ephemeral publishing does).
 */

import { createServer } from 'node:net';

/**
 * Asks the kernel for a free TCP port on 127.0.0.1 (listen on port 0, read it, close).
 * Another process may take the port before the caller binds it; callers bind right away.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        if (port > 0) resolve(port);
        else reject(new Error('the kernel did not report a port for a listener on 127.0.0.1:0'));
      });
    });
  });
}
