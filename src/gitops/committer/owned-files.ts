import { NAMESPACE_FILE } from "../../render/tree/layout.ts";

/** What the committer knows of one of its files in the base commit (read once per blob: header-cache.ts). */
export interface OwnedFile {
  /** Path in the repository (`<path>/<tenant namespace>/<file>`). */
  readonly path: string;
  readonly blobId: string;
  /** The input digest recorded in the file's header. */
  readonly inputDigest: string;
  /** The body still has the length the header records (a hand edit that changed it is rendered again). */
  readonly intact: boolean;
  /** `namespace/name` of the order an order file was rendered from; absent for a tenant's `_namespace.yaml`. */
  readonly orderKey?: string;
}

/**
 * The committer's files in the base commit, by path and by order, and how many order files each
 * tenant directory holds (a tenant's `_namespace.yaml` stays while that count is above zero).
 * Memory is one small record per file: ~200 bytes, 20 MB for 100,000 orders.
 */
export class OwnedFiles {
  private readonly byPath = new Map<string, OwnedFile>();
  private readonly byOrder = new Map<string, string>();
  private readonly ordersPerDirectory = new Map<string, number>();
  /** Directories holding order files, by their last segment (a tenant namespace): a tenant's hub directories. */
  private readonly directoriesByName = new Map<string, Set<string>>();
  /** Paths of the layout that hold a file the renderer did not write: never touched. */
  private readonly foreign = new Set<string>();

  get(path: string): OwnedFile | undefined {
    return this.byPath.get(path);
  }

  /** The order file of `namespace/name`, if the tree holds one. */
  orderFile(key: string): OwnedFile | undefined {
    const path = this.byOrder.get(key);
    return path === undefined ? undefined : this.byPath.get(path);
  }

  /** A path of the layout holding someone else's file. */
  setForeign(path: string): void {
    this.delete(path);
    this.foreign.add(path);
  }

  isForeign(path: string): boolean {
    return this.foreign.has(path);
  }

  set(file: OwnedFile): void {
    this.delete(file.path);
    this.byPath.set(file.path, file);
    if (file.orderKey !== undefined) {
      const previous = this.byOrder.get(file.orderKey);
      // Two files claiming one order (a rename by hand): the later one is found by key, both by path.
      if (previous === undefined) this.byOrder.set(file.orderKey, file.path);
      const directory = directoryOf(file.path);
      const count = (this.ordersPerDirectory.get(directory) ?? 0) + 1;
      this.ordersPerDirectory.set(directory, count);
      if (count === 1) this.indexDirectory(directory, true);
    }
  }

  delete(path: string): void {
    this.foreign.delete(path);
    const file = this.byPath.get(path);
    if (!file) return;
    this.byPath.delete(path);
    if (file.orderKey !== undefined) {
      if (this.byOrder.get(file.orderKey) === path) this.byOrder.delete(file.orderKey);
      const directory = directoryOf(path);
      const count = (this.ordersPerDirectory.get(directory) ?? 1) - 1;
      if (count > 0) this.ordersPerDirectory.set(directory, count);
      else {
        this.ordersPerDirectory.delete(directory);
        this.indexDirectory(directory, false);
      }
    }
  }

  private indexDirectory(directory: string, present: boolean): void {
    const name = directory.slice(directory.lastIndexOf("/") + 1);
    const directories = this.directoriesByName.get(name);
    if (present) {
      if (directories) directories.add(directory);
      else this.directoriesByName.set(name, new Set([directory]));
    } else if (directories) {
      directories.delete(directory);
      if (directories.size === 0) this.directoriesByName.delete(name);
    }
  }

  /** Directories holding order files whose last segment is `name` (a tenant namespace's directory on each hub). */
  orderDirectoriesNamed(name: string): readonly string[] {
    return [...(this.directoriesByName.get(name) ?? [])];
  }

  /** Orders with a file under this directory (repository path): the orders on one hub. Walks every file. */
  orderKeysUnder(directory: string): string[] {
    const keys: string[] = [];
    for (const file of this.byPath.values()) if (file.orderKey !== undefined && file.path.startsWith(`${directory}/`)) keys.push(file.orderKey);
    return keys;
  }

  /** Order files in a tenant directory (repository path of the directory). */
  orderCountIn(directory: string): number {
    return this.ordersPerDirectory.get(directory) ?? 0;
  }

  paths(): IterableIterator<string> {
    return this.byPath.keys();
  }

  files(): IterableIterator<OwnedFile> {
    return this.byPath.values();
  }

  orderKeys(): IterableIterator<string> {
    return this.byOrder.keys();
  }

  get size(): number {
    return this.byPath.size;
  }

  get orderFileCount(): number {
    let count = 0;
    for (const n of this.ordersPerDirectory.values()) count += n;
    return count;
  }
}

export function directoryOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}

export function namespaceFileIn(directory: string): string {
  return `${directory}/${NAMESPACE_FILE}`;
}
