import { describe, expect, it } from "vitest";
import { checkOrderName, checkOrderNamespace, childNames, MAX_ORDER_NAME_LENGTH, MAX_ORDER_NAMESPACE_LENGTH } from "../../../src/domain/naming.ts";
import { firmwareUuid, uuidV5 } from "../../../src/domain/firmware-uuid.ts";

describe("child names", () => {
  it("GIVEN order vm-x7k2q THEN the children are named as the role names them", () => {
    expect(childNames("vm-x7k2q")).toEqual({
      cloudInitSecret: "vm-x7k2q-cloud-init",
      sshKeySecret: "vm-x7k2q-ssh-public-key",
      rootDisk: "vm-x7k2q-root-disk",
      virtualMachine: "vm-x7k2q",
      loadBalancer: "vm-x7k2q-load-balancer",
    });
  });
});

describe("order name limits", () => {
  it("THEN the longest order name leaves room for '-load-balancer' in a 63-character Service name", () => {
    expect(MAX_ORDER_NAME_LENGTH).toBe(49);
  });

  it.each([
    ["a", 0],
    ["vm-x7k2q", 0],
    ["a".repeat(49), 0],
    ["a".repeat(50), 1],
    ["1vm", 1],
    ["vm.with.dots", 1],
    ["Upper", 1],
    ["trailing-", 1],
  ])("GIVEN name %j THEN %i error(s)", (name, count) => {
    expect(checkOrderName(name)).toHaveLength(count);
  });

  it("GIVEN a 50-character name THEN the message names the Service limit", () => {
    const [error] = checkOrderName("a".repeat(50));
    expect(error?.field).toBe("metadata.name");
    expect(error?.message).toContain("at most 49");
    expect(error?.message).toContain("-load-balancer");
    expect(error?.message).toContain("DNS-1035");
  });

  it("GIVEN a name starting with a digit THEN the message says DNS-1035 and why", () => {
    const [error] = checkOrderName("9lives");
    expect(error?.message).toMatch(/DNS-1035 label.*starting with a letter/);
    expect(error?.message).toContain("9lives-load-balancer");
  });
});

describe("order namespace limits", () => {
  it.each([
    ["cloudkit-vm-orders", 0],
    ["n".repeat(MAX_ORDER_NAMESPACE_LENGTH), 0],
    ["n".repeat(MAX_ORDER_NAMESPACE_LENGTH + 1), 1],
    ["Bad_Namespace", 1],
  ])("GIVEN namespace %j THEN %i error(s)", (namespace, count) => {
    expect(checkOrderNamespace(namespace)).toHaveLength(count);
  });

  it("THEN the tenant namespace stays within 63 characters", () => {
    expect(MAX_ORDER_NAMESPACE_LENGTH + 1 + 13).toBe(63);
  });
});

describe("firmware UUID", () => {
  it("GIVEN the RFC 4122 DNS namespace example THEN uuidV5 matches the published value", () => {
    expect(uuidV5("python.org", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("886313e1-3b8a-5372-9b90-0c9aee199e5d");
  });

  it("GIVEN the same order twice THEN the UUID is the same; another order gets another", () => {
    const a = firmwareUuid({ orderUuid: "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11", namespace: "ns", name: "a" });
    expect(firmwareUuid({ orderUuid: "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11", namespace: "other", name: "b" })).toBe(a);
    expect(firmwareUuid({ namespace: "ns", name: "a" })).not.toBe(a);
    expect(firmwareUuid({ namespace: "ns", name: "a" })).toBe(firmwareUuid({ namespace: "ns", name: "a" }));
    expect(firmwareUuid({ namespace: "ns", name: "b" })).not.toBe(firmwareUuid({ namespace: "ns", name: "a" }));
  });

  it("THEN it is a version-5 RFC 4122 UUID", () => {
    expect(firmwareUuid({ namespace: "ns", name: "a" })).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
