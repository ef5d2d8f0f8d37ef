import { digest } from "../../render/tree/rendered-file.ts";
import type { VdcView } from "../model/records.ts";
import { decideDeletedNamespace } from "../vdc/deletion.ts";
import type { KubeObject } from "../vdc/kube-object.ts";
import { SsvirtLabels } from "../vdc/metadata.ts";
import { ingressPortsOf } from "../vdc/network-policy.ts";
import { vdcObjects } from "../vdc/vdc-objects.ts";
import { planVdcNamespaces } from "../vdc/vdc-plan.ts";
import { uuidOfUrn } from "../model/urn.ts";
import { vdcFilePath } from "./layout.ts";
import type { NamespaceFacts } from "./tree-facts.ts";

/** Bump when the rendered VDC objects change for unchanged rows: every `_vdc.yaml` is rewritten. */
export const VDC_RENDER_REVISION = 1;

/** What one `_vdc.yaml` holds: objects computed from a VDC row, or the file as it is (no row to compute from). */
export type VdcFileSource = { readonly kind: "vdc"; readonly objects: readonly KubeObject[] } | { readonly kind: "kept"; readonly objects: readonly KubeObject[] };

export interface VdcPlannedFile {
  readonly path: string;
  readonly description: string;
  readonly inputDigest: string;
  readonly source: VdcFileSource;
}

export interface ExistingVdcFile {
  readonly namespace: string;
  readonly inputDigest: string;
  /** What the file's first line says it was generated from. */
  readonly description: string;
  /** The file's objects, read when no row names the namespace any more. */
  readonly objects: () => KubeObject[];
}

export interface VdcTreePlan {
  readonly files: VdcPlannedFile[];
  /** Deleted VDCs whose namespace stays because it holds VMs (kept, closed to new VMs). */
  readonly retained: { readonly namespace: string; readonly vdcId: string; readonly vdcName: string; readonly vms: readonly string[] }[];
  /** Files with no VDC row at all: kept as they are (a missing row is never read as a deletion). */
  readonly orphaned: string[];
  readonly problems: readonly string[];
  readonly warnings: string[];
}

/**
 * The `_vdc.yaml` files the tree should hold. Kept VDCs (enabled or disabled) get their objects; a
 * deleted VDC's file stays (closed to new VMs) while the tree or SSVirt's `vms` table shows a VM
 * in its namespace, and is otherwise left out (the writer removes it; Argo CD prunes the
 * namespace). A file whose namespace no row names at all is kept untouched and reported: an empty
 * or wrong database must not empty the tree. Pure.
 */
export function planVdcTree(input: {
  readonly views: readonly VdcView[];
  readonly facts: (namespace: string) => NamespaceFacts;
  readonly vmRows: ReadonlyMap<string, readonly string[]>;
  readonly existing: readonly ExistingVdcFile[];
}): VdcTreePlan {
  const plan = planVdcNamespaces(input.views);
  const files: VdcPlannedFile[] = [];
  const warnings: string[] = [];
  const retained: VdcTreePlan["retained"][number][] = [];
  const planFor = (namespace: string, view: VdcView) => {
    const facts = input.facts(namespace);
    const result = vdcObjects(view, ingressPortsOf(facts.loadBalancers));
    for (const warning of result.warnings) warnings.push(`VDC ${view.vdc.id} (${namespace}): ${warning}`);
    files.push({
      path: vdcFilePath(namespace),
      description: `SSVirt VDC ${JSON.stringify(view.vdc.name)} (${view.vdc.id}, ${result.state}); change it in SSVirt`,
      inputDigest: digestOf([VDC_RENDER_REVISION, result.objects]),
      source: { kind: "vdc", objects: result.objects },
    });
  };
  for (const { namespace, view } of plan.kept) planFor(namespace, view);
  const named = new Set([...plan.kept, ...plan.deleted].map((entry) => entry.namespace));
  for (const { namespace, view } of plan.deleted) {
    const vms = [...input.facts(namespace).vms, ...(input.vmRows.get(namespace) ?? [])];
    const vdcIds = input.views.filter((entry) => entry.vdc.namespace === namespace).map((entry) => uuidOfUrn(entry.vdc.id));
    // In Git the namespace is ours exactly when our file for it is there.
    const ours = input.existing.some((file) => file.namespace === namespace);
    const decision = decideDeletedNamespace({ vdcIds, liveLabels: ours ? { [SsvirtLabels.managedBy]: "ssvirt", [SsvirtLabels.vdcId]: uuidOfUrn(view.vdc.id) } : undefined, vms });
    if (decision.kind === "retain") {
      retained.push({ namespace, vdcId: view.vdc.id, vdcName: view.vdc.name, vms: decision.vms });
      planFor(namespace, view);
    }
  }
  const orphaned: string[] = [];
  for (const file of input.existing) {
    if (named.has(file.namespace)) continue;
    orphaned.push(file.namespace);
    files.push({ path: vdcFilePath(file.namespace), description: file.description, inputDigest: file.inputDigest, source: { kind: "kept", objects: file.objects() } });
  }
  return { files: files.sort((a, b) => (a.path < b.path ? -1 : 1)), retained, orphaned: orphaned.sort(), problems: plan.problems, warnings };
}

function digestOf(value: unknown): string {
  return digest(JSON.stringify(value));
}
