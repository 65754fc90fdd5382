<?php
// PHP's PDO_PGSQL (Debian php-pgsql) against a server: argv port, database.
// tests/server/test_catalog_tools.py compares what it prints on PostgreSQL 15
// and on sqlite_server: server-side and emulated prepares, column metadata,
// lastInsertId (lastval / currval), errors' SQLSTATEs, COPY, LISTEN/NOTIFY.
$port = $argv[1];
$name = $argv[2];
$db = new PDO("pgsql:host=127.0.0.1;port=$port;dbname=$name", "postgres", "", [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
function show($st) { $n = $st->columnCount(); $meta = []; for ($i = 0; $i < $n; $i++) { $m = $st->getColumnMeta($i); $meta[] = $m['name'] . ':' . $m['native_type'] . ':' . $m['pdo_type']; }
  echo implode(',', $meta), "\n"; foreach ($st->fetchAll(PDO::FETCH_NUM) as $r) { echo json_encode($r), "\n"; } }
function run($db, $sql, $params = null) { try { if ($params === null) { $st = $db->query($sql); } else { $st = $db->prepare($sql); $st->execute($params); }
  if ($st->columnCount() > 0) show($st); else echo "OK ", $st->rowCount(), "\n"; } catch (PDOException $e) { echo "ERR ", $e->getCode(), " ", explode("\n", $e->getMessage())[0], "\n"; } }
run($db, "DROP TABLE IF EXISTS pdo_t");
run($db, "CREATE TABLE pdo_t (id serial PRIMARY KEY, name varchar(20) NOT NULL, price numeric(10,2), ok boolean, at timestamptz, n int8, f float8, j jsonb, u uuid)");
run($db, "INSERT INTO pdo_t (name, price, ok, at, n, f, j, u) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ["apple", "1.50", "true", "2024-07-01 12:00:00+00", 9007199254740993, 0.1, '{"a": [1, 2]}', "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]);
echo "lastInsertId: ", $db->lastInsertId(), " / ", $db->lastInsertId("pdo_t_id_seq"), "\n";
$st = $db->prepare("INSERT INTO pdo_t (name, ok) VALUES (:name, :ok) RETURNING id");
$st->bindValue(":name", "pear"); $st->bindValue(":ok", false, PDO::PARAM_BOOL); $st->execute(); echo "returning ", $st->fetchColumn(), "\n";
echo "lastInsertId: ", $db->lastInsertId(), "\n";
run($db, "SELECT * FROM pdo_t ORDER BY id");
run($db, "SELECT id, name FROM pdo_t WHERE name = ? AND id > ?", ["apple", 0]);
$db->setAttribute(PDO::ATTR_EMULATE_PREPARES, true);
run($db, "SELECT id, name FROM pdo_t WHERE name = ? AND ok = ?", ["pear", false]);
$db->setAttribute(PDO::ATTR_EMULATE_PREPARES, false);
$db->beginTransaction(); run($db, "UPDATE pdo_t SET price = 9"); $db->rollBack();
run($db, "SELECT sum(price), count(*), avg(f), max(at), min(j::text), bool_and(ok) FROM pdo_t");
run($db, "SELECT 1/0");
run($db, "INSERT INTO pdo_t (name) VALUES (NULL)");
run($db, "INSERT INTO pdo_t (id, name) VALUES (1, 'dup')");
run($db, "SELECT ?::int + 1 AS x, ?::text AS y, ?::date AS d", [41, "héllo", "2024-02-29"]);
var_dump($db->pgsqlCopyFromArray("pdo_t", ["100\tcopied\t2.00\tt\t\\N\t\\N\t\\N\t\\N\t\\N"]));
var_dump($db->pgsqlCopyToArray("pdo_t", "\t", "\\\\N", "id, name"));
$db->exec("LISTEN pdo_ch"); $db->exec("NOTIFY pdo_ch, 'payload'"); $n = $db->pgsqlGetNotify(PDO::FETCH_ASSOC, 1000);
echo "notify ", $n["message"], " ", $n["payload"], "\n";
echo json_encode($db->query("SELECT pg_typeof(1.5), pg_typeof(now()), current_schema()")->fetchAll(PDO::FETCH_NUM)), "\n";
run($db, "DROP TABLE pdo_t");
