import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RandomIndexSource } from "../../../src/domain/openshift-template/index.ts";

const PROGRAM = join(import.meta.dirname, "go-math-rand/main.go");
const GO_CANDIDATES = ["go", "/usr/local/go/bin/go"];

/** The Go toolchain, or a failure saying how to get it (never a skip). */
function goBinary(): string {
  for (const candidate of GO_CANDIDATES) {
    try {
      execFileSync(candidate, ["version"], { stdio: "ignore" });
      return candidate;
    } catch {
      // Not this one; try the next candidate.
    }
  }
  throw new Error(
    "This conformance test runs Go's own math/rand to reproduce library-go's expected generator values, and needs the Go toolchain: " +
      "install Go (https://go.dev/dl/) or put it on PATH (export PATH=/usr/local/go/bin:$PATH), as .ci/run does.",
  );
}

/**
 * The first `count` values of Go's `rand.NewSource(seed).Int63()`, computed by Go itself (a
 * stdlib-only program; the first run compiles it, about 20 s on a cold cache).
 */
export function goInt63Stream(seed: number, count: number): bigint[] {
  if (!existsSync(PROGRAM)) throw new Error(`missing ${PROGRAM}`);
  const output = execFileSync(goBinary(), ["run", PROGRAM, String(seed), String(count)], {
    encoding: "utf8",
    env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "" },
    cwd: import.meta.dirname,
    maxBuffer: 16 * 1024 * 1024,
  });
  return output.trim().split("\n").map((line) => BigInt(line));
}

/**
 * Go's `rand.New(source)` over a recorded Int63 stream: `Intn` → `Int31n` → `Int31`, exactly as
 * math/rand (v1) computes them, so the expression generator draws what library-go's does.
 */
export class GoRand implements RandomIndexSource {
  private position = 0;

  constructor(private readonly stream: readonly bigint[]) {}

  private int63(): bigint {
    const value = this.stream[this.position++];
    if (value === undefined) throw new Error(`the recorded Go stream has only ${this.stream.length} values; record more`);
    return value;
  }

  private int31(): number {
    return Number(this.int63() >> 32n);
  }

  /** `Intn(n)` for 0 < n ≤ 2^31-1, which is `Int31n(n)`. */
  nextIndex(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 31 - 1) throw new RangeError(`invalid argument to Intn: ${n}`);
    if ((n & (n - 1)) === 0) return this.int31() & (n - 1);
    const max = 2 ** 31 - 1 - (2 ** 31 % n);
    let value = this.int31();
    while (value > max) value = this.int31();
    return value % n;
  }
}
