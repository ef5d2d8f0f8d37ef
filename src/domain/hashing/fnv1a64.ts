/**
 * FNV-1a, 64-bit, over bytes: the hash Go's `hash/fnv.New64a` computes, which the cloudkit
 * operator uses for `desiredConfigVersion` and the tenant namespace suffix.
 *
 * The 64-bit state is kept as four 16-bit limbs, so every product and carry stays a small integer
 * (below 2^31): no float division per byte (twice as fast as two 32-bit halves), and BigInt would
 * cost ~10× more per byte. This runs over every order's spec.
 */
const OFFSET_LIMBS = [0x2325, 0x8422, 0x9ce4, 0xcbf2] as const;
/** The FNV-64 prime is 2^40 + 0x1b3: the low part multiplies every limb, 2^40 shifts limb k into k + 2 by 8 bits. */
const PRIME_LOW_PART = 0x1b3;

export function fnv1a64(bytes: Uint8Array): Uint8Array {
  let [v0, v1, v2, v3] = OFFSET_LIMBS as readonly number[] as [number, number, number, number];
  for (let i = 0; i < bytes.length; i++) {
    v0 ^= bytes[i]!;
    // (v3·2^48 + v2·2^32 + v1·2^16 + v0) · (2^40 + 0x1b3) mod 2^64
    const t0 = v0 * PRIME_LOW_PART;
    let t1 = v1 * PRIME_LOW_PART;
    let t2 = v2 * PRIME_LOW_PART + (v0 << 8);
    let t3 = v3 * PRIME_LOW_PART + (v1 << 8);
    t1 += t0 >>> 16;
    v0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    v1 = t1 & 0xffff;
    t3 += t2 >>> 16;
    v2 = t2 & 0xffff;
    v3 = t3 & 0xffff;
  }
  return Uint8Array.of(v3 >>> 8, v3 & 0xff, v2 >>> 8, v2 & 0xff, v1 >>> 8, v1 & 0xff, v0 >>> 8, v0 & 0xff);
}

export function fnv1a64Hex(text: string): string {
  return Buffer.from(fnv1a64(Buffer.from(text, "utf8"))).toString("hex");
}
