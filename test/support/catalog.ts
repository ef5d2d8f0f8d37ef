import { join } from "node:path";
import { catalogOfTemplates, type TemplateCatalog } from "../../src/domain/catalog-order/index.ts";
import type { OpenShiftTemplate } from "../../src/domain/openshift-template/index.ts";
import { readTemplateFiles } from "../../src/render/input/read-templates.ts";
import { orderDocument } from "./orders.ts";

export const CATALOG_FIXTURES = join(import.meta.dirname, "../fixtures/templates");
export const TINY_TEMPLATE_ID = "openshift.templates.openshift.tiny_server";
/** 32 bytes and more, as a key file holds them. */
export const TEST_PARAMETER_KEY = Buffer.from("test-template-parameter-key-0123456789-abcdef");

/** The fixture Templates, read as the renderer reads them. */
export function fixtureTemplates(): OpenShiftTemplate[] {
  const loaded = readTemplateFiles([CATALOG_FIXTURES]);
  if (loaded.errors.length > 0) throw new Error(`fixture templates are invalid: ${loaded.errors.join("; ")}`);
  return loaded.templates.map((item) => item.template);
}

export function fixtureCatalog(): TemplateCatalog {
  return catalogOfTemplates(fixtureTemplates()).catalog;
}

/** An order naming a catalog template, with its parameters as given. */
export function catalogOrderDocument(parameters: Record<string, unknown> | string, meta: Parameters<typeof orderDocument>[1] = {}, templateId = TINY_TEMPLATE_ID) {
  const document = orderDocument(parameters, meta);
  return { ...document, spec: { ...document.spec, templateID: templateId } };
}
