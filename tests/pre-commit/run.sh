#!/usr/bin/env bash
# End-to-end test of .pre-commit-hooks.yaml with the real pre-commit framework.
#
# 1. Installs pre-commit from PyPI into a throwaway venv.
# 2. Snapshots this repository's working tree (tracked and untracked, not ignored files) into
#    a temporary git repository and commits it: `language: rust` hooks are built with
#    `cargo install` from a commit, and `pre-commit try-repo` on a dirty repository would only
#    carry tracked changes (not a new .pre-commit-hooks.yaml).
# 3. Creates a project repository with legacy Whispir usage and runs, with `try-repo`:
#    whispir-migrate (fails), whispir-migrate-fix (fails: files changed), whispir-migrate
#    (passes); an excluded vendor/ file must be left alone.
# 4. Installs the hooks as a git pre-commit hook and commits a new legacy file next to an
#    unstaged edit: the commit is refused and fixed, the unstaged edit survives, and the
#    re-staged commit goes through.
# 5. `pre-commit autoupdate --freeze` pins the snapshot's newest commit (README's way to find
#    the SHA, with `git ls-remote`).
# 6. README's `repo: local` / `language: system` block as written: fails without the binary on
#    PATH, fails on legacy usage with it (a `cargo install --locked` build), and its fix hook
#    fixes what the shipped fix hook fixes.
#
# Every `try-repo` builds the tool again (`cargo install`, release profile) in a fresh store;
# the target directory (WM_PRE_COMMIT_TARGET_DIR, else CARGO_TARGET_DIR, else target/pre-commit;
# .ci/run shares target/ with the test and wheel builds) keeps dependencies between builds.
# Measured on a busy 2-core machine: 507 s in .ci/run after the wheel's release build (shared
# dependencies), 1114 s alone with an empty target directory. Needs python3, git, cargo and network
# access to PyPI and crates.io (`cargo install` re-resolves dependencies; Cargo.lock is not
# used). WM_PRE_COMMIT_KEEP=1 keeps the temporary directory.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
export CARGO_TARGET_DIR=${WM_PRE_COMMIT_TARGET_DIR:-${CARGO_TARGET_DIR:-$ROOT/target/pre-commit}}
export CARGO_TERM_COLOR=never
export NO_COLOR=1
unset WHISPIR_REGION
# shellcheck source=../common/steps.sh
. "$ROOT/tests/common/steps.sh"
isolate_git

WORK=$(mktemp -d "${TMPDIR:-/tmp}/wm-pre-commit.XXXXXX")
cleanup() {
    if [ "${WM_PRE_COMMIT_KEEP:-}" = 1 ]; then
        echo "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
export PRE_COMMIT_HOME=$WORK/pre-commit-home


step "pre-commit from PyPI into $WORK/venv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
PRE_COMMIT=$WORK/venv/bin/pre-commit
"$PRE_COMMIT" --version

step "snapshot of $ROOT (working tree) committed in $WORK/hooks"
mkdir "$WORK/hooks"
(
    cd "$ROOT"
    git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do
            if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
        done |
        tar --null -T - -cf -
) | tar -C "$WORK/hooks" -xf -
[ -f "$WORK/hooks/.pre-commit-hooks.yaml" ] || fail "no .pre-commit-hooks.yaml in $ROOT"
git -C "$WORK/hooks" init -q -b main
git -C "$WORK/hooks" add -A
git -C "$WORK/hooks" commit -q -m snapshot
git -C "$WORK/hooks" log --oneline

# legacy_project DIR: a committed git repository with legacy Whispir usage, its region and an
# excluded vendor/ copy in whispir-migrate.toml.
legacy_project() {
    [ -n "${1:-}" ] || fail "legacy_project: no directory given"
    mkdir -p "$1/vendor"
    (
        cd "$1" || exit 1
        git init -q -b main
        cat >notify.sh <<'EOF'
#!/bin/sh
# Sends a message through Whispir.
curl "https://api.au.whispir.com/messages?apikey=$WHISPIR_KEY" -u "$WHISPIR_USER:$WHISPIR_PASSWORD" -d @m.json
curl "https://api.whispir.com/messages?apikey=$WHISPIR_KEY" -u "$WHISPIR_USER:$WHISPIR_PASSWORD" -d @m.json
EOF
        # Third-party code, excluded in the config: must neither fail the hook nor be rewritten.
        cp notify.sh vendor/upstream.sh
        # The region for the host fix comes from the config file at the repository root.
        printf 'region = "au"\nextend-exclude = ["vendor/"]\n' >whispir-migrate.toml
        git add -A
        git commit -q -m "legacy integration"
    )
}
MIGRATED_LINE='curl "https://api.au.whispir.com/messages" -H "x-api-key: $WHISPIR_KEY"'

step "project repository with legacy Whispir usage: $WORK/project"
PROJECT=$WORK/project
legacy_project "$PROJECT"
cd "$PROJECT"
cat notify.sh whispir-migrate.toml

step "try-repo whispir-migrate: must fail"
started=$SECONDS
expect fail "$PRE_COMMIT" try-repo "$WORK/hooks" whispir-migrate --all-files --verbose --color never
echo "first try-repo (the hook's cargo install included) in $(elapsed "$started")"
git diff --quiet || fail "the check hook changed files"

step "try-repo whispir-migrate-fix: must fix and fail (files were modified)"
expect fail "$PRE_COMMIT" try-repo "$WORK/hooks" whispir-migrate-fix --all-files --verbose --color never
git --no-pager diff
lacks notify.sh "apikey="
lacks notify.sh "api.whispir.com"
contains notify.sh "$MIGRATED_LINE"
git diff --quiet -- vendor/ || fail "the excluded vendor/ file was rewritten"

step "try-repo whispir-migrate: must pass now"
expect pass "$PRE_COMMIT" try-repo "$WORK/hooks" whispir-migrate --all-files --verbose --color never
git commit -q -am "migrate to the regional gateway"

step "git commit with the hooks installed (fix, then gate)"
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $WORK/hooks
    rev: $(git -C "$WORK/hooks" rev-parse HEAD)
    hooks:
      - id: whispir-migrate-fix
      - id: whispir-migrate
EOF
git add .pre-commit-config.yaml
git commit -q -m "pre-commit config"
expect pass "$PRE_COMMIT" install
printf '#!/bin/sh\ncurl "https://api.whispir.com/alerts?apikey=$KEY&x=1"\n' >alert.sh
git add alert.sh
echo "# unstaged edit" >>notify.sh
expect fail git commit -m "add alert.sh"
[ "$(git rev-list --count HEAD)" = 3 ] || fail "the commit went through"
contains alert.sh 'curl "https://api.au.whispir.com/alerts?x=1" -H "x-api-key: $KEY"'
contains notify.sh "# unstaged edit"
git diff --cached --quiet -- notify.sh || fail "the unstaged edit was staged"
git add alert.sh
expect pass git commit -m "add alert.sh"
[ "$(git rev-list --count HEAD)" = 4 ] || fail "the commit did not go through"
contains notify.sh "# unstaged edit"

step "pre-commit autoupdate --freeze pins the hooks repository's newest commit"
git -C "$WORK/hooks" commit -q --allow-empty -m "a newer commit"
NEWEST=$(git ls-remote "$WORK/hooks" HEAD | cut -f1)
[ "$NEWEST" = "$(git -C "$WORK/hooks" rev-parse HEAD)" ] || fail "git ls-remote: $NEWEST"
expect pass "$PRE_COMMIT" autoupdate --freeze --color never
cat .pre-commit-config.yaml
contains .pre-commit-config.yaml "rev: $NEWEST"

# The README's `repo: local` block, as written (the fix hook uncommented for its own run).
readme_local_config() {
    awk '/<!-- pre-commit-local/ { found = 1; next }
         found && /^```yaml/ { inside = 1; next }
         inside && /^```/ { exit }
         inside { print }' "$ROOT/README.md"
}
readme_local_config >"$WORK/local-config.yaml"
grep -q "language: system" "$WORK/local-config.yaml" || fail "no local hook block in README.md"

step "the binary on PATH, as a CI image would have it: cargo install --locked"
started=$SECONDS
cargo install --quiet --locked --path "$WORK/hooks" --root "$WORK/system"
echo "built in $(elapsed "$started")"
SYSTEM_PATH=$WORK/system/bin:$PATH

step "repo: local hook with language: system (README): $WORK/local"
LOCAL=$WORK/local
legacy_project "$LOCAL"
cd "$LOCAL"
cp "$WORK/local-config.yaml" .pre-commit-config.yaml
cat .pre-commit-config.yaml
git add .pre-commit-config.yaml
git commit -q -m "pre-commit config"
# Without the binary on PATH the hook cannot run: it is the system binary that runs.
PATH_WITHOUT_TOOL=$(tr ':' '\n' <<<"$PATH" | while read -r dir; do
    [ -x "$dir/whispir-migrate" ] || printf '%s:' "$dir"
done)
PATH=${PATH_WITHOUT_TOOL%:} expect fail "$PRE_COMMIT" run whispir-migrate --all-files --color never >"$WORK/local.out"
cat "$WORK/local.out"
contains "$WORK/local.out" "Executable \`whispir-migrate\` not found"
started=$(date +%s%N)
PATH=$SYSTEM_PATH expect fail "$PRE_COMMIT" run whispir-migrate --all-files --verbose --color never >"$WORK/local.out"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
cat "$WORK/local.out"
contains "$WORK/local.out" "WM001"
contains "$WORK/local.out" "notify.sh"
lacks "$WORK/local.out" "vendor/"
echo "the local hook ran in ${elapsed_ms} ms (pre-commit included)"
git diff --quiet || fail "the check hook changed files"

step "repo: local fix hook (README's commented lines): fixes, fails, then the gate passes"
sed -E 's/^      # ( *(- id|name|entry|language|types):)/      \1/' "$WORK/local-config.yaml" >.pre-commit-config.yaml
contains .pre-commit-config.yaml "- id: whispir-migrate-fix"
git commit -q -am "pre-commit config with the fix hook"
PATH=$SYSTEM_PATH expect fail "$PRE_COMMIT" run whispir-migrate-fix --all-files --verbose --color never
contains notify.sh "$MIGRATED_LINE"
lacks notify.sh "api.whispir.com"
git diff --quiet -- vendor/ || fail "the excluded vendor/ file was rewritten"
PATH=$SYSTEM_PATH expect pass "$PRE_COMMIT" run whispir-migrate --all-files --color never

step "all pre-commit checks passed in ${SECONDS}s"
