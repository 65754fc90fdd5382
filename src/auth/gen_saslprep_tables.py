#!/usr/bin/python3
"""Generates saslprep_tables.inc: the tables SASLprep (RFC 4013) needs.

Run with Debian's /usr/bin/python3 (3.11: Unicode 14.0.0, the version
PostgreSQL 15 normalises with):

    /usr/bin/python3 src/auth/gen_saslprep_tables.py > src/auth/saslprep_tables.inc

Sources, all from the Python standard library:
  - stringprep: the RFC 3454 tables (B.1, C.1.2, C.2-C.9, A.1, D.1, D.2),
    defined over Unicode 3.2.0.
  - unicodedata: decomposition mappings and canonical combining classes of
    the current Unicode version, for NFKC.

PostgreSQL rejects (falls back to the raw password for) any string holding a
character of A.1 or C.*, before its NFKC result is used. So the NFKC tables
only cover characters that can survive that check ("allowed") and the
decompositions they reach: 5,126 of Unicode 14's 5,795 mappings (Hangul
syllables are decomposed and composed by rule). Single-code-point mappings
with consecutive targets are stored as runs; composition pairs are not a
separate table but flagged mappings, indexed by kCompositions.
Tables whose value only matters for allowed characters (combining classes,
D.1, D.2) merge ranges across the rejected characters in between.
"""

import stringprep as sp
import sys
import unicodedata as ud

MAX = 0x110000


def prohibited(c):
    ch = chr(c)
    return (sp.in_table_a1(ch) or sp.in_table_c12(ch) or sp.in_table_c21_c22(ch)
            or sp.in_table_c3(ch) or sp.in_table_c4(ch) or sp.in_table_c5(ch)
            or sp.in_table_c6(ch) or sp.in_table_c7(ch) or sp.in_table_c8(ch)
            or sp.in_table_c9(ch))


PROHIBITED = [prohibited(c) for c in range(MAX)]
ALLOWED = [not p and not (0xD800 <= c < 0xE000) for c, p in enumerate(PROHIBITED)]
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3


def ranges(pred, dont_care=None):
    """Inclusive [first, last] ranges where pred holds; code points where
    dont_care holds may be absorbed into a range to merge neighbours."""
    out = []
    for c in range(MAX):
        if pred(c):
            if out and (out[-1][1] == c - 1 or
                        (dont_care and all(dont_care(x) for x in range(out[-1][1] + 1, c)))):
                out[-1][1] = c
            else:
                out.append([c, c])
    return out


def dont_care(c):
    return not ALLOWED[c]


# First-level decomposition mappings of every allowed character and of every
# character those mappings reach (Hangul syllables are decomposed by rule).
mappings = {}
stack = [c for c in range(MAX) if ALLOWED[c] and not HANGUL_FIRST <= c <= HANGUL_LAST]
seen = set()
while stack:
    c = stack.pop()
    if c in seen:
        continue
    seen.add(c)
    d = ud.decomposition(chr(c))
    if not d:
        continue
    parts = d.split()
    compat = parts[0].startswith('<')
    if compat:
        parts = parts[1:]
    target = [int(x, 16) for x in parts]
    # A primary composite: a canonical pair that NFC recomposes.
    composable = (not compat and len(target) == 2 and ud.normalize('NFC', chr(c)) == chr(c))
    mappings[c] = (compat, composable, target)
    stack.extend(target)
assert all(ALLOWED[c] for c in seen), "a decomposition reaches a rejected character"

# Every primary composite of two reachable characters must be in the table.
for c in range(MAX):
    d = ud.decomposition(chr(c))
    if d and not d.startswith('<') and len(d.split()) == 2 and ud.normalize('NFC', chr(c)) == chr(c):
        a, b = (int(x, 16) for x in d.split())
        if a in seen or b in seen or (ALLOWED[a] and ALLOWED[b]):
            assert c in mappings and mappings[c][1], hex(c)

FLAG_COMPAT, FLAG_COMPOSABLE = 1, 2

runs = []    # [first, count, target, flags]: single-code-point mappings
multi = []   # [cp, offset, len, flags]
pool = []
for c in sorted(mappings):
    compat, composable, target = mappings[c]
    flags = (FLAG_COMPAT if compat else 0) | (FLAG_COMPOSABLE if composable else 0)
    if len(target) == 1:
        r = runs[-1] if runs else None
        if r and r[0] + r[1] == c and r[2] + r[1] == target[0] and r[3] == flags:
            r[1] += 1
        else:
            runs.append([c, 1, target[0], flags])
    else:
        multi.append([c, len(pool), len(target), flags])
        pool.extend(target)
assert len(pool) < 65536 and max(m[2] for m in multi) < 256 and max(r[1] for r in runs) < 65536

composition = sorted(range(len(multi)), key=lambda i: (pool[multi[i][1]], pool[multi[i][1] + 1]))
composition = [i for i in composition if multi[i][3] & FLAG_COMPOSABLE]

ccc = []
for c in range(MAX):
    k = ud.combining(chr(c))
    if not k or not ALLOWED[c]:
        continue
    if ccc and ccc[-1][2] == k and all(dont_care(x) for x in range(ccc[-1][1] + 1, c)):
        ccc[-1][1] = c
    else:
        ccc.append([c, c, k])


def emit(name, comment, rows, per_line, fmt):
    print(f"// {comment}")
    print(f"inline constexpr {name}[] = {{")
    for i in range(0, len(rows), per_line):
        print("    " + " ".join(fmt(r) + "," for r in rows[i:i + per_line]))
    print("};")
    print()


def h(x):
    return f"0x{x:X}"


print("// Generated by src/auth/gen_saslprep_tables.py: do not edit.")
print(f"// Unicode {ud.unidata_version} (NFKC data), RFC 3454 tables over Unicode "
      f"{ud.ucd_3_2_0.unidata_version}.")
print("// Included by saslprep.cpp only, inside namespace pgwire::auth::detail.")
print()
rng = lambda r: f"{{{h(r[0])}, {h(r[1])}}}"
emit("CodeRange kMapToSpace", "RFC 3454 C.1.2 non-ASCII spaces: mapped to U+0020.",
     ranges(lambda c: sp.in_table_c12(chr(c))), 4, rng)
emit("CodeRange kMapToNothing", "RFC 3454 B.1 commonly mapped to nothing: deleted.",
     ranges(lambda c: sp.in_table_b1(chr(c))), 4, rng)
emit("CodeRange kProhibited",
     "RFC 4013 prohibited output (C.1.2, C.2.1, C.2.2, C.3-C.9) and A.1 unassigned code points.",
     ranges(lambda c: PROHIBITED[c]), 4, rng)
emit("CodeRange kRandALCat", "RFC 3454 D.1 (bidi R or AL); exact for allowed code points.",
     ranges(lambda c: sp.in_table_d1(chr(c)), dont_care), 4, rng)
emit("CodeRange kLCat", "RFC 3454 D.2 (bidi L); exact for allowed code points.",
     ranges(lambda c: sp.in_table_d2(chr(c)), dont_care), 4, rng)
emit("ClassRange kCombiningClass",
     "Non-zero canonical combining classes; exact for allowed code points.",
     ccc, 4, lambda r: f"{{{h(r[0])}, {h(r[1])}, {r[2]}}}")
print("// Decomposition flags.")
print(f"inline constexpr unsigned kCompat = {FLAG_COMPAT};      // <tag> compatibility mapping")
print(f"inline constexpr unsigned kComposable = {FLAG_COMPOSABLE};  // primary composite of its two code points")
print()
emit("DecompRun kDecompRuns",
     "Single-code-point mappings {first, count, target of first, flags}: first+i maps to target+i.",
     runs, 3, lambda r: f"{{{h(r[0])}, {r[1]}, {h(r[2])}, {r[3]}}}")
emit("DecompMulti kDecompMulti",
     "Multi-code-point mappings {code point, offset in kDecompPool, length, flags}.",
     multi, 3, lambda r: f"{{{h(r[0])}, {r[1]}, {r[2]}, {r[3]}}}")
emit("char32_t kDecompPool", "Targets of kDecompMulti.", pool, 10, h)
emit("std::uint16_t kCompositions",
     "Indices into kDecompMulti of the primary composites, sorted by their pair.",
     composition, 16, str)
