/** What the committer reads of an Argo CD Application's source(s). */
export interface ApplicationSource {
  readonly repoURL?: string;
  readonly path?: string;
  readonly targetRevision?: string;
}

/**
 * A repository URL in one comparable form: scheme and host lower-cased, no userinfo, no
 * trailing `/` or `.git`, and the scp-like `git@host:owner/repo` read as `ssh://git@host/owner/repo`.
 * Argo CD itself treats these spellings as one repository. Pure.
 */
export function normalizeRepositoryUrl(url: string): string {
  let text = url.trim();
  const scp = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(text);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `ssh://${scp[2]}/${scp[3]}`;
  const match = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?([^/]+)(\/.*)?$/i.exec(text);
  if (!match) return text.replace(/\/+$/, "").replace(/\.git$/, "");
  const [, scheme, host, rest = ""] = match;
  return `${scheme!.toLowerCase()}://${host!.toLowerCase()}${rest.replace(/\/+$/, "").replace(/\.git$/, "")}`;
}

/** Whether a source tracks this branch (HEAD and an empty revision mean the default branch; taken as a match). */
function tracksBranch(source: ApplicationSource, branch: string): boolean {
  const revision = source.targetRevision ?? "";
  return revision === "" || revision === "HEAD" || revision === branch || revision === `refs/heads/${branch}`;
}

/** Whether a source's directory holds one of the changed paths (its path "" or "." is the whole repository). */
function coversAny(source: ApplicationSource, paths: readonly string[]): boolean {
  const directory = (source.path ?? "").replace(/^\.\/?/, "").replace(/\/+$/, "");
  if (directory === "") return paths.length > 0;
  return paths.some((path) => path === directory || path.startsWith(`${directory}/`));
}

/** Whether an Application with these sources must refresh after a commit to `url`/`branch` changing `paths`. Pure. */
export function applicationCovers(sources: readonly ApplicationSource[], target: { url: string; branch: string; paths: readonly string[] }): boolean {
  const url = normalizeRepositoryUrl(target.url);
  return sources.some((source) => source.repoURL !== undefined && normalizeRepositoryUrl(source.repoURL) === url && tracksBranch(source, target.branch) && coversAny(source, target.paths));
}

/** The sources of an Application object (`spec.source` and `spec.sources`). */
export function sourcesOf(application: { spec?: { source?: ApplicationSource; sources?: ApplicationSource[] } }): ApplicationSource[] {
  const spec = application.spec ?? {};
  return [...(spec.source ? [spec.source] : []), ...(spec.sources ?? [])];
}
