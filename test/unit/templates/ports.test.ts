import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseExposedPorts, type ExposedPort } from "../../../src/domain/templates/ports.ts";

function problemsOf(text: string) {
  const result = parseExposedPorts(text);
  return result.ok ? [] : result.problems;
}

describe("parseExposedPorts", () => {
  it.each<[string, ExposedPort[]]>([
    ["22/tcp", [{ port: 22, protocol: "tcp" }]],
    ["1/udp", [{ port: 1, protocol: "udp" }]],
    ["65535/tcp", [{ port: 65535, protocol: "tcp" }]],
    [" 22/tcp , 80/tcp ", [{ port: 22, protocol: "tcp" }, { port: 80, protocol: "tcp" }]],
    ["443/tcp,22/tcp", [{ port: 443, protocol: "tcp" }, { port: 22, protocol: "tcp" }]],
    ["53/tcp,53/udp", [{ port: 53, protocol: "tcp" }, { port: 53, protocol: "udp" }]],
    ["022/tcp", [{ port: 22, protocol: "tcp" }]],
    ["\t22/tcp,\n80/udp", [{ port: 22, protocol: "tcp" }, { port: 80, protocol: "udp" }]],
  ])("GIVEN %j WHEN parsed THEN the ports are %j", (text, ports) => {
    expect(parseExposedPorts(text)).toEqual({ ok: true, value: ports });
  });

  it.each([
    ["", "", "at least one port"],
    ["  ", "", "at least one port"],
    ["0/tcp", "0/tcp", "entry 1: port must be from 1 to 65535"],
    ["65536/tcp", "65536/tcp", "entry 1: port must be from 1 to 65535"],
    ["99999999999999999999/tcp", "99999999999999999999/tcp", "entry 1: port must be from 1 to 65535"],
    ["+22/tcp", "+22/tcp", "entry 1: port must be a whole number from 1 to 65535, without sign"],
    ["-1/tcp", "-1/tcp", "without sign"],
    ["22.0/tcp", "22.0/tcp", "whole number"],
    ["/tcp", "/tcp", "whole number"],
    ["22 /tcp", "22 /tcp", "whole number"],
    ["22/TCP", "22/TCP", "entry 1: protocol must be written in lowercase, 'tcp'"],
    ["22/Udp", "22/Udp", "lowercase, 'udp'"],
    ["22/sctp", "22/sctp", "entry 1: protocol must be 'tcp' or 'udp'"],
    ["22/tcp/x", "22/tcp/x", "protocol must be 'tcp' or 'udp'"],
    ["22/", "22/", "protocol must be 'tcp' or 'udp'"],
    ["22", "22", "entry 1 must be <port>/<tcp|udp>"],
    ["ssh", "ssh", "entry 1 must be <port>/<tcp|udp>"],
    ["22/tcp,", "", "entry 2 is empty"],
    [",22/tcp", "", "entry 1 is empty"],
    ["22/tcp,,80/tcp", "", "entry 2 is empty"],
    ["22/tcp,80/tcp, 22/tcp", "22/tcp", "entry 3 repeats 22/tcp from entry 1"],
    ["22/tcp,022/tcp", "022/tcp", "entry 2 repeats 22/tcp from entry 1"],
  ])("GIVEN %j WHEN parsed THEN one problem shows %j and says %j", (text, shown, message) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(message);
    expect(problems[0]?.shown ?? "").toBe(shown);
  });

  it("GIVEN a bad port and a bad protocol in one entry WHEN parsed THEN one problem names both", () => {
    expect(problemsOf("0/TCP")).toEqual([
      { message: "entry 1: port must be from 1 to 65535; protocol must be written in lowercase, 'tcp'", shown: "0/TCP" },
    ]);
  });

  it("GIVEN several bad entries WHEN parsed THEN each is its own problem, in entry order", () => {
    const problems = problemsOf("0/tcp, 22/TCP ,22/tcp,80,22/tcp");
    expect(problems.map((problem) => problem.shown)).toEqual(["0/tcp", "22/TCP", "80", "22/tcp"]);
    expect(problems.map((problem) => problem.message.split(/[ :]/, 2).join(" "))).toEqual([
      "entry 1",
      "entry 2",
      "entry 4",
      "entry 5",
    ]);
  });

  const portEntry = fc.record({ port: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom<"tcp" | "udp">("tcp", "udp") });
  const spacing = fc.string({ unit: fc.constantFrom(" ", "\t"), maxLength: 3 });

  it("GIVEN valid entries with random spacing WHEN parsed THEN the same ports come back in order", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(portEntry, { minLength: 1, maxLength: 30, selector: (entry) => `${entry.port}/${entry.protocol}` }),
        fc.array(fc.tuple(spacing, spacing), { minLength: 30, maxLength: 30 }),
        (ports, pads) => {
          const text = ports.map((entry, index) => `${pads[index]?.[0]}${entry.port}/${entry.protocol}${pads[index]?.[1]}`).join(",");
          expect(parseExposedPorts(text)).toEqual({ ok: true, value: ports });
        },
      ),
    );
  });

  it("GIVEN any string WHEN parsed THEN it never throws, and either yields ports in range or names problems", () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(..."0123456789/,tcpudTCP -+") }));
    fc.assert(
      fc.property(text, (input) => {
        const result = parseExposedPorts(input);
        if (result.ok) {
          expect(result.value.length).toBeGreaterThan(0);
          for (const { port, protocol } of result.value) {
            expect(Number.isInteger(port) && port >= 1 && port <= 65535).toBe(true);
            expect(["tcp", "udp"]).toContain(protocol);
          }
        } else {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) expect(problem.message).not.toBe("");
        }
      }),
    );
  });
});
