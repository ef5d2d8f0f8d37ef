import { setFlagsFromString } from "node:v8";

/**
 * Turns off V8's allocation-site pretenuring for a request-serving process (the webhook).
 *
 * Under a steady stream of reviews V8 sometimes decides that objects from a per-request
 * allocation site live long (16 reviews are always in flight when a scavenge runs) and allocates
 * them in the old generation from then on. Those old, soon-dead objects point at the request's
 * young data (body, parsed review), so every scavenge copies and promotes it: measured here, in
 * about half of the runs, ~9 KB promoted per review, scavenges of 2.5–4 ms instead of 0.5 ms and a
 * mark-compact every few seconds (docs/adr/0009-webhook-http.md). Without pretenuring no site is
 * ever moved, and request data dies young. The flag is read at allocation time, so setting it at
 * start-up, after the modules are loaded, is enough.
 */
export function disableAllocationSitePretenuring(): void {
  setFlagsFromString("--no-allocation-site-pretenuring");
}
