import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { factsOfHead } from "../../../../src/gitops/committer/file-head.ts";
import { HeaderCache } from "../../../../src/gitops/committer/header-cache.ts";
import { OwnedFiles } from "../../../../src/gitops/committer/owned-files.ts";
import { composeFile } from "../../../../src/render/tree/rendered-file.ts";

const DIGEST = "0123456789abcdef0123456789abcdef";

describe("factsOfHead", () => {
  it("GIVEN an order file THEN its digest, its order and an intact body are read from its head", () => {
    const file = composeFile("VirtualMachine orders/vm-a", DIGEST, "---\nkind: Secret\n");
    expect(factsOfHead(file, Buffer.byteLength(file))).toEqual({ inputDigest: DIGEST, intact: true, orderKey: "orders/vm-a" });
    expect(factsOfHead(file, Buffer.byteLength(file) + 1)).toMatchObject({ intact: false });
  });

  it("GIVEN a tenant _namespace.yaml THEN it has no order; a file without the header is not ours", () => {
    const file = composeFile("the tenant 'acme' of namespace orders", DIGEST, "---\nkind: Namespace\n");
    expect(factsOfHead(file, Buffer.byteLength(file))).toEqual({ inputDigest: DIGEST, intact: true });
    expect(factsOfHead("apiVersion: v1\nkind: ConfigMap\n", 30)).toBeUndefined();
  });
});

describe("HeaderCache", () => {
  it("GIVEN saved facts THEN a new process reads them back, and blobs no longer in the tree are dropped", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "osac-header-cache-")), "header-cache");
    const cache = new HeaderCache(file);
    cache.set("a".repeat(40), { inputDigest: DIGEST, intact: true, orderKey: "orders/vm-a" });
    cache.set("b".repeat(40), null);
    cache.set("c".repeat(40), { inputDigest: DIGEST, intact: false });
    cache.save(["a".repeat(40), "b".repeat(40)]);
    const again = new HeaderCache(file);
    expect(again.load()).toBe(2);
    expect(again.get("a".repeat(40))).toEqual({ inputDigest: DIGEST, intact: true, orderKey: "orders/vm-a" });
    expect(again.get("b".repeat(40))).toBeNull();
    expect(again.get("c".repeat(40))).toBeUndefined();
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});

describe("OwnedFiles", () => {
  it("GIVEN files set and deleted THEN lookups by path and by order, and counts per directory, follow", () => {
    const owned = new OwnedFiles();
    owned.set({ path: "r/t/vm-a.yaml", blobId: "1", inputDigest: DIGEST, intact: true, orderKey: "o/vm-a" });
    owned.set({ path: "r/t/vm-b.yaml", blobId: "2", inputDigest: DIGEST, intact: true, orderKey: "o/vm-b" });
    owned.set({ path: "r/t/_namespace.yaml", blobId: "3", inputDigest: DIGEST, intact: true });
    expect([owned.orderCountIn("r/t"), owned.orderFileCount, owned.size]).toEqual([2, 2, 3]);
    owned.delete("r/t/vm-a.yaml");
    expect([owned.orderFile("o/vm-a"), owned.orderFile("o/vm-b")?.path, owned.orderCountIn("r/t")]).toEqual([undefined, "r/t/vm-b.yaml", 1]);
    owned.setForeign("r/t/vm-b.yaml");
    expect([owned.isForeign("r/t/vm-b.yaml"), owned.orderFile("o/vm-b"), owned.orderCountIn("r/t")]).toEqual([true, undefined, 0]);
  });
});
