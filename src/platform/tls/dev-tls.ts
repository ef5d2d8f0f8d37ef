import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface DevCertificate {
  readonly directory: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  /** PEM of the CA, for a webhook configuration's caBundle (base64 of it). */
  readonly caPem: string;
}

/**
 * A throwaway CA and a serving certificate for localhost/127.0.0.1 (and the given extra DNS
 * names), made with the openssl CLI in a fresh temporary directory. For local runs and tests only.
 */
export function generateDevCertificate(extraDnsNames: readonly string[] = [], directory = mkdtempSync(join(tmpdir(), "osac-vm-dev-tls-"))): DevCertificate {
  const path = (name: string) => join(directory, name);
  const names = ["localhost", ...extraDnsNames].map((name, index) => `DNS.${index + 1} = ${name}`).join("\n");
  writeFileSync(
    path("openssl.cnf"),
    `[req]\ndistinguished_name = dn\n[dn]\n[v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n` +
      `[v3_server]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature,keyEncipherment\nextendedKeyUsage = serverAuth\n` +
      `subjectAltName = @alt\n[alt]\n${names}\nIP.1 = 127.0.0.1\nIP.2 = ::1\n`,
  );
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const openssl = (args: string[]) => {
    try {
      execFileSync("openssl", args, { cwd: directory, stdio: "pipe" });
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "the openssl command is not installed (apt-get install -y openssl)" : String((error as { stderr?: Buffer }).stderr ?? error);
      throw new Error(`--dev-tls could not create certificates: ${reason}`);
    }
  };
  openssl(["req", "-x509", "-config", "openssl.cnf", "-extensions", "v3_ca", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "7", "-subj", "/CN=osac-vm-gitops dev CA"]);
  const certificate = { directory, certFile: path("tls.crt"), keyFile: path("tls.key"), caFile: path("ca.crt"), caPem: readFileSync(path("ca.crt"), "utf8") };
  renewDevCertificate(certificate);
  return certificate;
}

/**
 * Issues a new serving key and certificate from the same CA and swaps both files in by rename,
 * key first, the way a certificate manager rotates them.
 */
export function renewDevCertificate(certificate: DevCertificate): void {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: certificate.directory, stdio: "pipe" });
  run(["req", "-new", "-config", "openssl.cnf", ...ec, "-keyout", "next.key", "-out", "next.csr", "-subj", "/CN=osac-vm-gitops-webhook"]);
  run(["x509", "-req", "-in", "next.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "next.crt", "-days", "7", "-extfile", "openssl.cnf", "-extensions", "v3_server"]);
  renameSync(join(certificate.directory, "next.key"), certificate.keyFile);
  renameSync(join(certificate.directory, "next.crt"), certificate.certFile);
}
