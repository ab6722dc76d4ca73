# Sourced by the scripts that need packages from the npm registry (the official conformance
# suite, Node 22, the TypeScript SDK's demo server).

# npm_install DIR PACKAGE@VERSION: installs the package into DIR/node_modules, unless it is
# there already (a half-finished DIR is started afresh).
npm_install() {
    local dir=$1 pkg=$2 name=${2%@*}
    [[ -d $dir/node_modules/$name ]] && return
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && echo '{"private":true}' >package.json &&
        LEFTHOOK=0 npm install --silent --no-audit --no-fund --ignore-scripts --omit=dev "$pkg" >/dev/null)
}
