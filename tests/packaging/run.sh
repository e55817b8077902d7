#!/usr/bin/env bash
# End-to-end test of the two ways the tool ships besides `cargo install`:
#
# 1. The Python package (pyproject.toml, maturin `bin` bindings): maturin and check-jsonschema
#    from PyPI into a tools venv; the wheel built through maturin's PEP 517 backend, the path
#    `pip install .` takes; installed into a fresh venv, whose `whispir-migrate` is run on a
#    fixture (exit status and output checked) and on a clean folder.
# 2. The GitHub Action (action.yml): validated with `check-jsonschema --builtin-schema
#    vendor.github-actions`, README's workflow with `vendor.github-workflows`; then the
#    action's steps run as the runner runs them (tests/packaging/run_action.py): built with
#    `cargo install --locked` from this checkout, on a project with legacy usage (exit 1,
#    `::error` annotations, a SARIF report with the findings), with the wheel's binary on a
#    clean project (exit 0), and with bad inputs (exit 2).
#
# Builds share the cargo target directory (CARGO_TARGET_DIR, else target/): the wheel and the
# action's `cargo install --locked` are release builds of the same locked dependencies.
# Needs python3 (venv), git, cargo and network access to PyPI. WM_PACKAGING_KEEP=1 keeps the
# temporary directory.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../common/steps.sh
. "$ROOT/tests/common/steps.sh"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export CARGO_TERM_COLOR=never NO_COLOR=1
unset WHISPIR_REGION
isolate_git

WORK=$(mktemp -d "${TMPDIR:-/tmp}/wm-packaging.XXXXXX")
cleanup() {
    if [ "${WM_PACKAGING_KEEP:-}" = 1 ]; then
        echo "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -1)
[ -n "$VERSION" ] || fail "no version in Cargo.toml"

step "maturin and check-jsonschema from PyPI into $WORK/tools"
started=$SECONDS
python3 -m venv "$WORK/tools"
"$WORK/tools/bin/pip" install --quiet --disable-pip-version-check maturin check-jsonschema
"$WORK/tools/bin/maturin" --version
"$WORK/tools/bin/check-jsonschema" --version
echo "tools installed in $(elapsed "$started")"

step "the wheel, built through maturin's PEP 517 backend (what \`pip install .\` runs)"
started=$SECONDS
(cd "$ROOT" && PATH=$WORK/tools/bin:$PATH "$WORK/tools/bin/pip" wheel --quiet \
    --disable-pip-version-check --no-build-isolation --no-deps --wheel-dir "$WORK/dist" .)
ls -l "$WORK/dist"
WHEELS=("$WORK/dist"/whispir_migrate-"$VERSION"-*.whl)
[ ${#WHEELS[@]} = 1 ] && [ -f "${WHEELS[0]}" ] || fail "expected one whispir_migrate-$VERSION wheel"
echo "wheel built in $(elapsed "$started")"

step "the wheel installed into a fresh venv puts whispir-migrate on its PATH"
python3 -m venv "$WORK/app"
"$WORK/app/bin/pip" install --quiet --disable-pip-version-check --no-index "${WHEELS[0]}"
[ "$(PATH=$WORK/app/bin:$PATH command -v whispir-migrate)" = "$WORK/app/bin/whispir-migrate" ] ||
    fail "whispir-migrate is not in the venv's bin/"
expect pass "$WORK/app/bin/whispir-migrate" --version >"$WORK/version.out"
cat "$WORK/version.out"
contains "$WORK/version.out" "whispir-migrate $VERSION"

step "check from the venv: legacy usage in a fixture (exit 1), a clean folder (exit 0)"
(cd "$ROOT" && expect 1 "$WORK/app/bin/whispir-migrate" check fixtures/http/contacts.rest) >"$WORK/check.out"
cat "$WORK/check.out"
contains "$WORK/check.out" "error[WM001]: Retired Whispir gateway \`api.whispir.com\`"
contains "$WORK/check.out" "fixtures/http/contacts.rest:7:13"
contains "$WORK/check.out" "fixtures/http/contacts.rest:13:42"
mkdir "$WORK/clean"
printf 'curl "https://api.au.whispir.com/messages" -H "x-api-key: $KEY"\n' >"$WORK/clean/ok.sh"
expect pass "$WORK/app/bin/whispir-migrate" check "$WORK/clean"

step "action.yml against the schema check-jsonschema vendors"
expect pass "$WORK/tools/bin/check-jsonschema" --builtin-schema vendor.github-actions "$ROOT/action.yml"
awk '/<!-- github-workflow/ { found = 1; next }
     found && /^```yaml/ { inside = 1; next }
     inside && /^```/ { exit }
     inside { print }' "$ROOT/README.md" >"$WORK/workflow.yml"
grep -q "github/codeql-action/upload-sarif" "$WORK/workflow.yml" || fail "no workflow in README.md"
cat "$WORK/workflow.yml"
expect pass "$WORK/tools/bin/check-jsonschema" --builtin-schema vendor.github-workflows "$WORK/workflow.yml"

# run_action ARGS...: the action's steps in the current directory (outputs in $WORK/outputs).
run_action() { "$WORK/tools/bin/python" "$ROOT/tests/packaging/run_action.py" "$ROOT" "$WORK/outputs" "$@"; }

step "the action on a project with legacy usage (install: cargo install --locked)"
mkdir "$WORK/project"
cp "$ROOT/fixtures/http/contacts.rest" "$WORK/project/"
cd "$WORK/project"
git init -q -b main && git add -A && git commit -q -m "legacy requests"
started=$SECONDS
expect 1 run_action "args=--region au" >"$WORK/action.out"
cat "$WORK/action.out"
echo "action (build included) ran in $(elapsed "$started")"
contains "$WORK/action.out" "::error file=contacts.rest,line=7"
contains "$WORK/action.out" "WM001"
SARIF=$(sed -n 's/^sarif-file=//p' "$WORK/outputs")
case $SARIF in
/*/runner-*/whispir-migrate.sarif) ;;
*) fail "the report is not in RUNNER_TEMP: $SARIF" ;;
esac
"$WORK/tools/bin/python" - "$SARIF" <<'EOF'
import json, sys
sarif = json.load(open(sys.argv[1]))
assert sarif["version"] == "2.1.0", sarif["version"]
results = sarif["runs"][0]["results"]
rules = sorted({r["ruleId"] for r in results})
assert len(results) == 3 and rules == ["WM001", "WM002"], (len(results), rules)
print(f"SARIF: {len(results)} results, rules {rules}")
EOF
git diff --quiet || fail "the action changed files"
[ -z "$(git status --porcelain)" ] || fail "the action left files in the checkout"
# A second run finds the same: nothing of the first one is scanned.
expect 1 run_action "args=--region au" >"$WORK/action2.out"
[ "$(grep -c '^::error' "$WORK/action2.out")" = 3 ] || fail "the second run differs"

step "the action with the wheel's binary on PATH (install: false), on a clean project"
cd "$WORK/clean"
PATH=$WORK/app/bin:$PATH expect pass run_action install=false sarif-file=../report.sarif >"$WORK/action.out"
cat "$WORK/action.out"
lacks "$WORK/action.out" "::error"
contains "$WORK/outputs" "sarif-file=../report.sarif"
"$WORK/tools/bin/python" -c 'import json, sys; assert json.load(open(sys.argv[1]))["runs"][0]["results"] == []' ../report.sarif

step "the action's bad inputs: exit 2 with an annotation"
PATH_WITHOUT_TOOL=$(tr ':' '\n' <<<"$PATH" | while read -r dir; do
    [ -x "$dir/whispir-migrate" ] || printf '%s:' "$dir"
done)
PATH=${PATH_WITHOUT_TOOL%:} expect 2 run_action install=false >"$WORK/action.out"
contains "$WORK/action.out" "::error::install is false and whispir-migrate is not on PATH"
expect 2 run_action install=yes >"$WORK/action.out"
contains "$WORK/action.out" "::error::install must be true or false, not 'yes'"

step "all packaging checks passed in ${SECONDS}s"
