/**
 * Just enough of the Kubernetes protobuf encoding to read the small bodies kubectl's typed
 * clients send that way (SelfSubjectAccessReview): `k8s\0` + a runtime.Unknown wrapping the
 * object's bytes. Answers still go out as JSON, which the same clients accept.
 */
export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Fields of one message: field number -> values (bytes for length-delimited, numbers for varints). */
export type Fields = Map<number, (Buffer | number)[]>;

export class ProtobufError extends Error {}

export function readMessage(bytes: Buffer): Fields {
  const fields: Fields = new Map();
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length || shift > 49) throw new ProtobufError('truncated varint');
      const byte = bytes[at++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let value: Buffer | number;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const length = varint();
      if (at + length > bytes.length) throw new ProtobufError('truncated field');
      value = bytes.subarray(at, at + length);
      at += length;
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4;
      continue;
    } else throw new ProtobufError(`unsupported wire type ${wire}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

export const text = (fields: Fields, field: number): string | undefined => {
  const value = fields.get(field)?.[0];
  return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
};

export const message = (fields: Fields, field: number): Fields | undefined => {
  const value = fields.get(field)?.[0];
  return Buffer.isBuffer(value) ? readMessage(value) : undefined;
};

/** The object inside a protobuf request body: its kind (from the runtime.Unknown) and its fields. */
export function readObject(body: Buffer): { kind: string; fields: Fields } {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new ProtobufError('not a Kubernetes protobuf body');
  const unknown = readMessage(body.subarray(4));
  const typeMeta = message(unknown, 1);
  const raw = unknown.get(2)?.[0];
  return {
    kind: (typeMeta && text(typeMeta, 2)) ?? '',
    fields: Buffer.isBuffer(raw) ? readMessage(raw) : (new Map() as Fields),
  };
}
