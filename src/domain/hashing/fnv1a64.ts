/**
 * FNV-1a, 64-bit, over bytes: the hash Go's `hash/fnv.New64a` computes, which the cloudkit
 * operator uses for `desiredConfigVersion` and the tenant namespace suffix.
 *
 * The 64-bit state is kept as two unsigned 32-bit halves so the loop stays in small-integer
 * arithmetic (BigInt costs ~10× more per byte, and this runs over every order's spec).
 */
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
/** The FNV-64 prime is 2^40 + 0x1b3. */
const PRIME_LOW_PART = 0x1b3;

export function fnv1a64(bytes: Uint8Array): Uint8Array {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]!) >>> 0;
    // (hi·2^32 + lo) · (2^40 + 0x1b3) mod 2^64
    const loProduct = lo * PRIME_LOW_PART;
    const carry = Math.floor(loProduct / 0x1_0000_0000);
    const newHi = (hi * PRIME_LOW_PART + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = loProduct >>> 0;
    hi = newHi;
  }
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, hi);
  view.setUint32(4, lo);
  return out;
}

export function fnv1a64Hex(text: string): string {
  return Buffer.from(fnv1a64(Buffer.from(text, "utf8"))).toString("hex");
}
