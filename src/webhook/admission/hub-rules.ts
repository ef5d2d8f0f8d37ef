import { Annotations } from "../../api/well-known.ts";
import { showValue, type FieldError } from "../../domain/field-error.ts";
import { parseLabelSelector, type LabelSelector } from "../../domain/placement/label-selector.ts";
import { ineligibilityReason } from "../../domain/placement/place.ts";
import { objectAt, stringAt, type JsonObject } from "./decision.ts";
import { HUB_FIELD, HUB_SELECTOR_FIELD } from "./hub-placement.ts";
import type { AdmissionDeps } from "./types.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SELECTOR_SYNTAX = "a Kubernetes label selector, e.g. 'region=eu' or 'region in (eu,us),!gpu'";

export interface HubFindings {
  readonly errors: FieldError[];
  readonly warnings: string[];
}

function annotationsOf(object: JsonObject): JsonObject | undefined {
  return objectAt(objectAt(object, "metadata"), "annotations");
}

/**
 * CREATE: the selector's syntax and the hub's name always; with hub placement on, the hub must be
 * set (by the mutating webhook, or the client) and be a registered hub with the `virtualmachines`
 * capability, not cordoned, reachable and matching the selector (room is the mutating webhook's
 * business: it counted this order already). `otherErrors`: the order is denied anyway, so a
 * missing hub (the mutating webhook leaves invalid orders unplaced) is not reported on top.
 */
export function checkHubOnCreate(order: JsonObject, deps: AdmissionDeps, otherErrors: boolean): HubFindings {
  const findings: HubFindings = { errors: [], warnings: [] };
  const annotations = annotationsOf(order);
  const selector = checkSelector(annotations, findings);
  const hub = stringAt(annotations, Annotations.hub);
  if (hub !== undefined && !checkHubName(hub, findings)) return findings;
  if (deps.hubs === undefined) {
    if (hub !== undefined) findings.warnings.push(`${HUB_FIELD}: hub placement is off here; '${showValue(hub)}' is not checked`);
    return findings;
  }
  if (!deps.hubs.synced) {
    findings.errors.push({ field: HUB_FIELD, message: "cannot be checked: the hub registry has not synced yet; retry in a few seconds" });
    return findings;
  }
  if (hub === undefined) {
    if (!otherErrors) {
      findings.errors.push({ field: HUB_FIELD, message: "is not set, but hub placement is on: the mutating webhook (orders.mutate) did not place the order; check that it is registered" });
    }
    return findings;
  }
  checkRegistered(hub, deps, findings, selector);
  return findings;
}

/**
 * UPDATE: a hub, once set, is immutable (changed or removed: refused), and so is the selector of
 * a placed order. An order without a hub (from single-cluster mode) may get one once: with hub
 * placement on it must name a registered hub; capacity is not checked (the VM exists already).
 */
export function checkHubOnUpdate(order: JsonObject, old: JsonObject, deps: AdmissionDeps): HubFindings {
  const findings: HubFindings = { errors: [], warnings: [] };
  const before = annotationsOf(old);
  const after = annotationsOf(order);
  const oldHub = stringAt(before, Annotations.hub);
  const newHub = stringAt(after, Annotations.hub);
  const oldSelector = stringAt(before, Annotations.hubSelector);
  const newSelector = stringAt(after, Annotations.hubSelector);
  if (oldHub !== undefined) {
    if (newHub !== oldHub) {
      findings.errors.push({
        field: HUB_FIELD,
        ...(newHub === undefined ? {} : { value: showValue(newHub) }),
        message: `is immutable: the order was placed on hub ${JSON.stringify(showValue(oldHub))}; an order never moves: re-create it to place it elsewhere`,
      });
    }
    if (newSelector !== oldSelector) {
      findings.errors.push({
        field: HUB_SELECTOR_FIELD,
        ...(newSelector === undefined ? {} : { value: showValue(newSelector) }),
        message: `is immutable once the order is placed (it was ${oldSelector === undefined ? "not set" : JSON.stringify(showValue(oldSelector))}): placement happens once, at creation`,
      });
    }
    return findings;
  }
  if (newSelector !== oldSelector) checkSelector(after, findings);
  if (newHub === undefined || !checkHubName(newHub, findings)) return findings;
  if (deps.hubs === undefined) {
    findings.warnings.push(`${HUB_FIELD}: hub placement is off here; '${showValue(newHub)}' is not checked`);
    return findings;
  }
  if (!deps.hubs.synced) {
    findings.errors.push({ field: HUB_FIELD, message: "cannot be checked: the hub registry has not synced yet; retry in a few seconds" });
    return findings;
  }
  if (!deps.hubs.candidates().some((candidate) => candidate.id === newHub)) {
    findings.errors.push({ field: HUB_FIELD, value: showValue(newHub), message: `names no registered hub; registered: ${registeredNames(deps)}` });
  }
  return findings;
}

function checkSelector(annotations: JsonObject | undefined, findings: HubFindings): LabelSelector | undefined {
  const text = annotations?.[Annotations.hubSelector];
  if (text === undefined) return [];
  if (typeof text !== "string") return undefined;
  const parsed = parseLabelSelector(text);
  if ("error" in parsed) {
    findings.errors.push({ field: HUB_SELECTOR_FIELD, value: showValue(text), message: `must be ${SELECTOR_SYNTAX}: ${parsed.error}` });
    return undefined;
  }
  return parsed.selector;
}

function checkHubName(hub: string, findings: HubFindings): boolean {
  if (hub.length <= 63 && DNS_LABEL.test(hub)) return true;
  findings.errors.push({ field: HUB_FIELD, value: showValue(hub), message: "must be a Hub name (a DNS-1123 label: lower-case alphanumerics and '-', at most 63)" });
  return false;
}

function checkRegistered(hub: string, deps: AdmissionDeps, findings: HubFindings, selector: LabelSelector | undefined): void {
  const candidate = deps.hubs!.candidates().find((entry) => entry.id === hub);
  if (candidate === undefined) {
    findings.errors.push({ field: HUB_FIELD, value: showValue(hub), message: `names no registered hub; registered: ${registeredNames(deps)}` });
    return;
  }
  const reason = ineligibilityReason(selector ?? [], candidate);
  if (reason !== undefined) findings.errors.push({ field: HUB_FIELD, value: showValue(hub), message: `cannot take new orders: hub '${hub}' ${reason}` });
}

function registeredNames(deps: AdmissionDeps): string {
  const names = deps.hubs!.candidates().map((candidate) => candidate.id);
  return names.length === 0 ? "none" : names.join(", ");
}
