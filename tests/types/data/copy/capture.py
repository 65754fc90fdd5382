#!/usr/bin/python3
# Captures the golden COPY bytes and errors of tests/types/copy_*_test.cpp
# from a real PostgreSQL 15. Not run by CI: CI compares against the files
# this writes next to it.
#
#   /usr/bin/python3 tests/types/data/copy/capture.py
#
# Needs Debian's postgresql-15 and python3-psycopg2 (Debian's packages are
# seen by /usr/bin/python3 only). Starts a throwaway cluster in a temporary
# directory on a loopback port below 32768 (initdb refuses root, so as root
# it runs as the postgres user) and removes it on exit. PGBIN and
# PGPORT_GEN override the binaries' location and the port.
#
# Output:
#   <name>.copy        COPY (SELECT * FROM golden ORDER BY id) TO STDOUT in
#                      the formats of OUTPUTS, byte for byte
#   decode_cases.tsv   COPY ... FROM STDIN of each input in DECODE_CASES:
#                      name, options (SQL after STDIN), input (hex), then
#                      either "ok" and the rows read back, or the SQLSTATE,
#                      the message and the CONTEXT line
#   option_cases.tsv   each COPY statement of OPTION_CASES: name, direction,
#                      options, then "ok" or the SQLSTATE and the message
import os
import shutil
import subprocess
import sys
import tempfile

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
PORT = int(os.environ.get("PGPORT_GEN", "25491"))

# The golden table: every type the tests convert, and values that need
# escaping or quoting in some format. Tests hard-code the same column types.
GOLDEN_SQL = r"""
CREATE TABLE golden (id int4, txt text, f8 float8, b bool, by bytea,
                     ts timestamp, num numeric, arr text[]);
INSERT INTO golden VALUES
 (1, 'plain', 1.5, true, '\x00ff10', '2024-01-02 03:04:05.123456', 123.456, '{a,b}'),
 (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (3, '', 0, false, '\x', 'infinity', 'NaN', '{}'),
 (4, E'tab\there', '-0', true, '\x5c', '1999-12-31 23:59:59', -0.000001, '{"a b",NULL,"x\"y",""}'),
 (5, E'new\nline and cr\rhere', 1e300, false, '\x0a0d09', '2000-01-01 00:00:00', 1e20, '{"with,comma"}'),
 (6, E'back\\slash \\N \\.', 0.1, NULL, '\x2c22', '1970-01-01 00:00:00.5', 0, '{"back\\slash"}'),
 (7, 'quote"d, comma', 'Infinity', true, '\x', '2038-01-19 03:14:08', 99999999999999999999.99, '{NULL}'),
 (8, 'ünïcödé € 😀', '-Infinity', true, '\xe282ac', '0001-01-01 00:00:00', 1, '{ü,"€ 1"}'),
 (9, E'\\.', 'NaN', false, '\x', '294276-12-31 23:59:59.999999', 2.5, NULL),
 (10, E'ctl\x01\x7f\b\f\x0b', 1.0000000000000002, true, '\x01', '2024-02-29 12:00:00', 12.340, '{x}'),
 (11, 'NULL', 3, true, '\x', '2024-01-01 00:00:00', 3, '{}');
CREATE TABLE single (v text);
INSERT INTO single VALUES (E'\\.'), (''), (NULL), ('x'), (E'\\.x');
"""

SELECT = "SELECT * FROM golden ORDER BY id"
OUTPUTS = [
    ("text", f"COPY ({SELECT}) TO STDOUT"),
    ("text_header", f"COPY ({SELECT}) TO STDOUT WITH (FORMAT text, HEADER true)"),
    ("text_options", f"COPY ({SELECT}) TO STDOUT WITH (DELIMITER '|', NULL 'nil')"),
    ("csv", f"COPY ({SELECT}) TO STDOUT WITH (FORMAT csv)"),
    ("csv_header", f"COPY ({SELECT}) TO STDOUT WITH (FORMAT csv, HEADER)"),
    ("csv_force_quote", f"COPY ({SELECT}) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *)"),
    ("csv_options", f"COPY ({SELECT}) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';', "
                    "QUOTE '''', ESCAPE '\\', NULL 'NULL', FORCE_QUOTE (num))"),
    ("csv_single", "COPY (SELECT v FROM single) TO STDOUT WITH (FORMAT csv)"),
    ("text_single", "COPY (SELECT v FROM single) TO STDOUT"),
    ("binary", f"COPY ({SELECT}) TO STDOUT WITH (FORMAT binary)"),
]

SIG = b"PGCOPY\n\xff\r\n\x00"


def i16(v):
    return v.to_bytes(2, "big", signed=True)


def i32(v):
    return v.to_bytes(4, "big", signed=True)


def tup(*fields):
    out = i16(len(fields))
    for f in fields:
        out += i32(-1) if f is None else i32(len(f)) + f
    return out


HDR = SIG + i32(0) + i32(0)
ROW = tup(b"a", b"", None)

# (name, table, options, input). Table t: (a text, b text, c text); table tb:
# (a bytea, b bytea, c bytea) for binary, whose receive function takes any bytes.
DECODE_CASES = [
    # text
    ("text_basic", "t", "", b"a\tb\tc\nd\te\tf\n"),
    ("text_escapes", "t", "", b"\\b\\f\\n\\r\\t\\v\\\\\t\\101\\x41\\x4g\\x\\q\\7\\18\t\\N\n"),
    ("text_null_custom", "t", "WITH (NULL 'nil')", b"nil\t\\N\t\n"),
    ("text_null_empty", "t", "WITH (NULL '')", b"\t\\N\tx\n"),
    ("text_delimiter", "t", "WITH (DELIMITER '|')", b"a|b\\|c|d\t\n"),
    ("text_no_final_newline", "t", "", b"a\tb\tc\nd\te\tf"),
    ("text_crlf", "t", "", b"a\tb\tc\r\nd\te\tf\r\n"),
    ("text_cr", "t", "", b"a\tb\tc\rd\te\tf\r"),
    ("text_nl_then_cr", "t", "", b"a\tb\tc\nd\te\tf\r\n"),
    ("text_crlf_then_nl", "t", "", b"a\tb\tc\r\nd\te\tf\n"),
    ("text_cr_then_nl", "t", "", b"a\tb\tc\rd\te\tf\n"),
    ("text_end_marker", "t", "", b"a\tb\tc\n\\.\nignored\xff\n"),
    ("text_end_marker_after_data", "t", "", b"a\tb\tc\\.\nx\n"),
    ("text_end_marker_crlf", "t", "", b"a\tb\tc\r\n\\.\r\n"),
    ("text_end_marker_style", "t", "", b"a\tb\tc\r\n\\.\n"),
    ("text_end_marker_corrupt", "t", "", b"a\tb\tc\n\\.x\n"),
    ("text_end_marker_at_eof", "t", "", b"a\tb\tc\n\\."),
    ("text_backslash_newline", "t", "", b"a\\\nb\tb\\\rc\tc\n"),
    ("text_backslash_at_eof", "t", "", b"a\tb\tc\\"),
    ("text_extra", "t", "", b"a\tb\tc\td\n"),
    ("text_missing", "t", "", b"a\tb\n"),
    ("text_empty_line", "t", "", b"a\tb\tc\n\n"),
    ("text_empty_input", "t", "", b""),
    ("text_invalid_utf8", "t", "", b"a\tb\tc\nok\tb\xffx\tc\n"),
    ("text_invalid_utf8_seq", "t", "", b"a\t\xe2\x28\xa1\tc\n"),
    ("text_incomplete_utf8_at_eof", "t", "", b"a\tb\tc\xe2\x82"),
    ("text_escape_invalid_utf8", "t", "", b"\\xff\tb\tc\n"),
    ("text_escape_octal_high", "t", "", b"\\777\tb\tc\n"),
    ("text_escape_nul", "t", "", b"\\0\tb\tc\n"),
    ("text_escape_utf8_bytes", "t", "", b"\\xe2\\x82\\xac\t\\342\\202\\254\tc\n"),
    ("text_nul_byte", "t", "", b"a\x00\tb\tc\n"),
    ("text_unicode", "t", "", "ü\t€\t😀\n".encode()),
    ("text_header", "t", "WITH (HEADER)", b"x\ty\tz\na\tb\tc\n"),
    ("text_header_only", "t", "WITH (HEADER true)", b"x\ty\tz"),
    ("text_header_match", "t", "WITH (HEADER match)", b"a\tb\tc\n1\t2\t3\n"),
    ("text_header_match_count", "t", "WITH (HEADER match)", b"a\tb\n1\t2\t3\n"),
    ("text_header_match_name", "t", "WITH (HEADER match)", b"a\tB\tc\n1\t2\t3\n"),
    ("text_header_match_null", "t", "WITH (HEADER match)", b"a\t\\N\tc\n1\t2\t3\n"),
    ("text_line_number", "t", "", b"a\tb\tc\nd\te\tf\ng\th\n"),
    ("text_long_line_context", "t", "", b"x" * 150 + b"\tb\tc\td\n"),
    # csv
    ("csv_basic", "t", "WITH (FORMAT csv)", b"a,b,c\nd,e,f\n"),
    ("csv_quoted", "t", "WITH (FORMAT csv)", b'"a,1","b""2","c\nd"\n'),
    ("csv_null_vs_empty", "t", "WITH (FORMAT csv)", b',"",x\n'),
    ("csv_null_string", "t", "WITH (FORMAT csv, NULL 'NULL')", b'NULL,"NULL",\n'),
    ("csv_quote_mid_field", "t", "WITH (FORMAT csv)", b'a"b,c"d,e,f\n'),
    ("csv_unterminated", "t", "WITH (FORMAT csv)", b'a,b,"c\n'),
    ("csv_unterminated_multiline", "t", "WITH (FORMAT csv)", b'a,b,c\n"x,y\nz\n'),
    ("csv_escape", "t", "WITH (FORMAT csv, ESCAPE '\\')", b'"a\\"b","c\\\\d","e\\f"\n'),
    ("csv_escape_line", "t", "WITH (FORMAT csv, ESCAPE '\\')", b'"a\\\\",b,c\n"x\\"\ny",e,f\n'),
    ("csv_header_match_count", "t", "WITH (FORMAT csv, HEADER match)", b"a,b,c,d\n"),
    ("csv_header_match_empty", "t", "WITH (FORMAT csv, HEADER match)", b""),
    ("text_cr_end_marker", "t", "", b"a\tb\tc\r\\.\r"),
    ("csv_end_marker_crlf", "t", "WITH (FORMAT csv)", b"a,b,c\r\n\\.\r\nx\r\n"),
    ("csv_end_marker_crlf_then_lf", "t", "WITH (FORMAT csv)", b"a,b,c\r\n\\.\n"),
    ("csv_end_marker_style", "t", "WITH (FORMAT csv)", b"a,b,c\n\\.\r"),
    ("csv_cr_then_invalid", "t", "WITH (FORMAT csv)", b"a,b,c\r\xff\xff\xff\xff"),
    ("csv_header_invalid_utf8", "t", "WITH (FORMAT csv, HEADER)", b"\xffh\na,b,c\n"),
    ("csv_quoted_header_unterminated", "t", "WITH (FORMAT csv, HEADER)", b'"h\na,b,c\n'),
    ("text_marker_twice", "t", "", b"a\tb\tc\\.\\.\n"),
    ("text_cr_then_invalid", "t", "", b"a\tb\tc\r\xff\xff\xff\xff"),
    ("text_marker_cr_eol", "t", "", b"a\tb\tc\r\\.\n"),
    ("csv_quote_option", "t", "WITH (FORMAT csv, QUOTE '''', DELIMITER ';')", b"'a;b';'it''s';\"\n"),
    ("csv_end_marker", "t", "WITH (FORMAT csv)", b"a,b,c\n\\.\nignored\n"),
    ("csv_end_marker_as_data", "t", "WITH (FORMAT csv)", b"\\.,b,c\n"),
    ("csv_end_marker_at_eof", "t", "WITH (FORMAT csv)", b"a,b,c\n\\."),
    ("csv_end_marker_quoted", "t", "WITH (FORMAT csv)", b'a,b,c\n"\\."\n'),
    ("csv_backslash_data", "t", "WITH (FORMAT csv)", b"a\\,b\\n,\\\n"),
    ("csv_crlf", "t", "WITH (FORMAT csv)", b'a,b,c\r\n"x\r\ny",e,f\r\n'),
    ("csv_unquoted_cr", "t", "WITH (FORMAT csv)", b"a,b,c\r\nd,e\rf\r\n"),
    ("csv_unquoted_nl", "t", "WITH (FORMAT csv)", b"a,b,c\r\nd,e,f\n"),
    ("csv_embedded_line_count", "t", "WITH (FORMAT csv)", b'"a\nb\nc",b,c\nx,y\n'),
    ("csv_extra", "t", "WITH (FORMAT csv)", b"a,b,c,d\n"),
    ("csv_missing", "t", "WITH (FORMAT csv)", b"a\n"),
    ("csv_empty_line", "t", "WITH (FORMAT csv)", b"\n"),
    ("csv_spaces", "t", "WITH (FORMAT csv)", b' a , "b" ,c \n'),
    ("csv_force_not_null", "t", "WITH (FORMAT csv, FORCE_NOT_NULL (a, c))", b",,\n"),
    ("csv_force_null", "t", "WITH (FORMAT csv, FORCE_NULL (b, c))", b'"","",x\n'),
    ("csv_force_both", "t", "WITH (FORMAT csv, FORCE_NULL (a), FORCE_NOT_NULL (a))", b',"",""\n'),
    ("csv_force_null_custom", "t", "WITH (FORMAT csv, NULL 'N', FORCE_NULL (a, b))", b'"N",N,"n"\n'),
    ("csv_header", "t", "WITH (FORMAT csv, HEADER)", b'"x,1",y,z\na,b,c\n'),
    ("csv_header_match", "t", "WITH (FORMAT csv, HEADER match)", b'"a",b,c\n1,2,3\n'),
    ("csv_header_match_name", "t", "WITH (FORMAT csv, HEADER match)", b'a,b,"c "\n1,2,3\n'),
    ("csv_header_match_null", "t", "WITH (FORMAT csv, HEADER match)", b'a,,c\n1,2,3\n'),
    ("csv_invalid_utf8_quoted", "t", "WITH (FORMAT csv)", b'"a\xc3",b,c\n'),
    ("csv_old_syntax", "t", "CSV HEADER DELIMITER ';' NULL 'x'", b"h\na;x;\"x\"\n"),
    # binary
    ("bin_basic", "tb", "WITH (FORMAT binary)", HDR + ROW + tup(b"\x00\xff", None, b"xyz") + i16(-1)),
    ("bin_no_trailer", "tb", "WITH (FORMAT binary)", HDR + ROW),
    ("bin_empty_after_header", "tb", "(FORMAT binary)", HDR),
    ("bin_extension", "tb", "BINARY", SIG + i32(0) + i32(5) + b"12345" + ROW + i16(-1)),
    ("bin_low_flags", "tb", "BINARY", SIG + i32(0xFFFF) + i32(0) + ROW + i16(-1)),
    ("bin_signature", "tb", "BINARY", b"PGCOPY\n\xff\r\n\x01" + i32(0) + i32(0) + i16(-1)),
    ("bin_short_signature", "tb", "BINARY", b"PGCOPY"),
    ("bin_empty_input", "tb", "BINARY", b""),
    ("bin_oids", "tb", "BINARY", SIG + i32(1 << 16) + i32(0) + i16(-1)),
    ("bin_critical_flag", "tb", "BINARY", SIG + i32(1 << 17) + i32(0) + i16(-1)),
    ("bin_missing_flags", "tb", "BINARY", SIG + b"\x00\x00"),
    ("bin_missing_length", "tb", "BINARY", SIG + i32(0)),
    ("bin_negative_length", "tb", "BINARY", SIG + i32(0) + i32(-1) + i16(-1)),
    ("bin_wrong_length", "tb", "BINARY", SIG + i32(0) + i32(10) + b"abc"),
    ("bin_field_count", "tb", "BINARY", HDR + ROW + tup(b"a", b"b") + i16(-1)),
    ("bin_field_count_zero", "tb", "BINARY", HDR + i16(0) + i16(-1)),
    ("bin_invalid_field_size", "tb", "BINARY", HDR + i16(3) + i32(-2) + i16(-1)),
    ("bin_eof_in_value", "tb", "BINARY", HDR + i16(3) + i32(10) + b"abc"),
    ("bin_eof_in_length", "tb", "BINARY", HDR + i16(3) + i32(1) + b"a" + b"\x00\x00"),
    ("bin_eof_after_count", "tb", "BINARY", HDR + ROW + i16(3)),
    ("bin_half_count_at_eof", "tb", "BINARY", HDR + ROW + b"\x00"),
    ("bin_data_after_trailer", "tb", "BINARY", HDR + ROW + i16(-1) + b"x"),
    ("bin_second_row_error", "tb", "BINARY", HDR + ROW + i16(3) + i32(1) + b"a" + i32(-3)),
    ("bin_negative_count", "tb", "BINARY", HDR + i16(-2) + i16(-1)),
    ("bin_row_then_eof_in_header", "tb", "BINARY", SIG + i32(0)),
    ("bin_huge_length", "tb", "BINARY", HDR + i16(3) + i32(0x7FFFFFF0) + b"abc"),
]

# (name, direction, options, table/query). The statement is
# COPY <target> FROM STDIN <options> or COPY <target> TO STDOUT <options>.
Q3 = "(SELECT 1 AS a, 2 AS b, 3 AS c)"
OPTION_CASES = [
    ("default", "from", "", "t"),
    ("generic_list", "from", "WITH (FORMAT csv, HEADER true, DELIMITER ';')", "t"),
    ("old_csv", "from", "CSV HEADER DELIMITER ';' QUOTE AS '''' ESCAPE '\\' NULL AS 'x'", "t"),
    ("old_binary", "from", "BINARY", "t"),
    ("old_with_binary", "to", "WITH BINARY", Q3),
    ("using_delimiters", "from", "USING DELIMITERS '|'", "t"),
    ("old_force_quote", "to", "CSV FORCE QUOTE a, b", Q3),
    ("old_force_quote_star", "to", "WITH CSV FORCE QUOTE *", Q3),
    ("old_force_not_null", "from", "CSV FORCE NOT NULL a, b FORCE NULL c", "t"),
    ("old_encoding", "from", "ENCODING 'UTF8'", "t"),
    ("generic_no_with", "from", "(FORMAT 'csv', FREEZE false)", "t"),
    ("format_upper_word", "from", "(FORMAT CSV)", "t"),
    ("format_upper_string", "from", "(FORMAT 'CSV')", "t"),
    ("format_unknown", "from", "(FORMAT xml)", "t"),
    ("format_twice", "from", "(FORMAT csv, FORMAT text)", "t"),
    ("delimiter_twice", "from", "(DELIMITER ',', DELIMITER ';')", "t"),
    ("unknown_option", "from", "(BOGUS 1)", "t"),
    ("quoted_option_name", "from", "(\"FORMAT\" csv)", "t"),
    ("delimiter_long", "from", "(DELIMITER 'ab')", "t"),
    ("delimiter_empty", "from", "(DELIMITER '')", "t"),
    ("delimiter_newline", "from", "(DELIMITER E'\\n')", "t"),
    ("delimiter_cr_csv", "from", "(FORMAT csv, DELIMITER E'\\r')", "t"),
    ("delimiter_backslash", "from", "(DELIMITER '\\')", "t"),
    ("delimiter_dot", "from", "(DELIMITER '.')", "t"),
    ("delimiter_letter", "from", "(DELIMITER 'a')", "t"),
    ("delimiter_digit", "from", "(DELIMITER '7')", "t"),
    ("delimiter_letter_csv", "from", "(FORMAT csv, DELIMITER 'a')", "t"),
    ("delimiter_tab_escape", "from", "(DELIMITER E'\\t')", "t"),
    ("delimiter_non_ascii", "from", "(DELIMITER 'é')", "t"),
    ("delimiter_no_value", "from", "(DELIMITER)", "t"),
    ("delimiter_number", "from", "(DELIMITER 1)", "t"),
    ("null_newline", "from", "(NULL E'a\\nb')", "t"),
    ("null_with_delimiter", "from", "(NULL E'a\\tb')", "t"),
    ("null_with_delimiter_csv", "from", "(FORMAT csv, NULL 'a,b')", "t"),
    ("null_with_quote_csv", "from", "(FORMAT csv, NULL '\"')", "t"),
    ("binary_delimiter", "from", "(FORMAT binary, DELIMITER ',')", "t"),
    ("binary_null", "from", "(FORMAT binary, NULL 'x')", "t"),
    ("binary_header", "from", "(FORMAT binary, HEADER)", "t"),
    ("binary_quote", "from", "(FORMAT binary, QUOTE '\"')", "t"),
    ("text_quote", "from", "(QUOTE '\"')", "t"),
    ("text_escape", "from", "(ESCAPE '\\')", "t"),
    ("csv_quote_long", "from", "(FORMAT csv, QUOTE 'ab')", "t"),
    ("csv_quote_empty", "from", "(FORMAT csv, QUOTE '')", "t"),
    ("csv_escape_long", "from", "(FORMAT csv, ESCAPE 'ab')", "t"),
    ("csv_delimiter_is_quote", "from", "(FORMAT csv, DELIMITER '\"')", "t"),
    ("csv_delimiter_is_quote2", "from", "(FORMAT csv, QUOTE ',')", "t"),
    ("header_number", "from", "(HEADER 1)", "t"),
    ("header_zero", "from", "(HEADER 0)", "t"),
    ("header_two", "from", "(HEADER 2)", "t"),
    ("header_string_one", "from", "(HEADER '1')", "t"),
    ("header_on", "from", "(HEADER on)", "t"),
    ("header_off", "from", "(HEADER OFF)", "t"),
    ("header_bogus", "from", "(HEADER maybe)", "t"),
    ("header_match_to", "to", "(HEADER match)", Q3),
    ("header_match_from", "from", "(HEADER MATCH)", "t"),
    ("freeze_bogus", "from", "(FREEZE maybe)", "t"),
    ("force_quote_text", "to", "(FORCE_QUOTE (a))", Q3),
    ("force_quote_from", "from", "(FORMAT csv, FORCE_QUOTE (a))", "t"),
    ("force_quote_string", "to", "(FORMAT csv, FORCE_QUOTE 'a')", Q3),
    ("force_quote_unknown", "to", "(FORMAT csv, FORCE_QUOTE (x))", Q3),
    ("force_quote_unknown_table", "to", "(FORMAT csv, FORCE_QUOTE (x))", "t"),
    ("force_quote_twice", "to", "(FORMAT csv, FORCE_QUOTE (a), FORCE_QUOTE *)", Q3),
    ("force_quote_duplicate", "to", "(FORMAT csv, FORCE_QUOTE (a, a))", Q3),
    ("force_not_null_text", "from", "(FORCE_NOT_NULL (a))", "t"),
    ("force_not_null_to", "to", "(FORMAT csv, FORCE_NOT_NULL (a))", Q3),
    ("force_not_null_star", "from", "(FORMAT csv, FORCE_NOT_NULL *)", "t"),
    ("force_not_null_unknown", "from", "(FORMAT csv, FORCE_NOT_NULL (x))", "t"),
    ("force_null_text", "from", "(FORCE_NULL (a))", "t"),
    ("force_null_to", "to", "(FORMAT csv, FORCE_NULL (a))", Q3),
    ("force_null_duplicate", "from", "(FORMAT csv, FORCE_NULL (a, b, a))", "t"),
    ("encoding_bogus", "from", "(ENCODING 'bogus')", "t"),
    ("encoding_latin1", "from", "(ENCODING 'latin1')", "t"),
    ("where_clause", "from", "WITH (FORMAT csv) WHERE a = 'x'", "t"),
    ("syntax_unclosed", "from", "WITH (FORMAT csv", "t"),
    ("syntax_trailing", "from", "WITH (FORMAT csv) bogus", "t"),
    ("syntax_old_unknown", "from", "CSV BOGUS", "t"),
    ("syntax_empty_list", "from", "WITH ()", "t"),
    ("old_delimiter_needs_string", "from", "DELIMITER ;", "t"),
    ("conflict_old_new", "from", "CSV CSV", "t"),
]


def run(cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def main():
    tmp = tempfile.mkdtemp(prefix="pgwire-copy-golden.")
    as_pg = []
    if os.getuid() == 0:
        shutil.chown(tmp, "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    data = os.path.join(tmp, "data")
    try:
        run(as_pg + [f"{PGBIN}/initdb", "-D", data, "-E", "UTF8", "--locale=C", "-A", "trust",
                     "-U", "postgres"], stdout=subprocess.DEVNULL)
        run(as_pg + [f"{PGBIN}/pg_ctl", "-D", data, "-l", os.path.join(tmp, "log"), "-w", "-o",
                     f"-p {PORT} -k {tmp} -c listen_addresses=127.0.0.1", "start"],
            stdout=subprocess.DEVNULL)
        conn = psycopg2.connect(host="127.0.0.1", port=PORT, user="postgres", dbname="postgres")
        conn.autocommit = True
        capture(conn)
        conn.close()
    finally:
        subprocess.run(as_pg + [f"{PGBIN}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


class Sink:
    def __init__(self):
        self.data = b""

    def write(self, b):
        self.data += b if isinstance(b, bytes) else b.encode()


class Source:
    """Hands psycopg2 the input in small pieces: row and message boundaries differ."""

    def __init__(self, data):
        self.data = data

    def read(self, n):
        n = min(n, 7)
        out, self.data = self.data[:n], self.data[n:]
        return out

    readline = read


def capture(conn):
    cur = conn.cursor()
    cur.execute("SELECT version()")
    if " 15." not in cur.fetchone()[0]:
        sys.exit("need PostgreSQL 15")
    for s in ("SET DateStyle = 'ISO, MDY'", "SET extra_float_digits = 1",
              "SET bytea_output = 'hex'", "SET client_encoding = 'UTF8'"):
        cur.execute(s)
    cur.execute(GOLDEN_SQL)
    cur.execute("CREATE TABLE t (a text, b text, c text); CREATE TABLE tb (a bytea, b bytea, c bytea)")

    for name, sql in OUTPUTS:
        sink = Sink()
        cur.copy_expert(sql, sink)
        with open(os.path.join(HERE, f"{name}.copy"), "wb") as f:
            f.write(sink.data)

    def escape(s):
        return (s or "").replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")

    def error_fields(e):
        d = e.diag
        # CONTEXT lines are backslash-escaped (\\ \n \r \t), so are messages.
        return [d.sqlstate, escape(d.message_primary), escape(d.context)]

    lines = ["# name\toptions\tinput (hex)\tok + rows (fields: N or hex, ',' between, '|' between rows)"
             " | sqlstate, message, context"]
    for name, table, options, data in DECODE_CASES:
        cur.execute(f"TRUNCATE {table}")
        try:
            cur.copy_expert(f"COPY {table} FROM STDIN {options}", Source(data), size=7)
            if table == "t":
                cur.execute("SELECT a, b, c FROM t ORDER BY ctid")
                rows = [[None if v is None else v.encode().hex() for v in r] for r in cur.fetchall()]
            else:
                cur.execute("SELECT a, b, c FROM tb ORDER BY ctid")
                rows = [[None if v is None else bytes(v).hex() for v in r] for r in cur.fetchall()]
            result = ["ok", "|".join(",".join("N" if v is None else "x" + v for v in r) for r in rows)]
        except psycopg2.Error as e:
            result = error_fields(e)
        lines.append("\t".join([name, options, data.hex()] + result))
    with open(os.path.join(HERE, "decode_cases.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")

    lines = ["# name\tdirection\toptions\ttarget\tok | sqlstate, message"]
    for name, direction, options, target in OPTION_CASES:
        sql = (f"COPY {target} FROM STDIN {options}" if direction == "from"
               else f"COPY {target} TO STDOUT {options}")
        try:
            if direction == "from":
                cur.copy_expert(sql, Source(b""))
            else:
                cur.copy_expert(sql, Sink())
            result = ["ok"]
        except psycopg2.Error as e:
            result = error_fields(e)[:2]
        lines.append("\t".join([name, direction, options, target] + result))
    with open(os.path.join(HERE, "option_cases.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
