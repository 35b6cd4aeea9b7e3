// An OTLP/HTTP receiver that accepts and discards, so traced runs pay for producing and exporting
// spans but not for anyone processing them. Counts what it received (GET /stats).
import http from 'node:http';

let requests = 0;
let bytes = 0;
const server = http.createServer((request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ requests, bytes }));
    return;
  }
  request.on('data', (chunk) => (bytes += chunk.length));
  request.on('end', () => {
    requests += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{}');
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
