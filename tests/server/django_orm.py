"""Django 3.2's ORM and migrations (Debian's python3-django, over psycopg2)
against database <database> of the server at 127.0.0.1:<port>, printing what it sees, one line per
step; test_catalog_tools.py runs it against sqlite_server and PostgreSQL 15
and compares the lines.

The app is written to a temporary directory (makemigrations writes files):
models with a foreign key, a many-to-many table, decimals, dates, JSON,
UUIDs, unique and index_together-style constraints. The steps: migrate
(contenttypes and auth too: their 0002 drops a column with CASCADE, and
every model's varchar gets a `varchar_pattern_ops` index), the ORM's
queries (aggregates, annotations, select_related / prefetch_related,
Exists, F(), JSON lookups, dates(), transactions with savepoints and an
IntegrityError), Django's introspection (get_constraints: pg_constraint
and pg_index read with unnest(a, b) WITH ORDINALITY), schema edits (add a
field with an index, add and remove an index, change a column's type,
change a type and NULL in one statement, drop and restore a unique_together,
make a unique column not unique,
rename a column, remove a field) and `migrate zero`."""

import datetime
import decimal
import os
import sys
import tempfile

MODELS = '''
import uuid
from django.db import models

class Customer(models.Model):
    name = models.CharField(max_length=100, unique=True)
    email = models.EmailField(null=True, blank=True)
    joined = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)
    token = models.UUIDField(default=uuid.uuid4, editable=False)
    profile = models.JSONField(default=dict)

class Tag(models.Model):
    label = models.CharField(max_length=30)

class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    total = models.DecimalField(max_digits=10, decimal_places=2)
    placed = models.DateField()
    note = models.TextField(blank=True, default="")
    tags = models.ManyToManyField(Tag, blank=True)
    class Meta:
        indexes = [models.Index(fields=["placed"])]
        unique_together = [("customer", "placed")]
'''

TABLES = ["shop_order_tags", "shop_order", "shop_tag", "shop_customer", "auth_user_user_permissions", "auth_user_groups",
          "auth_group_permissions", "auth_permission", "auth_group", "auth_user", "django_content_type",
          "django_migrations"]


def main(port, database):
    home = tempfile.mkdtemp(prefix="pgwire-django-")
    os.makedirs(os.path.join(home, "shop", "migrations"))
    for name, text in (("shop/__init__.py", ""), ("shop/migrations/__init__.py", ""), ("shop/models.py", MODELS)):
        with open(os.path.join(home, name), "w") as f:
            f.write(text)
    sys.path.insert(0, home)

    import django
    from django.conf import settings
    settings.configure(
        DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": database, "USER": "postgres",
                               "HOST": "127.0.0.1", "PORT": port}},
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "shop"],
        USE_TZ=True, DEFAULT_AUTO_FIELD="django.db.models.AutoField")
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, models, transaction
    from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Q, Sum
    from shop.models import Customer, Order, Tag

    drop_tables(connection)
    call_command("makemigrations", "shop", verbosity=0)
    call_command("migrate", verbosity=0)

    User.objects.create_user("alice", "a@example.com", "pw")
    print("user", User.objects.get(username="alice").check_password("pw"))
    a = Customer.objects.create(name="ann", email="ann@x.org", profile={"tier": "gold", "n": [1, 2]})
    b = Customer.objects.create(name="bob")
    t1, t2 = Tag.objects.create(label="red"), Tag.objects.create(label="blue")
    o1 = Order.objects.create(customer=a, total=decimal.Decimal("10.50"), placed=datetime.date(2024, 1, 2))
    o2 = Order.objects.create(customer=a, total=decimal.Decimal("5.25"), placed=datetime.date(2024, 2, 3))
    o3 = Order.objects.create(customer=b, total=decimal.Decimal("7.00"), placed=datetime.date(2024, 2, 3))
    o1.tags.add(t1, t2)
    o3.tags.add(t2)
    Order.objects.bulk_create([Order(customer=b, total=decimal.Decimal(i), placed=datetime.date(2023, 1, i))
                               for i in range(1, 4)])
    print("count", Order.objects.count())
    print("aggregate", Order.objects.aggregate(Sum("total"), Avg("total"), Max("placed")))
    print("annotate", list(Customer.objects.annotate(n=Count("orders"), s=Sum("orders__total"))
                           .order_by("name").values_list("name", "n", "s")))
    print("filter", list(Order.objects.filter(Q(total__gt=5) | Q(placed__year=2023), customer__name__startswith="a")
                         .order_by("id").values_list("id", flat=True)))
    print("select_related", [(o.customer.name, str(o.total))
                             for o in Order.objects.select_related("customer").order_by("-total")[:2]])
    print("prefetch_related", [(o.id, sorted(t.label for t in o.tags.all()))
                               for o in Order.objects.prefetch_related("tags").order_by("id")[:3]])
    print("exists", list(Customer.objects.filter(Exists(Order.objects.filter(customer=OuterRef("pk"), total__gt=6)))
                         .values_list("name", flat=True).order_by("name")))
    Order.objects.filter(customer=b).update(total=F("total") + 1)
    print("update F()", list(Order.objects.filter(customer=b).order_by("id").values_list("total", flat=True)))
    print("json", list(Customer.objects.filter(profile__tier="gold").values_list("name", flat=True)),
          Customer.objects.get(name="ann").profile)
    print("dates", list(Order.objects.dates("placed", "month")))
    print("month", list(Order.objects.values_list("placed__month", flat=True).distinct().order_by("placed__month")))
    try:
        with transaction.atomic():
            Customer.objects.create(name="carl")
            Customer.objects.create(name="ann")
    except django.db.IntegrityError as e:
        print("integrity error", type(e).__name__)
    print("rolled back", Customer.objects.filter(name="carl").exists())
    with transaction.atomic():
        _, created = Customer.objects.get_or_create(name="dora", defaults={"email": "d@x"})
        with transaction.atomic():
            Tag.objects.create(label="inner")
    print("get_or_create", created, Tag.objects.filter(label="inner").count())
    print("icontains", list(Customer.objects.filter(name__icontains="O").order_by("name").values_list("name", flat=True)))
    print("in / isnull", Order.objects.filter(id__in=[o1.id, o2.id]).count(),
          Customer.objects.filter(email__isnull=True).count())
    print("iterator", sum(1 for _ in Order.objects.all().iterator(chunk_size=2)))
    Customer.objects.filter(name="bob").delete()
    print("cascade", Order.objects.count(), Order.tags.through.objects.count())
    print("aware datetime", Customer.objects.get(name="ann").joined.tzinfo is not None)

    def constraints(table):
        with connection.cursor() as c:
            found = connection.introspection.get_constraints(c, table)
        return sorted(repr((v["columns"], v["primary_key"], v["unique"], v["foreign_key"], v["check"], v["index"],
                            v.get("type"), v.get("orders"))) for v in found.values())
    for table in ("shop_order", "shop_customer", "shop_order_tags", "auth_user"):
        print("constraints", table, constraints(table))
    with connection.schema_editor() as editor:
        nick = models.CharField(max_length=200, null=True, db_index=True)
        nick.set_attributes_from_name("nick")
        nick.model = Customer
        editor.add_field(Customer, nick)
        editor.add_index(Order, models.Index(fields=["total"], name="ord_total_idx"))
        print("with index", constraints("shop_order"))
        editor.remove_index(Order, models.Index(fields=["total"], name="ord_total_idx"))
        old = Customer._meta.get_field("email")
        new = models.EmailField(max_length=300, null=True)
        new.set_attributes_from_name("email")
        new.model = Customer
        editor.alter_field(Customer, old, new)
        print("with nick", constraints("shop_customer"))
        editor.remove_field(Customer, nick)
        # (a new type and NULL allowed: one ALTER TABLE with two actions)
        old = Order._meta.get_field("note")
        new = models.CharField(max_length=50, null=True, db_index=True)
        new.set_attributes_from_name("note")
        new.model = Order
        editor.alter_field(Order, old, new)
        editor.alter_unique_together(Order, [("customer", "placed")], [])
        old = Tag._meta.get_field("label")
        new = models.CharField(max_length=30)
        new.set_attributes_from_name("name")
        new.model = Tag
        editor.alter_field(Tag, old, new)
        # (unique=True -> False: DROP CONSTRAINT of CREATE TABLE's UNIQUE, then an index)
        old = Customer._meta.get_field("name")
        new = models.CharField(max_length=100, db_index=True)
        new.set_attributes_from_name("name")
        new.model = Customer
        editor.alter_field(Customer, old, new)
    print("after edits", constraints("shop_customer"), constraints("shop_order"))
    Customer.objects.create(name="ann")
    print("names repeat", Customer.objects.filter(name="ann").count())
    with connection.cursor() as c:
        c.execute("INSERT INTO shop_order (customer_id, total, placed, note) SELECT customer_id, total, placed, NULL"
                  " FROM shop_order WHERE id = %s", [o1.id])
        c.execute("SELECT count(*), count(note) FROM shop_order")
        print("duplicate (customer, placed), null note", c.fetchone())
        c.execute("SELECT name FROM shop_tag ORDER BY id")
        print("renamed", c.fetchall())
        c.execute("DELETE FROM shop_order WHERE note IS NULL")
        c.execute("UPDATE shop_order SET note = ''")
    with connection.schema_editor() as editor:  # (back as the migration left them: migrate zero reverses it)
        editor.alter_unique_together(Order, [], [("customer", "placed")])
        editor.alter_field(Tag, new, Tag._meta.get_field("label"))
        new = models.CharField(max_length=50, null=True, db_index=True)
        new.set_attributes_from_name("note")
        new.model = Order
        editor.alter_field(Order, new, Order._meta.get_field("note"))
    print("restored", constraints("shop_order"))
    Customer.objects.create(name="erin", email="x" * 250)
    print("longer email", len(Customer.objects.get(name="erin").email))
    call_command("migrate", "shop", "zero", verbosity=0)
    print("migrated to zero", "shop_order" in connection.introspection.table_names())


def drop_tables(connection):
    """The reference server outlives the test: its schema goes back as it was."""
    with connection.cursor() as c:
        for t in TABLES:
            c.execute("DROP TABLE IF EXISTS %s CASCADE" % t)


if __name__ == "__main__":
    try:
        main(int(sys.argv[1]), sys.argv[2])
    finally:
        from django.db import connection
        drop_tables(connection)
