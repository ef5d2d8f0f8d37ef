import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { gitBlobId } from "../../../../src/gitops/git/object-id.ts";

describe("gitBlobId", () => {
  it.each(["", "# osac-vm-render: x\n", "ünïcödé ✓\n", "a".repeat(70_000)])("GIVEN %j… THEN it is the id git hash-object gives", (content) => {
    const fromGit = execFileSync("git", ["hash-object", "--stdin"], { input: content }).toString().trim();
    expect(gitBlobId(content)).toBe(fromGit);
    expect(gitBlobId(Buffer.from(content))).toBe(fromGit);
  });
});
