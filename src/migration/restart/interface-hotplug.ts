import { byName, same } from "./volume-hotplug.ts";

type Spec = Record<string, unknown>;

/**
 * Whether interface and network changes need a restart (KubeVirt's netvmliveupdate, in the
 * terms of the role's VMs): only secondary interfaces with a `bridge` or `sriov` binding on a
 * Multus network can be plugged, unplugged or have their `state` changed on a running VM; the pod
 * network and its masquerade interface cannot change. Pure.
 */
export function interfacesNeedRestart(before: Spec, after: Spec): boolean {
  const interfacesBefore = byName(((before.domain as Spec | undefined)?.devices as Spec | undefined)?.interfaces);
  const interfacesAfter = byName(((after.domain as Spec | undefined)?.devices as Spec | undefined)?.interfaces);
  const networksBefore = byName(before.networks);
  const networksAfter = byName(after.networks);
  const names = new Set([...interfacesBefore.keys(), ...interfacesAfter.keys(), ...networksBefore.keys(), ...networksAfter.keys()]);
  for (const name of names) {
    const [interfaceBefore, interfaceAfter] = [interfacesBefore.get(name), interfacesAfter.get(name)];
    const [networkBefore, networkAfter] = [networksBefore.get(name), networksAfter.get(name)];
    if (same(interfaceBefore, interfaceAfter) && same(networkBefore, networkAfter)) continue;
    const pluggable = (iface: Spec | undefined, network: Spec | undefined) =>
      iface === undefined || ((iface.bridge !== undefined || iface.sriov !== undefined) && network !== undefined && network.multus !== undefined);
    if (!pluggable(interfaceBefore, networkBefore) || !pluggable(interfaceAfter, networkAfter)) return true;
    if (interfaceBefore !== undefined && interfaceAfter !== undefined && !same(withoutState(interfaceBefore), withoutState(interfaceAfter))) return true;
    if (networkBefore !== undefined && networkAfter !== undefined && !same(networkBefore, networkAfter)) return true;
  }
  return false;
}

function withoutState(iface: Spec): Spec {
  const { state: _state, ...rest } = iface;
  return rest;
}
