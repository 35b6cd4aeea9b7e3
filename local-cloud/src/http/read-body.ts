import type { IncomingMessage, ServerResponse } from 'node:http';

/** The most a request to the AWS endpoint or the Kubernetes API may carry (the OTLP receiver has its own). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

/**
 * The whole request body as bytes, refusing more than `limitBytes`: past the limit it stops
 * keeping what arrives and rejects at once, without destroying the request, so the server can
 * still answer (413, see answerTooLarge).
 */
export function readRawBody(req: IncomingMessage, limitBytes = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      chunks.length = 0;
      reject(new BodyTooLargeError(`request body over ${limitBytes} bytes`));
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}

/** The whole request body as text, refusing more than `limitBytes`. */
export async function readBody(req: IncomingMessage, limitBytes = MAX_BODY_BYTES): Promise<string> {
  return (await readRawBody(req, limitBytes)).toString('utf8');
}

/** How long the rest of an oversized upload is read and dropped after the 413, at most. */
const LINGER_MS = 2000;

/**
 * 413 with `body`. The rest of the upload is read and dropped, so the client gets this answer
 * rather than a reset (closing with its bytes unread would reset the connection); an upload still
 * going LINGER_MS later (an endless one) has its connection destroyed.
 */
export function answerTooLarge(res: ServerResponse, contentType: string, body: string): void {
  res.writeHead(413, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
  const req = res.req;
  const linger = setTimeout(() => req.socket.destroy(), LINGER_MS);
  linger.unref();
  req.once('end', () => clearTimeout(linger));
}
