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
#
# Every `try-repo` builds the tool again (`cargo install`, release profile) in a fresh store;
# CARGO_TARGET_DIR (default: target/pre-commit) keeps dependencies between builds and runs.
# Cold: ~2-3 minutes on 2 cores; warm: ~1-2 minutes. Needs python3, git, cargo and network
# access to PyPI and crates.io (`cargo install` re-resolves dependencies; Cargo.lock is not
# used). WM_PRE_COMMIT_KEEP=1 keeps the temporary directory.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
export CARGO_TARGET_DIR=${WM_PRE_COMMIT_TARGET_DIR:-$ROOT/target/pre-commit}
export CARGO_TERM_COLOR=never
export NO_COLOR=1
unset WHISPIR_REGION
# Temporary repositories: no user or system git configuration (hooksPath, signing…).
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com

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

step() { printf '\n==> %s\n' "$*"; }
fail() {
    printf '\nFAIL: %s\n' "$*" >&2
    exit 1
}
# expect pass|fail COMMAND...: runs COMMAND, its output shown, and checks the outcome.
expect() {
    local want=$1 status=0
    shift
    printf '$ %s\n' "$*"
    "$@" || status=$?
    case $want in
    pass) [ "$status" -eq 0 ] || fail "expected success, got exit $status: $*" ;;
    fail) [ "$status" -ne 0 ] || fail "expected failure, got exit 0: $*" ;;
    esac
}
# contains FILE TEXT / lacks FILE TEXT
contains() { grep -qF -- "$2" "$1" || fail "$1 does not contain: $2"; }
lacks() { ! grep -qF -- "$2" "$1" || fail "$1 still contains: $2"; }

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

step "project repository with legacy Whispir usage: $WORK/project"
PROJECT=$WORK/project
mkdir -p "$PROJECT/vendor"
cd "$PROJECT"
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
cat notify.sh whispir-migrate.toml

step "try-repo whispir-migrate: must fail"
expect fail "$PRE_COMMIT" try-repo "$WORK/hooks" whispir-migrate --all-files --verbose --color never
git diff --quiet || fail "the check hook changed files"

step "try-repo whispir-migrate-fix: must fix and fail (files were modified)"
expect fail "$PRE_COMMIT" try-repo "$WORK/hooks" whispir-migrate-fix --all-files --verbose --color never
git --no-pager diff
lacks notify.sh "apikey="
lacks notify.sh "api.whispir.com"
contains notify.sh 'curl "https://api.au.whispir.com/messages" -H "x-api-key: $WHISPIR_KEY"'
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

step "all pre-commit checks passed in ${SECONDS}s"
