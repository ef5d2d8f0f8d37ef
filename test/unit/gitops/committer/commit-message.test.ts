import { describe, expect, it } from "vitest";
import { commitMessage } from "../../../../src/gitops/committer/commit-message.ts";
import { notCommitted, parsePushedMessage, pushed, removed, showsAlready } from "../../../../src/gitops/committer/committed-condition.ts";

describe("commitMessage", () => {
  it("GIVEN created, changed and deleted orders THEN the subject counts them and the body lists each with its config version", () => {
    const message = commitMessage({
      orders: [
        { orderKey: "orders/vm-b", change: "created", configVersion: "hmac-sha256:bb" },
        { orderKey: "orders/vm-a", change: "created", configVersion: "hmac-sha256:aa" },
        { orderKey: "orders/vm-c", change: "changed", configVersion: "hmac-sha256:cc" },
        { orderKey: "orders/vm-d", change: "deleted", configVersion: "hmac-sha256:dd" },
      ],
      namespaceFiles: { written: ["rendered/orders-x/_namespace.yaml"], removed: [] },
      overridden: [],
      committer: "committer-0",
    });
    expect(message).toBe(
      [
        "osac-vm committer: created 2, changed 1, deleted 1 order(s)",
        "",
        "Created:",
        "  VirtualMachine orders/vm-a (config version hmac-sha256:aa)",
        "  VirtualMachine orders/vm-b (config version hmac-sha256:bb)",
        "Changed:",
        "  VirtualMachine orders/vm-c (config version hmac-sha256:cc)",
        "Deleted:",
        "  VirtualMachine orders/vm-d (config version hmac-sha256:dd)",
        "Tenant namespace files written: rendered/orders-x/_namespace.yaml",
        "",
        "Osac-Vm-Committer: committer-0",
        "",
      ].join("\n"),
    );
  });

  it("GIVEN files another commit had changed THEN the message says the live orders win, file by file", () => {
    const message = commitMessage({
      orders: [{ orderKey: "orders/vm-a", change: "changed", configVersion: "v" }],
      namespaceFiles: { written: [], removed: [] },
      overridden: ["rendered/orders-x/vm-a.yaml"],
      committer: "c",
    });
    expect(message).toContain("Overrode 1 file(s) of ours that another commit had changed; the state rendered from the live orders wins:\n  rendered/orders-x/vm-a.yaml\n");
  });

  it("GIVEN only restored files THEN the subject says so", () => {
    expect(commitMessage({ orders: [], namespaceFiles: { written: [], removed: [] }, overridden: ["a"], committer: "c" })).toMatch(/^osac-vm committer: restored 1 file\(s\)\n/);
  });
});

describe("the Committed condition", () => {
  const sha = "0123456789abcdef0123456789abcdef01234567";

  it("GIVEN a push THEN the message has the form osac-vm explain parses, and parses back", () => {
    const value = pushed(sha, "1235a48e65b9b809");
    expect(value).toEqual({ status: "True", reason: "Pushed", message: `Pushed commit ${sha} with config version 1235a48e65b9b809` });
    expect(parsePushedMessage(value.message)).toEqual({ commit: sha, configVersion: "1235a48e65b9b809" });
    expect(parsePushedMessage(removed(sha, "1235a48e65b9b809").message)).toEqual({ commit: sha, configVersion: "1235a48e65b9b809" });
    expect(parsePushedMessage("Pushed commit abc with config version x")).toBeUndefined();
  });

  it("GIVEN the same value for the same generation THEN nothing is to be written; another generation writes again", () => {
    const value = notCommitted("PushFailed", "down");
    const current = { type: "Committed", ...value, lastTransitionTime: "2026-01-01T00:00:00Z", observedGeneration: 2 };
    expect(showsAlready(current, value, 2)).toBe(true);
    expect(showsAlready(current, value, 3)).toBe(false);
    expect(showsAlready(current, pushed(sha, "v"), 2)).toBe(false);
  });
});
