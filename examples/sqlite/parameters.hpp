#pragma once
// A statement's parameters: where $1..$n sit in SQLite's numbering, how a
// portal's values are bound through the type layer, and which types a Parse
// without the client's types reports (from the columns they meet).

#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/api/extended.hpp>
#include <pgwire/types.hpp>

#include "../sqlite_dialect.hpp"
#include "session_zone.hpp"
#include "translate.hpp"
#include "values.hpp"

namespace sqlite_example {

// Positions of $1..$n in SQLite's own numbering (SQLite treats "$1" as a
// named parameter, numbered in order of appearance).
inline std::vector<int> parameter_slots(sqlite3_stmt* s) {
  std::vector<int> slots;
  int n = sqlite3_bind_parameter_count(s);
  for (int idx = 1; idx <= n; ++idx) {
    const char* name = sqlite3_bind_parameter_name(s, idx);
    if (name == nullptr || (name[0] != '$' && name[0] != '?')) continue;
    int num = std::atoi(name + 1);
    if (num <= 0) continue;
    if (static_cast<std::size_t>(num) > slots.size()) slots.resize(static_cast<std::size_t>(num), 0);
    slots[static_cast<std::size_t>(num) - 1] = idx;
  }
  return slots;
}

// Binds portal parameters through the type layer: integers and floats as
// numbers, bytea as blobs, strings as they are, every other type as its
// canonical PostgreSQL text (so '2024-2-29' and a binary date are stored
// alike, and a value that is not valid for its type is refused with the
// error PostgreSQL gives it: 22P02, 22007 and 22008 for dates, ...).
inline void bind_parameters(sqlite3_stmt* s, const pgwire::Portal& portal) {
  auto slots = parameter_slots(s);
  const auto& types = portal.statement->parameter_types;
  pgwire::Buffer binary, text;
  for (std::size_t i = 0; i < portal.parameter_count() && i < slots.size(); ++i) {
    int idx = slots[i];
    if (idx == 0) continue;
    if (portal.is_null(i)) {
      sqlite3_bind_null(s, idx);
      continue;
    }
    pgwire::Oid t = i < types.size() ? types[i] : oid::text;
    switch (t) {
      case oid::int2: sqlite3_bind_int64(s, idx, *portal.parameter<std::int16_t>(i)); continue;
      case oid::int4: sqlite3_bind_int64(s, idx, *portal.parameter<std::int32_t>(i)); continue;
      case oid::int8: sqlite3_bind_int64(s, idx, *portal.parameter<std::int64_t>(i)); continue;
      case oid::oid: sqlite3_bind_int64(s, idx, portal.parameter<pgwire::OidValue>(i)->value); continue;
      case oid::float4: sqlite3_bind_double(s, idx, *portal.parameter<float>(i)); continue;
      case oid::float8: sqlite3_bind_double(s, idx, *portal.parameter<double>(i)); continue;
      case oid::bool_: sqlite3_bind_int(s, idx, *portal.parameter<bool>(i) ? 1 : 0); continue;
      case oid::bytea: {
        auto b = *portal.parameter<pgwire::Bytea>(i);
        sqlite3_bind_blob(s, idx, b.data.data(), static_cast<int>(b.data.size()), SQLITE_TRANSIENT);
        continue;
      }
      default: break;
    }
    std::string_view value = *portal.parameters[i];
    if (!is_string_type(t)) {
      if (!pgwire::can_convert_format(t))
        throw pgwire::PgError(pgwire::sqlstate::feature_not_supported,
                              "parameters of type " + std::to_string(t) + " are not supported");
      binary.clear();
      text.clear();
      if (portal.parameter_formats[i] == pgwire::format_binary) {
        binary.put_bytes(value);
      } else if (auto ec = pgwire::convert_format(t, value, pgwire::format_text, pgwire::format_binary, binary,
                                                  session_zone::current())) {  // (a timestamptz without offset: local)
        throw invalid_value(t, value, ec);
      }
      if (auto ec = pgwire::convert_format(t, binary.view(), pgwire::format_binary, pgwire::format_text, text))
        throw invalid_value(t, value, ec, portal.parameter_formats[i]);
      value = text.view();
    }
    sqlite3_bind_text(s, idx, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
}


// The declared type of the column each parameter meets (INSERT column
// lists, comparisons, LIMIT), looked up in the tables the statement names.
inline std::vector<pgwire::Oid> infer_parameter_types(sqlite3* db, std::string_view sql, std::size_t n) {
  std::vector<pgwire::Oid> out(n, 0);
  auto inf = sqlite_dialect::infer_parameters(sql);
  auto type_of = [&](const std::string& column) -> pgwire::Oid {
    for (const auto& table : inf.tables)
      if (auto t = column_type(db, table, column)) return t;
    return 0;
  };
  for (std::size_t i = 0; i < n && i < inf.params.size(); ++i) {
    out[i] = inf.params[i].type != 0 ? inf.params[i].type : type_of(inf.params[i].column);
    if (inf.params[i].array && out[i] != 0) out[i] = pgwire::array_type_of(out[i]);
  }
  if (!inf.positional.empty() && !inf.tables.empty()) {  // INSERT INTO t VALUES ($1, ...)
    sqlite3_stmt* info = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &info, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(info, 1, inf.tables.front().c_str(), -1, SQLITE_TRANSIENT);
      std::vector<pgwire::Oid> cols;
      while (sqlite3_step(info) == SQLITE_ROW)
        cols.push_back(column_type(db, inf.tables.front(), reinterpret_cast<const char*>(sqlite3_column_text(info, 0))));
      for (std::size_t i = 0; i < n && i < inf.positional.size(); ++i)
        if (out[i] == 0 && inf.positional[i] > 0 && inf.positional[i] <= cols.size())
          out[i] = cols[inf.positional[i] - 1];
    }
    sqlite3_finalize(info);
  }
  return out;
}

}  // namespace sqlite_example
