// Runs the project's webhook as a real process for the e2e suite, with certificate files from a
// test CA (so tests can rotate them), and points the order CRD's conversion at it.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as k8s from "@kubernetes/client-node";
import { rawRequest } from "./kube.ts";
import { REPO_ROOT } from "../../../scripts/cluster/harness.ts";
import { generateDevCertificate, type DevCertificate } from "../../../src/platform/tls/dev-tls.ts";

export interface WebhookProcess {
  readonly url: string;
  readonly port: number;
  readonly caPem: string;
  readonly certificate: DevCertificate;
  readonly logFile: string;
  stop(): Promise<void>;
}

export const ORDER_CRD = "virtualmachines.cloudkit.openshift.io";

export async function startWebhookProcess(kubeconfigPath: string, env: Record<string, string> = {}): Promise<WebhookProcess> {
  const certificate = generateDevCertificate();
  const logFile = path.join(certificate.directory, "webhook.log");
  const log = fs.openSync(logFile, "a");
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(REPO_ROOT, "bin/osac-vm.js"), "webhook", "--port", "0", "--bind-address", "127.0.0.1", "--tls-cert-file", certificate.certFile, "--tls-key-file", certificate.keyFile],
    { cwd: REPO_ROOT, env: { ...process.env, KUBECONFIG: kubeconfigPath, LOG_LEVEL: "debug", ...env }, stdio: ["ignore", "pipe", log] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`the webhook did not start within 30 s; log: ${logFile}`)), 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on port (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the webhook exited with ${code} before listening; log: ${fs.readFileSync(logFile, "utf8").slice(-2000)}`));
    });
  });
  // The JSON log is on stdout: keep it in the log file beside stderr.
  const stdoutLog = fs.createWriteStream(logFile, { flags: "a" });
  child.stdout!.pipe(stdoutLog);
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caPem: certificate.caPem,
    certificate,
    logFile,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      await new Promise<void>((resolve) => stdoutLog.end(() => resolve()));
      fs.closeSync(log);
      fs.rmSync(certificate.directory, { recursive: true, force: true });
    },
  };
}

/**
 * Points the order CRD's conversion webhook at the given URL (when the CRD converts by webhook).
 * Uses one-shot connections (no keep-alive agent) so the vitest main process can exit afterwards.
 */
export async function wireConversion(kc: k8s.KubeConfig, url: string, caPem: string): Promise<boolean> {
  const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${ORDER_CRD}`;
  const read = await rawRequest(kc, "GET", path);
  if (read.status !== 200) throw new Error(`reading CRD ${ORDER_CRD}: HTTP ${read.status}: ${read.body.slice(0, 300)}`);
  const crd = JSON.parse(read.body) as { spec: { conversion?: { strategy?: string; webhook?: unknown } } };
  if (crd.spec.conversion?.strategy !== "Webhook") return false;
  crd.spec.conversion = {
    strategy: "Webhook",
    webhook: { conversionReviewVersions: ["v1"], clientConfig: { url: `${url}/convert`, caBundle: Buffer.from(caPem).toString("base64") } },
  };
  const written = await rawRequest(kc, "PUT", path, JSON.stringify(crd));
  if (written.status !== 200) throw new Error(`updating CRD ${ORDER_CRD}: HTTP ${written.status}: ${written.body.slice(0, 300)}`);
  return true;
}
