#!/usr/bin/env python3
"""After `fix`, compare each changed file with its original: every `apikey` query parameter
that disappeared must be matched by an `x-api-key` header that appeared, unless the file
already sent the header or the header appeared in other files (a constant such as
`QUERY_PREFIX = "?apikey="` defined in one file and read by requests in others: `fix` moves
them together, and the headers appear where the requests are); and no file may gain a half-migrated request (a regional host with
the key still in its query: the gateway answers 403). Prints a summary; exits 1 on any file
that lost a key or gained a half-migrated request.

Usage: half_done.py ORIGINAL_TREE FIXED_TREE
"""
import os
import re
import sys

PARAM = re.compile(rb"(?i)(?:[?&]|&amp;)apikey\\?=")
HEADER = re.compile(rb"(?i)x-api-key")
HALF = re.compile(rb"(?i)api\.(?:au|ap|ap1|nz|us|it|edu|education)\.whispir\.com[^\s\"'`<>]*?(?:\?|&|&amp;)apikey\\?=")


def main():
    orig_root, fixed_root = sys.argv[1], sys.argv[2]
    changed = removed_total = half = 0
    # Files that lost more keys than they gained headers, and headers gained beyond the keys
    # their own files lost: the latter may be where the former's keys went.
    short, spare = [], 0
    for dirpath, dirnames, filenames in os.walk(fixed_root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            fixed_path = os.path.join(dirpath, name)
            orig_path = os.path.join(orig_root, os.path.relpath(fixed_path, fixed_root))
            if os.path.islink(fixed_path) or not os.path.exists(orig_path):
                continue
            a, b = open(orig_path, "rb").read(), open(fixed_path, "rb").read()
            if a == b:
                continue
            changed += 1
            removed = len(PARAM.findall(a)) - len(PARAM.findall(b))
            added = len(HEADER.findall(b)) - len(HEADER.findall(a))
            removed_total += max(removed, 0)
            gained = len(HALF.findall(b)) - len(HALF.findall(a))
            if gained > 0:
                half += gained
                print("  half-migrated: %s (%d regional URLs gained the key in the query)" % (orig_path, gained))
            if removed > added and not HEADER.search(a):
                short.append((orig_path, removed, added))
            elif added > max(removed, 0):
                spare += added - max(removed, 0)
    bad = 0
    moved = sum(r - a for _, r, a in short)
    if moved and moved <= spare:
        print("  %d keys of %d files moved to headers added in other files" % (moved, len(short)))
    else:
        for path, removed, added in short:
            bad += 1
            print("  key lost: %s (%d parameters removed, %d headers added)" % (path, removed, added))
    print("files changed %d; apikey parameters removed %d; files that lost a key without a header %d;"
          " half-migrated requests %d" % (changed, removed_total, bad, half))
    return 1 if bad or half else 0


if __name__ == "__main__":
    sys.exit(main())
