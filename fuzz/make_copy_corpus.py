#!/usr/bin/python3
"""Seeds of fuzz/corpus/copy: the COPY data PostgreSQL 15 wrote and read in
tests/types/data/copy/ (see capture.py there), each behind the two bytes of
fuzz_copy.cpp that pick the format, HEADER, option set, column count and
CopyData size.

    /usr/bin/python3 fuzz/make_copy_corpus.py
"""
import os
from corpus_util import write_seeds

root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
data = os.path.join(root, 'tests/types/data/copy')
out = os.path.join(root, 'fuzz/corpus/copy')

TEXT, CSV, BINARY = 0, 1, 2
HEADER, MATCH = 4, 8


def mode(fmt, variant=0, header=0, columns=3, piece=0):
    return bytes([fmt | header | (variant << 4), columns | (piece << 4)])


# The golden files: 8 columns (1 for the *_single ones); fuzz_copy's option
# set 1 is the captures' DELIMITER '|' NULL 'nil' (text) and
# DELIMITER ';' QUOTE '''' ESCAPE '\' NULL 'NULL' (csv).
golden = {
    'text.copy': mode(TEXT, columns=8),
    'text_header.copy': mode(TEXT, header=HEADER, columns=8, piece=3),
    'text_options.copy': mode(TEXT, variant=1, columns=8, piece=5),
    'text_single.copy': mode(TEXT, columns=1, piece=1),
    'csv.copy': mode(CSV, columns=8),
    'csv_header.copy': mode(CSV, header=HEADER, columns=8, piece=2),
    'csv_force_quote.copy': mode(CSV, variant=2, columns=8, piece=7),
    'csv_options.copy': mode(CSV, variant=1, header=HEADER, columns=8, piece=4),
    'csv_single.copy': mode(CSV, columns=1, piece=1),
    'binary.copy': mode(BINARY, columns=8, piece=6),
}
seeds = []
for name, head in golden.items():
    seeds.append(head + open(os.path.join(data, name), 'rb').read())

# Every input PostgreSQL read in decode_cases.tsv (3 columns), with the
# default options of its format (the case's own options where fuzz_copy has them).
for line in open(os.path.join(data, 'decode_cases.tsv')):
    if line.startswith('#'):
        continue
    name, options, hexdata = line.rstrip('\n').split('\t')[:3]
    fmt = BINARY if name.startswith('bin_') else CSV if name.startswith('csv_') else TEXT
    header = MATCH | HEADER if 'match' in options.lower() else HEADER if 'HEADER' in options else 0
    seeds.append(mode(fmt, header=header, piece=len(seeds) % 4) + bytes.fromhex(hexdata))

write_seeds(out, seeds)
