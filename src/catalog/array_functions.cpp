// PostgreSQL's arrays in the catalog's SQLite: held in their text form
// ('{a,b}', int2vector/oidvector '1 2'), built by ARRAY[...] / ARRAY(...) /
// array_agg, read by array_to_string, array_upper, subscripts, ANY and
// unnest (as JSON arrays that json_each turns into rows).

#include <fmt/format.h>

#include "function_support.hpp"

namespace pgwire::catalog_detail {

namespace {

// ---- arrays ----

std::string element_text(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_FLOAT) return fmt::format("{}", sqlite3_value_double(v));
  if (Oid t = subtype_type(sqlite3_value_subtype(v)); t != 0)
    if (auto n = integer(v)) return std::to_string(*n);
  return text(v);
}

void array_fn(sqlite3_context* c, int argc, sqlite3_value** argv) {
  std::vector<std::optional<std::string>> items;
  for (int i = 0; i < argc; ++i) {
    if (is_null(argv[i])) {
      items.emplace_back();
    } else {
      items.emplace_back(element_text(argv[i]));
    }
  }
  result(c, format_array(items));
}

struct ArrayAgg {
  std::vector<std::optional<std::string>>* items;
};

void array_agg_step(sqlite3_context* c, int, sqlite3_value** argv) {
  auto* agg = static_cast<ArrayAgg*>(sqlite3_aggregate_context(c, sizeof(ArrayAgg)));
  if (agg == nullptr) return;
  if (agg->items == nullptr) agg->items = new std::vector<std::optional<std::string>>();
  if (is_null(argv[0])) {
    agg->items->emplace_back();
  } else {
    agg->items->emplace_back(element_text(argv[0]));
  }
}

void array_agg_final(sqlite3_context* c, bool empty_is_null) {
  auto* agg = static_cast<ArrayAgg*>(sqlite3_aggregate_context(c, 0));
  if (agg == nullptr || agg->items == nullptr) {
    if (empty_is_null) return sqlite3_result_null(c);
    return result(c, "{}");
  }
  result(c, format_array(*agg->items));
  delete agg->items;
  agg->items = nullptr;
}

struct StringAgg {
  std::string* out;
};

void string_agg_step(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return;
  auto* agg = static_cast<StringAgg*>(sqlite3_aggregate_context(c, sizeof(StringAgg)));
  if (agg == nullptr) return;
  if (agg->out == nullptr) {
    agg->out = new std::string(text(argv[0]));
  } else {
    *agg->out += text(argv[1]);
    *agg->out += text(argv[0]);
  }
}

void string_agg_final(sqlite3_context* c) {
  auto* agg = static_cast<StringAgg*>(sqlite3_aggregate_context(c, 0));
  if (agg == nullptr || agg->out == nullptr) return sqlite3_result_null(c);
  result(c, *agg->out);
  delete agg->out;
  agg->out = nullptr;
}

bool numeric_text(const std::string& s) {
  if (s.empty()) return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return s.size() < 19;
}

// An array element as a JSON value (json_each gives numbers back as numbers).
void append_json(std::string& out, const std::optional<std::string>& e) {
  if (!e) {
    out += "null";
  } else if (numeric_text(*e)) {
    out += *e;
  } else {
    out += '"';
    for (char ch : *e) {
      if (ch == '"' || ch == '\\') out += '\\';
      if (static_cast<unsigned char>(ch) < 0x20) {
        out += fmt::format("\\u{:04x}", static_cast<int>(ch));
        continue;
      }
      out += ch;
    }
    out += '"';
  }
}

void array_json(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return result(c, "[]");
  std::string out = "[";
  for (const auto& e : parse_array(text(argv[0]))) {
    if (out.size() > 1) out += ',';
    append_json(out, e);
  }
  result(c, out + "]");
}

// unnest(a, b, ...) in FROM: row i holds each array's element i, null past
// a shorter array's end; a JSON array of those rows.
void unnest_arrays(sqlite3_context* c, int argc, sqlite3_value** argv) {
  std::vector<std::vector<std::optional<std::string>>> arrays;
  std::size_t rows = 0;
  for (int k = 0; k < argc; ++k) {
    arrays.push_back(is_null(argv[k]) ? std::vector<std::optional<std::string>>{} : parse_array(text(argv[k])));
    rows = std::max(rows, arrays.back().size());
  }
  std::string out = "[";
  for (std::size_t i = 0; i < rows; ++i) {
    out += i > 0 ? ",[" : "[";
    for (std::size_t k = 0; k < arrays.size(); ++k) {
      if (k > 0) out += ',';
      append_json(out, i < arrays[k].size() ? arrays[k][i] : std::nullopt);
    }
    out += ']';
  }
  result(c, out + "]");
}

bool vector_form(const std::string& s) { return s.empty() || s[0] != '{'; }

void array_get(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0]) || is_null(argv[1])) return sqlite3_result_null(c);
  auto s = text(argv[0]);
  auto items = parse_array(s);
  auto i = sqlite3_value_int64(argv[1]) - (vector_form(s) ? 0 : 1);  // int2vector/oidvector count from 0
  if (i < 0 || i >= static_cast<std::int64_t>(items.size()) || !items[static_cast<std::size_t>(i)])
    return sqlite3_result_null(c);
  const auto& e = *items[static_cast<std::size_t>(i)];
  if (numeric_text(e)) return sqlite3_result_int64(c, std::stoll(e));
  result(c, e);
}

void array_to_string(sqlite3_context* c, int argc, sqlite3_value** argv) {
  if (is_null(argv[0]) || is_null(argv[1])) return sqlite3_result_null(c);
  auto sep = text(argv[1]);
  std::optional<std::string> null_text;
  if (argc >= 3 && !is_null(argv[2])) null_text = text(argv[2]);
  std::string out;
  bool first = true;
  for (const auto& e : parse_array(text(argv[0]))) {
    if (!e && !null_text) continue;
    if (!first) out += sep;
    first = false;
    out += e ? *e : *null_text;
  }
  result(c, out);
}

void array_upper(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  auto s = text(argv[0]);
  auto n = static_cast<std::int64_t>(parse_array(s).size());
  if (n == 0) return sqlite3_result_null(c);
  sqlite3_result_int64(c, vector_form(s) ? n - 1 : n);
}

void array_lower(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  auto s = text(argv[0]);
  if (parse_array(s).empty()) return sqlite3_result_null(c);
  sqlite3_result_int64(c, vector_form(s) ? 0 : 1);
}

void array_length(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  auto n = static_cast<std::int64_t>(parse_array(text(argv[0])).size());
  if (n == 0) return sqlite3_result_null(c);
  sqlite3_result_int64(c, n);
}

void array_remove(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  std::vector<std::optional<std::string>> kept;
  auto removed = is_null(argv[1]) ? std::optional<std::string>() : std::optional<std::string>(text(argv[1]));
  for (auto& e : parse_array(text(argv[0])))
    if (e != removed) kept.push_back(std::move(e));
  result(c, format_array(kept));
}

// array_position(array, element): the 1-based place of the first element
// equal to it (IS NOT DISTINCT FROM: a NULL finds a NULL), else NULL.
void array_position(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  auto wanted = is_null(argv[1]) ? std::optional<std::string>() : std::optional<std::string>(text(argv[1]));
  std::int64_t at = 0;
  for (auto& e : parse_array(text(argv[0]))) {
    ++at;
    if (e == wanted) return sqlite3_result_int64(c, at);
  }
  sqlite3_result_null(c);
}

void cardinality(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  sqlite3_result_int64(c, static_cast<std::int64_t>(parse_array(text(argv[0])).size()));
}

void srf_generate_series(sqlite3_context* c, int argc, sqlite3_value** argv) {
  if (is_null(argv[0]) || is_null(argv[1])) return result(c, "[]");
  auto from = sqlite3_value_int64(argv[0]), to = sqlite3_value_int64(argv[1]);
  std::int64_t step = argc >= 3 && !is_null(argv[2]) ? sqlite3_value_int64(argv[2]) : 1;
  if (step == 0) return sqlite3_result_error(c, "step size cannot equal zero", -1);
  std::string out = "[";
  for (auto i = from; step > 0 ? i <= to : i >= to; i += step) {
    if (out.size() > 1) out += ',';
    out += std::to_string(i);
    if (out.size() > 1'000'000) break;
  }
  result(c, out + "]");
}

}  // namespace

std::vector<std::optional<std::string>> parse_array(std::string_view s) {
  std::vector<std::optional<std::string>> out;
  if (s.empty()) return out;
  if (s[0] != '{') {  // int2vector / oidvector
    std::size_t pos = 0;
    while (pos < s.size()) {
      while (pos < s.size() && s[pos] == ' ') ++pos;
      if (pos >= s.size()) break;
      auto end = s.find(' ', pos);
      if (end == std::string_view::npos) end = s.size();
      out.emplace_back(std::string(s.substr(pos, end - pos)));
      pos = end;
    }
    return out;
  }
  std::size_t i = 1;
  while (i < s.size() && s[i] != '}') {
    std::string cur;
    bool quoted = false;
    if (s[i] == '"') {
      quoted = true;
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        cur += s[i++];
      }
      ++i;
    } else {
      while (i < s.size() && s[i] != ',' && s[i] != '}') cur += s[i++];
    }
    if (!quoted && (cur == "NULL" || cur == "null")) {
      out.emplace_back();
    } else {
      out.emplace_back(cur);
    }
    if (i < s.size() && s[i] == ',') ++i;
  }
  return out;
}

std::string format_array(const std::vector<std::optional<std::string>>& elements) {
  std::string out = "{";
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i) out += ',';
    if (!elements[i]) {
      out += "NULL";
      continue;
    }
    const auto& e = *elements[i];
    bool quote = e.empty() || e == "NULL" || e == "null" ||
                 e.find_first_of("{}\",\\ \t\n\r") != std::string::npos;
    if (!quote) {
      out += e;
      continue;
    }
    out += '"';
    for (char ch : e) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

void register_array_functions(sqlite3* db, FunctionContext* c) {
  for (int n : {1, 2}) {
    add(db, "array_to_string", n + 1, array_to_string, c);
    add(db, "pgw_srf_generate_series", n + 1, srf_generate_series, c);
  }
  add(db, "array_upper", 2, array_upper, c);
  add(db, "array_lower", 2, array_lower, c);
  add(db, "array_length", 2, array_length, c);
  add(db, "pgw_array", -1, array_fn, c);
  add(db, "pgw_array_json", 1, array_json, c);
  add(db, "pgw_array_get", 2, array_get, c);
  add(db, "cardinality", 1, cardinality, c);
  add(db, "array_remove", 2, array_remove, c);
  add(db, "array_position", 2, array_position, c);
  add(db, "pgw_srf_unnest", 1, array_json, c);
  add(db, "pgw_srf_unnest", -1, unnest_arrays, c);
  auto flags = SQLITE_UTF8;
  sqlite3_create_function_v2(db, "pgw_array_agg", 1, flags, c, nullptr, array_agg_step,
                             [](sqlite3_context* x) { array_agg_final(x, false); }, nullptr);
  sqlite3_create_function_v2(db, "array_agg", 1, flags, c, nullptr, array_agg_step,
                             [](sqlite3_context* x) { array_agg_final(x, true); }, nullptr);
  sqlite3_create_function_v2(db, "string_agg", 2, flags, c, nullptr, string_agg_step, string_agg_final, nullptr);
}

}  // namespace pgwire::catalog_detail
