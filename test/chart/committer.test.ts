// The chart's optional committer (committer.enabled): flags the real config parser accepts,
// mounts matching them, RBAC exactly as the code calls, the controller given the same sealing key,
// and the values schema refusing an unusable committer at install time.
import { beforeAll, describe, expect, it } from "vitest";
import { parseControllerConfig } from "../../src/controller/config.ts";
import { parseCommitterConfig } from "../../src/gitops/committer/config.ts";
import { CredentialFiles } from "../../src/gitops/committer/setup.ts";
import { CHART_DIR, argsToFlags, find, findAll, helm, plainEnv, render, type KubeDoc } from "../e2e/support/chart-helm.ts";

const NS = "osac-vm-gitops";
let docs: KubeDoc[];

beforeAll(async () => {
  docs = await render({ optionSet: "committer", namespace: NS });
}, 120_000);

const committerContainer = () => find(docs, "Deployment", "-committer").spec.template.spec.containers[0];
const mountOf = (container: KubeDoc, volume: string) => container.volumeMounts.find((m: KubeDoc) => m.name === volume)?.mountPath as string | undefined;

describe("helm template, the committer", () => {
  it("GIVEN its flags and environment THEN the real config parser accepts them, with the Lease in the release namespace and every file on a mount", () => {
    const c = committerContainer();
    expect(c.command).toEqual(["node", "bin/osac-vm.js", "committer"]);
    const parsed = parseCommitterConfig(argsToFlags(c.args) as never, { ...plainEnv(c), POD_NAME: "committer-0", POD_NAMESPACE: NS });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const config = parsed.data!;
    expect(config).toMatchObject({ repository: "https://git.example.com/platform/fleet.git", branch: "main", path: "hubs/east", batchWindowMs: 1_000 });
    expect(config.leaderElection).toMatchObject({ enabled: true, namespace: NS, name: "osac-vm-committer", identity: "committer-0" });
    expect(config.credentialsDir).toBe(mountOf(c, "git-credentials"));
    expect(config.caFile).toBe(`${mountOf(c, "git-ca")}/ca.crt`);
    expect(config.sealing).toEqual({ certificateFile: `${mountOf(c, "sealing-certificate")}/cert.pem`, keyFile: `${mountOf(c, "sealing-key")}/seal.key`, reseal: false });
    expect(config.dataDir.startsWith(`${mountOf(c, "data")}/`)).toBe(true);
    const volumes = find(docs, "Deployment", "-committer").spec.template.spec.volumes as KubeDoc[];
    const volume = (name: string) => volumes.find((v) => v.name === name)!;
    expect(volume("git-credentials").secret).toEqual({ secretName: "fleet-git-credentials", defaultMode: 0o440 });
    expect(volume("sealing-key").secret).toMatchObject({ secretName: "osac-vm-sealing-key", items: [{ key: "seal.key", path: "seal.key" }] });
    expect(volume("sealing-certificate").configMap).toMatchObject({ name: "sealed-secrets-certificate" });
    expect(volume("data").emptyDir).toEqual({ sizeLimit: "4Gi" });
    // The Secret's keys are those the committer reads (a kubernetes.io/basic-auth or ssh-auth Secret).
    expect(Object.values(CredentialFiles).sort()).toEqual(["known_hosts", "password", "ssh-privatekey", "username"]);
  });

  it("GIVEN its RBAC THEN it is exactly what the code calls, and the Lease Role names only its Lease", () => {
    expect(find(docs, "ClusterRole", "-committer").rules).toEqual([
      { apiGroups: ["cloudkit.openshift.io"], resources: ["virtualmachines"], verbs: ["list", "watch", "patch"] },
      { apiGroups: ["cloudkit.openshift.io"], resources: ["virtualmachines/status"], verbs: ["patch"] },
      { apiGroups: ["kubevirt.io"], resources: ["virtualmachines", "virtualmachineinstances"], verbs: ["get"] },
      { apiGroups: ["cdi.kubevirt.io"], resources: ["datavolumes"], verbs: ["list", "delete"] },
      { apiGroups: ["argoproj.io"], resources: ["applications"], verbs: ["list", "watch", "patch"] },
    ]);
    expect(find(docs, "Role", "-committer-lease").rules).toEqual([
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: ["osac-vm-committer"], verbs: ["get", "update"] },
    ]);
    const account = find(docs, "ServiceAccount", "-committer").metadata.name;
    for (const binding of [find(docs, "ClusterRoleBinding", "-committer"), find(docs, "RoleBinding", "-committer-lease")]) {
      expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: account, namespace: NS }]);
    }
    expect(find(docs, "Deployment", "-committer").spec.template.spec.serviceAccountName).toBe(account);
    expect(find(docs, "NetworkPolicy", "-committer").spec.ingress).toEqual([{ ports: [{ port: 8080, protocol: "TCP" }] }]);
  });

  it("GIVEN sealing THEN the controller reads the same key (--config-version-key-file), and its parser accepts it", () => {
    const controller = find(docs, "Deployment", "-controller").spec.template.spec;
    const c = controller.containers[0];
    const parsed = parseControllerConfig(argsToFlags(c.args) as never, { POD_NAMESPACE: NS });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data!.configVersionKeyFile).toBe(`${mountOf(c, "config-version-key")}/seal.key`);
    expect(controller.volumes.find((v: KubeDoc) => v.name === "config-version-key").secret.secretName).toBe("osac-vm-sealing-key");
  });

  it("GIVEN hubs.enabled THEN the committer writes per-hub output (--hubs) with the value key alone, and may list and watch Hubs", async () => {
    const withHubs = await render({ optionSet: "committer", valuesFiles: ["ci/hubs-values.yaml"], set: { "committer.sealing.enabled": false, "committer.argoCd.repoUrl": "https://git.example.com/argo/fleet.git" }, namespace: NS });
    const c = find(withHubs, "Deployment", "-committer").spec.template.spec.containers[0];
    const parsed = parseCommitterConfig(argsToFlags(c.args) as never, { ...plainEnv(c), POD_NAMESPACE: NS });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data).toMatchObject({ hubs: true, sealing: { keyFile: `${mountOf(c, "sealing-key")}/seal.key`, reseal: false }, argoCd: { repoUrl: "https://git.example.com/argo/fleet.git" } });
    expect(parsed.data!.sealing!.certificateFile).toBeUndefined();
    expect(mountOf(c, "sealing-certificate")).toBeUndefined();
    expect(find(withHubs, "ClusterRole", "-committer").rules).toContainEqual({ apiGroups: ["gitops.cloudkit.openshift.io"], resources: ["hubs"], verbs: ["list", "watch"] });
    expect(find(docs, "ClusterRole", "-committer").rules.some((rule: KubeDoc) => rule.resources.includes("hubs"))).toBe(false);
    expect(committerContainer().args).not.toContain("--hubs");
  });

  it("GIVEN default values THEN no committer object and no key for the controller", async () => {
    const defaults = await render({ namespace: NS });
    expect(defaults.filter((doc) => doc.metadata.name.includes("committer"))).toEqual([]);
    expect(findAll(defaults, "Deployment").find((d) => d.metadata.name.endsWith("-controller"))!.spec.template.spec.containers[0].args.join(" ")).not.toContain("config-version-key");
  });

  it.each([
    [{ "committer.enabled": true }, "/committer/repository"],
    [{ "committer.enabled": true, "committer.repository": "https://bot:token@git.example.com/r.git" }, "/committer/repository"],
    [{ "committer.enabled": true, "committer.repository": "https://git.example.com/r.git", "committer.sealing.enabled": true }, "/committer/sealing/keySecret"],
    [{ "committer.batchWindow": "soon" }, "/committer/batchWindow"],
    [{ "committer.argoCd.refresh": "always" }, "/committer/argoCd/refresh"],
    [{ "committer.removal.maxRemovalPercent": 150 }, "/committer/removal/maxRemovalPercent"],
  ] as const)("GIVEN %j THEN helm template fails naming %s", async (set, path) => {
    const result = await helm(["template", "x", CHART_DIR, ...Object.entries(set).flatMap(([k, v]) => ["--set", `${k}=${v}`])]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(path);
  });
});
