#!/bin/sh
# The image's base layer: a Debian 12 root filesystem with only what Node and `osac-vm` run on —
# glibc, libstdc++ and libgcc (Node's official binary links them), openssl (the CLI that
# `webhook --dev-tls` calls), netbase — no shell, no package manager, no coreutils. The packages
# are extracted with mmdebstrap's `extract` variant (no maintainer scripts run, nothing is
# executed inside), so this needs no chroot, no daemon and no container runtime. Like distroless,
# it records each package in /var/lib/dpkg/status.d/ for image scanners, and it has the users
# root (0) and nonroot (65532). The Containerfile runs this same script in its `base` stage.
#
# Usage: base-rootfs.sh <empty or absent directory>
set -eu

target="$1"
suite="${DEBIAN_SUITE:-bookworm}"
mirror=http://deb.debian.org
packages=base-files,netbase,libc6,libgcc-s1,libstdc++6,openssl

# Writes the control fields of every extracted package to var/lib/dpkg/status.d/<package>.
status_hook='mkdir -p "$1/var/lib/dpkg/status.d"
for deb in "$1"/var/cache/apt/archives/*.deb; do
  name=$(dpkg-deb --field "$deb" Package)
  { dpkg-deb --field "$deb"; echo "Status: install ok installed"; } > "$1/var/lib/dpkg/status.d/$name"
done'

mmdebstrap --quiet --variant=extract --mode=root --include="$packages" --extract-hook="$status_hook" \
  "$suite" "$target" \
  "deb $mirror/debian $suite main" \
  "deb $mirror/debian $suite-updates main" \
  "deb $mirror/debian-security $suite-security main"

cd "$target"
# What mmdebstrap leaves for a system that would run apt and dpkg, and the host's files.
rm -rf dev/* etc/apt etc/dpkg var/lib/apt var/cache/apt var/cache/debconf var/log/* etc/resolv.conf etc/hostname etc/debconf.conf
# Documentation, except the copyright files the licences require.
find usr/share/doc -mindepth 1 ! -name copyright ! -type d -delete
find usr/share/doc -mindepth 1 -type d -empty -delete
rm -rf usr/share/man usr/share/info usr/share/lintian usr/share/locale
cat > etc/passwd <<'USERS'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
USERS
cat > etc/group <<'GROUPS'
root:x:0:
nogroup:x:65534:
nonroot:x:65532:
GROUPS
mkdir -p root home/nonroot tmp
chmod 0700 root
chown 65532:65532 home/nonroot
chmod 1777 tmp
