#!/bin/sh
# The image's application layer: the npm package of this repository (compiled JavaScript only, as
# `npm pack` makes it) at /opt/osac-vm-gitops with its production dependencies, installed exactly
# from package-lock.json with no install scripts run; and `osac-vm` on PATH. The Containerfile runs
# this same script in its `build` stage.
#
# Usage: stage-app.sh <package tarball> <package-lock.json> <directory>   (writes <directory>/opt/…, …/usr/local/bin/osac-vm)
set -eu

tarball="$1"
lockfile="$2"
target="$3"
app="$target/opt/osac-vm-gitops"

mkdir -p "$app" "$target/usr/local/bin"
tar -xzf "$tarball" -C "$app" --strip-components=1 --no-same-owner
cp "$lockfile" "$app/package-lock.json"
(cd "$app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
# The command on PATH. Its interpreter is named directly: the image has no /usr/bin/env, which
# bin/osac-vm.js's own `#!/usr/bin/env node` needs (kept for npm installs).
cat > "$target/usr/local/bin/osac-vm" <<'LAUNCHER'
#!/usr/local/bin/node
// osac-vm in the container image: runs the package's entry point (its compiled code, dist/js/).
import("/opt/osac-vm-gitops/bin/osac-vm.js");
LAUNCHER
chmod 0755 "$target/usr/local/bin/osac-vm"
