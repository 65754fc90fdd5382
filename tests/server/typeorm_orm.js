// TypeORM 0.3 (tests/compat/node: npm ci from its lock) against database
// argv[3] of the server at 127.0.0.1:argv[2], printing what it sees, one
// line per step; test_catalog_tools.py runs it against sqlite_server and
// PostgreSQL 15 and compares the lines. synchronize() reads the schema
// (SELECT * FROM current_schema(), "information_schema"."tables",
// information_schema.columns joined with pg_attribute and ::"regtype",
// pg_constraint, pg_index), creates the tables (SERIAL, uuid_generate_v4(),
// `text array`, jsonb, a named primary key, unique constraint, index and
// foreign key), and a second synchronize() must find nothing to change:
// every column, key and index reads back as TypeORM wrote it.
const path = require("path");
const modules = path.join(__dirname, "..", "compat", "node", "node_modules");
require(path.join(modules, "reflect-metadata"));
const { DataSource, EntitySchema } = require(path.join(modules, "typeorm"));
const port = Number(process.argv[2]), database = process.argv[3] || "postgres";
const out = (...a) => console.log(a.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(" "));
const Author = new EntitySchema({ name: "Author", tableName: "torm_author", columns: {
  id: { type: Number, primary: true, generated: true }, name: { type: "varchar", length: 80, unique: true },
  born: { type: "date", nullable: true }, meta: { type: "jsonb", default: () => "'{}'" } },
  relations: { books: { type: "one-to-many", target: "Book", inverseSide: "author" } } });
const Book = new EntitySchema({ name: "Book", tableName: "torm_book", columns: {
  id: { type: "uuid", primary: true, generated: "uuid" }, title: { type: "text" },
  price: { type: "numeric", precision: 8, scale: 2, default: 0 }, tags: { type: "text", array: true, nullable: true },
  created: { type: "timestamptz", createDate: true } },
  relations: { author: { type: "many-to-one", target: "Author", joinColumn: true, onDelete: "CASCADE" } },
  indices: [{ columns: ["title"] }] });
(async () => {
  const ds = new DataSource({ type: "postgres", host: "127.0.0.1", port, username: "postgres", database, entities: [Author, Book], logging: false });
  await ds.initialize();
  await ds.query("DROP TABLE IF EXISTS torm_book, torm_author CASCADE");
  await ds.synchronize();
  out("tables", (await ds.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'torm_%' ORDER BY 1")).map((r) => r.table_name));
  const a = await ds.getRepository("Author").save({ name: "ann", born: "1980-02-03", meta: { k: 1 } });
  await ds.getRepository("Book").save([{ title: "t1", price: "9.50", tags: ["x"], author: a }, { title: "t2", author: a }]);
  const got = await ds.getRepository("Author").find({ relations: { books: true }, order: { name: "ASC" } });
  out("find", got.map((x) => [x.name, x.born, x.meta, x.books.map((b) => [b.title, b.price, b.tags]).sort()]));
  out("qb", await ds.getRepository("Book").createQueryBuilder("b").select("count(*)", "n").addSelect("sum(b.price)", "s").getRawOne());
  const pending = await ds.driver.createSchemaBuilder().log();  // (a second time: nothing to change)
  out("pending", pending.upQueries.map((q) => q.query));
  await ds.synchronize();
  out("second sync ok");
  await ds.query("DROP TABLE torm_book, torm_author");
  await ds.destroy();
})().catch((e) => { console.error(e); process.exit(1); });
