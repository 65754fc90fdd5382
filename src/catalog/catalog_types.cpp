#include "catalog_types.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace pgwire::catalog_detail {

namespace {

// Catalog-only types, as in PostgreSQL 15's pg_type.
constexpr CatalogType kExtra[] = {
    {catoid::int2vector, "int2vector", -1, oid::int2, catoid::int2vector_array, 'A', 'b'},
    {catoid::regproc, "regproc", 4, 0, catoid::regproc_array, 'N', 'b'},
    {catoid::tid, "tid", 6, 0, 1010, 'U', 'b'},
    {catoid::xid, "xid", 4, 0, catoid::xid_array, 'U', 'b'},
    {catoid::cid, "cid", 4, 0, 1012, 'U', 'b'},
    {catoid::oidvector, "oidvector", -1, oid::oid, catoid::oidvector_array, 'A', 'b'},
    {catoid::pg_node_tree, "pg_node_tree", -1, 0, 0, 'Z', 'b'},
    {catoid::int2vector_array, "_int2vector", -1, catoid::int2vector, 0, 'A', 'b'},
    {catoid::regproc_array, "_regproc", -1, catoid::regproc, 0, 'A', 'b'},
    {catoid::xid_array, "_xid", -1, catoid::xid, 0, 'A', 'b'},
    {catoid::oidvector_array, "_oidvector", -1, catoid::oidvector, 0, 'A', 'b'},
    {catoid::aclitem, "aclitem", 12, 0, catoid::aclitem_array, 'U', 'b'},
    {catoid::aclitem_array, "_aclitem", -1, catoid::aclitem, 0, 'A', 'b'},
    {catoid::regprocedure, "regprocedure", 4, 0, 2207, 'N', 'b'},
    {catoid::regoper, "regoper", 4, 0, 2208, 'N', 'b'},
    {catoid::regoperator, "regoperator", 4, 0, 2209, 'N', 'b'},
    {catoid::regclass, "regclass", 4, 0, catoid::regclass_array, 'N', 'b'},
    {catoid::regtype, "regtype", 4, 0, catoid::regtype_array, 'N', 'b'},
    {catoid::regclass_array, "_regclass", -1, catoid::regclass, 0, 'A', 'b'},
    {catoid::regtype_array, "_regtype", -1, catoid::regtype, 0, 'A', 'b'},
    {catoid::record, "record", -1, 0, 2287, 'P', 'p'},
    {catoid::cstring, "cstring", -2, 0, 1263, 'P', 'p'},
    {catoid::anyarray, "anyarray", -1, 0, 0, 'P', 'p'},
    {catoid::trigger, "trigger", 4, 0, 0, 'P', 'p'},
    {catoid::internal, "internal", 8, 0, 0, 'P', 'p'},
    {catoid::anyelement, "anyelement", 4, 0, 0, 'P', 'p'},
    {catoid::regnamespace, "regnamespace", 4, 0, 4090, 'N', 'b'},
    {catoid::regrole, "regrole", 4, 0, 4097, 'N', 'b'},
};

std::vector<CatalogType> build() {
  std::vector<CatalogType> all;
  for (const auto& t : builtin_types()) {
    char typtype = t.oid == oid::void_ || t.oid == oid::unknown ? 'p' : 'b';
    char category = t.category;
    all.push_back({t.oid, t.name, t.typlen, t.element, t.array, category, typtype});
  }
  for (const auto& t : kExtra)
    if (std::none_of(all.begin(), all.end(), [&](const CatalogType& a) { return a.oid == t.oid; })) all.push_back(t);
  std::sort(all.begin(), all.end(), [](const CatalogType& a, const CatalogType& b) { return a.oid < b.oid; });
  return all;
}

const std::vector<CatalogType>& table() {
  static const std::vector<CatalogType> types = build();
  return types;
}

// format_type's names for the types the SQL grammar spells its own way.
std::string_view sql_name(Oid type) {
  switch (type) {
    case oid::bool_: return "boolean";
    case oid::char_: return "\"char\"";
    case oid::int2: return "smallint";
    case oid::int4: return "integer";
    case oid::int8: return "bigint";
    case oid::float4: return "real";
    case oid::float8: return "double precision";
    case oid::varchar: return "character varying";
    case oid::bpchar: return "character";
    case oid::timestamp: return "timestamp without time zone";
    case oid::timestamptz: return "timestamp with time zone";
    case oid::time: return "time without time zone";
    case oid::timetz: return "time with time zone";
    default: return {};
  }
}

}  // namespace

std::span<const CatalogType> catalog_types() noexcept { return table(); }

const CatalogType* find_catalog_type(Oid type) noexcept {
  const auto& t = table();
  auto it = std::lower_bound(t.begin(), t.end(), type, [](const CatalogType& a, Oid o) { return a.oid < o; });
  return it != t.end() && it->oid == type ? &*it : nullptr;
}

const CatalogType* find_catalog_type(std::string_view typname) noexcept {
  for (const auto& t : table())
    if (t.name == typname) return &t;
  return nullptr;
}

std::string format_type(Oid type, std::int32_t typmod) {
  const CatalogType* t = find_catalog_type(type);
  if (t == nullptr) return "???";
  if (t->category == 'A' && t->element != 0 && t->typlen == -1 && type != catoid::int2vector &&
      type != catoid::oidvector)
    return format_type(t->element, typmod) + "[]";
  std::string_view sql = sql_name(type);
  std::string base = sql.empty() ? std::string(t->name) : std::string(sql);
  if (typmod < 0) return base;
  switch (type) {
    case oid::varchar:
    case oid::bpchar: return fmt::format("{}({})", base, typmod - 4);
    case oid::numeric: {
      int v = typmod - 4;
      return fmt::format("numeric({},{})", (v >> 16) & 0xffff, v & 0xffff);
    }
    case oid::timestamp: return fmt::format("timestamp({}) without time zone", typmod);
    case oid::timestamptz: return fmt::format("timestamp({}) with time zone", typmod);
    case oid::time: return fmt::format("time({}) without time zone", typmod);
    case oid::timetz: return fmt::format("time({}) with time zone", typmod);
    case oid::interval: return fmt::format("interval({})", typmod & 0xffff);
    default: return base;
  }
}

std::int16_t catalog_type_size(Oid type) noexcept {
  if (type == oid::name) return 64;
  const CatalogType* t = find_catalog_type(type);
  return t ? t->typlen : -1;
}

}  // namespace pgwire::catalog_detail
