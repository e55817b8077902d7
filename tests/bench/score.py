#!/usr/bin/env python3
"""Score a whispir-migrate JSON report against a make-corpus.py truth file.

Usage: score.py TRUTH.jsonl REPORT.json

A planted must-flag line (deprecated=true) in a tracked file (hidden ones included) counts as
found when the report has a diagnostic on that path and line. A near-miss line with any
diagnostic is a false positive. Must-flag lines in gitignored folders must NOT be reported.
Prints one summary line and, when anything is wrong, the offending lines.
"""
import json
import sys


def main():
    truth_path, report_path = sys.argv[1], sys.argv[2]
    truth = {}
    for line in open(truth_path):
        t = json.loads(line)
        if t["line"] is not None:
            truth[(t["path"], t["line"])] = t
    report = json.load(open(report_path))
    reported = {}
    for d in report["diagnostics"]:
        path = d["path"]
        for prefix in ("./",):
            if path.startswith(prefix):
                path = path[len(prefix):]
        reported.setdefault((path, d["line"]), set()).add(d["code"])
    must = {k for k, t in truth.items() if t["deprecated"] and not t["ignored"]}
    ignored = {k for k, t in truth.items() if t["deprecated"] and t["ignored"]}
    near = {k for k, t in truth.items() if not t["deprecated"]}
    found = must & reported.keys()
    missed = sorted(must - found)
    fps = sorted(near & reported.keys())
    leaked = sorted(ignored & reported.keys())
    rule_gaps = sorted(k for k in found if not set(truth[k]["rules"]) <= reported[k])
    other = len(set(reported) - set(truth))
    print("must-flag found %d/%d (recall %.1f%%); near-miss false positives %d/%d; "
          "gitignored reported %d; lines with a missing rule %d; other reported lines %d"
          % (len(found), len(must), 100.0 * len(found) / max(1, len(must)), len(fps), len(near),
             len(leaked), len(rule_gaps), other))
    for k in missed[:20]:
        print("  missed %s:%d (%s)" % (k[0], k[1], truth[k]["kind"]))
    for k in fps[:20]:
        print("  false positive %s:%d (%s) %s" % (k[0], k[1], truth[k].get("shape"), sorted(reported[k])))
    for k in leaked[:20]:
        print("  gitignored but reported %s:%d" % k)
    for k in rule_gaps[:20]:
        print("  rules %s:%d expected %s got %s" % (k[0], k[1], truth[k]["rules"], sorted(reported[k])))
    return 0 if not missed and not fps and not leaked else 1


if __name__ == "__main__":
    sys.exit(main())
