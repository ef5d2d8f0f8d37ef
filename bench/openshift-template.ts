/**
 * Template-processing benchmark (npm run bench:template-processing).
 *
 * For the same generated orders (bench/support/orders.ts), in one process:
 *  - built-in: `renderOrder(order, gitops)`, the `ocp_virt_vm` template's render (cdk8s);
 *  - common template: `renderTemplateForOrder(fedora-server-small, order, key)`: processing
 *    (generated password, keyed per order), instantiation and the cloud-init Secret.
 * The Template is read from ../shared once (catalog load, not timed); each round renders every
 * order once with each path, the two alternating so drift hits both alike; the table shows the
 * median round, per order, and the ratio. A second pair of rows includes `yaml.dump` of the
 * objects, which both paths pay before a file is written. A third pair is the whole gitops path of
 * an order naming the catalog template (`instantiateCatalogOrder`, ADR 28: processing plus the
 * gitops extras: labels, waves, config version, firmware UUID), dumped, against the built-in's
 * render, dumped. Nothing is written to disk.
 */
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import yaml from "js-yaml";
import { catalogTemplateId, validateCatalogOrder, type CatalogOrder } from "../src/domain/catalog-order/index.ts";
import { orderIdentity, renderTemplateForOrder, type OpenShiftTemplate } from "../src/domain/openshift-template/index.ts";
import { instantiateCatalogOrder } from "../src/render/catalog/instantiate-order.ts";
import { validateOrder, type Order } from "../src/domain/order.ts";
import { readTemplateFiles } from "../src/render/input/read-templates.ts";
import { renderOrder } from "../src/render/render-order.ts";
import { median } from "./support/measure.ts";
import { orderDocument } from "./support/orders.ts";

const SIZES = [1_000, 5_000];
const ROUNDS = 5;
const TARGET_RATIO = 1.5;
const TEMPLATE_FILE = join(import.meta.dirname, "../../shared/reference/common-templates/fedora-server-small.yaml");
const PARAMETER_KEY = Buffer.alloc(32, 0x42);
const DUMP_OPTIONS = { noRefs: true, lineWidth: -1 } as const;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function loadTemplate(): OpenShiftTemplate {
  if (!existsSync(TEMPLATE_FILE)) {
    throw new Error(`${TEMPLATE_FILE} is missing: check out the shared/ reference folder beside this repository (../shared), as CI does.`);
  }
  const loaded = readTemplateFiles([TEMPLATE_FILE]);
  if (loaded.errors.length > 0) throw new Error(loaded.errors.join("\n"));
  return loaded.templates[0]!.template;
}

function makeOrders(count: number): Order[] {
  return Array.from({ length: count }, (_, index) => {
    const result = validateOrder(orderDocument(index));
    if (!result.value) throw new Error(result.errors.map((e) => e.message).join("; "));
    return result.value;
  });
}

type Path = (order: Order) => number;

/** The same orders naming the common template instead (validated once, as render validates before rendering). */
function catalogOrdersFor(orders: readonly Order[], template: OpenShiftTemplate): Map<Order, CatalogOrder> {
  const templateId = catalogTemplateId("openshift", template.metadata.name);
  return new Map(
    orders.map((order, index) => {
      const document = orderDocument(index) as { spec: Record<string, unknown> };
      const result = validateCatalogOrder({ ...document, spec: { templateID: templateId, templateParameters: "{}" } }, template);
      if (!result.value) throw new Error(result.errors.map((e) => `${e.field}: ${e.message}`).join("; "));
      return [order, result.value] as const;
    }),
  );
}

function gitopsCatalogPath(catalogOrders: Map<Order, CatalogOrder>): Path {
  const options = { profile: "gitops" as const, allowPlainSecrets: true, templateParameterKey: PARAMETER_KEY };
  return (order) => {
    const result = instantiateCatalogOrder(catalogOrders.get(order)!, options);
    if (!result.objects) throw new Error(result.errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    return yaml.dump(result.objects, DUMP_OPTIONS).length;
  };
}

function builtIn(dump: boolean): Path {
  return (order) => {
    const objects = renderOrder(order, { profile: "gitops", allowPlainSecrets: false });
    return dump ? yaml.dump(objects, DUMP_OPTIONS).length : objects.length;
  };
}

function commonTemplate(template: OpenShiftTemplate, dump: boolean): Path {
  return (order) => {
    const result = renderTemplateForOrder(
      template,
      { identity: orderIdentity(order), orderName: order.name, namespace: order.tenantNamespace, vmName: order.name, values: {} },
      { parameterKey: PARAMETER_KEY },
    );
    if (!result.value) throw new Error(result.errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    const objects = [...result.value.secretsToSeal, ...result.value.objects];
    return dump ? yaml.dump(objects, DUMP_OPTIONS).length : objects.length;
  };
}

/** Milliseconds to run `path` over every order once. The sum is returned so no work is optimised away. */
function timeRound(path: Path, orders: readonly Order[]): { ms: number; sink: number } {
  let sink = 0;
  const started = performance.now();
  for (const order of orders) sink += path(order);
  return { ms: performance.now() - started, sink };
}

interface Row {
  readonly orders: number;
  readonly what: string;
  readonly builtInMs: number;
  readonly templateMs: number;
}

function measure(orders: readonly Order[], what: string, builtInPath: Path, templatePath: Path): Row {
  const builtInRounds: number[] = [];
  const templateRounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const first = round % 2 === 0;
    const a = timeRound(first ? builtInPath : templatePath, orders);
    const b = timeRound(first ? templatePath : builtInPath, orders);
    builtInRounds.push(first ? a.ms : b.ms);
    templateRounds.push(first ? b.ms : a.ms);
  }
  return { orders: orders.length, what, builtInMs: median(builtInRounds), templateMs: median(templateRounds) };
}

function main(): void {
  log(`template-processing bench: ${cpus().length} × ${cpus()[0]?.model ?? "unknown"}, Node ${process.version}`);
  const loadBefore = loadavg().map((load) => load.toFixed(2)).join(" ");
  const template = loadTemplate();
  const rows: Row[] = [];
  // Warm-up (not measured): JIT and cdk8s's module state for both paths.
  const warm = makeOrders(200);
  for (const dump of [false, true]) measure(warm, "warm-up", builtIn(dump), commonTemplate(template, dump));
  measure(warm, "warm-up", builtIn(true), gitopsCatalogPath(catalogOrdersFor(warm, template)));
  for (const size of SIZES) {
    const orders = makeOrders(size);
    for (const dump of [false, true]) {
      const row = measure(orders, dump ? "objects + yaml.dump" : "objects", builtIn(dump), commonTemplate(template, dump));
      log(`  ${size} orders, ${row.what}: built-in ${row.builtInMs.toFixed(0)} ms, common template ${row.templateMs.toFixed(0)} ms`);
      rows.push(row);
    }
    const gitops = measure(orders, "gitops catalog order + yaml.dump", builtIn(true), gitopsCatalogPath(catalogOrdersFor(orders, template)));
    log(`  ${size} orders, ${gitops.what}: built-in ${gitops.builtInMs.toFixed(0)} ms, catalog order ${gitops.templateMs.toFixed(0)} ms`);
    rows.push(gitops);
  }

  const us = (ms: number, orders: number) => ((ms * 1000) / orders).toFixed(1);
  const lines = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}.`,
    `Load average (1/5/15 min) at start: ${loadBefore}; at end: ${loadavg().map((load) => load.toFixed(2)).join(" ")}.`,
    `Each cell: median of ${ROUNDS} rounds over all orders, the two paths alternating; common template = fedora-server-small, keyed password generation.`,
    "",
    "| orders | measured | built-in ocp_virt_vm (µs/order) | common template (µs/order) | ratio | target |",
    "|---:|---|---:|---:|---:|---|",
    ...rows.map((row) => {
      const ratio = row.templateMs / row.builtInMs;
      return `| ${row.orders.toLocaleString("en-US")} | ${row.what} | ${us(row.builtInMs, row.orders)} | ${us(row.templateMs, row.orders)} | ${ratio.toFixed(2)}× | ≤ ${TARGET_RATIO}× ${ratio <= TARGET_RATIO ? "met" : "MISSED"} |`;
    }),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main();
