/**
 * Kubernetes label selectors in their string form (`region=eu,zone in (a,b),!gpu`), as
 * k8s.io/apimachinery `labels.Parse` accepts them: `key=value`, `key==value`, `key!=value`,
 * `key in (v1,v2)`, `key notin (v1,v2)`, `key` (exists) and `!key` (does not exist), joined by
 * commas (AND). Used for the order's hub selector annotation.
 */
export type Requirement =
  | { readonly key: string; readonly operator: "in" | "notin"; readonly values: readonly string[] }
  | { readonly key: string; readonly operator: "exists" | "doesnotexist" };

export type LabelSelector = readonly Requirement[];

export type SelectorParse = { readonly selector: LabelSelector } | { readonly error: string };

/** A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export const LABEL_KEY = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label value: empty, or at most 63 of [A-Za-z0-9-_.] with alphanumerics at both ends. */
export const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const ACCEPTED = "comma-separated requirements: key=value, key!=value, key in (a,b), key notin (a,b), key or !key";

/** Parses a selector string; the empty string selects everything. */
export function parseLabelSelector(text: string): SelectorParse {
  const requirements: Requirement[] = [];
  for (const part of splitRequirements(text)) {
    const requirement = parseRequirement(part.trim());
    if ("error" in requirement) return requirement;
    requirements.push(requirement);
  }
  return { selector: requirements };
}

/** Splits on commas that are not inside a `( … )` value list. */
function splitRequirements(text: string): string[] {
  if (text.trim() === "") return [];
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const SET = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/;
const EQUALITY = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/;

function parseRequirement(part: string): Requirement | { error: string } {
  if (part === "") return { error: `an empty requirement; use ${ACCEPTED}` };
  const set = SET.exec(part);
  if (set) {
    const [, key = "", operator, list = ""] = set;
    const values = list.split(",").map((value) => value.trim());
    if (values.length === 0 || values.some((value) => value === "")) return { error: `'${part}': the value list must not be empty or hold empty values` };
    return checked({ key, operator: operator as "in" | "notin", values }, part);
  }
  const equality = EQUALITY.exec(part);
  if (equality) {
    const [, key = "", operator, value = ""] = equality;
    return checked({ key, operator: operator === "!=" ? "notin" : "in", values: [value] }, part);
  }
  if (part.startsWith("!")) return checked({ key: part.slice(1).trim(), operator: "doesnotexist" }, part);
  return checked({ key: part, operator: "exists" }, part);
}

function checked(requirement: Requirement, part: string): Requirement | { error: string } {
  if (!LABEL_KEY.test(requirement.key)) return { error: `'${part}': '${requirement.key}' is not a label key; use ${ACCEPTED}` };
  if ("values" in requirement) {
    const bad = requirement.values.find((value) => !LABEL_VALUE.test(value));
    if (bad !== undefined) return { error: `'${part}': '${bad}' is not a label value (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends)` };
  }
  return requirement;
}

/** Whether a set of labels satisfies every requirement. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const requirement of selector) {
    if (!requirementMatches(requirement, labels)) return false;
  }
  return true;
}

function requirementMatches(requirement: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  switch (requirement.operator) {
    case "exists":
      return has;
    case "doesnotexist":
      return !has;
    case "in":
      return has && requirement.values.includes(labels[requirement.key]!);
    case "notin":
      return !has || !requirement.values.includes(labels[requirement.key]!);
  }
}

/** The selector written back in its canonical string form (for messages). */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector
    .map((r): string => {
      if (!("values" in r)) return r.operator === "exists" ? r.key : `!${r.key}`;
      if (r.values.length === 1) return `${r.key}${r.operator === "in" ? "=" : "!="}${r.values[0]}`;
      return `${r.key} ${r.operator} (${r.values.join(",")})`;
    })
    .join(",");
}
