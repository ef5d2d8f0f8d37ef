import type { LiveObject } from "../live-object.ts";

/** One RFC 6902 operation. */
export type JsonPatchOperation = { readonly op: "test" | "add"; readonly path: string; readonly value: unknown } | { readonly op: "remove"; readonly path: string };

export interface RunStrategyConversion {
  /** Applied as one JSON patch: the test makes it fail rather than act on a VM that changed meanwhile. */
  readonly patch: readonly JsonPatchOperation[];
  /** The VM as it is after the patch (for the ownership apply that follows). */
  readonly converted: LiveObject;
}

/**
 * The role writes KubeVirt's deprecated `spec.running`; this project renders `spec.runStrategy`
 * (ADR 3), and KubeVirt's admission refuses a VM carrying both. A server-side apply of
 * `runStrategy` cannot remove `running` while the role's field manager still owns it, so Adopt
 * converts it first, in one JSON patch with the same meaning (`true` → `Always`, `false` →
 * `Halted`). Neither field is in `spec.template.spec`, so KubeVirt does not ask for a restart.
 * Undefined when there is nothing to convert (no `running`, or not a KubeVirt VM).
 */
export function runStrategyConversion(child: LiveObject): RunStrategyConversion | undefined {
  if (child.kind !== "VirtualMachine" || !child.apiVersion?.startsWith("kubevirt.io/")) return undefined;
  const spec = (child as { spec?: Record<string, unknown> }).spec;
  if (!spec || typeof spec.running !== "boolean") return undefined;
  const running = spec.running;
  const runStrategy = typeof spec.runStrategy === "string" ? spec.runStrategy : running ? "Always" : "Halted";
  const { running: _running, ...rest } = spec;
  const patch: JsonPatchOperation[] = [
    { op: "test", path: "/spec/running", value: running },
    { op: "remove", path: "/spec/running" },
    ...(typeof spec.runStrategy === "string" ? [] : [{ op: "add" as const, path: "/spec/runStrategy", value: runStrategy }]),
  ];
  return { patch, converted: { ...child, spec: { ...rest, runStrategy } } as LiveObject };
}
