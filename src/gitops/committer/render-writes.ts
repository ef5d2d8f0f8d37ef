import { CertificateChangedError } from "../sealing/index.ts";
import { gitBlobId } from "../git/object-id.ts";
import type { BlobReader } from "../git/blob-reader.ts";
import type { FileRenderer } from "./file-renderer.ts";
import type { OwnedFiles } from "./owned-files.ts";
import type { PlannedWrite } from "./plan-batch.ts";

export interface RenderedWrite {
  readonly write: PlannedWrite;
  readonly content: string;
  readonly blobId: string;
}

export interface RenderFailure {
  readonly orderKey: string;
  readonly reason: "RenderFailed" | "SealingCertificateChanged";
  readonly message: string;
}

export interface RenderedBatch {
  /** Files whose bytes differ from the tree's. */
  readonly changed: RenderedWrite[];
  /** Orders whose rendered file turned out byte-identical to the tree's. */
  readonly identical: string[];
  readonly failures: RenderFailure[];
}

/**
 * Renders the planned writes. With sealing, the file as the tree holds it is read (one blob per
 * changed order) so unchanged values keep their ciphertext; without, nothing is read. A file whose
 * bytes equal the tree's is dropped: a commit never holds a file it does not change.
 */
export async function renderWrites(writes: readonly PlannedWrite[], deps: { renderer: FileRenderer; owned: OwnedFiles; blobs: BlobReader }): Promise<RenderedBatch> {
  const previous = await Promise.all(
    writes.map(async (write) => {
      const inTree = deps.owned.get(write.path);
      if (!inTree || !(write.renderer ?? deps.renderer).sealing || write.file.source.kind !== "order") return undefined;
      const read = await deps.blobs.read(inTree.blobId);
      return read.content?.toString("utf8");
    }),
  );
  const changed: RenderedWrite[] = [];
  const identical: string[] = [];
  const failures: RenderFailure[] = [];
  for (const [index, write] of writes.entries()) {
    let content: string;
    try {
      content = await (write.renderer ?? deps.renderer).render(write.file, previous[index]);
    } catch (error) {
      if (!write.orderKey) throw error;
      failures.push(
        error instanceof CertificateChangedError
          ? { orderKey: write.orderKey, reason: "SealingCertificateChanged", message: `${error.message}. Start the committer with --reseal to re-seal every value under the new certificate (in one commit)` }
          : { orderKey: write.orderKey, reason: "RenderFailed", message: `Rendering failed: ${(error as Error).message}` },
      );
      continue;
    }
    const blobId = gitBlobId(content);
    if (blobId === deps.owned.get(write.path)?.blobId) {
      if (write.orderKey) identical.push(write.orderKey);
      continue;
    }
    changed.push({ write, content, blobId });
  }
  return { changed, identical, failures };
}
