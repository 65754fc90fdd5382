"""Tools other than psql reading the catalog of sqlite_server (the library's
catalog layer fed by SQLite's schema), compared with PostgreSQL 15 running
the same schema: pgjdbc's DatabaseMetaData (getTables, getColumns,
getPrimaryKeys, getImportedKeys, getExportedKeys, getIndexInfo, getSchemas,
getCatalogs, getTableTypes), SQLAlchemy 1.4's inspector (Debian's
python3-sqlalchemy, over psycopg2) and its Enum type end to end, psycopg 3's TypeInfo.fetch and catalog
queries with parameters (the extended query protocol: $1 bound by the
server), pgcli 3.5's completion metadata (Debian's pgcli, for the public
schema: PostgreSQL's own catalogs hold more than this one), and
information_schema queries, Django 3.2's ORM and migrations
(django_orm.py), Alembic 1.8 (alembic_ops.py), Rails' ActiveRecord 6.1 (rails_activerecord.rb), Sequelize 6
(sequelize_orm.js), TypeORM 0.3 (typeorm_orm.js), Knex 3 (knex_builder.js), and pg_dump 15 (--schema-only -t and the whole
database with its rows, each dump restored into a fresh PostgreSQL 15
database).

The known differences are documented in docs/CATALOG.md: SQLite's views
are read-only, so information_schema.tables says is_insertable_into NO
where PostgreSQL's auto-updatable view says YES; a view's definition is the
text SQLite keeps, not PostgreSQL's deparsed form.
"""

import os
import subprocess
import unittest

from harness import SLOW, BesideReferenceTestCase, ReferencePostgres, client_env, tool
from test_catalog_psql import DROP_SCHEMA, SCHEMA

HERE = os.path.dirname(os.path.abspath(__file__))

try:
    import sqlalchemy  # noqa: E402  (Debian's python3-sqlalchemy: /usr/bin/python3)
except ImportError as e:
    raise AssertionError("SQLAlchemy is missing: install python3-sqlalchemy (scripts/setup.sh --test)") from e

import psycopg  # noqa: E402  (Debian's python3-psycopg)
from psycopg.types import TypeInfo  # noqa: E402

try:
    from pgcli.pgexecute import PGExecute  # noqa: E402  (Debian's pgcli)
except ImportError as e:
    raise AssertionError("pgcli is missing: install pgcli (scripts/setup.sh --test)") from e

PGJDBC_JAR = os.environ.get("PGWIRE_COMPAT_PGJDBC_JAR") or "/usr/share/java/postgresql.jar"

INFORMATION_SCHEMA = [
    "SELECT table_catalog, table_schema, table_name, table_type, is_typed FROM information_schema.tables"
    " WHERE table_schema = 'public' ORDER BY table_name",
    "SELECT table_name, column_name, ordinal_position, column_default, is_nullable, data_type,"
    " character_maximum_length, numeric_precision, numeric_precision_radix, numeric_scale, udt_name"
    " FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
    "SELECT schema_name FROM information_schema.schemata ORDER BY 1",
    "SELECT table_schema, table_name FROM information_schema.views WHERE table_schema = 'public'",
    "SELECT table_name, column_name, character_octet_length, datetime_precision, identity_cycle"
    " FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
    "SELECT constraint_name, table_name, constraint_type, is_deferrable, initially_deferred, enforced, nulls_distinct"
    " FROM information_schema.table_constraints WHERE table_schema = 'public'"
    " AND constraint_name NOT LIKE '%_not_null' ORDER BY 1",
    "SELECT table_name, count(*) FROM information_schema.table_constraints WHERE table_schema = 'public'"
    " AND constraint_name LIKE '%_not_null' GROUP BY 1 ORDER BY 1",
    "SELECT constraint_name, table_name, column_name, ordinal_position, position_in_unique_constraint"
    " FROM information_schema.key_column_usage WHERE table_schema = 'public' ORDER BY 1, 4",
    "SELECT table_name, column_name, constraint_name FROM information_schema.constraint_column_usage"
    " WHERE table_schema = 'public' ORDER BY 3, 2",
    "SELECT constraint_name, unique_constraint_name, match_option, update_rule, delete_rule"
    " FROM information_schema.referential_constraints WHERE constraint_schema = 'public' ORDER BY 1",
    "SELECT constraint_name, check_clause FROM information_schema.check_constraints"
    " WHERE constraint_schema = 'public' AND constraint_name NOT LIKE '%_not_null' ORDER BY 1",
]

REFERENCE = ReferencePostgres("pgwire-catalog-test-")


def setUpModule():
    if not os.path.exists(PGJDBC_JAR):
        raise AssertionError("%s is missing: install libpostgresql-jdbc-java (scripts/setup.sh)" % PGJDBC_JAR)
    tool("java")
    REFERENCE.start()


def tearDownModule():
    REFERENCE.stop()


class CatalogToolsTest(BesideReferenceTestCase):
    # libpq_proxy in front of the reference: each tool must get the same answers.
    reference_postgres = REFERENCE
    schema = SCHEMA
    drop_schema = DROP_SCHEMA

    def metadata(self, port):
        url = "jdbc:postgresql://127.0.0.1:%d/postgres?loggerLevel=OFF" % port
        r = subprocess.run([tool("java"), "-cp", PGJDBC_JAR, os.path.join(HERE, "CatalogMetadata.java"), url],
                           capture_output=True, text=True, env=client_env(), timeout=120 * SLOW)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def test_pgjdbc_database_metadata(self):
        ours = self.metadata(self.server.port)
        reference = self.metadata(REFERENCE.port)
        self.assertIn("== getIndexInfo", reference)
        self.assertEqual(ours, reference)
        self.assertEqual(self.metadata(self.proxy.port), reference, "through libpq_proxy")

    def inspect(self, port):
        engine = sqlalchemy.create_engine("postgresql+psycopg2://postgres@127.0.0.1:%d/postgres" % port)
        self.addCleanup(engine.dispose)
        i = sqlalchemy.inspect(engine)
        # (sorted: SQLAlchemy reads pg_class without ORDER BY, so PostgreSQL answers in
        # its heap order, which the earlier tests' CREATE and DROP TABLEs change)
        out = {"schemas": i.get_schema_names(), "tables": sorted(i.get_table_names()),
               "views": sorted(i.get_view_names())}
        for t in ("authors", "books", "demo"):
            out[t] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"], c["default"]) for c in i.get_columns(t)],
                "pk": i.get_pk_constraint(t), "fks": i.get_foreign_keys(t), "indexes": i.get_indexes(t),
                "uniques": i.get_unique_constraints(t), "comment": i.get_table_comment(t),
            }
        return out, i.get_view_definition("cheap_books")

    def test_sqlalchemy_inspector(self):
        ours, ours_view = self.inspect(self.server.port)
        reference, reference_view = self.inspect(REFERENCE.port)
        self.assertEqual(reference["books"]["fks"][0]["referred_table"], "authors")
        self.assertEqual(ours, reference)
        self.assertEqual(self.inspect(self.proxy.port), (reference, reference_view), "through libpq_proxy")
        self.assertEqual(ours_view.split(), "SELECT id, title FROM books WHERE price < 10;".split())

    def sqlalchemy_enum_round_trip(self, port):
        engine = sqlalchemy.create_engine("postgresql+psycopg2://postgres@127.0.0.1:%d/postgres" % port)
        self.addCleanup(engine.dispose)
        md = sqlalchemy.MetaData()
        size = sqlalchemy.Enum("small", "medium", "large", name="sa_size")
        t = sqlalchemy.Table("sa_items", md, sqlalchemy.Column("id", sqlalchemy.Integer, primary_key=True),
                             sqlalchemy.Column("size", size, nullable=False))
        md.drop_all(engine)
        md.create_all(engine)  # (asks pg_type whether sa_size exists, then CREATE TYPE, CREATE TABLE)
        out = []
        with engine.begin() as c:
            c.execute(t.insert(), [{"id": 1, "size": "large"}, {"id": 2, "size": "small"}, {"id": 3, "size": "medium"}])
            out.append(c.execute(sqlalchemy.select(t).order_by(t.c.size)).fetchall())
            out.append(c.execute(sqlalchemy.select(t.c.id).where(t.c.size > "small").order_by(t.c.id)).fetchall())
        i = sqlalchemy.inspect(engine)
        out.append(i.get_enums())
        out.append([(c["name"], repr(c["type"]), c["nullable"]) for c in i.get_columns("sa_items")])
        md.drop_all(engine)  # (DROP TABLE, then DROP TYPE)
        out.append(sqlalchemy.inspect(engine).get_enums())
        return out

    def test_sqlalchemy_enum_types(self):
        """SQLAlchemy's Enum on PostgreSQL: create_all makes the type with
        CREATE TYPE ... AS ENUM, rows sort in the labels' order, the
        inspector reflects the type (get_enums, a column's ENUM) from
        pg_type and pg_enum, and drop_all drops it."""
        reference = self.sqlalchemy_enum_round_trip(REFERENCE.port)
        self.assertEqual(reference[0], [(2, "small"), (3, "medium"), (1, "large")])
        self.assertEqual(self.sqlalchemy_enum_round_trip(self.server.port), reference)

    def program_lines(self, program, database):
        """The lines `program` (its argv; port and database follow) prints
        against the reference, in a database of its own there (dropping
        and creating tables in postgres would reorder pg_class for the
        other tests), and against sqlite_server."""
        self.psql(self.reference, "-q", "-c", "CREATE DATABASE " + database)
        self.addCleanup(self.psql, self.reference, "-q", "-c", "DROP DATABASE " + database)
        out = []
        for port, db in ((REFERENCE.port, database), (self.server.port, "postgres")):
            r = subprocess.run(program + [str(port), db], capture_output=True, text=True, env=client_env(),
                               timeout=300 * SLOW)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            out.append(r.stdout.splitlines())
        return out

    def test_django_orm_and_migrations(self):
        """Django 3.2 (tests/server/django_orm.py): migrations, ORM queries,
        get_constraints and schema edits print the same lines on both."""
        reference, ours = self.program_lines(["/usr/bin/python3", os.path.join(HERE, "django_orm.py")],
                                             "pgwire_django")
        self.assertIn("user True", reference)
        self.assertIn("migrated to zero False", reference)
        self.assertTrue(any(line.startswith("constraints shop_order [") for line in reference))
        self.assertEqual(ours, reference)

    def test_alembic_operations(self):
        """Alembic 1.8 (tests/server/alembic_ops.py): a migration's
        operations, then autogenerate finds nothing to do on both."""
        reference, ours = self.program_lines(["/usr/bin/python3", os.path.join(HERE, "alembic_ops.py")],
                                             "pgwire_alembic")
        self.assertIn("diff []", reference)
        self.assertEqual(ours, reference)

    def test_rails_activerecord(self):
        """Rails' ActiveRecord 6.1 (tests/server/rails_activerecord.rb):
        migrations, queries and schema reflection print the same lines on
        both."""
        reference, ours = self.program_lines(["/usr/bin/ruby", os.path.join(HERE, "rails_activerecord.rb")],
                                             "pgwire_rails")
        self.assertIn("count 2 2", reference)
        self.assertTrue(any(line.startswith("columns [[\"id\", \"bigint\"") for line in reference), reference)
        self.assertEqual(ours, reference)

    def test_perl_dbd_pg(self):
        """Perl's DBD::Pg (tests/server/dbd_pg_client.pl): placeholders,
        arrays, last_insert_id (currval after an INSERT numbered the key),
        column_info/primary_key/table_info, COPY and LISTEN print the same
        lines on both."""
        reference, ours = self.program_lines(["/usr/bin/perl", os.path.join(HERE, "dbd_pg_client.pl")],
                                             "pgwire_dbd")
        self.assertIn("last_insert_id: 3", reference)
        self.assertIn("col name text text null=0 def=NULL", reference)
        self.assertEqual(ours, reference)

    def test_php_pdo_and_pgsql(self):
        """PHP's PDO_PGSQL and pgsql extensions (tests/server/php_pdo_client.php,
        php_pgsql_client.php): prepares (server-side and emulated), metadata,
        lastInsertId, COPY ... TO STDIN, pg_meta_data print the same lines."""
        for script, database, marker in (("php_pdo_client.php", "pgwire_pdo", "lastInsertId: 2"),
                                         ("php_pgsql_client.php", "pgwire_phppg", "sqlstate 22012")):
            with self.subTest(script=script):
                reference, ours = self.program_lines(["/usr/bin/php", os.path.join(HERE, script)], database)
                self.assertIn(marker, reference)
                self.assertEqual(ours, reference)

    def test_pg8000(self):
        """pg8000 (tests/server/pg8000_client.py), a driver with its own
        protocol code: typed parameters type a bare $n's column."""
        reference, ours = self.program_lines(["/usr/bin/python3", os.path.join(HERE, "pg8000_client.py")],
                                             "pgwire_pg8000")
        self.assertTrue(any("(b'?column?', 1114)" in line for line in reference), reference)
        self.assertEqual(ours, reference)

    def test_ruby_sequel(self):
        """Ruby's Sequel with sequel_pg (tests/server/sequel_client.rb):
        schema DSL, reflection through CAST(... AS regclass), and no NOTICE
        under its client_min_messages = WARNING."""
        reference, ours = self.program_lines(["/usr/bin/ruby", os.path.join(HERE, "sequel_client.rb")],
                                             "pgwire_sequel")
        self.assertIn("[]", reference)
        self.assertIn("Sequel::UniqueConstraintViolation", reference)
        self.assertEqual(ours, reference)

    def node_program_lines(self, package, script, database):
        installed = os.path.join(HERE, "..", "compat", "node", "node_modules", package)
        if not os.path.isdir(installed):
            raise AssertionError("%s is missing: run scripts/setup.sh --test (npm ci)" % installed)
        return self.program_lines([tool("node"), os.path.join(HERE, script)], database)

    def test_sequelize(self):
        """Sequelize 6 (tests/server/sequelize_orm.js): sync, queries,
        reflection and column edits print the same lines on both."""
        reference, ours = self.node_program_lines("sequelize", "sequelize_orm.js", "pgwire_sequelize")
        self.assertIn("count 2 3", reference)
        self.assertTrue(any(line.startswith("fks [[\"personId\"") for line in reference), reference)
        self.assertEqual(ours, reference)

    def test_knex(self):
        """Knex 3 (tests/server/knex_builder.js): schema builder, queries and
        columnInfo print the same lines on both."""
        reference, ours = self.node_program_lines("knex", "knex_builder.js", "pgwire_knex")
        self.assertIn("has true true false", reference)
        self.assertEqual(ours, reference)

    def test_typeorm(self):
        """TypeORM 0.3 (tests/server/typeorm_orm.js): synchronize() creates
        the schema, and a second one finds nothing to change."""
        reference, ours = self.node_program_lines("typeorm", "typeorm_orm.js", "pgwire_typeorm")
        self.assertIn("pending []", reference)
        self.assertEqual(ours, reference)

    def psycopg_answers(self, port):
        with psycopg.connect("host=127.0.0.1 port=%d user=postgres dbname=postgres" % port) as c:
            out = [
                c.execute("SELECT c.relname, c.relkind, c.relnatts FROM pg_catalog.pg_class c WHERE c.relname = %s",
                          ["books"]).fetchall(),
                c.execute("SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull"
                          " FROM pg_catalog.pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0"
                          " ORDER BY a.attnum", ["books"]).fetchall(),
            ]
            for name in ("int4", "text", "numeric", "varchar", "books"):
                t = TypeInfo.fetch(c, name)
                out.append((name, t.name, t.array_oid != 0, t.delimiter) if t else (name, None))
            return out

    def test_psycopg_parameters_and_type_info(self):
        ours = self.psycopg_answers(self.server.port)
        reference = self.psycopg_answers(REFERENCE.port)
        self.assertEqual(reference[0], [("books", "r", 4)])
        self.assertEqual(ours, reference)
        self.assertEqual(self.psycopg_answers(self.proxy.port), reference, "through libpq_proxy")

    def pgcli_metadata(self, port):
        e = PGExecute("postgres", "postgres", "", "127.0.0.1", str(port), "")
        self.addCleanup(e.conn.close)

        def public(rows):
            return sorted((tuple(r) for r in rows if r[0] == "public"), key=repr)
        return {
            "schemata": sorted(e.schemata()), "search_path": e.search_path(),
            "tables": public(e.tables()), "views": public(e.views()),
            "table_columns": public(e.table_columns()), "view_columns": public(e.view_columns()),
            "foreignkeys": sorted(tuple(fk) for fk in e.foreignkeys()),
            "functions": [f for f in e.functions() if f.schema_name == "public"],
            "datatypes": sorted(e.datatypes()),
        }

    def test_pgcli_completion_metadata(self):
        ours = self.pgcli_metadata(self.server.port)
        reference = self.pgcli_metadata(REFERENCE.port)
        self.assertEqual(len(reference["foreignkeys"]), 1)
        self.assertEqual(ours, reference)
        self.assertEqual(self.pgcli_metadata(self.proxy.port), reference, "through libpq_proxy")

    def test_information_schema(self):
        for sql in INFORMATION_SCHEMA:
            with self.subTest(sql=sql):
                ours = self.psql(self.ours, "-A", "-c", sql)
                reference = self.psql(self.reference, "-A", "-c", sql)
                self.assertEqual((ours.stdout, ours.stderr), (reference.stdout, reference.stderr))
                proxied = self.psql(self.proxied, "-A", "-c", sql)
                self.assertEqual((proxied.stdout, proxied.stderr), (reference.stdout, reference.stderr),
                                 "through libpq_proxy")

    def pg_dump(self, conninfo, *args):
        r = subprocess.run([tool("pg_dump"), *args, "-d", conninfo],
                           capture_output=True, text=True, env=client_env(), timeout=120 * SLOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def restore(self, name, dump, prelude=""):
        """`dump` fed to psql in a fresh database of the reference (psql stops
        at the first error); returns the database's conninfo."""
        database = "restored_" + name
        self.psql(self.reference, "-q", "-c", "CREATE DATABASE " + database)
        self.addCleanup(self.psql, self.reference, "-q", "-c", "DROP DATABASE " + database)
        restored = self.reference.replace("dbname=postgres", "dbname=" + database)
        self.psql(restored, "-v", "ON_ERROR_STOP=1", "-q", input=prelude + dump)
        return restored

    def test_pg_dump(self):
        """pg_dump 15 reads the whole catalog (every catalog query it sends,
        LOCK TABLE in its REPEATABLE READ transaction, COPY TO for the data);
        its dumps of sqlite_server restore into fresh PostgreSQL 15 databases
        as the reference's tables, view and rows; through libpq_proxy it
        dumps what it dumps from PostgreSQL directly."""
        data = "INSERT INTO authors VALUES (1, 'Le Guin', '1929-10-21'); INSERT INTO books VALUES (7, 1, 'It''s', 9.5)"
        for name, conninfo in (("sqlite_server", self.ours), ("postgresql", self.reference)):
            self.psql(conninfo, "-v", "ON_ERROR_STOP=1", "-q", "-c", data)
        for name, conninfo in (("sqlite_server", self.ours), ("postgresql", self.reference)):
            with self.subTest(source=name):
                dump = self.pg_dump(conninfo, "--schema-only", "-t", "books")
                self.assertIn("CREATE TABLE public.books (\n"
                              "    id integer NOT NULL,\n"
                              "    author_id integer NOT NULL,\n"
                              "    title character varying(200) NOT NULL,\n"
                              "    price numeric(10,2) DEFAULT 0\n"
                              ");", dump)
                self.assertIn("ADD CONSTRAINT books_pkey PRIMARY KEY (id);", dump)
                # pg_dump empties search_path: every name comes qualified.
                self.assertIn("ADD CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) "
                              "REFERENCES public.authors(id);", dump)
                self.assertIn("CREATE INDEX books_title_idx ON public.books USING btree (title);", dump)
                self.assertNotIn("COPY", dump)
                self.assertNotIn("authors (", dump)
                # The foreign key's table is not in a dump of books alone.
                restored = self.restore(name + "_books", dump, "CREATE TABLE public.authors (id int PRIMARY KEY);\n")
                self.assertEqual(self.psql(restored, "-c", "\\d books").stdout,
                                 self.psql(self.reference, "-c", "\\d books").stdout)
                # The whole database, with its rows.
                restored = self.restore(name, self.pg_dump(conninfo))
                for command in ("\\d books", "\\d authors", "\\d demo", "\\d cheap_books",
                                "SELECT * FROM books", "SELECT * FROM authors", "SELECT * FROM cheap_books"):
                    self.assertEqual(self.psql(restored, "-c", command).stdout,
                                     self.psql(self.reference, "-c", command).stdout, command)
        # Through libpq_proxy: PostgreSQL's own dumps (but for the random key
        # of pg_dump's \\restrict lines).
        def keyless(dump):
            return [line for line in dump.splitlines() if not line.startswith(("\\restrict ", "\\unrestrict "))]
        # sqlite_server's schema dump of a table is PostgreSQL's, line for
        # line (but for the server version it names).
        def versionless(dump):
            return [line for line in keyless(dump) if not line.startswith("-- Dumped from database version ")]
        self.assertEqual(versionless(self.pg_dump(self.ours, "--schema-only", "-t", "books")),
                         versionless(self.pg_dump(self.reference, "--schema-only", "-t", "books")))
        for args in (("--schema-only", "-t", "books"), ()):
            with self.subTest(through="libpq_proxy", args=args):
                reference = keyless(self.pg_dump(self.reference, *args))
                self.assertIn("CREATE TABLE public.books (", reference)
                self.assertEqual(keyless(self.pg_dump(self.proxied, *args)), reference)

    def test_pg_dump_of_an_enum_type(self):
        """pg_dump prepares its query of an enum's labels (PREPARE
        dumpEnumType ... EXECUTE, SQL-level prepared statements) and
        qualifies the type in a column's default ('ok'::public.dump_mood):
        the dump restores into PostgreSQL 15 as the reference's type,
        table and rows."""
        setup = ("CREATE TYPE dump_mood AS ENUM ('sad', 'ok', 'happy'); "
                 "CREATE TABLE dump_people (name text PRIMARY KEY, m dump_mood NOT NULL DEFAULT 'ok'); "
                 "INSERT INTO dump_people VALUES ('a', 'happy'), ('b', 'sad'); INSERT INTO dump_people (name) VALUES ('c')")
        for conninfo in (self.ours, self.reference):
            self.psql(conninfo, "-v", "ON_ERROR_STOP=1", "-q", "-c", setup)
            self.addCleanup(self.psql, conninfo, "-q", "-c", "DROP TABLE dump_people; DROP TYPE dump_mood")
        dump = self.pg_dump(self.ours)
        self.assertIn("CREATE TYPE public.dump_mood AS ENUM (\n    'sad',\n    'ok',\n    'happy'\n);", dump)
        self.assertIn("m public.dump_mood DEFAULT 'ok'::public.dump_mood NOT NULL", dump)
        restored = self.restore("enum", dump)
        for command in ("\\d dump_people", "\\dT+ dump_mood", "SELECT * FROM dump_people ORDER BY m, name"):
            self.assertEqual(self.psql(restored, "-c", command).stdout, self.psql(self.reference, "-c", command).stdout,
                             command)

if __name__ == "__main__":
    unittest.main()
