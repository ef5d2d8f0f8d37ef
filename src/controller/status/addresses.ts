import type { ServiceObservation, VirtualMachineInstanceObservation } from "./order-status.ts";

/** VMI phases whose interface list is stale (the guest is gone). */
const FINISHED_VMI_PHASES = new Set(["Succeeded", "Failed"]);

/**
 * Where the VM can be reached, most specific first: the guest's interface addresses reported on
 * the VirtualMachineInstance (every address of every interface, in KubeVirt's order), then the
 * LoadBalancer Service's ingress (its IP, or its hostname when the provider gives only a name).
 * Link-local addresses (169.254.0.0/16, fe80::/10) reach nothing from outside and are left out;
 * duplicates keep their first position.
 */
export function reachableAddresses(
  instance: VirtualMachineInstanceObservation | undefined,
  service: ServiceObservation | undefined,
): string[] {
  const found: string[] = [];
  if (instance && !FINISHED_VMI_PHASES.has(instance.phase ?? "")) {
    for (const network of instance.interfaces ?? []) {
      const listed = network.ipAddresses && network.ipAddresses.length > 0 ? network.ipAddresses : [network.ipAddress];
      for (const address of listed) if (address) found.push(stripPrefixLength(address));
    }
  }
  for (const ingress of service?.loadBalancer?.ingress ?? []) {
    const address = ingress.ip || ingress.hostname;
    if (address) found.push(address);
  }
  return [...new Set(found.filter((address) => !isLinkLocal(address)))];
}

/** Some guest agents report `10.0.2.2/24`. */
function stripPrefixLength(address: string): string {
  const slash = address.indexOf("/");
  return slash === -1 ? address : address.slice(0, slash);
}

function isLinkLocal(address: string): boolean {
  return address.startsWith("169.254.") || /^fe[89ab][0-9a-f]:/i.test(address);
}
