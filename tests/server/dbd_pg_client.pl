# DBD::Pg (Debian libdbd-pg-perl) against a server: argv port, database.
# tests/server/test_catalog_tools.py compares what it prints on PostgreSQL 15
# and on sqlite_server: placeholders, RETURNING, arrays, last_insert_id,
# primary_key/column_info/table_info (catalog queries), COPY, LISTEN/NOTIFY.
use strict; use warnings; use DBI;
my ($port, $db) = @ARGV;
my $dbh = DBI->connect("dbi:Pg:dbname=$db;host=127.0.0.1;port=$port", "postgres", "", {RaiseError => 0, PrintError => 0, AutoCommit => 1});
die "connect: $DBI::errstr" unless $dbh;
sub run { my ($sql, @b) = @_; my $sth = $dbh->prepare($sql); my $ok = $sth && $sth->execute(@b);
  if (!$ok) { print "ERR ", ($dbh->state // ''), " ", ($dbh->errstr =~ s/\n.*//sr), "\n"; return; }
  if ($sth->{NUM_OF_FIELDS}) { print join(",", @{$sth->{NAME}}), " types=", join(",", @{$sth->{TYPE}}), "\n";
    while (my $r = $sth->fetchrow_arrayref) { print join("|", map { !defined $_ ? "NULL" : ref $_ eq "ARRAY" ? "{" . join(",", @$_) . "}" : $_ } @$r), "\n"; } }
  else { print "OK ", $sth->rows, "\n"; } }
run("DROP TABLE IF EXISTS dbd_t");
run("CREATE TABLE dbd_t (id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2), at timestamptz DEFAULT now(), tags text[], ok boolean, data bytea)");
run("INSERT INTO dbd_t (name, price, tags, ok, data) VALUES (?, ?, ?, ?, ?)", "apple", "1.50", ["a","b"], 1, "\x00\x01");
my $sth = $dbh->prepare("INSERT INTO dbd_t (name, price, ok) VALUES (?, ?, ?) RETURNING id");
$sth->execute("pear", 2.25, 0); print "returning ", $sth->fetchrow_array, "\n";
run("SELECT id, name, price, tags, ok, encode(data, 'hex') FROM dbd_t ORDER BY id");
run("SELECT id, name, price, tags, ok FROM dbd_t WHERE id = ? AND name = ?", 1, "apple");
run("SELECT count(*) FROM dbd_t WHERE price > ?", 1);
print "pk: ", join(",", $dbh->primary_key(undef, 'public', 'dbd_t')), "\n";
my $ci = $dbh->column_info(undef, 'public', 'dbd_t', '%');
if ($ci) { while (my $r = $ci->fetchrow_hashref) { print "col $r->{COLUMN_NAME} $r->{TYPE_NAME} $r->{pg_type} null=$r->{NULLABLE} def=", ($r->{COLUMN_DEF} // 'NULL'), "\n"; } } else { print "column_info ERR $DBI::errstr\n"; }
my $ti = $dbh->table_info(undef, 'public', 'dbd_%', 'TABLE');
if ($ti) { while (my $r = $ti->fetchrow_hashref) { print "table $r->{TABLE_NAME} $r->{TABLE_TYPE}\n"; } } else { print "table_info ERR $DBI::errstr\n"; }
my @tables = $dbh->tables(undef, 'public', 'dbd_t', undef); print "tables: @tables\n";
$dbh->begin_work; run("UPDATE dbd_t SET price = price * 2"); $dbh->rollback;
run("SELECT sum(price) FROM dbd_t");
run("SELECT 1/0");
run("SELECT nope FROM dbd_t");
$dbh->do("COPY dbd_t (name) FROM STDIN"); $dbh->pg_putcopydata("copied\n"); $dbh->pg_putcopyend();
run("SELECT name FROM dbd_t ORDER BY id");
$dbh->do("COPY (SELECT id, name FROM dbd_t ORDER BY id) TO STDOUT"); my $line; while ($dbh->pg_getcopydata($line) >= 0) { print "copy: $line"; }
$dbh->do("LISTEN ch"); $dbh->do("NOTIFY ch, 'hi'"); my $n = $dbh->pg_notifies; print "notify: ", ($n ? "$n->[0] $n->[2]" : "none"), "\n";
print "server: ", $dbh->get_info(17), "\n";
my $p = $dbh->prepare("SELECT \$1::int + 1", {pg_server_prepare => 1}); $p->execute(41); print "server prepare: ", $p->fetchrow_array, "\n";
run("SELECT ?::date, ?::timestamptz", "2024-02-29", "2024-07-01 12:00:00+00");
my $lo = $dbh->last_insert_id(undef, 'public', 'dbd_t', 'id'); print "last_insert_id: ", ($lo // 'undef'), "\n";
run("DROP TABLE dbd_t");
