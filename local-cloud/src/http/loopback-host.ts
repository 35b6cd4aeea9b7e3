import type { IncomingMessage, ServerResponse } from 'node:http';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * True when the request's Host names this machine's loopback (any port). local-cloud listens on
 * loopback only, so any other name is a forged Host: a DNS-rebinding page in the presenter's
 * browser, whose requests arrive here carrying the attacker's host name.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return LOOPBACK_NAMES.has((name ?? '').toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(name ?? '');
}

/** Answers 421 Misdirected Request for a Host that is not loopback; true when it did. */
export function refuseForeignHost(req: IncomingMessage, res: ServerResponse): boolean {
  if (isLoopbackHost(req.headers.host)) return false;
  req.resume();
  const body = JSON.stringify({
    message: `Misdirected request: local-cloud answers loopback host names only, not ${JSON.stringify(req.headers.host ?? '')}`,
  });
  res.writeHead(421, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
  return true;
}
