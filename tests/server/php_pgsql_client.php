<?php
// PHP's pgsql extension (Debian php-pgsql) against a server: argv port,
// database. tests/server/test_catalog_tools.py compares what it prints on
// PostgreSQL 15 and on sqlite_server: pg_query_params, pg_insert/pg_select/
// pg_update/pg_delete and pg_meta_data (catalog queries), field types, errors.
$port = $argv[1];
$name = $argv[2];
$c = pg_connect("host=127.0.0.1 port=$port dbname=$name user=postgres");
pg_query($c, "DROP TABLE IF EXISTS pgf_t");
pg_query($c, "CREATE TABLE pgf_t (id serial PRIMARY KEY, name text, v int)");
$r = pg_query_params($c, "INSERT INTO pgf_t (name, v) VALUES ($1, $2) RETURNING id", ["a", 5]); echo "id ", pg_fetch_result($r, 0, 0), "\n";
pg_insert($c, "pgf_t", ["name" => "b", "v" => 7]);
$r = pg_select($c, "pgf_t", ["name" => "b"]); echo json_encode($r), "\n";
print_r(pg_meta_data($c, "pgf_t"));
$r = pg_query($c, "SELECT * FROM pgf_t ORDER BY id"); for ($i = 0; $i < pg_num_fields($r); $i++) echo pg_field_name($r, $i), ":", pg_field_type($r, $i), " "; echo "\n";
while ($row = pg_fetch_assoc($r)) echo json_encode($row), "\n";
pg_update($c, "pgf_t", ["v" => 8], ["name" => "b"]); pg_delete($c, "pgf_t", ["name" => "a"]);
$r = pg_query($c, "SELECT * FROM pgf_t"); echo json_encode(pg_fetch_all($r)), "\n";
$r = @pg_query($c, "SELECT nope"); echo "err: ", pg_last_error($c) ? "yes" : "no", "\n";
pg_send_query($c, "SELECT 1/0"); $r = pg_get_result($c); echo "sqlstate ", pg_result_error_field($r, PGSQL_DIAG_SQLSTATE), "\n";
echo "integer_datetimes ", pg_parameter_status($c, "integer_datetimes"), "\n";
pg_query($c, "DROP TABLE pgf_t");
