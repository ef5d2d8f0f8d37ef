// `osac-vm webhook --dev-tls` in a container of the image, on the host's network (loopback, a port
// the kernel picks), as a test talks to it: the CA it prints, the port it listens on, and a stop
// that sends SIGTERM the way the kubelet does.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { runArgs, type Podman } from "./podman.ts";

export interface WebhookContainer {
  readonly port: number;
  readonly caPem: string;
  /** SIGTERM (podman stop), then the container's exit code. */
  stop(): Promise<number | null>;
}

const START_TIMEOUT_MS = 60_000;

/** The arguments of a --dev-tls webhook on a loopback port the kernel picks. */
export const DEV_TLS_WEBHOOK_ARGS = ["webhook", "--dev-tls", "--port", "0", "--bind-address", "127.0.0.1"];

/**
 * Waits until a starting `osac-vm webhook --dev-tls` process has printed its CA and its port; the
 * process's exit before that rejects with what it wrote.
 */
export function awaitDevTlsWebhook(child: ChildProcess, what: string): Promise<{ port: number; caPem: string }> {
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not listen within ${START_TIMEOUT_MS / 1000} s; stderr: ${stderr.slice(-2000)}`)), START_TIMEOUT_MS);
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /listening on port (\d+)/.exec(stdout);
      const caPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(stdout);
      if (port && caPem) {
        clearTimeout(timer);
        resolve({ port: Number(port[1]), caPem: caPem[0] });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before listening; stdout: ${stdout.slice(-1000)} stderr: ${stderr.slice(-2000)}`));
    });
  });
}

export async function startWebhookContainer(podman: Podman, reference: string, env: Record<string, string>): Promise<WebhookContainer> {
  const name = `osac-vm-webhook-${randomBytes(4).toString("hex")}`;
  const environment = Object.entries(env).flatMap(([key, value]) => ["--env", `${key}=${value}`]);
  const child = podman.start([...runArgs({ network: "host" }), "--name", name, ...environment, reference, ...DEV_TLS_WEBHOOK_ARGS]);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let started;
  try {
    started = await awaitDevTlsWebhook(child, "the webhook container");
  } catch (error) {
    podman.run(["rm", "--force", name]);
    throw error;
  }
  let stopped: Promise<number | null> | undefined;
  return {
    ...started,
    stop: () => {
      stopped ??= (async () => {
        if (child.exitCode === null) podman.run(["stop", "--time", "15", name]);
        return exited;
      })();
      return stopped;
    },
  };
}
