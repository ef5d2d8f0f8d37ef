// Loaded into a benchmarked process with `node --expose-gc --import <this file>` (bench:hub-memory):
// on SIGUSR2 it runs two full garbage collections and writes process.memoryUsage() as JSON to the
// file named by OSAC_BENCH_GC_REPORT (written to a temp name, then renamed, so a reader never sees
// half a file). The process's own code is not changed; nothing happens until the signal arrives.
import { renameSync, writeFileSync } from "node:fs";

const reportFile = process.env.OSAC_BENCH_GC_REPORT;
if (reportFile && typeof globalThis.gc === "function") {
  let sequence = 0;
  process.on("SIGUSR2", () => {
    globalThis.gc();
    globalThis.gc();
    sequence += 1;
    const usage = process.memoryUsage();
    writeFileSync(`${reportFile}.tmp`, JSON.stringify({ sequence, ...usage }));
    renameSync(`${reportFile}.tmp`, reportFile);
  });
}
