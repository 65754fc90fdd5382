// Sequelize 6 (tests/compat/node: npm ci from its lock) against database
// argv[3] of the server at 127.0.0.1:argv[2], printing what it sees, one
// line per step; test_catalog_tools.py runs it against sqlite_server and
// PostgreSQL 15 and compares the lines. At connect Sequelize sends SET TIME
// ZONE INTERVAL '+00:00' HOUR TO MINUTE; sync() creates an enum type in a
// DO block, tables with SERIAL, JSONB, DECIMAL, UUID and TEXT[] columns and
// a foreign key; then queries (include, aggregates, JSON and array
// operators, a unique violation, a rolled-back transaction), reflection
// (describeTable: information_schema and pg_statio_all_tables, showIndex,
// foreign keys from information_schema's constraint views), column edits,
// sync({ alter: true }) (drops and re-adds the foreign key) and drops.
const path = require("path");
const { Sequelize, DataTypes, Op } = require(path.join(__dirname, "..", "compat", "node", "node_modules", "sequelize"));
const port = Number(process.argv[2]), database = process.argv[3] || "postgres";
const s = new Sequelize(database, "postgres", "", { host: "127.0.0.1", port, dialect: "postgres", logging: false });
const out = (...a) => console.log(a.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(" "));
(async () => {
  const qi = s.getQueryInterface();
  for (const t of ["seq_orders", "seq_people", "seq_tags", "seq_people_tags"]) await s.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
  const Person = s.define("Person", {
    name: { type: DataTypes.STRING(60), allowNull: false, unique: true },
    age: DataTypes.INTEGER,
    balance: { type: DataTypes.DECIMAL(10, 2), defaultValue: 0 },
    meta: { type: DataTypes.JSONB, defaultValue: {} },
    born: DataTypes.DATEONLY,
    kind: { type: DataTypes.ENUM("a", "b"), defaultValue: "a" },
    uid: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4 },
    tags: DataTypes.ARRAY(DataTypes.TEXT),
  }, { tableName: "seq_people" });
  const Order = s.define("Order", { total: DataTypes.FLOAT, note: DataTypes.TEXT }, { tableName: "seq_orders" });
  Person.hasMany(Order, { foreignKey: "personId" });
  Order.belongsTo(Person, { foreignKey: "personId" });
  await s.sync({ force: true });
  const ann = await Person.create({ name: "ann", age: 30, balance: "12.50", meta: { x: 1 }, born: "1990-05-01", tags: ["p", "q"] });
  const bob = await Person.create({ name: "bob", age: 40, kind: "b" });
  await Order.bulkCreate([{ total: 1.5, personId: ann.id }, { total: 2.25, personId: ann.id }, { total: 9, personId: bob.id }]);
  out("count", await Person.count(), await Order.count());
  out("where", (await Person.findAll({ where: { age: { [Op.gt]: 35 } } })).map((p) => p.name));
  out("include", (await Person.findAll({ include: Order, order: [["name", "ASC"], [Order, "total", "ASC"]] })).map((p) => [p.name, p.Orders.map((o) => o.total)]));
  out("sum", await Order.sum("total"), await Order.max("total"));
  out("group", (await Order.findAll({ attributes: ["personId", [s.fn("count", s.col("id")), "n"]], group: ["personId"], order: [["personId", "ASC"]], raw: true })));
  const a2 = await Person.findOne({ where: { name: "ann" } });
  out("types", a2.balance, a2.meta, a2.born, a2.kind, a2.tags, typeof a2.uid, a2.createdAt instanceof Date);
  out("json", (await Person.findAll({ where: { "meta.x": 1 } })).map((p) => p.name));
  out("array", (await Person.findAll({ where: { tags: { [Op.contains]: ["p"] } } })).map((p) => p.name));
  out("like", (await Person.findAll({ where: { name: { [Op.iLike]: "A%" } } })).map((p) => p.name));
  try { await Person.create({ name: "ann" }); } catch (e) { out("unique", e.name); }
  try {
    await s.transaction(async (t) => { await Person.create({ name: "cat" }, { transaction: t }); throw new Error("no"); });
  } catch (e) { out("rollback", await Person.count({ where: { name: "cat" } })); }
  await Person.update({ age: s.literal("age + 1") }, { where: { name: "bob" } });
  out("update", (await Person.findOne({ where: { name: "bob" } })).age);
  out("describe", await qi.describeTable("seq_people"));
  out("indexes", (await qi.showIndex("seq_people")).map((i) => [i.name, i.unique, i.primary, i.fields.map((f) => f.attribute)]));
  out("fks", (await qi.getForeignKeyReferencesForTable("seq_orders")).map((f) => [f.columnName, f.referencedTableName, f.referencedColumnName]));
  await qi.addColumn("seq_people", "nick", { type: DataTypes.STRING, allowNull: true });
  await qi.changeColumn("seq_people", "nick", { type: DataTypes.TEXT, allowNull: true, defaultValue: "n" });
  await qi.renameColumn("seq_people", "nick", "alias");
  await qi.addIndex("seq_people", ["age", "alias"]);
  await qi.removeColumn("seq_people", "alias");
  out("after", Object.keys(await qi.describeTable("seq_people")));
  await s.sync({ alter: true });
  out("altered", Object.keys(await qi.describeTable("seq_people")));
  await Order.drop({}); await Person.drop({});
  out("dropped", (await qi.showAllTables()).filter((t) => t.startsWith("seq_")));
  await s.query('DROP TYPE IF EXISTS "enum_seq_people_kind"');
  await s.close();
})().catch((e) => { console.error(e); process.exit(1); });
