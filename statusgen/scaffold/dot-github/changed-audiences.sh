#!/usr/bin/env bash
# Which audiences' built sites differ from what was last deployed, so that only those are deployed.
#
#   bash .github/changed-audiences.sh dist
#   → {"hashes":{"internal":"3f…","public":"9a…"},"changed":["public"]}
#
# A site's hash covers the path and bytes of every file under dist/<audience>/, except the build time
# that opens each page's footer (<footer …><span>Updated <time …>…</time></span>, in any language),
# the only part of a build that differs from one build to the next: statusgen's output is otherwise a
# function of the files and the clock's events (`statusgen next-change`), so an equal hash means an
# equal site. An audience counts as
# deployed when the Actions cache holds the key deployed-<audience>-<hash>, which deploy.yml saves after
# a successful deploy (caches unused for 7 days expire: then the site is deployed once more).
# Needs gh and GH_TOKEN with actions: read.
set -euo pipefail

dist=${1:?usage: changed-audiences.sh DIST}

site_hash() {
  local file
  (
    cd "$1"
    find . -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' file; do
      printf '%s\n' "$file"
      case "$file" in
        *.html) sed -E -z 's#(<footer[^>]*>[[:space:]]*<span>)[^<]*<time[^>]*>[^<]*</time>[^<]*</span>#\1#' "$file" | sha256sum ;;
        *) sha256sum < "$file" ;;
      esac
    done
  ) | sha256sum | cut -c1-64
}

hashes='{}'
changed='[]'
for site in "$dist"/*/; do
  audience=$(basename "$site")
  hash=$(site_hash "$site")
  hashes=$(jq -c --arg a "$audience" --arg h "$hash" '. + {($a): $h}' <<< "$hashes")
  found=$(gh cache list --key "deployed-$audience-$hash" --json key --jq length)
  if [ "$found" = 0 ]; then
    changed=$(jq -c --arg a "$audience" '. + [$a]' <<< "$changed")
  fi
done
jq -cn --argjson hashes "$hashes" --argjson changed "$changed" '{hashes: $hashes, changed: $changed}'
