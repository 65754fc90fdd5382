// The Builder of a catalog Description (description.hpp).

#include "pgwire/catalog/description.hpp"

#include <charconv>
#include <stdexcept>

namespace pgwire::catalog {

std::int32_t typmod_from_sql_name(std::string_view sql_type) noexcept {
  auto open = sql_type.find('(');
  if (open == std::string_view::npos) return -1;
  auto close = sql_type.find(')', open);
  if (close == std::string_view::npos) return -1;
  auto inside = sql_type.substr(open + 1, close - open - 1);
  std::int32_t values[2] = {0, 0};
  int count = 0;
  std::size_t pos = 0;
  while (pos <= inside.size() && count < 2) {
    while (pos < inside.size() && inside[pos] == ' ') ++pos;
    auto [p, ec] = std::from_chars(inside.data() + pos, inside.data() + inside.size(), values[count]);
    if (ec != std::errc()) return -1;
    ++count;
    pos = static_cast<std::size_t>(p - inside.data());
    while (pos < inside.size() && inside[pos] == ' ') ++pos;
    if (pos < inside.size() && inside[pos] == ',') {
      ++pos;
      continue;
    }
    break;
  }
  Oid type = type_from_sql_name(sql_type);
  switch (type) {
    case oid::varchar:
    case oid::bpchar: return values[0] + 4;
    case oid::numeric: return ((values[0] << 16) | (count > 1 ? values[1] : 0)) + 4;
    case oid::timestamp:
    case oid::timestamptz:
    case oid::time:
    case oid::timetz: return values[0];
    default: return -1;
  }
}

Builder::Builder(std::string database, std::string owner) {
  d_.database = std::move(database);
  d_.owner = std::move(owner);
}

Builder& Builder::schema(std::string name) {
  d_.schemas.push_back(std::move(name));
  return *this;
}

Builder& Builder::table(std::string name, std::string schema) {
  TableInfo t;
  t.name = std::move(name);
  t.schema = std::move(schema);
  d_.tables.push_back(std::move(t));
  return *this;
}

Builder& Builder::view(std::string name, std::string definition, std::string schema) {
  table(std::move(name), std::move(schema));
  d_.tables.back().kind = TableInfo::Kind::view;
  d_.tables.back().view_definition = std::move(definition);
  return *this;
}

Builder& Builder::sequence(std::string name, Oid type, std::string schema) {
  SequenceInfo s;
  s.name = std::move(name);
  s.schema = std::move(schema);
  s.type = type;
  s.max = type == oid::int2 ? INT16_MAX : type == oid::int4 ? INT32_MAX : INT64_MAX;
  d_.sequences.push_back(std::move(s));
  return *this;
}

Builder& Builder::enum_type(std::string name, std::vector<std::string> labels, Oid oid, Oid array_oid,
                            std::string schema) {
  EnumInfo e;
  e.schema = std::move(schema);
  e.name = std::move(name);
  e.oid = oid;
  e.array_oid = array_oid;
  e.labels = std::move(labels);
  d_.enums.push_back(std::move(e));
  return *this;
}

Builder& Builder::owned_by(std::string table, std::string column) {
  if (d_.sequences.empty()) throw std::logic_error("catalog::Builder: sequence() first");
  d_.sequences.back().owner_table = std::move(table);
  d_.sequences.back().owner_column = std::move(column);
  return *this;
}

TableInfo& Builder::last_table() {
  if (d_.tables.empty()) throw std::logic_error("catalog::Builder: table() first");
  return d_.tables.back();
}

ColumnInfo& Builder::last_column() {
  auto& t = last_table();
  if (t.columns.empty()) throw std::logic_error("catalog::Builder: column() first");
  return t.columns.back();
}

Builder& Builder::column(std::string name, Oid type, std::int32_t typmod) {
  ColumnInfo c;
  c.name = std::move(name);
  c.type = type;
  c.typmod = typmod;
  last_table().columns.push_back(std::move(c));
  return *this;
}

Builder& Builder::column(std::string name, std::string_view sql_type) {
  Oid type = type_from_sql_name(sql_type);
  if (type == 0) throw std::invalid_argument("catalog::Builder: unknown type " + std::string(sql_type));
  return column(std::move(name), type, typmod_from_sql_name(sql_type));
}

Builder& Builder::not_null() {
  last_column().not_null = true;
  return *this;
}

Builder& Builder::default_value(std::string expression) {
  last_column().default_expr = std::move(expression);
  return *this;
}

Builder& Builder::primary_key() {
  auto& c = last_column();
  c.not_null = true;
  last_table().primary_key.push_back(c.name);
  return *this;
}

Builder& Builder::unique() {
  last_table().uniques.push_back({"", {last_column().name}});
  return *this;
}

Builder& Builder::references(std::string table, std::string column) {
  ForeignKeyInfo fk;
  fk.columns = {last_column().name};
  // "schema.table", or a table found as PostgreSQL's default search path
  // would find it (rows_pg_constraint.cpp).
  if (auto dot = table.find('.'); dot != std::string::npos) {
    fk.ref_schema = table.substr(0, dot);
    table.erase(0, dot + 1);
  }
  fk.ref_table = std::move(table);
  fk.ref_columns = {std::move(column)};
  last_table().foreign_keys.push_back(std::move(fk));
  return *this;
}

Builder& Builder::check(std::string name, std::string expression) {
  last_table().checks.push_back({std::move(name), std::move(expression)});
  return *this;
}

Builder& Builder::index(std::string name, std::vector<std::string> columns, bool unique) {
  last_table().indexes.push_back({std::move(name), std::move(columns), unique});
  return *this;
}

Builder& Builder::comment(std::string text) {
  auto& t = last_table();
  if (!t.columns.empty()) {
    t.columns.back().comment = std::move(text);
  } else {
    t.comment = std::move(text);
  }
  return *this;
}

Builder& Builder::function(std::string name, std::vector<Oid> arguments, Oid result, std::string schema) {
  FunctionInfo f;
  f.name = std::move(name);
  f.argument_types = std::move(arguments);
  f.result_type = result;
  f.schema = std::move(schema);
  d_.functions.push_back(std::move(f));
  return *this;
}

}  // namespace pgwire::catalog
