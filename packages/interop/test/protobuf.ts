// Reading ONNX bytes back in the tests: a protobuf message's fields, without a protobuf library.

/** A protobuf message's fields (varint and 32-bit ones with empty bytes); enough to walk an ONNX graph. */
export function fields(bytes: Uint8Array): { field: number; bytes: Uint8Array }[] {
  const out: { field: number; bytes: Uint8Array }[] = [];
  let at = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++] as number;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  while (at < bytes.length) {
    const tag = varint();
    const wire = tag % 8;
    if (wire !== 0 && wire !== 2 && wire !== 5) throw new Error(`unexpected wire type ${wire}`);
    if (wire === 0) varint(); // the value; only length-delimited fields are kept.
    const length = wire === 2 ? varint() : wire === 5 ? 4 : 0;
    out.push({ field: Math.floor(tag / 8), bytes: bytes.subarray(at, at + length) });
    at += length;
  }
  return out;
}
