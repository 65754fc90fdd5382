#include "relation_rows.hpp"

#include <stdexcept>

#include "catalog_types.hpp"

namespace pgwire::catalog_detail {

namespace {
thread_local InsertCache* insert_cache = nullptr;
}

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("catalog: " + message + " in: " + sql);
  }
}

InsertCache::InsertCache() { insert_cache = this; }

InsertCache::~InsertCache() {
  insert_cache = nullptr;
  for (auto& [sql, s] : statements_) sqlite3_finalize(s);
}

void insert(sqlite3* db, std::string_view relation, std::initializer_list<std::pair<std::string_view, Value>> values) {
  std::string cols, marks;
  for (const auto& [name, v] : values) {
    if (!cols.empty()) {
      cols += ", ";
      marks += ", ";
    }
    cols += name;
    marks += '?';
  }
  auto sql = fmt::format("INSERT INTO {}({}) VALUES({})", relation, cols, marks);
  sqlite3_stmt* s = nullptr;
  if (insert_cache) {
    if (auto it = insert_cache->statements_.find(sql); it != insert_cache->statements_.end()) s = it->second;
  }
  if (s == nullptr) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("catalog: ") + sqlite3_errmsg(db) + " in: " + sql);
    if (insert_cache) insert_cache->statements_.emplace(sql, s);
  }
  int i = 1;
  for (const auto& [name, v] : values) {
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      sqlite3_bind_int64(s, i, *n);
    } else if (const auto* t = std::get_if<std::string>(&v)) {
      sqlite3_bind_text(s, i, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(s, i);
    }
    ++i;
  }
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (!insert_cache) sqlite3_finalize(s);
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("catalog: ") + sqlite3_errmsg(db) + " in: " + sql);
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += quote_ident(n);
  }
  return out;
}

// numeric is kept inline ('m'), other varlenas extended.
std::string storage(Oid t) {
  if (t == oid::numeric) return "m";
  return catalog_type_size(t) == -1 ? "x" : "p";
}

bool collatable(Oid t) { return t == oid::text || t == oid::varchar || t == oid::bpchar; }

int attnum_of(const catalog::TableInfo& t, const std::string& column) {
  for (std::size_t i = 0; i < t.columns.size(); ++i)
    if (t.columns[i].name == column) return static_cast<int>(i + 1);
  throw std::runtime_error("catalog: table " + t.name + " has no column " + column);
}

std::string qualified_name(const catalog::TableInfo& t) { return quote_ident(t.schema) + "." + quote_ident(t.name); }

std::string relation_reference(Oid rel) { return "\x01" + std::to_string(rel) + "\x01"; }

const catalog::TableInfo* Fill::table_of(const std::string& schema, const std::string& name) const {
  for (const auto& t : d.tables)
    if (t.schema == schema && t.name == name) return &t;
  return nullptr;
}

std::string Fill::referenced_schema(const catalog::TableInfo& t, const catalog::ForeignKeyInfo& fk) const {
  if (!fk.ref_schema.empty()) return fk.ref_schema;
  if (table_of(t.schema, fk.ref_table) != nullptr) return t.schema;
  return "public";
}

}  // namespace pgwire::catalog_detail
