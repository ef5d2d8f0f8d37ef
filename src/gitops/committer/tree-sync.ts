import { ARGOCD_DIRECTORY, isArgoCdLayoutPath, splitHubPath } from "../../render/hubs/hub-layout.ts";
import { isLayoutPath } from "../../render/tree/layout.ts";
import { HEADER_MAX_BYTES } from "../../render/tree/rendered-file.ts";
import { ZERO_ID, type BareRepository } from "../git/bare-repository.ts";
import type { BlobReader } from "../git/blob-reader.ts";
import { factsOfHead, type FileFacts } from "./file-head.ts";
import type { HeaderCache } from "./header-cache.ts";
import type { OwnedFiles } from "./owned-files.ts";

export interface TreeReaders {
  readonly repository: BareRepository;
  readonly blobs: BlobReader;
  readonly cache: HeaderCache;
  /** Repository path of the rendered tree ("" for the root). */
  readonly prefix: string;
  /** Per-hub output (docs/adr/0033-committer-per-hub-output.md): `hubs/` and `argocd/` are ours too. */
  readonly hubs?: boolean;
}

/** What changed among our files between two commits. */
export interface TreeCatchUp {
  /** Paths that changed under the prefix (ours before or after). */
  readonly changedPaths: string[];
  /** Orders whose files another commit touched. */
  readonly touchedOrders: Set<string>;
}

/**
 * Whether a repository path could be one of ours (under the prefix, in the renderer's layout; with
 * hubs also each hub's tree under `hubs/<hub>/` and the Argo CD objects under `argocd/`).
 */
export function inLayout(path: string, prefix: string, hubs = false): boolean {
  if (prefix && !path.startsWith(`${prefix}/`)) return false;
  const relative = prefix ? path.slice(prefix.length + 1) : path;
  if (isLayoutPath(relative)) return true;
  if (!hubs) return false;
  if (relative.startsWith(`${ARGOCD_DIRECTORY}/`)) return isArgoCdLayoutPath(relative.slice(ARGOCD_DIRECTORY.length + 1));
  return splitHubPath(relative) !== undefined;
}

/**
 * The facts of each blob, from the header cache or, for blobs never seen, from one
 * `git cat-file --batch` stream that keeps only each blob's first bytes.
 */
async function factsOf(readers: TreeReaders, blobIds: readonly string[]): Promise<Map<string, FileFacts | null>> {
  const facts = new Map<string, FileFacts | null>();
  const reads: Promise<void>[] = [];
  for (const id of blobIds) {
    if (facts.has(id)) continue;
    const cached = readers.cache.get(id);
    if (cached !== undefined) {
      facts.set(id, cached);
      continue;
    }
    facts.set(id, null);
    reads.push(
      readers.blobs.read(id, HEADER_MAX_BYTES).then((read) => {
        const found = read.content ? (factsOfHead(read.content.toString("utf8"), read.size) ?? null) : null;
        facts.set(id, found);
        readers.cache.set(id, found);
      }),
    );
  }
  await Promise.all(reads);
  return facts;
}

/** Fills `owned` with our files in `commit` (empty for an empty branch). */
export async function loadOwnedFiles(readers: TreeReaders, commit: string | undefined, owned: OwnedFiles): Promise<{ read: number }> {
  if (!commit) return { read: 0 };
  const entries = (await readers.repository.listTree(commit, readers.prefix)).filter((entry) => entry.type === "blob" && inLayout(entry.path, readers.prefix, readers.hubs));
  const uncached = entries.filter((entry) => readers.cache.get(entry.id) === undefined).length;
  const facts = await factsOf(
    readers,
    entries.map((entry) => entry.id),
  );
  for (const entry of entries) record(owned, entry.path, entry.id, facts.get(entry.id) ?? null);
  return { read: uncached };
}

/**
 * Brings `owned` from the tree of `from` to the tree of `to` (another writer's commits): reads only
 * the paths that differ. `from` undefined: `to` is compared with an empty tree.
 */
export async function catchUp(readers: TreeReaders, from: string | undefined, to: string, owned: OwnedFiles): Promise<TreeCatchUp> {
  const differences = from
    ? await readers.repository.diffTree(from, to, readers.prefix)
    : (await readers.repository.listTree(to, readers.prefix)).filter((entry) => entry.type === "blob").map((entry) => ({ path: entry.path, oldId: ZERO_ID, newId: entry.id }));
  const relevant = differences.filter((difference) => inLayout(difference.path, readers.prefix, readers.hubs));
  const facts = await factsOf(
    readers,
    relevant.filter((difference) => difference.newId !== ZERO_ID).map((difference) => difference.newId),
  );
  const touchedOrders = new Set<string>();
  for (const difference of relevant) {
    const before = owned.get(difference.path)?.orderKey;
    if (before) touchedOrders.add(before);
    if (difference.newId === ZERO_ID) owned.delete(difference.path);
    else {
      const after = facts.get(difference.newId) ?? null;
      record(owned, difference.path, difference.newId, after);
      if (after?.orderKey) touchedOrders.add(after.orderKey);
    }
  }
  return { changedPaths: relevant.map((difference) => difference.path), touchedOrders };
}

function record(owned: OwnedFiles, path: string, blobId: string, facts: FileFacts | null): void {
  if (!facts) owned.setForeign(path);
  else owned.set({ path, blobId, inputDigest: facts.inputDigest, intact: facts.intact, ...(facts.orderKey ? { orderKey: facts.orderKey } : {}) });
}
