#!/usr/bin/env bash
# Shared by the build-*.sh scripts: the per-version cache directory, the build lock, the Go
# toolchain lookup and the error format. Sourced, never run.
#
#   tool_cache_init <tool> <version>    sets CACHE_DIR and takes the lock on $CACHE_DIR.lock
#   tool_go                             prints the go binary (PATH, else /usr/local/go/bin/go)
#   tool_fail <message>                 prints the error and the alternative, exits 1

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/osac-vm-gitops"

tool_log() { echo "build-${TOOL_NAME}: $*" >&2; }

tool_fail() {
  echo "build-${TOOL_NAME}: ERROR: $*" >&2
  echo "build-${TOOL_NAME}: alternative: run the e2e tests against an existing disposable cluster with E2E_KUBECONFIG=/path/to/kubeconfig" >&2
  exit 1
}

tool_go() {
  local go_bin
  go_bin="$(command -v go || true)"
  if [[ -z "$go_bin" && -x /usr/local/go/bin/go ]]; then go_bin=/usr/local/go/bin/go; fi
  [[ -n "$go_bin" ]] || tool_fail "Go toolchain not found (looked on PATH and at /usr/local/go/bin/go)"
  echo "$go_bin"
}

# Sets CACHE_DIR; serialises concurrent builders of the same version with flock on fd 9.
tool_cache_init() {
  TOOL_NAME="$1"
  CACHE_DIR="$CACHE_ROOT/$1-$2"
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR.lock"
  if ! flock -n 9; then
    tool_log "another build of $2 is running; waiting for its lock ($CACHE_DIR.lock)"
    flock 9
  fi
}
