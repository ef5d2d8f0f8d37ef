import { describe, expect, it } from "vitest";
import { checkDnsSubdomain } from "../../../src/domain/templates/dns-name.ts";

describe("checkDnsSubdomain", () => {
  it.each(["fast-ssd", "a", "0", "ocs-storagecluster-ceph-rbd", "a.b-c.d", `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`])(
    "GIVEN %j WHEN checked THEN it is accepted",
    (text) => {
      expect(checkDnsSubdomain(text)).toEqual({ ok: true, value: text });
    },
  );

  it.each([
    ["", "omit the parameter"],
    ["Fast", "DNS-1123 subdomain"],
    ["-a", "DNS-1123 subdomain"],
    ["a-", "DNS-1123 subdomain"],
    ["a_b", "DNS-1123 subdomain"],
    ["a..b", "DNS-1123 subdomain"],
    [".a", "DNS-1123 subdomain"],
    ["a b", "DNS-1123 subdomain"],
    ["a".repeat(254), "at most 253 characters"],
  ])("GIVEN %j WHEN checked THEN it is rejected, saying %j", (text, message) => {
    const result = checkDnsSubdomain(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.problems[0]?.message).toContain(message);
  });
});
