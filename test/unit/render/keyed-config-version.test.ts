// Sealed output carries a keyed config version: the plain desiredConfigVersion (an unkeyed FNV of
// the whole spec, cloud-init included) would let anyone confirm a guess of the user data offline.
import { randomBytes } from "node:crypto";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { desiredConfigVersion } from "../../../src/domain/config-version.ts";
import { keyedConfigVersion } from "../../../src/domain/keyed-config-version.ts";
import { parseSealingCertificate, parseValueKey, SecretSealer } from "../../../src/gitops/sealing/index.ts";
import { renderOrder } from "../../../src/render/render-order.ts";
import { serializeObjects } from "../../../src/render/tree/rendered-file.ts";
import { validOrder } from "../../support/orders.ts";
import { rsaKeyPair, selfSignedCertificate } from "../../support/sealing.ts";

describe("the config version of sealed output", () => {
  const valueKey = parseValueKey(randomBytes(48), "test key");
  const sealer = new SecretSealer({ certificate: parseSealingCertificate(selfSignedCertificate(rsaKeyPair().publicKey), "test", new Date()), valueKey, reseal: false });
  const userData = "#cloud-config\npassword: correct-horse-battery-staple\n";
  const parameters = { cpu_cores: "2", cloud_init_config: Buffer.from(userData).toString("base64") };
  const order = validOrder(parameters, { name: "vm-a", namespace: "orders", tenant: "acme", managedBy: "gitops" });

  it("GIVEN sealing THEN every child carries the keyed version, and the plain one appears nowhere", () => {
    const objects = sealer.sealObjects(renderOrder(order, { profile: "gitops", allowPlainSecrets: false, sealing: sealer }), undefined);
    const versions = objects.map((object) => (object.metadata as { annotations?: Record<string, string> }).annotations?.["cloudkit.openshift.io/config-version"]);
    expect(new Set(versions)).toEqual(new Set([keyedConfigVersion(valueKey, order)]));
    const text = serializeObjects(objects);
    expect(text).not.toContain(order.desiredConfigVersion);
    // A guess of the user data: its spec's FNV, the plain version a guesser would compute, is nowhere.
    const guessed = desiredConfigVersion({ templateID: order.templateId, templateParameters: JSON.stringify(parameters) });
    expect(guessed).toBe(order.desiredConfigVersion);
    expect(text).not.toContain(guessed);
    expect(yaml.loadAll(text)).toHaveLength(objects.length);
  });

  it("GIVEN no sealing THEN children keep the plain desiredConfigVersion (nothing secret is rendered then)", () => {
    const plain = validOrder({ cpu_cores: "2" }, { name: "vm-b", namespace: "orders", tenant: "acme" });
    const objects = renderOrder(plain, { profile: "gitops", allowPlainSecrets: false });
    for (const object of objects) expect((object.metadata as unknown as { annotations: Record<string, string> }).annotations["cloudkit.openshift.io/config-version"]).toBe(plain.desiredConfigVersion);
  });
});
