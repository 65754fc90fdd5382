#include "type_io_functions.hpp"

#include <algorithm>
#include <map>
#include <string_view>

namespace pgwire::catalog_detail {

namespace {

// PostgreSQL's OIDs for the shared ones.
constexpr Oid array_in = 750, array_out = 751, array_recv = 2400, array_send = 2401;
constexpr Oid record_in = 2290, record_out = 2291, record_recv = 2402, record_send = 2403;
constexpr Oid enum_in = 3504, enum_out = 3505, enum_recv = 3532, enum_send = 3533;
constexpr Oid anyenum = 3500;  // (the pseudo-type the enum functions take; not in pg_type here)
// The others are numbered from here, four per type.
constexpr Oid first_own_oid = 9000;

// The stem of a type's function names: "int4" gives int4in / int4out /
// int4recv / int4send; a stem ending in '_' gives json_in / json_out / ...
std::string stem(std::string_view typname) {
  static const std::map<std::string_view, std::string_view> kStems = {
      {"json", "json_"},     {"xml", "xml_"},           {"point", "point_"},     {"lseg", "lseg_"},
      {"path", "path_"},     {"box", "box_"},           {"polygon", "poly_"},    {"line", "line_"},
      {"circle", "circle_"}, {"money", "cash_"},        {"macaddr", "macaddr_"}, {"inet", "inet_"},
      {"cidr", "cidr_"},     {"macaddr8", "macaddr8_"}, {"date", "date_"},       {"time", "time_"},
      {"timestamp", "timestamp_"}, {"timestamptz", "timestamptz_"}, {"interval", "interval_"},
      {"timetz", "timetz_"}, {"bit", "bit_"},           {"varbit", "varbit_"},   {"numeric", "numeric_"},
      {"uuid", "uuid_"},     {"jsonb", "jsonb_"},       {"jsonpath", "jsonpath_"}, {"pg_lsn", "pg_lsn_"},
      {"pg_node_tree", "pg_node_tree_"}, {"xid8", "xid8"}, {"record", "record_"}, {"void", "void_"},
      {"trigger", "trigger_"}, {"anyarray", "anyarray_"}, {"anyelement", "anyelement_"},
      {"internal", "internal_"}, {"cstring", "cstring_"}};
  auto it = kStems.find(typname);
  return std::string(it == kStems.end() ? typname : it->second);
}

bool is_array(const CatalogType& t) { return t.category == 'A' && t.name.starts_with("_"); }

struct Table {
  std::vector<BuiltinProc> procs;
  std::map<Oid, TypeIoFunctions> by_type;
};

const Table& table() {
  static const Table t = [] {
    Table out;
    auto add = [&](Oid oid, std::string name, Oid arg, Oid result) {
      out.procs.push_back({oid, std::move(name), arg, result});
      return oid;
    };
    add(array_in, "array_in", catoid::cstring, catoid::anyarray);
    add(array_out, "array_out", catoid::anyarray, catoid::cstring);
    add(array_recv, "array_recv", catoid::internal, catoid::anyarray);
    add(array_send, "array_send", catoid::anyarray, oid::bytea);
    add(record_in, "record_in", catoid::cstring, catoid::record);
    add(record_out, "record_out", catoid::record, catoid::cstring);
    add(record_recv, "record_recv", catoid::internal, catoid::record);
    add(record_send, "record_send", catoid::record, oid::bytea);
    add(enum_in, "enum_in", catoid::cstring, anyenum);
    add(enum_out, "enum_out", anyenum, catoid::cstring);
    add(enum_recv, "enum_recv", catoid::internal, anyenum);
    add(enum_send, "enum_send", anyenum, oid::bytea);
    Oid next = first_own_oid;
    for (const auto& type : catalog_types()) {
      if (is_array(type) && type.oid != catoid::int2vector && type.oid != catoid::oidvector) {
        out.by_type[type.oid] = {array_in, array_out, array_recv, array_send};
        continue;
      }
      if (type.oid == catoid::record) {
        out.by_type[type.oid] = {record_in, record_out, record_recv, record_send};
        continue;
      }
      std::string s = stem(type.name);
      TypeIoFunctions f;
      f.input = add(next++, s + "in", catoid::cstring, type.oid);
      f.output = add(next++, s + "out", type.oid, catoid::cstring);
      f.receive = add(next++, s + "recv", catoid::internal, type.oid);
      f.send = add(next++, s + "send", type.oid, oid::bytea);
      out.by_type[type.oid] = f;
    }
    std::sort(out.procs.begin(), out.procs.end(),
              [](const BuiltinProc& a, const BuiltinProc& b) { return a.oid < b.oid; });
    return out;
  }();
  return t;
}

}  // namespace

const std::vector<BuiltinProc>& builtin_procs() { return table().procs; }

TypeIoFunctions type_io_functions(const CatalogType& type) {
  const auto& m = table().by_type;
  auto it = m.find(type.oid);
  return it == m.end() ? TypeIoFunctions{} : it->second;
}

TypeIoFunctions record_io_functions() { return {record_in, record_out, record_recv, record_send}; }
TypeIoFunctions enum_io_functions() { return {enum_in, enum_out, enum_recv, enum_send}; }
TypeIoFunctions array_io_functions() { return {array_in, array_out, array_recv, array_send}; }

}  // namespace pgwire::catalog_detail
