import { describe, expect, it } from "vitest";
import { Annotations } from "../../../src/api/well-known.ts";
import { diffFleet } from "../../../src/migration/diff/fleet-diff.ts";
import { expectedChildren } from "../../../src/migration/diff/expected-children.ts";
import { summarize } from "../../../src/migration/diff/summary.ts";
import { differenceLines } from "../../../src/migration/report/diff-text.ts";
import type { LiveObject } from "../../../src/migration/live-object.ts";
import { instanceFor, runningInstanceStatus, runningVmStatus, withKubeVirtDefaults, withServerBookkeeping } from "../../support/live-children.ts";
import { orderDocument, validOrder } from "../../support/orders.ts";

type Json = Record<string, any>;
const SECRET_CLOUD_INIT = Buffer.from("#cloud-config\npassword: hunter2-very-secret\n").toString("base64");

/** An order as stored, and the children the role made for `madeFrom` (defaults: the same order). */
function fleetMember(options: { name: string; parameters?: Json; madeFrom?: Json; managedBy?: string; reconciled?: boolean; running?: boolean; profile?: "aap-parity" | "gitops" }) {
  const parameters = options.parameters ?? { cpu_cores: "2", storage_class: "standard" };
  const made = validOrder(options.madeFrom ?? parameters, { name: options.name });
  const current = validOrder(parameters, { name: options.name });
  const rendered = expectedChildren(made, options.profile ?? "aap-parity", "standard") as Json[];
  const children = rendered.map((object) => {
    let live = withServerBookkeeping(object);
    if (object.kind === "VirtualMachine") live = { ...withKubeVirtDefaults(live), status: options.running === false ? { printableStatus: "Stopped" } : runningVmStatus() };
    return live;
  });
  const vm = children.find((object) => object.kind === "VirtualMachine")!;
  const instances = options.running === false ? [] : [{ ...instanceFor(vm), status: runningInstanceStatus() }];
  const annotations: Record<string, string> = {};
  if (options.reconciled !== false) annotations[Annotations.reconciledConfigVersion] = made.desiredConfigVersion;
  const order = orderDocument(parameters, { name: options.name, ...(options.managedBy ? { managedBy: options.managedBy } : {}), annotations });
  expect(current.name).toBe(options.name);
  return { order: order as unknown as LiveObject, children: children as LiveObject[], instances: instances as LiveObject[] };
}

function run(members: ReturnType<typeof fleetMember>[], edit: (children: Json[]) => void = () => {}, strategy: "Stage" | "LiveUpdate" = "Stage") {
  const children = members.flatMap((member) => member.children) as Json[];
  edit(children);
  return diffFleet({
    orders: members.map((member) => member.order),
    children: children as LiveObject[],
    instances: members.flatMap((member) => member.instances),
    profile: "auto",
    strategy,
    roleStorageClass: "standard",
  });
}

const find = (children: Json[], kind: string, name: string) => children.find((object) => object.kind === kind && object.metadata.name === name)!;

describe("diffFleet", () => {
  it("GIVEN children exactly as the role and KubeVirt left them THEN every order is identical", () => {
    const diffs = run([fleetMember({ name: "vm-a" }), fleetMember({ name: "vm-b", parameters: { ssh_public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly u@e", storage_class: "standard" } })]);
    expect(diffs.map((diff) => [diff.name, diff.identical, diff.profile])).toEqual([
      ["vm-a", true, "aap-parity"],
      ["vm-b", true, "aap-parity"],
    ]);
    expect(diffs[0]!.restart).toMatchObject({ running: true, restartRequired: false, changes: [] });
  });

  it("GIVEN a hand-edited label and Service port THEN they are hand edits of that order only", () => {
    const diffs = run([fleetMember({ name: "vm-a" }), fleetMember({ name: "vm-b" })], (children) => {
      find(children, "VirtualMachine", "vm-a").metadata.labels.team = "blue";
      find(children, "Service", "vm-a-load-balancer").spec.ports[0].port = 2222;
    });
    expect(diffs.map((diff) => diff.identical)).toEqual([false, true]);
    expect(differenceLines(diffs[0]!)).toEqual([
      "VirtualMachine cloudkit-vm-orders-ntfv23cm4rd2e/vm-a metadata.labels.team: hand edit",
      "Service cloudkit-vm-orders-ntfv23cm4rd2e/vm-a-load-balancer spec.ports[0].port: hand edit",
    ]);
    expect(diffs[0]!.restart?.restartRequired).toBe(false);
  });

  it("GIVEN an order whose cpu_cores changed after the role ran and a running VM THEN a parameter change that restarts it", () => {
    const diffs = run([fleetMember({ name: "vm-c", parameters: { cpu_cores: "4", storage_class: "standard" }, madeFrom: { cpu_cores: "2", storage_class: "standard" } })], () => {}, "LiveUpdate");
    expect(differenceLines(diffs[0]!)).toEqual(["VirtualMachine cloudkit-vm-orders-ntfv23cm4rd2e/vm-c spec.template.spec.domain.cpu.cores: parameter change"]);
    expect(diffs[0]!.restart).toMatchObject({ running: true, restartRequired: true, strategy: "LiveUpdate", changes: [{ path: "spec.template.spec.domain.cpu.cores", restarts: true }] });
  });

  it("GIVEN the same change on a stopped VM THEN no restart is predicted", () => {
    const diffs = run([fleetMember({ name: "vm-c", parameters: { cpu_cores: "4", storage_class: "standard" }, madeFrom: { cpu_cores: "2", storage_class: "standard" }, running: false })]);
    expect(diffs[0]!.restart).toMatchObject({ running: false, restartRequired: false, evidence: "no VMI; printableStatus Stopped" });
  });

  it("GIVEN a gitops order whose children the role made THEN the differences are profile differences", () => {
    const diffs = run([fleetMember({ name: "vm-g", managedBy: "gitops" })]);
    expect(diffs[0]!.profile).toBe("gitops");
    // Adoption with the gitops profile would replace KubeVirt's random firmware UUID: a restart.
    expect(diffs[0]!.restart).toMatchObject({ restartRequired: true, changes: [{ path: "spec.template.spec.domain.firmware.uuid", restarts: true }] });
    expect(diffs[0]!.objects.flatMap((object) => differenceLines({ ...diffs[0]!, objects: [object] })).filter((line) => !line.endsWith("profile difference"))).toEqual([]);
  });

  it("GIVEN a deleted Service and a stray labelled Secret THEN missing and extra objects", () => {
    const diffs = run([fleetMember({ name: "vm-a" })], (children) => {
      children.splice(children.indexOf(find(children, "Service", "vm-a-load-balancer")), 1);
      children.push({ apiVersion: "v1", kind: "Secret", metadata: { name: "vm-a-old", namespace: "cloudkit-vm-orders-ntfv23cm4rd2e", labels: { "cloudkit.openshift.io/virtualmachine": "vm-a" } }, data: { x: "eHl6" } });
    });
    expect(diffs[0]!.objects.filter((object) => object.state !== "identical").map((object) => [object.object.kind, object.object.name, object.state])).toEqual([
      ["Service", "vm-a-load-balancer", "missing"],
      ["Secret", "vm-a-old", "extra"],
    ]);
    expect(summarize(diffs).objects).toEqual({ differing: 0, missing: 1, extra: 1 });
  });

  it("GIVEN no reconciled-config-version on the order THEN the origin is unknown", () => {
    const diffs = run([fleetMember({ name: "vm-u", reconciled: false })], (children) => {
      find(children, "DataVolume", "vm-u-root-disk").spec.source.registry.url = "docker://example.com/other:1";
    });
    expect(differenceLines(diffs[0]!)).toEqual(["DataVolume cloudkit-vm-orders-ntfv23cm4rd2e/vm-u-root-disk spec.source.registry.url: unknown origin"]);
  });

  it("GIVEN changed cloud-init user data THEN the difference is shown only redacted", () => {
    const diffs = run([fleetMember({ name: "vm-s", parameters: { cloud_init_config: SECRET_CLOUD_INIT, storage_class: "standard" } })], (children) => {
      find(children, "Secret", "vm-s-cloud-init").data.userData = Buffer.from("#cloud-config\npassword: other-secret\n").toString("base64");
    });
    const secret = diffs[0]!.objects.find((object) => object.object.kind === "Secret")!;
    expect(secret.differences).toEqual([{ path: ["data", "userData"], live: "<redacted, 52 chars> (live value)", rendered: "<redacted, 60 chars> (rendered value)", cause: "hand edit" }]);
    const text = JSON.stringify(diffs);
    expect(text).not.toContain(SECRET_CLOUD_INIT);
    expect(text).not.toContain("hunter2");
  });

  it("GIVEN an invalid order THEN it differs with cause invalid order", () => {
    const member = fleetMember({ name: "vm-i" });
    (member.order as Json).spec.templateParameters = '{"cpu_cores":"0"}';
    const diffs = run([member]);
    expect(diffs[0]!.invalid?.[0]).toContain("cpu_cores");
    expect(summarize(diffs).causes.map((row) => row.cause)).toContain("invalid order");
  });

  it("groups the summary by cause, kind and field, counting orders", () => {
    const diffs = run([fleetMember({ name: "vm-a" }), fleetMember({ name: "vm-b" }), fleetMember({ name: "vm-c" })], (children) => {
      for (const name of ["vm-a-load-balancer", "vm-b-load-balancer"]) find(children, "Service", name).spec.ports[0].port = 2022;
    });
    const summary = summarize(diffs);
    expect(summary).toMatchObject({ orders: 3, identical: 1, differing: 2, invalid: 0, restarts: 0 });
    expect(summary.causes).toEqual([{ cause: "hand edit", kind: "Service", field: "spec.ports[*].port", orders: 2, objects: 2 }]);
  });
});
