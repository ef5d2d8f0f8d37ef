#!/usr/bin/env bash
# Prints the path of an etcd binary; installs Debian's etcd-server with apt-get when none is found.
# ETCD_BIN=/path/to/etcd overrides the lookup.
set -euo pipefail
log() { echo "ensure-etcd: $*" >&2; }
fail() {
  echo "ensure-etcd: ERROR: $*" >&2
  echo "ensure-etcd: alternative: run the e2e tests against an existing disposable cluster with E2E_KUBECONFIG=/path/to/kubeconfig" >&2
  exit 1
}
if [[ -n "${ETCD_BIN:-}" ]]; then
  [[ -x "$ETCD_BIN" ]] || fail "ETCD_BIN=$ETCD_BIN is not an executable"
  echo "$ETCD_BIN"; exit 0
fi
for c in "$(command -v etcd || true)" /usr/bin/etcd /usr/local/bin/etcd; do
  if [[ -n "$c" && -x "$c" ]]; then echo "$c"; exit 0; fi
done
command -v apt-get >/dev/null || fail "etcd not found and apt-get is not available; install etcd (Debian package etcd-server) or set ETCD_BIN"
SUDO=""
if [[ "$(id -u)" != 0 ]]; then
  command -v sudo >/dev/null || fail "etcd not found; installing etcd-server needs root (apt-get install -y etcd-server)"
  SUDO="sudo -n"
fi
lock_dir="${XDG_CACHE_HOME:-$HOME/.cache}/osac-vm-gitops"
mkdir -p "$lock_dir"
exec 9>"$lock_dir/apt.lock"
flock 9
if ! command -v etcd >/dev/null; then
  log "etcd not found: installing Debian package etcd-server (apt-get update && apt-get install -y etcd-server)"
  # Do not let the package start a system-wide etcd service.
  policy_created=""
  if [[ ! -e /usr/sbin/policy-rc.d && -z "$SUDO" ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_created=1
  fi
  rc=0
  { $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends etcd-server; } >&2 || rc=$?
  [[ -n "$policy_created" ]] && rm -f /usr/sbin/policy-rc.d
  [[ "$rc" == 0 ]] || fail "apt-get install etcd-server failed (exit $rc)"
fi
c="$(command -v etcd || true)"
[[ -n "$c" ]] || fail "etcd-server installed but no etcd binary on PATH"
echo "$c"
