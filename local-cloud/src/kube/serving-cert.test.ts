import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateSerial, createServingCertificate } from './serving-cert';

describe('the serving certificate', () => {
  it.each([
    ['a zero first byte', [0x00, 0x10, 0x20]],
    ['a top bit set', [0x80, 0x00, 0x01]],
    ['all ones', [0xff, 0xff, 0xff]],
  ])('keeps the serial a minimal positive DER integer from random bytes with %s', (_, bytes) => {
    const serial = certificateSerial(Buffer.from(bytes));
    expect(serial[0]! & 0x80).toBe(0);
    expect(serial[0]).not.toBe(0);
    expect(serial.subarray(1)).toEqual(Buffer.from(bytes.slice(1)));
  });

  it('parses as X.509 with the loopback names, whatever the serial (a padded one once failed a start in 256)', () => {
    for (let i = 0; i < 20; i++) {
      const certificate = new X509Certificate(createServingCertificate().cert);
      expect(certificate.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost');
      expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    }
  });
});
