# Helpers for the end-to-end shell tests (tests/pre-commit/run.sh, tests/packaging/run.sh):
# source it after `set -euo pipefail`.

step() { printf '\n==> %s\n' "$*"; }
fail() {
    printf '\nFAIL: %s\n' "$*" >&2
    exit 1
}
# expect pass|fail|STATUS COMMAND...: runs COMMAND, its output shown, and checks the outcome
# (fail: any non-zero status; STATUS: exactly that one).
expect() {
    local want=$1 status=0
    shift
    printf '$ %s\n' "$*"
    "$@" || status=$?
    case $want in
    pass) [ "$status" -eq 0 ] || fail "expected success, got exit $status: $*" ;;
    fail) [ "$status" -ne 0 ] || fail "expected failure, got exit 0: $*" ;;
    *) [ "$status" -eq "$want" ] || fail "expected exit $want, got exit $status: $*" ;;
    esac
}
# contains FILE TEXT / lacks FILE TEXT
contains() { grep -qF -- "$2" "$1" || fail "$1 does not contain: $2"; }
lacks() { ! grep -qF -- "$2" "$1" || fail "$1 still contains: $2"; }
# Temporary git repositories: no user or system configuration (hooksPath, signing…).
isolate_git() {
    export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
    export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com
    export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com
}
# elapsed SINCE_SECONDS: "N s" since $SECONDS was SINCE_SECONDS.
elapsed() { printf '%d s' $((SECONDS - $1)); }
