"""Runs a composite action.yml's steps the way GitHub's runner does, for a local test.

Usage: run_action.py ACTION_DIR OUTPUTS_FILE [INPUT=VALUE]...

Each step must be a `run` step with `shell: bash` whose `${{ … }}` expressions are all in its
`env` (action.yml keeps them out of scripts so that no input can inject shell code); only
`inputs.NAME`, `github.action_path` and `steps.ID.outputs.NAME` are known. The script runs as
the runner runs it (`bash --noprofile --norc -eo pipefail FILE`) in the current directory,
with RUNNER_TEMP, GITHUB_PATH and GITHUB_OUTPUT files: lines a step adds to GITHUB_PATH are on
PATH for the following steps, `name=value` lines in GITHUB_OUTPUT become `steps.ID.outputs`.
The first failing step ends the run with its exit status, as in a composite action. The
action's outputs (empty where their step did not set them) are written to OUTPUTS_FILE as
`name=value` lines. Needs ruamel.yaml (a
dependency of check-jsonschema).
"""

import os
import re
import subprocess
import sys
import tempfile

from ruamel.yaml import YAML

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
STEP_KEYS = {"name", "id", "shell", "env", "run"}


def fail(message):
    sys.exit(f"run_action.py: {message}")


def expand(text, context):
    def value(match):
        name = match.group(1)
        if name not in context:
            fail(f"unknown expression `{name}` in {text!r}")
        return context[name]

    return EXPRESSION.sub(value, str(text))


def read_outputs(path):
    outputs = {}
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            name, sep, value = line.partition("=")
            if not sep or "<<" in name:
                fail(f"GITHUB_OUTPUT line not understood: {line!r}")
            outputs[name] = value
    return outputs


def main():
    if len(sys.argv) < 3:
        fail(__doc__.strip().splitlines()[2])
    action_dir, outputs_file = os.path.abspath(sys.argv[1]), sys.argv[2]
    with open(os.path.join(action_dir, "action.yml"), encoding="utf-8") as f:
        action = YAML(typ="safe").load(f)
    if action["runs"]["using"] != "composite":
        fail("not a composite action")

    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    for pair in sys.argv[3:]:
        name, _, value = pair.partition("=")
        if name not in inputs:
            fail(f"the action has no input `{name}`")
        inputs[name] = value
    context = {"github.action_path": action_dir}
    context.update({f"inputs.{name}": value for name, value in inputs.items()})

    temp = tempfile.mkdtemp(prefix="runner-")
    path_file = os.path.join(temp, "github_path")
    open(path_file, "w").close()
    added_path = []
    status = 0
    for index, step in enumerate(action["runs"]["steps"]):
        label = step.get("name", f"step {index + 1}")
        unknown = set(step) - STEP_KEYS
        if unknown:
            fail(f"{label}: keys this runner does not model: {sorted(unknown)}")
        if step.get("shell") != "bash":
            fail(f"{label}: shell must be bash")
        if "${{" in step["run"]:
            fail(f"{label}: an expression in the script; pass it through env")
        output_file = os.path.join(temp, f"output-{index}")
        open(output_file, "w").close()
        script = os.path.join(temp, f"step-{index}.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(step["run"])
        env = dict(os.environ)
        env.update({k: expand(v, context) for k, v in (step.get("env") or {}).items()})
        env.update(RUNNER_TEMP=temp, GITHUB_PATH=path_file, GITHUB_OUTPUT=output_file)
        env["PATH"] = os.pathsep.join(added_path + [os.environ["PATH"]])
        print(f"::group::{label}", flush=True)
        status = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", script], env=env
        ).returncode
        print("::endgroup::", flush=True)
        with open(path_file, encoding="utf-8") as f:
            added_path = [line for line in reversed(f.read().splitlines()) if line]
        if "id" in step:
            for name, value in read_outputs(output_file).items():
                context[f"steps.{step['id']}.outputs.{name}"] = value
        if status != 0:
            print(f"{label}: exit {status}", file=sys.stderr)
            break
    # Outputs set before a failing step are kept (a later step may upload the report).
    known = {name: value for name, value in context.items() if name.startswith("steps.")}
    with open(outputs_file, "w", encoding="utf-8") as f:
        for name, spec in (action.get("outputs") or {}).items():
            value = EXPRESSION.sub(lambda m: known.get(m.group(1), ""), str(spec["value"]))
            f.write(f"{name}={value}\n")
    sys.exit(status)


if __name__ == "__main__":
    main()
