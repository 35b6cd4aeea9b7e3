import { describe, expect, it } from 'vitest';
import { accessReviewDecoders } from './authorization-v1/access-reviews';
import { ProtobufError, readObject } from './protobuf';

/** The protobuf reader takes kubectl's review bodies and refuses what is not one, without reading past the end. */
function field(number: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(number << 3) | 2, bytes.length]), bytes]);
}
const text = (number: number, value: string) => field(number, Buffer.from(value));
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}: how client-go frames a protobuf body. */
function framed(kind: string, raw: Buffer): Buffer {
  return Buffer.concat([
    MAGIC,
    field(1, Buffer.concat([text(1, 'authorization.k8s.io/v1'), text(2, kind)])),
    field(2, raw),
  ]);
}

describe('Kubernetes protobuf bodies', () => {
  it('reads a SelfSubjectAccessReview as kubectl auth can-i sends it', () => {
    const attributes = Buffer.concat([text(1, 'default'), text(2, 'patch'), text(3, 'apps'), text(5, 'deployments')]);
    const { kind, fields } = readObject(framed('SelfSubjectAccessReview', field(2, field(1, attributes))));
    expect(kind).toBe('SelfSubjectAccessReview');
    expect(accessReviewDecoders[kind]?.(fields)).toMatchObject({
      spec: { resourceAttributes: { namespace: 'default', verb: 'patch', group: 'apps', resource: 'deployments' } },
    });
  });

  it.each([
    ['a body without the k8s magic', Buffer.from('{"kind":"SelfSubjectAccessReview"}')],
    ['a length past the end', Buffer.concat([MAGIC, Buffer.from([0x0a, 0x7f, 0x01])])],
    [
      'a varint that never ends',
      Buffer.concat([MAGIC, Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]),
    ],
    ['an unknown wire type', Buffer.concat([MAGIC, Buffer.from([0x0f])])],
  ])('refuses %s', (_name, body) => {
    expect(() => readObject(body)).toThrow(ProtobufError);
  });
});
