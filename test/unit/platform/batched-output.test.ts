import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { BatchedOutput } from "../../../src/platform/batched-output.ts";

const ROOT = join(import.meta.dirname, "../../..");
const WRITER = join(ROOT, "test/fixtures/processes/log-writer.ts");
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "batched-output-"));
  scratch.push(dir);
  return join(dir, "log");
}

describe("BatchedOutput", () => {
  it("GIVEN lines logged THEN none is written before the delay, and all are written in order once it has passed", async () => {
    const file = tempFile();
    const fd = openSync(file, "w");
    const output = new BatchedOutput(fd, { flushAfterMs: 50 });
    output.write("one\n");
    await sleep(10);
    output.write("two\n");
    expect(readFileSync(file, "utf8")).toBe("");
    await sleep(80);
    expect(readFileSync(file, "utf8")).toBe("one\ntwo\n");
    output.write("three é\n");
    output.flush();
    expect(readFileSync(file, "utf8")).toBe("one\ntwo\nthree é\n");
    output.end();
    output.write("after the end\n");
    output.flushSync();
    expect(readFileSync(file, "utf8")).toBe("one\ntwo\nthree é\n");
    closeSync(fd);
  });

  it("GIVEN 64 KiB pending within one turn THEN they are written at once", () => {
    const file = tempFile();
    const fd = openSync(file, "w");
    const output = new BatchedOutput(fd);
    const line = `${"x".repeat(1023)}\n`;
    for (let index = 0; index < 64; index++) output.write(line);
    expect(readFileSync(file, "utf8").length).toBe(64 * 1024);
    output.end();
    closeSync(fd);
  });

  it("GIVEN a process that logs and exits in the same turn THEN the line is on its standard output", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", WRITER, "exit-now"], { cwd: ROOT, encoding: "utf8" });
    expect(result.stderr).toContain("finished");
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('"msg":"Logged before exit"');
  });

  it("GIVEN a reader that stalls while 20,000 lines are logged THEN the writer waits, and every line arrives once and in order", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, "many", "20000"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.pause();
    await sleep(1_500);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toContain("finished");
    expect(code).toBe(0);
    const lines = Buffer.concat(chunks).toString("utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(20_000);
    expect(lines.map((line) => (JSON.parse(line) as { line: number }).line)).toStrictEqual(Array.from({ length: 20_000 }, (_, index) => index));
  });

  it("GIVEN the reader closes the pipe THEN the process goes on and ends normally", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, "many", "5000"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toContain("finished");
    expect(stderr).not.toContain("Error");
    expect(stderr).not.toContain("dropped");
    expect(code).toBe(0);
  });
});
