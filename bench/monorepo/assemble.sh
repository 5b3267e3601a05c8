#!/usr/bin/env bash
# Assembles the real-code monorepo of issue #16: ten repositories side by side, each the `git archive`
# of its HEAD (no history, no .git), taken from the bare mirrors the search tool's `fetch` leaves in
# $MIRRORS (default /work/.mirror/<owner>+<name>/repo).
#
#   bench/monorepo/assemble.sh OUT [COPIES]
#
# One copy: OUT/<name>/…; COPIES > 1: OUT/copy-1/<name>/… … OUT/copy-N/<name>/… (the same files again,
# so the index grows while the vocabulary does not). OUT/COMMITS.txt names each repository's commit.
set -euo pipefail
out=${1:?usage: assemble.sh OUT [COPIES]}
copies=${2:-1}
mirrors=${MIRRORS:-/work/.mirror}
repos=(continuedev/continue hashicorp/terraform sphinx-doc/sphinx pytest-dev/pytest pylint-dev/pylint
  pydata/xarray sqlfluff/sqlfluff pallets/flask psf/requests mwaskom/seaborn)

[[ "$copies" =~ ^[1-9][0-9]*$ ]] || { echo "COPIES must be a positive whole number" >&2; exit 2; }
[[ ! -e "$out" ]] || { echo "$out exists: choose a new folder" >&2; exit 2; }
for repo in "${repos[@]}"; do
  git --git-dir="$mirrors/${repo/\//+}/repo" rev-parse --verify -q HEAD >/dev/null ||
    { echo "no mirror of $repo under $mirrors (fetch github:$repo first)" >&2; exit 1; }
done
# A mirror may lack its largest blobs (the fetch tool leaves them out); `git archive` would stop at the
# first, so those paths are excluded and named in COMMITS.txt.
missing_blobs() {
  local gone
  gone=$(git --git-dir="$1" ls-tree -r --format='%(objecttype) %(objectname)' HEAD | awk '$1 == "blob" { print $2 }' |
    git --git-dir="$1" cat-file --batch-check | awk '$2 == "missing" { print $1 }')
  [[ -z "$gone" ]] || git --git-dir="$1" -c core.quotePath=false ls-tree -r --format='%(objectname)%x09%(path)' HEAD |
    grep -F -f <(printf '%s\n' "$gone") | cut -f2-
}

mkdir -p "$out"
for repo in "${repos[@]}"; do
  gitdir="$mirrors/${repo/\//+}/repo"
  name=${repo#*/}
  gone=() absent=()
  while IFS= read -r p; do gone+=("$p") absent+=(":(exclude,literal)$p"); done < <(missing_blobs "$gitdir")
  for ((c = 1; c <= copies; c++)); do
    dest=$out/$name
    ((copies == 1)) || dest=$out/copy-$c/$name
    mkdir -p "$dest"
    git --git-dir="$gitdir" archive --format=tar HEAD -- . "${absent[@]}" | tar -x -C "$dest"
  done
  printf '%s %s%s\n' "$repo" "$(git --git-dir="$gitdir" rev-parse HEAD)" \
    "${gone[*]:+ (absent from the mirror, left out: ${gone[*]})}" >>"$out/COMMITS.txt"
done
echo "$out: $(find "$out" -type f | wc -l) files, $(du -sm "$out" | cut -f1) MB" >&2
