import { jsonStringLiteral } from "../../platform/json-text.ts";
import { jsonEqual } from "./decision.ts";
import type { JsonPatchOperation } from "./types.ts";

/** RFC 6901: `~` → `~0`, then `/` → `~1`. */
export function escapePointerToken(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

export function unescapePointerToken(token: string): string {
  return token.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** The pointer to a member path, e.g. `["metadata", "annotations", "a/b"]` → `/metadata/annotations/a~1b`. */
export function pointer(...tokens: readonly string[]): string {
  return tokens.map((token) => `/${escapePointerToken(token)}`).join("");
}

/**
 * The patch as JSON text, as `JSON.stringify(patch)` gives it, with string values (the rewritten
 * `templateParameters`, kilobytes long) through the fast literal.
 */
export function jsonPatchText(patch: readonly JsonPatchOperation[]): string {
  let text = "[";
  for (const [index, operation] of patch.entries()) {
    if (index > 0) text += ",";
    text += `{"op":${JSON.stringify(operation.op)},"path":${JSON.stringify(operation.path)}`;
    if (operation.value !== undefined) {
      text += `,"value":${typeof operation.value === "string" ? jsonStringLiteral(operation.value) : JSON.stringify(operation.value)}`;
    }
    text += "}";
  }
  return `${text}]`;
}

export class JsonPatchError extends Error {
  readonly code = "JSON_PATCH_FAILED";
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === "object" && value !== null;
}

function arrayIndex(token: string, length: number, forAdd: boolean): number {
  if (forAdd && token === "-") return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new JsonPatchError(`"${token}" is not an array index`);
  const index = Number(token);
  if (index > length || (!forAdd && index === length)) throw new JsonPatchError(`index ${index} is out of bounds`);
  return index;
}

/**
 * Applies an RFC 6902 patch (add, replace, remove, test) to a deep copy of the document and returns
 * the copy; throws JsonPatchError when an operation cannot apply. It is the reference the tests use
 * to prove that every patch this module emits applies to the raw incoming object, keeps what it does
 * not address, and is idempotent; the API server applies patches with its own implementation.
 */
export function applyJsonPatch(document: unknown, patch: readonly JsonPatchOperation[]): unknown {
  let root: unknown = structuredClone(document);
  for (const operation of patch) {
    if (operation.path === "") {
      if (operation.op === "test") {
        if (!jsonEqual(root, operation.value)) throw new JsonPatchError("test failed at the root");
        continue;
      }
      if (operation.op === "remove") throw new JsonPatchError("cannot remove the root");
      root = structuredClone(operation.value);
      continue;
    }
    if (!operation.path.startsWith("/")) throw new JsonPatchError(`"${operation.path}" is not a JSON pointer`);
    const tokens = operation.path.slice(1).split("/").map(unescapePointerToken);
    const last = tokens.pop() as string;
    let parent: unknown = root;
    for (const token of tokens) {
      if (Array.isArray(parent)) parent = parent[arrayIndex(token, parent.length, false)];
      else if (isContainer(parent) && Object.hasOwn(parent, token)) parent = (parent as Record<string, unknown>)[token];
      else throw new JsonPatchError(`"${operation.path}": "${token}" does not exist`);
    }
    if (!isContainer(parent)) throw new JsonPatchError(`"${operation.path}": the parent is not a container`);
    applyAt(parent, last, operation);
  }
  return root;
}

function applyAt(parent: Container, token: string, operation: JsonPatchOperation): void {
  const value = structuredClone(operation.value);
  if (Array.isArray(parent)) {
    const index = arrayIndex(token, parent.length, operation.op === "add");
    if (operation.op === "add") parent.splice(index, 0, value);
    else if (operation.op === "replace") parent[index] = value;
    else if (operation.op === "remove") parent.splice(index, 1);
    else if (!jsonEqual(parent[index], value)) throw new JsonPatchError(`test failed at "${operation.path}"`);
    return;
  }
  const present = Object.hasOwn(parent, token);
  if (operation.op !== "add" && !present) throw new JsonPatchError(`"${operation.path}" does not exist`);
  if (operation.op === "add" || operation.op === "replace") parent[token] = value;
  else if (operation.op === "remove") delete parent[token];
  else if (!jsonEqual(parent[token], value)) throw new JsonPatchError(`test failed at "${operation.path}"`);
}
