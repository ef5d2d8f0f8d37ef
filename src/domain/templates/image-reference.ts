import { accepted, rejectedWith, type GrammarResult } from "./grammar.ts";

/**
 * A container image reference in the grammar of github.com/distribution/reference:
 *   reference := [domain "/"] path [":" tag] ["@" digest]
 *   domain    := (domain-name | "[" ipv6 "]") [":" port]
 *   path      := path-component ("/" path-component)*, lowercase alphanumerics joined by '.', '_', '__' or '-'+
 *   tag       := [\w][\w.-]{0,127}
 *   digest    := algorithm ":" hex (at least 32 hex digits)
 */
export interface ImageReference {
  /** The reference without a leading "docker://", as the DataVolume URL wants to prefix it itself. */
  readonly reference: string;
  readonly tag?: string;
  readonly digest?: string;
}

const DOCKER_SCHEME = "docker://";
const ALPHA_NUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[_.]|__|-+)";
const PATH_COMPONENT = `${ALPHA_NUMERIC}(?:${SEPARATOR}${ALPHA_NUMERIC})*`;
const DOMAIN_COMPONENT = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

/** distribution/reference `NameTotalLengthMax`: domain and path together. */
const MAX_NAME_LENGTH = 255;
/** Name, tag and a sha512 digest fit well below this; longer input is refused before any regex runs. */
const MAX_REFERENCE_LENGTH = 1024;
const WHITESPACE = /\s/;
/** go-digest's registered algorithms: their hex has a fixed length and is lowercase. */
const DIGEST_HEX_LENGTHS: ReadonlyMap<string, number> = new Map([
  ["sha256", 64],
  ["sha384", 96],
  ["sha512", 128],
]);
const LOWERCASE_HEX = /^[0-9a-f]+$/;

const ACCEPTED =
  "[registry[:port]/]repository[:tag][@digest] with a lowercase repository, e.g. \"quay.io/containerdisks/fedora:41\"";

function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(":");
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTHS.get(algorithm);
  if (length === undefined) return undefined;
  if (hex.length !== length || !LOWERCASE_HEX.test(hex)) {
    return `digest ${algorithm} must be ${length} lowercase hexadecimal characters`;
  }
  return undefined;
}

export function parseImageReference(text: string): GrammarResult<ImageReference> {
  const reference = text.startsWith(DOCKER_SCHEME) ? text.slice(DOCKER_SCHEME.length) : text;
  if (reference === "") {
    return rejectedWith(`must name a container image: ${ACCEPTED}, optionally prefixed with docker://`);
  }
  if (WHITESPACE.test(reference)) return rejectedWith("must not contain whitespace");
  if (reference.includes("://")) {
    return rejectedWith(`must be a container image reference, ${ACCEPTED}; the only URL scheme accepted is docker://`);
  }
  if (reference.length > MAX_REFERENCE_LENGTH) {
    return rejectedWith(`must be at most ${MAX_REFERENCE_LENGTH} characters`);
  }
  const match = REFERENCE.exec(reference);
  if (match === null) {
    // Upper case is legal in the registry host, the tag and the digest, so when lower-casing makes
    // the reference valid the culprit is the repository path.
    const message = REFERENCE.test(reference.toLowerCase())
      ? 'repository path must be lowercase, e.g. "quay.io/containerdisks/fedora:41"'
      : `must be a container image reference, ${ACCEPTED}`;
    return rejectedWith(message);
  }
  const [, name = "", tag, digest] = match;
  if (name.length > MAX_NAME_LENGTH) {
    return rejectedWith(`registry and repository must be at most ${MAX_NAME_LENGTH} characters together`);
  }
  const badDigest = digest === undefined ? undefined : digestProblem(digest);
  if (badDigest !== undefined) return rejectedWith(badDigest);
  return accepted({
    reference,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  });
}

/** True when the image can change under the same reference: no digest, and no tag or `latest`. */
export function isFloatingImage(image: ImageReference): boolean {
  return image.digest === undefined && (image.tag === undefined || image.tag === "latest");
}
