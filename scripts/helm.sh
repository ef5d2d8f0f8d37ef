#!/usr/bin/env bash
# Runs helm: $HELM_BIN, else the one on PATH, else $GOBIN/helm or ~/go/bin/helm, else installs it
# from the Go module proxy first (CI on a fresh machine, a few minutes, progress on stderr), then
# execs it with every argument.
#   bash scripts/helm.sh lint charts/osac-vm-gitops
#   bash scripts/helm.sh version          # installs helm when it is missing
# OSAC_HELM_NO_INSTALL=1 fails at once (exit 127) instead of installing: the test suites set it.
# Go is the one on PATH, else /usr/local/go/bin/go.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.21.4}"
INSTALL_HINT="bash scripts/helm.sh version   # builds helm ${HELM_VERSION} with go install into \$(go env GOPATH)/bin, a few minutes"

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return 0; fi
  if [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go; return 0; fi
  return 1
}

GO_BIN="$(find_go || true)"
GOBIN_DIR="${GOBIN:-}"
if [ -z "$GOBIN_DIR" ]; then
  gopath="$([ -n "$GO_BIN" ] && "$GO_BIN" env GOPATH 2>/dev/null || true)"
  GOBIN_DIR="${gopath:-$HOME/go}/bin"
fi

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
    echo "scripts/helm.sh: helm 3 is not installed (looked at \$HELM_BIN, PATH, $GOBIN_DIR and ~/go/bin)." >&2
    echo "  get it: ${INSTALL_HINT}" >&2
    echo "  or put a helm 3 binary on PATH, or set HELM_BIN=<path>" >&2
    exit 127
  fi
  if [ -z "$GO_BIN" ]; then
    echo "scripts/helm.sh: helm is not installed and there is no Go toolchain to build it (looked on PATH and at /usr/local/go/bin/go)." >&2
    echo "  install Go >= 1.24 (on PATH), or helm ${HELM_VERSION} on PATH, or set HELM_BIN=<path>" >&2
    exit 127
  fi
  # Concurrent callers build once.
  mkdir -p "$HOME/.cache"
  exec 9>"$HOME/.cache/osac-vm-gitops-helm-install.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -n 9 || { echo "scripts/helm.sh: another helm install is running; waiting for it" >&2; flock 9; }
  fi
  if ! helm_path="$(find_helm)"; then
    echo "scripts/helm.sh: installing helm ${HELM_VERSION} with $GO_BIN install (first run only, a few minutes)..." >&2
    GOBIN="$GOBIN_DIR" "$GO_BIN" install -v "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" >&2
    helm_path="$(find_helm)" || { echo "scripts/helm.sh: go install finished but no helm binary in $GOBIN_DIR" >&2; exit 127; }
    echo "scripts/helm.sh: installed $helm_path" >&2
  fi
  exec 9>&-
fi

exec "$helm_path" "$@"
