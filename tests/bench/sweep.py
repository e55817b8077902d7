#!/usr/bin/env python3
"""Scaling sweep over the fixtures: each fixture file that mentions Whispir is repeated k and
8k times (k so that k copies are about 40 KB) into a scratch directory, and `check` and
`fix --diff` are timed on both (child CPU time, best of two). Linear is 8x; a line marked
<<< grew more than 14x with a time that matters. A repeated file repeats its names too, so a
flagged file is a lead to profile, not yet a bug (`tests/scaling.rs` holds the shapes found).

    cargo build --release && python3 tests/bench/sweep.py [PATH-PART] [SCRATCH-DIR]

PATH-PART keeps only fixtures whose path contains it; SCRATCH-DIR defaults to
/tmp/whispir-sweep.
"""
import os
import resource
import subprocess
import sys

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binary = os.path.join(repo, "target", "release", "whispir-migrate")
fixtures = os.path.join(repo, "fixtures")
only = sys.argv[1] if len(sys.argv) > 1 else ""
scratch = sys.argv[2] if len(sys.argv) > 2 else "/tmp/whispir-sweep"


def cpu_time(args, cwd):
    """The child's user and system CPU seconds for one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


COMMANDS = (
    ["check", "--no-config", "--region", "au", "--format", "json", "--exit-zero"],
    ["fix", "--diff", "--no-config", "--region", "au", "--unsafe-fixes"],
)

for folder, _, names in sorted(os.walk(fixtures)):
    for name in sorted(names):
        path = os.path.join(folder, name)
        rel = os.path.relpath(path, fixtures)
        if only not in rel:
            continue
        data = open(path, "rb").read()
        if b"whispir" not in data.lower() or len(data) < 200:
            continue
        k = max(1, 40000 // len(data))
        times = []
        for copies in (k, 8 * k):
            work = os.path.join(scratch, f"{rel.replace('/', '_')}-{copies}")
            os.makedirs(work, exist_ok=True)
            with open(os.path.join(work, name), "wb") as out:
                out.write(data * copies)
            times.append([min(cpu_time([binary] + cmd + [name], work) for _ in range(2)) for cmd in COMMANDS])
        (check1, fix1), (check8, fix8) = times
        check_ratio, fix_ratio = check8 / max(check1, 0.005), fix8 / max(fix1, 0.005)
        slow = (check_ratio > 14 and check8 > 0.3) or (fix_ratio > 14 and fix8 > 0.3)
        print(
            f"{rel:60s} k={k:4d} check {check1:6.3f}->{check8:7.3f} ({check_ratio:5.1f}x) "
            f"fix {fix1:6.3f}->{fix8:7.3f} ({fix_ratio:5.1f}x){'  <<<' if slow else ''}",
            flush=True,
        )
