import { checkCanonicalBase64 } from "../templates/base64.ts";
import type { TemplateProblem } from "./problems.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "./types.ts";

/**
 * Moves inline cloud-init user data out of KubeVirt VMs into Secrets. The KubeVirt common
 * templates write `password: ${CLOUD_USER_PASSWORD}` into `cloudInitNoCloud.userData`, so after
 * processing the VM object itself would hold the password, and the VM object goes into Git.
 * Every inline `userData`/`userDataBase64` of a `cloudInitNoCloud` or `cloudInitConfigDrive`
 * volume is moved, whatever it holds: telling credentials apart in free-form user data is
 * guesswork, and a moved harmless one costs nothing (ADR 0021). Network data stays inline.
 */

const CLOUD_INIT_SOURCES = ["cloudInitNoCloud", "cloudInitConfigDrive"] as const;
/** The key the project's own cloud-init Secrets use; KubeVirt reads `userdata` or `userData`. */
export const USER_DATA_KEY = "userData";
const MAX_NAME_LENGTH = 253;

export interface MovedUserData {
  readonly object: JsonObject;
  /** Plain Secrets, one per moved volume, still without labels. */
  readonly secrets: readonly JsonObject[];
  readonly errors: readonly TemplateProblem[];
}

/** For a KubeVirt VirtualMachine or VirtualMachineInstance; other objects come back unchanged. */
export function moveCloudInitUserData(object: JsonObject, field: string, namespace: string): MovedUserData {
  const path = volumesPath(object);
  if (!path) return { object, secrets: [], errors: [] };
  const volumes = readPath(object, path);
  if (!Array.isArray(volumes)) return { object, secrets: [], errors: [] };
  const ownerName = isJsonObject(object.metadata) && typeof object.metadata.name === "string" ? object.metadata.name : "";
  const secrets: JsonObject[] = [];
  const errors: TemplateProblem[] = [];
  const volumesField = `${field}.${path.join(".")}`;
  const moved = volumes.map((volume, index) => {
    if (!isJsonObject(volume)) return volume;
    let result: JsonObject = volume;
    for (const sourceKey of CLOUD_INIT_SOURCES) {
      const source = result[sourceKey];
      if (!isJsonObject(source) || (isAbsent(source.userData) && isAbsent(source.userDataBase64))) continue;
      const sourceField = `${volumesField}[${index}].${sourceKey}`;
      const secretName = `${ownerName}-${typeof volume.name === "string" ? volume.name : index}`;
      const data = userDataBase64(source, sourceField, errors);
      if (!isAbsent(source.secretRef)) {
        errors.push({ code: "InvalidCloudInit", field: `${sourceField}.secretRef`, message: "is set beside inline user data; KubeVirt accepts only one of userData, userDataBase64 and secretRef" });
      }
      if (secretName.length > MAX_NAME_LENGTH || ownerName === "") {
        errors.push({ code: "InvalidCloudInit", field: sourceField, value: secretName, message: `cannot be moved into a Secret named '<VM name>-<volume name>' (a name of 1 to ${MAX_NAME_LENGTH} characters)` });
      }
      if (data === undefined) continue;
      const { userData: _userData, userDataBase64: _base64, ...rest } = source;
      result = { ...result, [sourceKey]: { ...rest, secretRef: { name: secretName } } };
      secrets.push({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secretName, namespace },
        type: "Opaque",
        data: { [USER_DATA_KEY]: data },
      });
    }
    return result;
  });
  if (errors.length > 0 || secrets.length === 0) return { object, secrets: [], errors };
  return { object: writePath(object, path, moved), secrets, errors };
}

/** The user data as canonical base64 for the Secret's `data`; never quotes it in a message. */
function userDataBase64(source: JsonObject, field: string, errors: TemplateProblem[]): string | undefined {
  const { userData, userDataBase64: encoded } = source;
  if (!isAbsent(userData) && !isAbsent(encoded)) {
    errors.push({ code: "InvalidCloudInit", field, message: "has both userData and userDataBase64; KubeVirt accepts only one" });
    return undefined;
  }
  if (typeof userData === "string") return Buffer.from(userData, "utf8").toString("base64");
  if (typeof encoded === "string") {
    const check = checkCanonicalBase64(encoded);
    if (check.ok) return encoded;
    errors.push({ code: "InvalidCloudInit", field: `${field}.userDataBase64`, message: `must be canonical standard base64: ${check.reason}` });
    return undefined;
  }
  errors.push({ code: "InvalidCloudInit", field: `${field}.${isAbsent(userData) ? "userDataBase64" : "userData"}`, message: "must be a string" });
  return undefined;
}

/** Kubernetes reads a null field as an absent one. */
function isAbsent(value: JsonValue | undefined): boolean {
  return value === undefined || value === null;
}

function volumesPath(object: JsonObject): readonly string[] | undefined {
  if (typeof object.apiVersion !== "string" || !object.apiVersion.startsWith("kubevirt.io/")) return undefined;
  if (object.kind === "VirtualMachine") return ["spec", "template", "spec", "volumes"];
  if (object.kind === "VirtualMachineInstance") return ["spec", "volumes"];
  return undefined;
}

function readPath(object: JsonObject, path: readonly string[]): JsonValue | undefined {
  let current: JsonValue | undefined = object;
  for (const key of path) current = isJsonObject(current) ? current[key] : undefined;
  return current;
}

/** A copy of `object` with the value at `path` replaced; every map on the path is copied, nothing else. */
function writePath(object: JsonObject, path: readonly string[], value: JsonValue): JsonObject {
  const [head, ...rest] = path;
  if (head === undefined) return object;
  const child = object[head];
  return { ...object, [head]: rest.length === 0 ? value : writePath(isJsonObject(child) ? child : {}, rest, value) };
}
