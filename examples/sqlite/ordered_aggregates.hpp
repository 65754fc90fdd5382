#pragma once
// Aggregates with ORDER BY among their arguments, which SQLite 3.40 cannot
// parse (3.44 can): string_agg(name, ', ' ORDER BY name),
// array_agg(x ORDER BY y DESC), json_agg(x ORDER BY y), jsonb_agg(...).
// With DISTINCT (in either form, or without ORDER BY), the kind is
// 'kind distinct' and equal values count once. The dialect
// (rewrite_ordered_aggregate, expressions.hpp) makes them
//
//   pgwire_ordered_agg('kind', n_values, 'orders', value..., key...)
//
// where 'orders' holds two letters per key: a or d (ASC, DESC), then l or
// f (NULLs last or first: PostgreSQL's default is last ascending, first
// descending). The rows are kept, sorted by the keys at the end (a stable
// sort: ties keep their order), and aggregated as the kind does.

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "builtins.hpp"
#include "numeric_text.hpp"

namespace sqlite_example::ordered_aggregates {

struct Row {
  std::vector<sqlite3_value*> values, keys;  // sqlite3_value_dup copies
};

struct State {
  std::string kind, orders;
  std::vector<Row> rows;
  ~State() {
    for (auto& r : rows) {
      for (auto* v : r.values) sqlite3_value_free(v);
      for (auto* v : r.keys) sqlite3_value_free(v);
    }
  }
};

struct Slot {
  State* state;  // in SQLite's aggregate memory: a pointer, freed at the end
};

// -1, 0, 1 as ORDER BY compares two values (NULLs aside): numbers before
// text, numbers as numbers, text by bytes.
inline int compare_values(sqlite3_value* a, sqlite3_value* b) {
  int ta = sqlite3_value_numeric_type(a), tb = sqlite3_value_numeric_type(b);
  bool na = ta == SQLITE_INTEGER || ta == SQLITE_FLOAT, nb = tb == SQLITE_INTEGER || tb == SQLITE_FLOAT;
  if (na != nb) return na ? -1 : 1;
  auto text = [](sqlite3_value* v) {
    return std::string_view(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                            static_cast<std::size_t>(sqlite3_value_bytes(v)));
  };
  if (na) {
    std::string_view at = text(a), bt = text(b);
    return numeric_text::compare(numeric_text::parse(at), numeric_text::parse(bt), at, bt);
  }
  int c = text(a).compare(text(b));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

inline void step(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* slot = static_cast<Slot*>(sqlite3_aggregate_context(ctx, sizeof(Slot)));
  if (slot == nullptr) return sqlite3_result_error_nomem(ctx);
  if (argc < 4) return sqlite3_result_error(ctx, "pgwire_ordered_agg: too few arguments", -1);
  if (slot->state == nullptr) {
    slot->state = new State();
    slot->state->kind = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    slot->state->orders = reinterpret_cast<const char*>(sqlite3_value_text(argv[2]));
  }
  int n_values = sqlite3_value_int(argv[1]);
  Row row;
  for (int i = 3; i < argc; ++i) (i < 3 + n_values ? row.values : row.keys).push_back(sqlite3_value_dup(argv[i]));
  slot->state->rows.push_back(std::move(row));
}

inline void json_element(std::string& out, sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_NULL: out += "null"; return;
    case SQLITE_INTEGER:
    case SQLITE_FLOAT: out += reinterpret_cast<const char*>(sqlite3_value_text(v)); return;
    default: break;
  }
  std::string_view s(reinterpret_cast<const char*>(sqlite3_value_text(v)), static_cast<std::size_t>(sqlite3_value_bytes(v)));
  if (sqlite3_value_subtype(v) == 'J') {  // (JSON from json_object() and the like: as it is)
    out += s;
    return;
  }
  out.push_back('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      static const char hex[] = "0123456789abcdef";
      out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : std::string("\\u00") + hex[c >> 4] + hex[c & 15];
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

inline void final(sqlite3_context* ctx) {
  auto* slot = static_cast<Slot*>(sqlite3_aggregate_context(ctx, 0));
  std::unique_ptr<State> state(slot ? slot->state : nullptr);
  if (slot) slot->state = nullptr;
  if (!state || state->rows.empty()) return sqlite3_result_null(ctx);
  const std::string& orders = state->orders;
  std::stable_sort(state->rows.begin(), state->rows.end(), [&](const Row& a, const Row& b) {
    for (std::size_t k = 0; k < a.keys.size() && k < b.keys.size(); ++k) {
      bool desc = 2 * k < orders.size() && orders[2 * k] == 'd';
      bool nulls_first = 2 * k + 1 < orders.size() && orders[2 * k + 1] == 'f';
      bool an = sqlite3_value_type(a.keys[k]) == SQLITE_NULL, bn = sqlite3_value_type(b.keys[k]) == SQLITE_NULL;
      if (an || bn) {
        if (an == bn) continue;
        return an == nulls_first;
      }
      int c = compare_values(a.keys[k], b.keys[k]);
      if (c != 0) return desc ? c > 0 : c < 0;
    }
    return false;
  });
  // 'kind distinct': one row per value (PostgreSQL requires DISTINCT's
  // ORDER BY to sort by the arguments, so equal values are neighbours now).
  constexpr std::string_view distinct_suffix = " distinct";
  if (std::string_view(state->kind).ends_with(distinct_suffix)) {
    state->kind.resize(state->kind.size() - distinct_suffix.size());
    auto same = [](const Row& a, const Row& b) {
      bool an = sqlite3_value_type(a.values[0]) == SQLITE_NULL, bn = sqlite3_value_type(b.values[0]) == SQLITE_NULL;
      return an || bn ? an == bn : compare_values(a.values[0], b.values[0]) == 0;
    };
    std::vector<Row> kept;  // (a Row owns its dup'ed values: each dropped one is freed)
    for (auto& r : state->rows) {
      if (!kept.empty() && same(kept.back(), r)) {
        for (auto* v : r.values) sqlite3_value_free(v);
        for (auto* v : r.keys) sqlite3_value_free(v);
      } else {
        kept.push_back(std::move(r));
      }
      r.values.clear();
      r.keys.clear();
    }
    state->rows = std::move(kept);
  }
  std::string out;
  if (state->kind == "string_agg") {
    bool any = false;
    for (const auto& r : state->rows) {
      if (r.values.empty() || sqlite3_value_type(r.values[0]) == SQLITE_NULL) continue;
      if (any && r.values.size() > 1 && sqlite3_value_type(r.values[1]) != SQLITE_NULL)
        out += reinterpret_cast<const char*>(sqlite3_value_text(r.values[1]));
      out += reinterpret_cast<const char*>(sqlite3_value_text(r.values[0]));
      any = true;
    }
    if (!any) return sqlite3_result_null(ctx);
  } else if (state->kind == "array_agg") {
    out = "{";
    for (std::size_t i = 0; i < state->rows.size(); ++i) {
      if (i > 0) out.push_back(',');
      builtins::append_array_element(out, state->rows[i].values[0]);
    }
    out.push_back('}');
  } else {  // json_agg, jsonb_agg
    out = "[";
    for (std::size_t i = 0; i < state->rows.size(); ++i) {
      if (i > 0) out += ", ";
      json_element(out, state->rows[i].values[0]);
    }
    out.push_back(']');
  }
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

inline void register_all(sqlite3* db) {
  sqlite3_create_function_v2(db, "pgwire_ordered_agg", -1, SQLITE_UTF8 | SQLITE_INNOCUOUS, nullptr, nullptr, &step,
                             &final, nullptr);
}

}  // namespace sqlite_example::ordered_aggregates
