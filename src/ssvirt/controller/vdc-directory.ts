import type { VdcView } from "../model/records.ts";
import { uuidOfUrn } from "../model/urn.ts";
import { planVdcNamespaces } from "../vdc/vdc-plan.ts";
import { vdcState } from "../vdc/vdc-state.ts";

/** What SSVirt's rows ask of one namespace. */
export type NamespaceEntry =
  | { readonly kind: "kept"; readonly view: VdcView }
  /** Every row naming it is deleted; `vdcIds` are their `ssvirt.io/vdc-id` label values. */
  | { readonly kind: "deleted"; readonly view: VdcView; readonly vdcIds: readonly string[] };

/**
 * The latest reading of SSVirt's VDC rows, by namespace, and what changed since the one before:
 * the VDC reconciler looks namespaces up here, and the VM status sync asks which namespaces are
 * VDC namespaces. No I/O.
 */
export class VdcDirectory {
  private entries = new Map<string, NamespaceEntry>();
  private fingerprints = new Map<string, string>();
  private currentProblems: readonly string[] = [];
  private loaded = false;

  /** Takes a new reading; returns the namespaces whose entry appeared, changed or went. */
  update(views: readonly VdcView[]): { changed: string[]; problemsChanged: boolean } {
    const plan = planVdcNamespaces(views);
    const entries = new Map<string, NamespaceEntry>();
    for (const { namespace, view } of plan.kept) entries.set(namespace, { kind: "kept", view });
    for (const { namespace, view } of plan.deleted) {
      const vdcIds = views.filter((entry) => entry.vdc.namespace === namespace).map((entry) => uuidOfUrn(entry.vdc.id));
      entries.set(namespace, { kind: "deleted", view, vdcIds });
    }
    const fingerprints = new Map([...entries].map(([namespace, entry]) => [namespace, JSON.stringify(entry)]));
    const changed = [...new Set([...fingerprints.keys(), ...this.fingerprints.keys()])].filter((namespace) => fingerprints.get(namespace) !== this.fingerprints.get(namespace)).sort();
    const problemsChanged = JSON.stringify(plan.problems) !== JSON.stringify(this.currentProblems);
    this.entries = entries;
    this.fingerprints = fingerprints;
    this.currentProblems = plan.problems;
    this.loaded = true;
    return { changed, problemsChanged };
  }

  /** Whether a reading was taken yet (before it, no namespace is known). */
  get isLoaded(): boolean {
    return this.loaded;
  }

  entry(namespace: string): NamespaceEntry | undefined {
    return this.entries.get(namespace);
  }

  /** Namespaces any VDC row names (kept or deleted): where the VM status sync looks. */
  has(namespace: string): boolean {
    return this.entries.has(namespace);
  }

  namespaces(): string[] {
    return [...this.entries.keys()];
  }

  get problems(): readonly string[] {
    return this.currentProblems;
  }

  /** Namespaces by state, for the metrics; `deleted` counts deleted VDCs' namespaces still listed. */
  counts(): Record<"enabled" | "disabled" | "deleted", number> {
    const counts = { enabled: 0, disabled: 0, deleted: 0 };
    for (const entry of this.entries.values()) counts[entry.kind === "deleted" ? "deleted" : (vdcState(entry.view) as "enabled" | "disabled")]++;
    return counts;
  }
}
