import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';

/**
 * A self-signed TLS certificate for the Kubernetes API on loopback, made fresh at every start.
 * The API server needs TLS because kubectl (client-go) does not send a bearer token over plain
 * HTTP; the kubeconfig carries this certificate as its certificate authority, so clients verify
 * the server instead of skipping verification.
 *
 * Node can make keys but not certificates, so the X.509 structure is encoded here (DER, RFC 5280):
 * an EC P-256 key, SHA-256 ECDSA, CN=local-cloud, SAN 127.0.0.1, ::1 and localhost, 30 days.
 */
export interface ServingCertificate {
  /** PEM private key (PKCS #8). */
  key: string;
  /** PEM certificate. */
  cert: string;
}

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const length =
    body.length < 0x80
      ? Buffer.from([body.length])
      : body.length < 0x100
        ? Buffer.from([0x81, body.length])
        : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const sequence = (...parts: Buffer[]) => der(0x30, ...parts);

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [];
    let value = arc;
    do {
      groups.unshift(value & 0x7f);
      value >>= 7;
    } while (value > 0);
    bytes.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return der(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return der(0x17, Buffer.from(text, 'ascii'));
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

/**
 * A serial number from random bytes, as a DER INTEGER's content: positive (top bit clear) and
 * minimal (first byte not zero). A zero first byte before one with the top bit clear is a padded
 * encoding, which OpenSSL refuses ("illegal padding"): clearing only the top bit did that at about
 * one start in 256.
 */
export function certificateSerial(random: Buffer): Buffer {
  const serial = Buffer.from(random);
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40;
  return serial;
}

export function createServingCertificate(now = new Date()): ServingCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = sequence(der(0x31, sequence(oid('2.5.4.3'), der(0x0c, Buffer.from('local-cloud')))));
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const serial = certificateSerial(randomBytes(16));
  const subjectAltName = sequence(
    der(0x87, Buffer.from([127, 0, 0, 1])),
    der(0x87, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
    der(0x82, Buffer.from('localhost')),
  );
  const extensions = der(
    0xa3,
    sequence(
      sequence(oid('2.5.29.19'), der(0x01, Buffer.from([0xff])), der(0x04, sequence(der(0x01, Buffer.from([0xff]))))),
      sequence(oid('2.5.29.17'), der(0x04, subjectAltName)),
    ),
  );
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    algorithm,
    name,
    sequence(utcTime(new Date(now.getTime() - 60_000)), utcTime(new Date(now.getTime() + 30 * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, algorithm, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const cert = `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64').replace(/.{64}/g, '$&\n').trimEnd()}\n-----END CERTIFICATE-----\n`;
  // Parse it back: a malformed encoding fails here, at start-up, not in a client.
  new X509Certificate(cert);
  return {
    key: createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }))
      .export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    cert,
  };
}
