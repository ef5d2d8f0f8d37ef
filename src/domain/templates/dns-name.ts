import { accepted, rejectedWith, type GrammarResult } from "./grammar.ts";

/** k8s.io/apimachinery `IsDNS1123Subdomain`, the rule for StorageClass names. */
const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const MAX_SUBDOMAIN_LENGTH = 253;

export function checkDnsSubdomain(text: string): GrammarResult<string> {
  if (text === "") {
    return rejectedWith("must not be empty; omit the parameter to use the cluster's default StorageClass");
  }
  if (text.length > MAX_SUBDOMAIN_LENGTH) {
    return rejectedWith(`must be at most ${MAX_SUBDOMAIN_LENGTH} characters (a DNS-1123 subdomain)`);
  }
  if (!DNS1123_SUBDOMAIN.test(text)) {
    return rejectedWith(
      "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, e.g. \"fast-ssd\"",
    );
  }
  return accepted(text);
}
