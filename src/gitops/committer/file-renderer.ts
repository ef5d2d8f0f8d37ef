import { isCatalogOrder } from "../../domain/catalog-order/index.ts";
import type { VersionedOrder } from "../../domain/keyed-config-version.ts";
import type { Order } from "../../domain/order.ts";
import { renderedObjectsOf } from "../../render/catalog/renderable-order.ts";
import type { RenderOptions } from "../../render/profile.ts";
import type { KubeObject } from "../../render/render-order.ts";
import { planTree, type PlannedFile, type PlannedSource } from "../../render/tree/plan.ts";
import { composeFile, serializeObjects } from "../../render/tree/rendered-file.ts";
import type { SecretSealer } from "../sealing/index.ts";

/** What a committer's file is rendered from: an order, a tenant Namespace, or a generated Argo CD object (per-hub output). */
export type CommitterSource = PlannedSource | { readonly kind: "argocd"; readonly object: KubeObject };

type RenderModule = typeof import("../../render/render-order.ts");

/**
 * The renderer as the committer uses it, one order at a time: the same plan (paths, input digests)
 * and the same bytes as `osac-vm render` with the same options, so a tree written by one is
 * current for the other. cdk8s is loaded on the first render.
 */
export class FileRenderer {
  private module: Promise<RenderModule> | undefined;

  constructor(
    readonly options: RenderOptions,
    private readonly sealer?: SecretSealer,
  ) {}

  /** The order's file and its tenant's `_namespace.yaml` (layout paths, input digests). */
  planOrder(order: Order): PlannedFile[] {
    return planTree([order], this.options);
  }

  /** The config version the order's children carry in Git (keyed when sealed). */
  stampedConfigVersion(order: VersionedOrder): string {
    return this.sealer ? this.sealer.configVersion(order) : order.desiredConfigVersion;
  }

  get sealing(): boolean {
    return this.sealer !== undefined;
  }

  /**
   * The file's bytes. `previousFile` is the file as the tree holds it (sealing reuses the
   * ciphertext of values that did not change; unread without sealing). Throws the sealer's
   * CertificateChangedError when the file was sealed under another certificate.
   */
  async render(file: PlannedFile<CommitterSource>, previousFile: string | undefined): Promise<string> {
    const source = file.source;
    if (source.kind === "argocd") return composeFile(file.description, file.inputDigest, serializeObjects([source.object]));
    const { renderOrder, renderTenantNamespace } = await (this.module ??= import("../../render/render-order.ts"));
    const objects = source.kind === "namespace" ? [renderTenantNamespace(source.namespace)] : isCatalogOrder(source.order) ? catalogObjects(source.order) : renderOrder(source.order, this.options);
    const sealed = source.kind === "order" && this.options.sealing ? this.options.sealing.sealObjects(objects, previousFile) : objects;
    return composeFile(file.description, file.inputDigest, serializeObjects(sealed));
  }
}

/** A catalog order renders only with its instantiated objects; the committer's intents hold built-in orders only (order-intent.ts). */
function catalogObjects(order: Parameters<typeof renderedObjectsOf>[0]) {
  const objects = renderedObjectsOf(order);
  if (!objects) throw new Error(`catalog order ${order.namespace}/${order.name}: the committer does not instantiate catalog templates yet; render it with osac-vm render --templates`);
  return [...objects];
}
