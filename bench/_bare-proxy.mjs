import { createServer } from 'node:http';
import { Pool } from 'undici';
const pool = new Pool(`http://127.0.0.1:${process.argv[2]}`, { keepAliveTimeout: 60000 });
const server = createServer({ keepAlive: true }, (req, res) => {
  pool.request({ path: req.url, method: req.method, headers: req.headers }).then(({ statusCode, headers, body }) => {
    delete headers.connection; delete headers['keep-alive'];
    res.writeHead(statusCode, headers);
    body.pipe(res);
  }, () => { res.statusCode = 502; res.end(); });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })));
process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); process.on('SIGTERM', () => process.exit(0));
