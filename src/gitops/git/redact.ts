/**
 * Text that may reach a log line or an error message is cleaned of credentials: the userinfo of
 * any URL (`https://user:token@host` → `https://***@host`) and any of the given secret values.
 * The committer never puts credentials in URLs or arguments; this is the second line of defence
 * for what git or a server prints back.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;

export function redactUrls(text: string): string {
  return text.replace(URL_USERINFO, "$1***@");
}

export function redact(text: string, secrets: readonly string[] = []): string {
  let cleaned = redactUrls(text);
  for (const secret of secrets) {
    if (secret.length >= 4) cleaned = cleaned.split(secret).join("[REDACTED]");
  }
  return cleaned;
}

/**
 * Why a repository URL must be refused for carrying credentials, or undefined. HTTP(S) URLs take
 * no userinfo at all (the username comes with the token, from the credentials Secret); SSH URLs
 * may name the user (`ssh://git@host/…`, `git@host:…`) but never a password.
 */
export function credentialsInUrl(url: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  const [, scheme, authority] = match;
  const at = authority!.lastIndexOf("@");
  if (at < 0) return undefined;
  const userinfo = authority!.slice(0, at);
  if (/^https?$/i.test(scheme!)) return "carries a user name or password; give the repository URL without them and the credentials as files";
  if (userinfo.includes(":")) return "carries a password; give the repository URL without it and the SSH key as a file";
  return undefined;
}
