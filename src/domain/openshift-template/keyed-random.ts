import { createHmac } from "node:crypto";
import type { RandomIndexSource } from "./expression.ts";

/**
 * Deterministic, unguessable draws for generated parameters (ADR 0021).
 *
 * OpenShift seeds its generator from the clock, once per TemplateInstance. A renderer that runs
 * again and again must draw the same characters every time for the same order, or every render
 * would change the VM's password. The draws are therefore a function of the order, but keyed:
 *
 *   stream key = HMAC-SHA256(parameter key, "osac-vm-gitops/template-parameter/v1" ‖ len ‖ identity ‖ len ‖ parameter name)
 *   block i    = HMAC-SHA256(stream key, i as 4 bytes big-endian), i = 0, 1, …
 *
 * and each index is one byte of that stream, rejection-sampled so every index is equally likely.
 * The order's identity and the parameter name are public (they are in Git); the parameter key is
 * not (a Secret or a key file, like the sealing HMAC key), so without it a generated password
 * cannot be computed or confirmed from anything in Git.
 */

/** The shortest parameter key accepted: 256 bits, HMAC-SHA256's own strength. */
export const MIN_PARAMETER_KEY_BYTES = 32;
const DOMAIN = "osac-vm-gitops/template-parameter/v1";
const BYTE_VALUES = 256;

export class ParameterKeyError extends Error {
  override readonly name = "ParameterKeyError";
  readonly code = "WEAK_PARAMETER_KEY";
}

/** Throws ParameterKeyError unless `key` is long enough; never shows the key. */
export function checkParameterKey(key: Uint8Array): void {
  if (key.byteLength < MIN_PARAMETER_KEY_BYTES) {
    throw new ParameterKeyError(
      `the template parameter key has ${key.byteLength} bytes; at least ${MIN_PARAMETER_KEY_BYTES} random bytes are required ` +
        "(for example `head -c 32 /dev/urandom`)",
    );
  }
}

/** The draws for one parameter of one order. The key must have passed `checkParameterKey`. */
export function keyedIndexSource(key: Uint8Array, identity: string, parameterName: string): RandomIndexSource {
  const streamKey = createHmac("sha256", key).update(framed(identity, parameterName)).digest();
  let block = Buffer.alloc(0);
  let position = 0;
  let counter = 0;
  const nextByte = (): number => {
    if (position === block.length) {
      const index = Buffer.alloc(4);
      index.writeUInt32BE(counter++);
      block = createHmac("sha256", streamKey).update(index).digest();
      position = 0;
    }
    return block[position++]!;
  };
  return {
    nextIndex(bound: number): number {
      if (!Number.isInteger(bound) || bound < 1 || bound > BYTE_VALUES) {
        throw new RangeError(`a keyed draw needs a bound from 1 to ${BYTE_VALUES}, got ${bound}`);
      }
      const limit = BYTE_VALUES - (BYTE_VALUES % bound);
      for (;;) {
        const byte = nextByte();
        if (byte < limit) return byte % bound;
      }
    },
  };
}

/** The domain label, then each field with its byte length in front, so no two inputs frame alike. */
function framed(identity: string, parameterName: string): Buffer {
  const parts = [DOMAIN, identity, parameterName].map((text) => Buffer.from(text, "utf8"));
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.length);
    chunks.push(length, part);
  }
  return Buffer.concat(chunks);
}
