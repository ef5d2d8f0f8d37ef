import { describe, expect, it } from "vitest";
import { classifyGitFailure } from "../../../../src/gitops/git/errors.ts";
import { credentialsInUrl, redact, redactUrls } from "../../../../src/gitops/git/redact.ts";

describe("redaction", () => {
  it("GIVEN URLs with userinfo THEN the userinfo is replaced, the rest kept", () => {
    expect(redactUrls("fatal: unable to access 'https://bot:s3cr3t-token@git.example.com/org/r.git/': 403")).toBe(
      "fatal: unable to access 'https://***@git.example.com/org/r.git/': 403",
    );
    expect(redactUrls("see http://git.example.com/x")).toBe("see http://git.example.com/x");
  });

  it("GIVEN a known secret in a message THEN it never survives", () => {
    expect(redact("remote: token ghp_abcdefgh1234 is invalid", ["ghp_abcdefgh1234"])).toBe("remote: token [REDACTED] is invalid");
  });

  it.each([
    ["https://git.example.com/r.git", undefined],
    ["https://bot@git.example.com/r.git", "carries a user name or password"],
    ["https://bot:token@git.example.com/r.git", "carries a user name or password"],
    ["ssh://git@git.example.com/r.git", undefined],
    ["ssh://git:pw@git.example.com/r.git", "carries a password"],
    ["git@git.example.com:org/r.git", undefined],
  ])("GIVEN %s THEN credentialsInUrl says %s", (url, problem) => {
    const found = credentialsInUrl(url);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe("classifyGitFailure (git 2.39's own messages)", () => {
  it.each([
    ["fatal: Authentication failed for 'http://127.0.0.1:4000/r.git/'", "authentication"],
    ["fatal: could not read Username for 'https://git.example.com': terminal prompts disabled", "authentication"],
    ["fatal: unable to access 'https://127.0.0.1:4443/r.git/': SSL certificate problem: unable to get local issuer certificate", "tls"],
    ["fatal: unable to access 'https://h/r.git/': server certificate verification failed. CAfile: /ca.pem CRLfile: none", "tls"],
    ["Host key verification failed.\nfatal: Could not read from remote repository.", "host-key"],
    ["git@h: Permission denied (publickey).\nfatal: Could not read from remote repository.", "authentication"],
    ["fatal: unable to access 'http://127.0.0.1:1/r.git/': Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server", "unreachable"],
    ["fatal: unable to access 'https://nowhere.invalid/r.git/': Could not resolve host: nowhere.invalid", "unreachable"],
    ["fatal: repository 'http://127.0.0.1:4000/missing.git/' not found", "not-found"],
    ["fatal: '/srv/missing.git' does not appear to be a git repository", "not-found"],
    ["error: something else entirely", "other"],
  ])("GIVEN %j THEN %s", (message, kind) => expect(classifyGitFailure(message)).toBe(kind));
});
