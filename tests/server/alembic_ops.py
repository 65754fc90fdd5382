"""Alembic 1.8's operations (Debian's python3-alembic, over SQLAlchemy and
psycopg2) against database argv[2] of the server at 127.0.0.1:argv[1],
printing what it sees; test_catalog_tools.py runs it against sqlite_server
and PostgreSQL 15 and compares the lines. A migration's usual operations
(create_table, create_foreign_key, create_index, add_column with a server
default, alter_column changing type, NULL and default, a renamed column,
a named CHECK, dropped foreign key, index, unique constraint and column),
then autogenerate's compare_metadata against the models, which must find
nothing to do: it reflects every table and compares the server defaults by
asking the server (SELECT '0'::bigint = '0'). Only its own tables are
compared: the database may hold others (sqlite_server's demo table)."""

import sys
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.autogenerate import compare_metadata
port, db = int(sys.argv[1]), sys.argv[2]
eng = sa.create_engine("postgresql+psycopg2://postgres@127.0.0.1:%d/%s" % (port, db))
with eng.begin() as c:
    for t in ("alm_items", "alm_users"):
        c.execute(sa.text("DROP TABLE IF EXISTS %s CASCADE" % t))
    ctx = MigrationContext.configure(c)
    op = Operations(ctx)
    op.create_table("alm_users", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("email", sa.String(100), nullable=False, unique=True), sa.Column("age", sa.Integer))
    op.create_table("alm_items", sa.Column("id", sa.Integer, primary_key=True), sa.Column("user_id", sa.Integer),
                    sa.Column("price", sa.Numeric(8, 2)))
    op.create_foreign_key("fk_items_user", "alm_items", "alm_users", ["user_id"], ["id"], ondelete="CASCADE")
    op.create_index("ix_items_price", "alm_items", ["price"])
    op.add_column("alm_users", sa.Column("nick", sa.String(20), server_default="x"))
    op.alter_column("alm_users", "age", type_=sa.BigInteger, nullable=False, server_default="0",
                    existing_type=sa.Integer)
    op.alter_column("alm_users", "nick", new_column_name="handle")
    op.create_check_constraint("ck_age", "alm_users", "age >= 0")
    op.drop_constraint("fk_items_user", "alm_items", type_="foreignkey")
    op.drop_index("ix_items_price", "alm_items")
    op.create_unique_constraint("uq_items_price", "alm_items", ["price", "user_id"])
    op.drop_constraint("uq_items_price", "alm_items", type_="unique")
    op.drop_column("alm_users", "handle")
    md = sa.MetaData()
    sa.Table("alm_users", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("email", sa.String(100), nullable=False, unique=True),
             sa.Column("age", sa.BigInteger, nullable=False, server_default="0"),
             sa.CheckConstraint("age >= 0", name="ck_age"))
    sa.Table("alm_items", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("user_id", sa.Integer),
             sa.Column("price", sa.Numeric(8, 2)))
    diff = compare_metadata(MigrationContext.configure(c, opts={"compare_type": True, "compare_server_default": True}),
                            md)
    def table_of(d):  # (the other tables of the database are not the migration's)
        if isinstance(d, list):
            return d[0][2]
        obj = d[1]
        return obj.name if isinstance(obj, sa.Table) else getattr(getattr(obj, "table", None), "name", "")
    print("diff", [d if isinstance(d, tuple) else [x[:4] for x in d] for d in diff
                   if str(table_of(d)).startswith("alm_")])
    print("cols", [(x["name"], str(x["type"]), x["nullable"], x["default"]) for x in sa.inspect(c).get_columns("alm_users")])
    op.drop_table("alm_items")
    op.drop_table("alm_users")
print("done")
