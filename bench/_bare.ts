import { createInterface } from 'node:readline';
import { saturate } from './load.js';
import { startBackendNginx, startProxyNginx } from './nginx.js';
import { startChild, stopAll } from './processes.js';
const backend = await startBackendNginx();
const proxy = await startProxyNginx(backend.port);
const child = startChild('bare', process.execPath, ['bench/_bare-proxy.mjs', String(backend.port)], { cwd: '/work/main' });
const line = await new Promise<string>((r) => createInterface({ input: child.process.stdout! }).once('line', r));
const bare = JSON.parse(line).url;
for (let i = 0; i < 2; i++) for (const [n, u] of [['nginx', proxy.url], ['bare', bare]]) {
  const r = await saturate({ url: `${u}/bench`, connections: 32, pipelining: 1, seconds: 5, bodyBytes: 1024 });
  console.log(n, Math.round(r.rps), r.p50.toFixed(2), r.p99.toFixed(2), r.failed);
}
await stopAll();
