import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {}

/** The whole request body as bytes, refusing more than `limitBytes`. */
export async function readRawBody(req: IncomingMessage, limitBytes = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new BodyTooLargeError(`request body over ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The whole request body as text, refusing more than `limitBytes`. */
export async function readBody(req: IncomingMessage, limitBytes = 8 * 1024 * 1024): Promise<string> {
  return (await readRawBody(req, limitBytes)).toString('utf8');
}
