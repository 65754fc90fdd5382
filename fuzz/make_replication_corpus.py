#!/usr/bin/python3
"""Seeds of fuzz/corpus/replication: every command text of
tests/replication/command_grammar_test.cpp (valid and invalid, as checked
against PostgreSQL 15) plus what pg_recvlogical, psycopg2, pgjdbc and a
PostgreSQL 15 subscriber send.

    /usr/bin/python3 fuzz/make_replication_corpus.py
"""
import os, re
from corpus_util import write_seeds
root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
test = open(root + '/tests/replication/command_grammar_test.cpp').read()
literal = r'"((?:[^"\\]|\\.)*)"'
texts = re.findall(r'(?:parsed|error_of|options_of|error)\(' + literal + r'\)', test)
texts += re.findall(r'\{' + literal + r', "\d{5} ', test)
seeds = {bytes(t, 'utf-8').decode('unicode_escape').encode('latin-1') for t in texts}
seeds |= {s.encode() for s in [
    'CREATE_REPLICATION_SLOT "pg_recvlogical_slot" LOGICAL "test_decoding" NOEXPORT_SNAPSHOT',
    'START_REPLICATION SLOT "slot" LOGICAL 0/0 ("include-xids" \'0\', "skip-empty-xacts" \'1\')',
    'CREATE_REPLICATION_SLOT "sub" LOGICAL pgoutput (SNAPSHOT \'nothing\')',
    'START_REPLICATION SLOT "sub" LOGICAL 0/0 (proto_version \'3\', publication_names \'"pub"\')',
    'CREATE_REPLICATION_SLOT jdbc_slot TEMPORARY LOGICAL test_decoding',
    'START_REPLICATION SLOT jdbc_slot LOGICAL 0/16B6F50 ("include-xids" \'false\')',
    'SHOW data_directory_mode', 'TIMELINE_HISTORY 1', 'READ_REPLICATION_SLOT s',
    'DROP_REPLICATION_SLOT "psycopg2" WAIT', 'IDENTIFY_SYSTEM;',
]}
out = root + '/fuzz/corpus/replication'
write_seeds(out, seeds)
