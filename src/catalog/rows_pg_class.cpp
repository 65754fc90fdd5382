// The Description's tables and views (relation_rows.hpp): pg_class, their
// row types, pg_attribute, pg_attrdef, their comments, then their indexes
// (rows_pg_index.cpp), table by table.

#include <set>

#include "catalog_types.hpp"
#include "pgwire/protocol/sql_text.hpp"
#include "relation_rows.hpp"

namespace pgwire::catalog_detail {

namespace {

// A view's text with the tables it reads (a name after FROM or JOIN, or
// after a comma of a FROM list) marked as references (relation_reference):
// pg_get_viewdef then qualifies them for the search path of the query, as
// PostgreSQL's deparsed definitions are (pg_dump restores with an empty
// search_path). Qualified names and functions in FROM stay as written.
std::string mark_view_relations(const Fill& f, const std::string& schema, const std::string& definition) {
  std::vector<SqlToken> tokens;
  try {
    tokens = tokenize(definition);
  } catch (...) {
    return definition;  // the product's text, as it wrote it
  }
  std::string out;
  std::size_t copied = 0;
  std::vector<bool> in_from{false};  // per parenthesis depth: inside a FROM list
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    if (t.is_punct("(")) in_from.push_back(false);
    if (t.is_punct(")") && in_from.size() > 1) in_from.pop_back();
    if (t.is_keyword("from")) in_from.back() = true;
    for (auto end : {"where", "group", "having", "order", "limit", "offset", "union", "intersect", "except",
                     "window", "fetch", "for"})
      if (t.is_keyword(end)) in_from.back() = false;
    if (!t.is_name() || i == 0) continue;
    const auto& before = tokens[i - 1];
    bool follows = before.is_keyword("from") || before.is_keyword("join") || (in_from.back() && before.is_punct(","));
    bool qualified_or_call = i + 1 < tokens.size() && (tokens[i + 1].is_punct(".") || tokens[i + 1].is_punct("("));
    if (!follows || qualified_or_call) continue;
    auto it = f.class_oids.find({schema, t.value()});
    if (it == f.class_oids.end()) it = f.class_oids.find({"public", t.value()});
    if (it == f.class_oids.end()) continue;
    out += definition.substr(copied, t.offset - copied);
    out += relation_reference(it->second);
    copied = t.end();
  }
  return out + definition.substr(copied);
}

// A default nextval('s'::regclass) of a described sequence: the sequence's
// OID (0 for another default), for the dependency pg_dump reads.
Oid default_calling_sequence(const Fill& f, const catalog::TableInfo& t,
                                                      const std::string& expr) {
  auto called = sequence_of_default(expr);
  if (!called) return 0;
  std::string name = *called;
  std::string schema = t.schema;
  bool qualified = false;
  if (auto dot = name.find('.'); dot != std::string::npos) {
    schema = name.substr(0, dot);
    name.erase(0, dot + 1);
    qualified = true;
  }
  for (const auto& q : f.d.sequences)
    if (q.name == name && (q.schema == schema || (!qualified && q.schema == "public")))
      return f.class_oids.at({q.schema, q.name});
  return 0;
}

}  // namespace

void fill_tables(Fill& f) {
  sqlite3* db = f.db;
  const auto& d = f.d;
  auto& s = f.s;
  for (const auto& t : d.tables) f.class_oids[{t.schema, t.name}] = f.relation_oid(t.schema, t.name);
  // Sequences next (rows_pg_sequence.cpp fills them): a default's nextval()
  // names one by OID.
  for (const auto& q : d.sequences) f.class_oids[{q.schema, q.name}] = f.relation_oid(q.schema, q.name);
  // PostgreSQL implements foreign keys with triggers on both tables, and
  // psql shows foreign keys only for tables with relhastriggers.
  std::set<std::pair<std::string, std::string>> with_triggers;
  for (const auto& t : d.tables)
    for (const auto& fk : t.foreign_keys) {
      with_triggers.insert({t.schema, t.name});
      with_triggers.insert({f.referenced_schema(t, fk), fk.ref_table});
    }
  for (const auto& t : d.tables) {
    Oid rel = f.class_oids[{t.schema, t.name}];
    Oid nsp = f.schema_oid(t.schema);
    bool view = t.kind == catalog::TableInfo::Kind::view;
    std::vector<PendingIndex> indexes = indexes_of(t);

    s.classes[rel] = {nsp, t.name, view ? 'v' : 'r'};
    Oid rowtype = add_row_types(f, t, rel, nsp);
    insert(db, "pg_class", {{"oid", rel}, {"relname", t.name}, {"relnamespace", nsp}, {"reltype", rowtype},
                            {"relowner", bootstrap_role}, {"relam", view ? 0 : 2}, {"relfilenode", view ? 0 : rel},
                            {"reltuples", -1}, {"relhasindex", b(!indexes.empty())},
                            {"relpersistence", std::string("p")}, {"relkind", std::string(view ? "v" : "r")},
                            {"relnatts", static_cast<std::int64_t>(t.columns.size())},
                            {"relchecks", static_cast<std::int64_t>(t.checks.size())},
                            {"relhasrules", b(view)}, {"relhastriggers", b(with_triggers.count({t.schema, t.name}) > 0)},
                            {"relispopulated", 1},
                            {"relreplident", std::string(view ? "n" : "d")}});
    if (view) s.view_defs[rel] = mark_view_relations(f, t.schema, t.view_definition);
    if (!t.comment.empty()) s.comments[{rel, pg_class_oid, 0}] = t.comment;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      const auto& c = t.columns[i];
      auto attnum = static_cast<std::int64_t>(i + 1);
      insert(db, "pg_attribute",
             {{"attrelid", rel}, {"attname", c.name}, {"atttypid", c.type}, {"attstattarget", -1},
              {"attlen", f.is_enum(c.type) ? 4 : catalog_type_size(c.type)}, {"attnum", attnum}, {"attcacheoff", -1},
              {"atttypmod", c.typmod}, {"attndims", find_catalog_type(c.type) && find_catalog_type(c.type)->category == 'A' ? 1 : 0},
              {"attalign", std::string("i")}, {"attstorage", f.is_enum(c.type) ? std::string("p") : storage(c.type)},
              {"attnotnull", b(c.not_null)}, {"atthasdef", b(c.default_expr.has_value())}, {"attislocal", 1},
              {"attcollation", collatable(c.type) ? 100 : 0}});
      if (c.default_expr) {
        Oid def = f.new_oid();
        Oid sequence = default_calling_sequence(f, t, *c.default_expr);
        insert(db, "pg_attrdef", {{"oid", def}, {"adrelid", rel}, {"adnum", attnum}, {"adbin", *c.default_expr}});
        // (pg_dump then sets the default after creating the sequence)
        if (sequence != 0)
          insert(db, "pg_depend", {{"classid", pg_attrdef_oid}, {"objid", def}, {"objsubid", 0},
                                   {"refclassid", pg_class_oid}, {"refobjid", sequence}, {"refobjsubid", 0},
                                   {"deptype", std::string("n")}});
      }
      if (!c.comment.empty()) s.comments[{rel, pg_class_oid, static_cast<int>(attnum)}] = c.comment;
    }
    add_indexes(f, t, rel, nsp, indexes);
  }
}

}  // namespace pgwire::catalog_detail
