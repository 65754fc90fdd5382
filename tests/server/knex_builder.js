// Knex 3 (tests/compat/node: npm ci from its lock) against database argv[3]
// of the server at 127.0.0.1:argv[2], printing what it sees, one line per
// step; test_catalog_tools.py runs it against sqlite_server and PostgreSQL
// 15 and compares the lines: its schema builder (increments, a unique
// string, timestamps, jsonb, an enum as a CHECK, a foreign key with ON
// DELETE CASCADE, text[], a two-column index; hasTable / hasColumn, alter
// with rename, drop index, a column retyped with .alter(), columnInfo),
// queries with RETURNING, a join, aggregates and a transaction.
const path = require("path");
const knex = require(path.join(__dirname, "..", "compat", "node", "node_modules", "knex"))({ client: "pg", connection: { host: "127.0.0.1", port: Number(process.argv[2]), user: "postgres", database: process.argv[3] || "postgres" } });
const out = (...a) => console.log(a.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(" "));
(async () => {
  await knex.schema.dropTableIfExists("knx_pets"); await knex.schema.dropTableIfExists("knx_owners");
  await knex.schema.createTable("knx_owners", (t) => { t.increments("id"); t.string("name", 50).notNullable().unique(); t.timestamps(true, true); t.jsonb("prefs"); t.enu("kind", ["a", "b"]); });
  await knex.schema.createTable("knx_pets", (t) => { t.bigIncrements("id"); t.integer("owner_id").references("id").inTable("knx_owners").onDelete("CASCADE"); t.decimal("weight", 6, 2); t.specificType("tags", "text[]"); t.index(["owner_id", "weight"]); });
  out("has", await knex.schema.hasTable("knx_pets"), await knex.schema.hasColumn("knx_pets", "weight"), await knex.schema.hasColumn("knx_pets", "nope"));
  const [o] = await knex("knx_owners").insert({ name: "ann", prefs: { a: 1 }, kind: "b" }).returning(["id", "kind"]);
  out("insert", o);
  await knex("knx_pets").insert([{ owner_id: o.id, weight: "3.5", tags: ["x"] }, { owner_id: o.id, weight: 1 }]);
  out("join", await knex("knx_pets").join("knx_owners", "knx_owners.id", "knx_pets.owner_id").select("name", "weight", "tags").orderBy("weight"));
  out("agg", await knex("knx_pets").sum({ s: "weight" }).count({ n: "*" }).first());
  await knex.schema.alterTable("knx_pets", (t) => { t.string("nick").defaultTo("x"); t.dropIndex(["owner_id", "weight"]); t.renameColumn("weight", "mass"); });
  await knex.schema.alterTable("knx_pets", (t) => { t.decimal("mass", 8, 3).alter(); t.dropColumn("nick"); });
  out("columns", Object.entries(await knex("knx_pets").columnInfo()).map(([k, v]) => [k, v.type, v.maxLength, v.nullable, v.defaultValue]));
  await knex.transaction(async (trx) => { await trx("knx_owners").insert({ name: "bob" }); await trx("knx_owners").where({ name: "bob" }).update({ kind: "a" }); });
  out("trx", await knex("knx_owners").select("name", "kind").orderBy("name"));
  await knex.schema.dropTable("knx_pets"); await knex.schema.dropTable("knx_owners");
  out("dropped", await knex.schema.hasTable("knx_pets"));
  await knex.destroy();
})().catch(async (e) => { console.error(e); await knex.destroy(); process.exit(1); });
