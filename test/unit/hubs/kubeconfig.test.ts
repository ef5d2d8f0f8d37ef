import { inspect } from "node:util";
import fc from "fast-check";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { readKubeconfig } from "../../../src/hubs/kubeconfig.ts";

const TOKEN = "s3cr3t-t0ken-AbCdEfGhIjKlMnOpQrStUvWxYz";
const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfakeCAcontentQUJDREVGR0hJSktMTU5PUA==\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIprivateKEYmaterialXYZ0123456789abcd\n-----END EC PRIVATE KEY-----\n";
const b64 = (text: string) => Buffer.from(text).toString("base64");

function kubeconfig(cluster: Record<string, unknown> = {}, user: Record<string, unknown> = { token: TOKEN }, extra: Record<string, unknown> = {}): string {
  return yaml.dump({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "hub-a", cluster: { server: "https://hub-a.example:6443", "certificate-authority-data": b64(PEM), ...cluster } }],
    users: [{ name: "prober", user }],
    contexts: [{ name: "hub-a", context: { cluster: "hub-a", user: "prober" } }],
    "current-context": "hub-a",
    ...extra,
  });
}

/** Every 8-character window of the secrets: none may appear in a message. */
function leaks(text: string, secrets: readonly string[]): string | undefined {
  for (const secret of secrets) {
    for (let start = 0; start + 8 <= secret.length; start++) {
      const window = secret.slice(start, start + 8);
      if (text.includes(window)) return window;
    }
  }
  return undefined;
}

describe("readKubeconfig", () => {
  it("GIVEN a token kubeconfig THEN it yields the connection, printed without its secrets", () => {
    const reading = readKubeconfig(kubeconfig());
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    const connection = reading.connection;
    expect(connection.server).toBe("https://hub-a.example:6443");
    expect(connection.credentialKind).toBe("token");
    expect(connection.insecureSkipTlsVerify).toBe(false);
    for (const shown of [String(connection), JSON.stringify(connection), inspect(connection), inspect({ nested: connection }), `${connection}`]) {
      expect(leaks(shown, [TOKEN, b64(PEM)])).toBeUndefined();
    }
    const kubeConfig = connection.toKubeConfig();
    expect(kubeConfig.getCurrentCluster()?.server).toBe("https://hub-a.example:6443");
    expect(kubeConfig.getCurrentUser()?.token).toBe(TOKEN);
    expect(Buffer.from(kubeConfig.getCurrentCluster()!.caData!, "base64").toString()).toBe(PEM);
  });

  it("GIVEN a client certificate and no current-context but one context THEN it is used", () => {
    const text = yaml.dump({
      clusters: [{ name: "c", cluster: { server: "https://10.0.0.1:6443/", "insecure-skip-tls-verify": true, "tls-server-name": "api.hub" } }],
      users: [{ name: "u", user: { "client-certificate-data": b64(PEM), "client-key-data": b64(KEY) } }],
      contexts: [{ name: "only", context: { cluster: "c", user: "u" } }],
    });
    const reading = readKubeconfig(text);
    expect(reading.ok && reading.connection.credentialKind).toBe("client certificate");
    expect(reading.ok && reading.connection.insecureSkipTlsVerify).toBe(true);
    expect(reading.ok && reading.connection.tlsServerName).toBe("api.hub");
    expect(reading.ok && reading.connection.server).toBe("https://10.0.0.1:6443");
  });

  it.each([
    ["not YAML", `clusters: [\n  - name: x\n token: ${TOKEN}\n  bad: [`, "is not valid YAML (line"],
    ["not a mapping", `- ${TOKEN}`, "is not a kubeconfig"],
    ["no contexts", kubeconfig({}, { token: TOKEN }, { contexts: [] }), "has no contexts"],
    ["a current-context that does not exist", kubeconfig({}, { token: TOKEN }, { "current-context": "elsewhere" }), "names a current-context that is not among"],
    ["an http server", kubeconfig({ server: "http://hub-a.example:8080" }), "not https://"],
    ["credentials in the server URL", kubeconfig({ server: `https://admin:${TOKEN}@hub-a.example` }), "credentials inside the cluster server URL"],
    ["a CA file path", kubeconfig({ "certificate-authority": "/etc/ca.pem", "certificate-authority-data": undefined }), "uses 'certificate-authority', a file path"],
    ["a token file", kubeconfig({}, { tokenFile: "/var/run/token" }), "uses 'tokenFile'"],
    ["an exec plugin", kubeconfig({}, { exec: { command: "aws", args: ["eks", "get-token", TOKEN] } }), "uses 'exec', which would run a program"],
    ["an auth provider", kubeconfig({}, { "auth-provider": { name: "oidc", config: { "id-token": TOKEN } } }), "uses 'auth-provider'"],
    ["basic auth", kubeconfig({}, { username: "admin", password: TOKEN }), "basic auth"],
    ["a proxy", kubeconfig({ "proxy-url": `https://proxy:${TOKEN}@p.example` }), "proxy-url"],
    ["CA data that is not PEM", kubeconfig({ "certificate-authority-data": b64(TOKEN) }), "'certificate-authority-data' that is not base64 of PEM"],
    ["a certificate without its key", kubeconfig({}, { "client-certificate-data": b64(PEM) }), "without its key"],
    ["a multi-line token", kubeconfig({}, { token: `${TOKEN}\nX-Other: header` }), "'token' that is not a single-line string"],
  ])("GIVEN %s THEN it is refused, and the message quotes none of it", (_what, text, expected) => {
    const reading = readKubeconfig(text);
    expect(reading.ok).toBe(false);
    if (reading.ok) return;
    expect(reading.problem).toContain(expected);
    expect(leaks(reading.problem, [TOKEN, b64(PEM), "/etc/ca.pem", "/var/run/token"])).toBeUndefined();
  });

  it("PROPERTY: whatever the text (a kubeconfig cut anywhere, with noise put in), no message quotes it", () => {
    const full = kubeconfig();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: full.length }), fc.integer({ min: 0, max: full.length }), fc.string({ minLength: 0, maxLength: 12 }), (cut, insertAt, noise) => {
        const text = full.slice(0, cut) + noise + full.slice(insertAt);
        const reading = readKubeconfig(text);
        const shown = reading.ok ? `${reading.connection}${JSON.stringify(reading.connection)}${inspect(reading.connection)}` : reading.problem;
        expect(leaks(shown, [TOKEN, b64(PEM)])).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});
