#!/usr/bin/env bash
# Commit the given paths when they changed, and push to the branch this workflow runs on.
#
#   bash .github/commit-and-push.sh MESSAGE_FILE PATH...
#
# Writes pushed=true to $GITHUB_OUTPUT after a push; does nothing when no path changed. Another run
# (or a person) may have pushed meanwhile: then it rebases and tries again, up to 3 times.
# status-log files merge with the union driver (.gitattributes), so concurrent lines never conflict.
set -euo pipefail

message=${1:?usage: commit-and-push.sh MESSAGE_FILE PATH...}
shift
if [ -z "$(git status --porcelain -- "$@")" ]; then
  echo "Nothing changed in $*; nothing to commit."
  exit 0
fi
git config user.name "github-actions[bot]"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
# A folder that never existed (no incident yet) is no pathspec git accepts: add only the others.
paths=()
for path in "$@"; do
  if [ -e "$path" ] || [ -n "$(git ls-files -- "$path")" ]; then
    paths+=("$path")
  fi
done
git add --all -- "${paths[@]}"
git commit --quiet --file "$message"
for attempt in 1 2 3; do
  if git push origin "HEAD:$GITHUB_REF_NAME"; then
    echo "pushed=true" >> "${GITHUB_OUTPUT:-/dev/null}"
    exit 0
  fi
  echo "Push rejected (attempt $attempt); rebasing on the new $GITHUB_REF_NAME."
  git pull --rebase origin "$GITHUB_REF_NAME"
done
echo "::error::could not push after 3 attempts"
exit 1
