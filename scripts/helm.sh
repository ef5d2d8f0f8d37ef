#!/usr/bin/env bash
# Runs helm: the one on PATH, else ~/go/bin/helm (or $GOBIN/helm), else installs it from the Go
# module proxy first (CI on a fresh machine), then execs it with every argument.
#   bash scripts/helm.sh lint charts/osac-vm-gitops
# HELM_BIN=<path> uses that binary; OSAC_HELM_NO_INSTALL=1 fails instead of installing.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.21.4}"
GOBIN_DIR="${GOBIN:-$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin}"
[ -d "$GOBIN_DIR" ] || GOBIN_DIR="$HOME/go/bin"

find_helm() {
  if [ -n "${HELM_BIN:-}" ] && [ -x "$HELM_BIN" ]; then echo "$HELM_BIN"; return 0; fi
  if command -v helm >/dev/null 2>&1; then command -v helm; return 0; fi
  for candidate in "$GOBIN_DIR/helm" "$HOME/go/bin/helm"; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

if ! helm_path="$(find_helm)"; then
  if [ -n "${OSAC_HELM_NO_INSTALL:-}" ]; then
    echo "scripts/helm.sh: helm not found on PATH or in ~/go/bin (OSAC_HELM_NO_INSTALL is set)." >&2
    echo "  install it: PATH=/usr/local/go/bin:\$PATH go install helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" >&2
    exit 127
  fi
  export PATH="/usr/local/go/bin:$PATH"
  if ! command -v go >/dev/null 2>&1; then
    echo "scripts/helm.sh: helm is not installed and there is no Go toolchain to build it." >&2
    echo "  install Go (>= 1.24) at /usr/local/go, or helm ${HELM_VERSION} on PATH, or set HELM_BIN" >&2
    exit 127
  fi
  echo "scripts/helm.sh: installing helm ${HELM_VERSION} with go install (first run only, a few minutes)..." >&2
  # Concurrent callers (parallel test workers) build once.
  mkdir -p "$HOME/.cache"
  exec 9>"$HOME/.cache/osac-vm-gitops-helm-install.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if ! helm_path="$(find_helm)"; then
    go install "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" >&2
    helm_path="$(find_helm)" || { echo "scripts/helm.sh: go install finished but no helm binary in $GOBIN_DIR" >&2; exit 127; }
  fi
  exec 9>&-
fi

exec "$helm_path" "$@"
