#!/usr/bin/env bash
# Enforces the dependency direction of docs/architecture.md on the sources:
#   common   -> nothing of ours
#   registry -> common
#   dns      -> registry, common
#   http     -> registry, common
#   client   -> common (how subcommands reach an agent over HTTP)
#   wrapper  -> client, common (an HTTP client of the agent: no registry, dns or http)
#   cli      -> client, common (likewise)
#   agent    -> everything
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
fail=0
check() {  # check DIR FORBIDDEN-FOLDER...
  local dir=$1; shift
  for bad in "$@"; do
    hits=$(grep -rnE "#include \"$bad/" "$dir" --include='*.hpp' --include='*.cpp' 2>/dev/null)
    if [ -n "$hits" ]; then
      echo "layering: $dir/ must not include $bad/:"; echo "$hits"; fail=1
    fi
  done
}
check common registry dns http client wrapper cli agent
check registry dns http client wrapper cli agent
check dns http client wrapper cli agent
check http dns client wrapper cli agent
check client registry dns http wrapper cli agent
check wrapper registry dns http cli agent
check cli registry dns http wrapper agent
# The wrapper library must not link the registry either.
for d in client wrapper cli; do
  if [ -f $d/CMakeLists.txt ] && grep -nE 'roster_(registry|dns|http|agent)' $d/CMakeLists.txt; then
    echo "layering: $d/ must not link roster_registry, roster_dns, roster_http or roster_agent"; fail=1
  fi
done
if grep -nE 'roster_(dns|http|wrapper)' registry/CMakeLists.txt; then
  echo "layering: registry/ must not link dns, http or wrapper"; fail=1
fi
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
