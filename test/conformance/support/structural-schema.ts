import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import yaml from "js-yaml";

type Schema = Record<string, any>;

/**
 * Turns a CRD's structural OpenAPI v3 schema into a JSON Schema that rejects what the API server
 * rejects with `fieldValidation=Strict`: unknown fields (objects with properties and no
 * preserve-unknown-fields get additionalProperties: false), `nullable`, int-or-string.
 */
export function strictSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties") out.properties = Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, strictSchema(v)]));
    else if (key === "items" || key === "additionalProperties" || key === "not") out[key] = typeof value === "object" ? strictSchema(value) : value;
    else if (key === "anyOf" || key === "allOf" || key === "oneOf") out[key] = (value as Schema[]).map(strictSchema);
    else if (key.startsWith("x-kubernetes-") || key === "nullable" || key === "description") continue;
    else out[key] = value;
  }
  if (schema["x-kubernetes-int-or-string"]) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (schema.nullable && typeof out.type === "string") out.type = [out.type, "null"];
  const preserves = schema["x-kubernetes-preserve-unknown-fields"] === true;
  if (out.type === "object" && out.properties && !preserves && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

export function compileCrd(path: string, version: string): ValidateFunction {
  const crd = yaml.loadAll(readFileSync(path, "utf8")).find((doc: any) => doc?.kind === "CustomResourceDefinition") as Schema;
  const served = (crd.spec.versions as Schema[]).find((v) => v.name === version);
  if (!served) throw new Error(`${path} does not serve version ${version}`);
  const ajv = new Ajv({ strict: false, allErrors: true });
  const addFormats = addFormatsModule as unknown as { default?: (ajv: Ajv) => void } & ((ajv: Ajv) => void);
  (addFormats.default ?? addFormats)(ajv);
  for (const format of ["int32", "int64", "byte", "quantity", "double", "float"]) ajv.addFormat(format, true);
  return ajv.compile(strictSchema(served.schema.openAPIV3Schema));
}

export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`).join("; ");
}
