import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { FileFacts } from "./file-head.ts";

/**
 * blob id → facts of its header, kept in the data directory so that a restart reads no blob it
 * has read before (a blob's content never changes, so an entry never goes stale). Written as one
 * line per blob (`<id> <digest> <0|1> <order key or ->`, or `<id> - - -` for a blob that is not
 * ours), replaced atomically; entries for blobs no longer in the tree are dropped when it is written.
 */
export class HeaderCache {
  private readonly entries = new Map<string, FileFacts | null>();

  constructor(private readonly file: string) {}

  load(): number {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch {
      return 0; // none yet (first start, or a fresh data directory): the blobs are read instead
    }
    for (const line of text.split("\n")) {
      const [id, inputDigest, intact, orderKey] = line.split(" ");
      if (id && inputDigest === "-") {
        this.entries.set(id, null);
        continue;
      }
      if (!id || !inputDigest || (intact !== "0" && intact !== "1") || !orderKey) continue;
      this.entries.set(id, { inputDigest, intact: intact === "1", ...(orderKey !== "-" ? { orderKey } : {}) });
    }
    return this.entries.size;
  }

  /** The facts of a blob read before; null: read before and not ours; undefined: never read. */
  get(blobId: string): FileFacts | null | undefined {
    return this.entries.get(blobId);
  }

  set(blobId: string, facts: FileFacts | null): void {
    this.entries.set(blobId, facts);
  }

  /** Writes the entries of the given blobs (those in the tree) and forgets the rest. */
  save(liveBlobIds: Iterable<string>): void {
    const kept = new Map<string, FileFacts | null>();
    const lines: string[] = [];
    for (const id of liveBlobIds) {
      const facts = this.entries.get(id);
      if (facts === undefined || kept.has(id)) continue;
      kept.set(id, facts);
      lines.push(facts ? `${id} ${facts.inputDigest} ${facts.intact ? 1 : 0} ${facts.orderKey ?? "-"}` : `${id} - - -`);
    }
    this.entries.clear();
    for (const [id, facts] of kept) this.entries.set(id, facts);
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, lines.length > 0 ? `${lines.join("\n")}\n` : "");
    renameSync(temporary, this.file);
  }
}
