import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Metrics the webhook exports, named `osac_vm_webhook_<name>_<unit>`. */
export class WebhookMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: "osac_vm_webhook_requests_total",
    help: "Admission and conversion reviews answered, by webhook, operation and outcome.",
    labelNames: ["webhook", "operation", "outcome"] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: "osac_vm_webhook_request_duration_seconds",
    help: "Time from the request's first byte read to the response written.",
    labelNames: ["webhook", "operation", "outcome"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly convertedObjects = new Counter({
    name: "osac_vm_webhook_converted_objects_total",
    help: "Objects converted between API versions.",
    registers: [this.registry],
  });
  readonly certificateReloads = new Counter({
    name: "osac_vm_webhook_certificate_reloads_total",
    help: "Serving certificate reloads, by result.",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly watchRestarts = new Counter({
    name: "osac_vm_webhook_watch_restarts_total",
    help: "StorageClass watch restarts (errors and periodic relists).",
    registers: [this.registry],
  });

  readonly hubPlacements = new Counter({
    name: "osac_vm_webhook_hub_placements_total",
    help: "New orders placed on a hub at admission (dry runs excluded), by hub.",
    labelNames: ["hub"] as const,
    registers: [this.registry],
  });
  readonly hubWatchRestarts = new Counter({
    name: "osac_vm_webhook_hub_watch_restarts_total",
    help: "Restarts of the hub registry's watches (Hubs, orders), by watch.",
    labelNames: ["watch"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "osac_vm_webhook_" });
  }
}
