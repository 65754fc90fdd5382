#!/usr/bin/python3
"""Regenerates the "binary" field of types.json from a real PostgreSQL:
each type's canonical text value is cast to the type and read back in the
binary format, and the text output must equal "text" exactly (so the spec
is PostgreSQL's own output, not a guess).

  /usr/bin/python3 tests/compat/capture_types.py "host=127.0.0.1 port=5432 user=postgres"
"""
import json
import os
import sys

import psycopg

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "types.json")


def dump(spec):
    """One type per line: diffs of the spec stay readable."""
    lines = ['{', ' "about": %s,' % json.dumps(spec["about"], ensure_ascii=False), ' "types": [']
    lines.append(",\n".join("  " + json.dumps(t, ensure_ascii=False) for t in spec["types"]))
    return "\n".join(lines) + "\n ]\n}\n"


def main(dsn):
    with open(PATH) as f:
        spec = json.load(f)
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("SET TimeZone = 'UTC'")
        c.execute("SET DateStyle = 'ISO, MDY'")
        c.execute("SET IntervalStyle = 'postgres'")
        c.execute("SET extra_float_digits = 1")
        for t in spec["types"]:
            cast = "%s::%s" % (psycopg.sql.quote(t["text"]), t["pg"])
            res = c.pgconn.exec_params(("SELECT " + cast).encode(), [], result_format=0)
            text = res.get_value(0, 0).decode()
            if text != t["text"]:
                sys.exit("%s: PostgreSQL prints %r, types.json says %r" % (t["name"], text, t["text"]))
            res = c.pgconn.exec_params(("SELECT " + cast).encode(), [], result_format=1)
            t["binary"] = res.get_value(0, 0).hex()
            t["oid"] = res.ftype(0)
    with open(PATH, "w") as f:
        f.write(dump(spec))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "host=127.0.0.1 user=postgres")
