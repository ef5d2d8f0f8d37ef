import { createHash } from "node:crypto";

/**
 * The id git gives a blob with these bytes (SHA-1 of `blob <length>\0<bytes>`, the object format
 * the committer's repository uses: bare-repository.ts checks it). Lets the committer tell, before
 * writing anything, whether a rendered file differs from the one in the tree.
 */
export function gitBlobId(content: string | Buffer): string {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
