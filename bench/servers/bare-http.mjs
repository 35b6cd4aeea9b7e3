// The ceiling for any Node HTTP service on this machine: read the body, answer a small JSON.
// With DELAY_MS it answers after that long instead (a fixed service time that costs no CPU).
import http from 'node:http';

const body = JSON.stringify({ status: 'processed' });
const delayMs = Number(process.env.DELAY_MS ?? 0);
const answer = (response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
};
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => (delayMs > 0 ? setTimeout(answer, delayMs, response) : answer(response)));
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
