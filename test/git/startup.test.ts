// `osac-vm committer` refuses settings that cannot work before it commits anything: exit 2 and a
// message naming the setting, never the credentials. The repository is served by the harness's Git
// server (git http-backend behind Basic auth), so wrong credentials are refused by a real server.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepository, startGitServer, type GitServer } from "../../scripts/cluster/git-server.ts";
import { ProcessStack } from "../../scripts/cluster/process-stack.ts";
import { osacVm } from "../gitops/support/rendered-repo.ts";

let stack: ProcessStack;
let server: GitServer;
let url: string;
let work: string;

function credentialsDir(name: string, username: string, password: string): string {
  const directory = path.join(work, name);
  fs.mkdirSync(directory, { mode: 0o700 });
  fs.writeFileSync(path.join(directory, "username"), username, { mode: 0o600 });
  fs.writeFileSync(path.join(directory, "password"), password, { mode: 0o600 });
  return directory;
}

/** A loopback port that was free a moment ago and that nothing listens on now. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const committer = (extra: string[]) => osacVm(["committer", "--no-leader-elect", "--metrics-port", "0", "--data-dir", fs.mkdtempSync(path.join(work, "data-")), ...extra]);

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-committer-startup-"));
  stack = await ProcessStack.create({ label: "committer-startup" });
  server = await startGitServer(stack);
  url = await createRepository(server, "startup");
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("osac-vm committer at start-up", () => {
  it("GIVEN a password the Git server refuses THEN exit 2 naming --git-credentials-dir, and the password appears nowhere", async () => {
    const wrong = `wrong-${randomBytes(8).toString("hex")}`;
    const run = await committer(["--repository", url, "--git-credentials-dir", credentialsDir("wrong", server.username, wrong)]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("--git-credentials-dir");
    expect(run.stdout + run.stderr).not.toContain(wrong);
    expect(run.stdout + run.stderr).not.toContain(server.token);
  });

  it("GIVEN a repository nobody serves THEN exit 2 naming --repository", async () => {
    const closed = `http://127.0.0.1:${await closedPort()}/nothing.git`;
    const run = await committer(["--repository", closed, "--git-credentials-dir", credentialsDir("closed", server.username, server.token)]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("--repository");
    expect(run.stdout + run.stderr).not.toContain(server.token);
  });

  it("GIVEN a sealing certificate that is not a certificate THEN exit 2 naming --sealing-certificate-file", async () => {
    const certificate = path.join(work, "not-a-certificate.pem");
    fs.writeFileSync(certificate, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
    const key = path.join(work, "value.key");
    fs.writeFileSync(key, randomBytes(32), { mode: 0o600 });
    const run = await committer(["--repository", url, "--git-credentials-dir", credentialsDir("sealing", server.username, server.token), "--sealing-certificate-file", certificate, "--sealing-key-file", key]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("--sealing-certificate-file");
  });

  it("GIVEN a credentials directory without the token THEN exit 2 naming --git-credentials-dir and the key it needs", async () => {
    const directory = path.join(work, "empty");
    fs.mkdirSync(directory);
    const run = await committer(["--repository", url, "--git-credentials-dir", directory]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("--git-credentials-dir");
    expect(run.stderr).toContain("'password'");
  });
});
