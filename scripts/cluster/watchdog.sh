#!/usr/bin/env bash
# Started by harness.ts for every in-process control plane: when the owning Node process dies
# without running its cleanup (SIGKILL, crash), kill the control plane's process groups and remove
# its temp dir. harness.ts kills this watchdog on a normal stop.
#   watchdog.sh <owner-pid> <dir-to-remove> <process-group-id>...
owner="$1"; dir="$2"; shift 2
while kill -0 "$owner" 2>/dev/null; do sleep 1; done
for pg in "$@"; do kill -TERM -- "-$pg" 2>/dev/null; done
for _ in 1 2 3 4 5 6 7 8 9 10; do
  alive=""
  for pg in "$@"; do kill -0 -- "-$pg" 2>/dev/null && alive=1; done
  [[ -z "$alive" ]] && break
  sleep 0.5
done
for pg in "$@"; do kill -KILL -- "-$pg" 2>/dev/null; done
case "$dir" in
  */osac-vm-cluster-*) rm -rf -- "$dir" ;;
esac
