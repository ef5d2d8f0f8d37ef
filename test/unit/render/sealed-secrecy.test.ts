// Property: with sealing, nothing in the rendered tree shows a sealed value, in plaintext or in any
// of the encodings it could slip out in (base64 at any byte alignment, base64url, hex, JSON
// escaping, line by line).
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { runCli, temporaryDirectory } from "../../support/cli.ts";
import { orderDocument } from "../../support/orders.ts";
import { rsaKeyPair, selfSignedCertificate, sshEd25519Key } from "../../support/sealing.ts";

const MIN_CHECKED_LENGTH = 16;

/** Every way a value's bytes could appear in a text file. */
function encodings(value: Buffer): string[] {
  const forms = [value.toString("utf8"), value.toString("hex"), JSON.stringify(value.toString("utf8")).slice(1, -1)];
  for (let offset = 0; offset < 3; offset++) {
    for (const alphabet of ["base64", "base64url"] as const) {
      const encoded = value.subarray(offset).toString(alphabet);
      forms.push(encoded.slice(0, Math.max(0, Math.floor(encoded.length / 4) * 4 - 4)));
    }
  }
  forms.push(...value.toString("utf8").split("\n"));
  return forms.filter((form) => form.length >= MIN_CHECKED_LENGTH);
}

function treeText(root: string): string {
  let text = "";
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += readFileSync(join(entry.parentPath, entry.name), "utf8");
  }
  return text;
}

describe("sealed render secrecy (property)", () => {
  const root = temporaryDirectory();
  const cert = join(root, "cert.pem");
  writeFileSync(cert, selfSignedCertificate(rsaKeyPair().publicKey));
  const key = join(root, "value.key");
  writeFileSync(key, randomBytes(48).toString("base64"), { mode: 0o600 });

  it("GIVEN random cloud-init user data and SSH keys THEN no file under --out holds them in any encoding", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.string({ maxLength: 300, unit: "binary" }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.stringMatching(/^[a-z0-9.@-]{1,30}$/),
        async (token, text, keyBytes, comment) => {
          const userData = Buffer.from(`#cloud-config\n# ${Buffer.from(token).toString("hex")}\n${text}\n`);
          const sshKey = sshEd25519Key(keyBytes, comment);
          const directory = join(root, `run-${run++}`);
          mkdirSync(join(directory, "in"), { recursive: true });
          writeFileSync(
            join(directory, "in", "order.yaml"),
            yaml.dump(orderDocument({ cloud_init_config: userData.toString("base64"), ssh_public_key: sshKey }, { name: "vm-secret" })),
          );
          const result = await runCli(["render", "--in", join(directory, "in"), "--out", join(directory, "out"), "--seal-with", cert, "--seal-key-file", key]);
          expect(result.code, result.stderr).toBe(0);
          const written = treeText(join(directory, "out"));
          expect(written).toContain("kind: SealedSecret");
          for (const form of [...encodings(userData), ...encodings(Buffer.from(sshKey))]) {
            if (written.includes(form)) throw new Error(`the rendered tree holds a sealed value's encoding: ${form.slice(0, 40)}…`);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
