// Result column and parameter types of catalog queries (result_types.hpp).

#include "result_types.hpp"

#include "catalog_types.hpp"
#include "relations.hpp"

namespace pgwire::catalog_detail {

namespace {

struct Typed {
  std::string name = "?column?";
  Oid type = oid::text;
};

Oid function_type(std::string_view f, const Toks& args, const std::vector<Oid>& params);
Typed infer(const Toks& e, const std::vector<Oid>& params);

// The result columns of the subqueries of the statement being translated,
// by name (typed_items() sets it).
thread_local const std::map<std::string, Oid>* derived_columns = nullptr;

Typed infer(const Toks& e, const std::vector<Oid>& params) {
  Typed r;
  if (e.empty()) return r;
  // Whole in parentheses: a scalar subquery or a grouped expression.
  if (e.front().p("(") && match_forward(e, 0) == e.size() - 1) {
    Toks inner = slice(e, 1, e.size() - 1);
    if (starts_query(inner)) {
      auto items = select_items(inner);
      if (items.empty()) return r;
      Typed first;
      auto& it = items[0];
      if (it.size() >= 2 && it[it.size() - 2].is("as")) {
        first = infer(slice(it, 0, it.size() - 2), params);
        first.name = it.back().low;
      } else {
        first = infer(it, params);
      }
      return first;
    }
    Typed g = infer(inner, params);
    return g;
  }
  // Top-level shape.
  int depth = 0, case_depth = 0;
  bool boolean = false, concat = false;
  std::size_t last_cast = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e[i].p("(") || e[i].p("[")) ++depth;
    if (e[i].p(")") || e[i].p("]")) --depth;
    if (depth != 0) continue;
    if (e[i].is("case")) ++case_depth;
    if (e[i].is("end")) --case_depth;
    if (case_depth != 0) continue;
    if (bool_operator(e[i])) boolean = true;
    if (e[i].p("||")) concat = true;
    if (e[i].p("::")) last_cast = i;
  }
  if (boolean) {
    if (e.front().is("exists")) r.name = "exists";
    r.type = oid::bool_;
    return r;
  }
  if (concat) return r;
  if (last_cast > 0) {
    auto [type, end] = read_type(e, last_cast + 1);
    if (end == e.size()) {
      Typed inner = infer(slice(e, 0, last_cast), params);
      r.type = type ? type : oid::text;
      r.name = inner.name != "?column?" ? inner.name : std::string(type ? format_type(type, -1) : "text");
      if (r.type == oid::varchar) r.name = inner.name != "?column?" ? inner.name : "varchar";
      const auto* ct = find_catalog_type(r.type);
      if (inner.name == "?column?" && ct) r.name = std::string(ct->name);
      return r;
    }
  }
  if (e.front().is("case") && e.back().is("end")) {
    r.name = "case";
    // PostgreSQL names a CASE after its ELSE result when that is a column,
    // a call or a cast of one (FigureColname): CASE ... ELSE relname END is
    // relname.
    for (std::size_t i = 1, depth = 0, nested = 0; i + 1 < e.size(); ++i) {
      if (e[i].p("(")) ++depth;
      if (e[i].p(")")) --depth;
      if (depth == 0 && e[i].is("case")) ++nested;
      if (depth == 0 && e[i].is("end")) --nested;
      if (depth != 0 || nested != 0 || !e[i].is("else")) continue;
      const Tok& first = e[i + 1];
      bool named = first.name() && !first.is("null") && !first.is("true") && !first.is("false") &&
                   !first.is("case") && !first.is("array") && !first.is("not") && !first.is("exists");
      if (named) {
        Typed v = infer(slice(e, i + 1, e.size() - 1), params);
        if (v.name != "?column?") r.name = v.name;
      }
      break;
    }
    int nested = 0;
    for (std::size_t i = 1; i < e.size(); ++i) {
      if (e[i].is("case")) ++nested;
      if (e[i].is("end")) --nested;
      if (nested == 0 && e[i].is("then")) {
        std::size_t j = i + 1;
        int n2 = 0, d2 = 0;
        for (; j < e.size(); ++j) {
          if (e[j].p("(")) ++d2;
          if (e[j].p(")")) --d2;
          if (d2 == 0 && e[j].is("case")) ++n2;
          if (d2 == 0 && n2 == 0 && (e[j].is("when") || e[j].is("else") || e[j].is("end"))) break;
          if (d2 == 0 && e[j].is("end")) --n2;
        }
        Typed v = infer(slice(e, i + 1, j), params);
        r.type = v.type;
        return r;
      }
    }
    return r;
  }
  if (e.size() == 1) {
    const Tok& t = e[0];
    if (t.kind == Kind::string) return r;
    if (t.kind == Kind::number) {
      r.type = t.text.find_first_of(".eE") != std::string::npos ? oid::numeric
               : t.text.size() > 9                              ? oid::int8
                                                                : oid::int4;
      return r;
    }
    if (t.kind == Kind::parameter) {
      auto n = static_cast<std::size_t>(std::stoul(t.text.substr(1)));
      r.type = n >= 1 && n <= params.size() && params[n - 1] ? params[n - 1] : oid::text;
      return r;
    }
    if (t.is("true") || t.is("false")) {
      r.name = "bool";
      r.type = oid::bool_;
      return r;
    }
    if (t.is("null")) return r;
  }
  // A column reference a.b.c
  bool column_ref = e.back().name();
  for (std::size_t i = 0; i < e.size(); ++i)
    if (i % 2 == 0 ? !e[i].name() : !e[i].p(".")) column_ref = false;
  if (column_ref && e.size() % 2 == 1) {
    r.name = e.back().low;
    r.type = catalog_column_type(r.name);  // 0: not a catalog column (the engine asks SQLite)
    if (derived_columns && (r.type == 0 || e.size() > 1)) {
      // A column of a subquery in FROM ("tmp.non_unique"): the type of its item there.
      auto it = derived_columns->find(r.name);
      if (it != derived_columns->end() && it->second != 0) r.type = it->second;
    }
    return r;
  }
  // ARRAY[...] / ARRAY(...)
  if (e.front().is("array") && e.size() >= 2) {
    r.name = "array";
    Toks inner = slice(e, 2, e.size() - 1);
    Typed element;
    if (e[1].p("(")) {
      auto items = select_items(inner);
      if (!items.empty()) element = infer(items[0], params);
    } else {
      element = infer(first_argument(inner), params);
    }
    r.type = array_type_of(element.type) ? array_type_of(element.type) : oid::text_array;
    if (element.type == oid::name) r.type = oid::name_array;
    return r;
  }
  // A function call f(...) or schema.f(...)
  std::size_t open = 0;
  if (e.size() >= 3 && e[0].name() && e[1].p("(")) open = 1;
  if (e.size() >= 5 && e[0].name() && e[1].p(".") && e[2].name() && e[3].p("(")) open = 3;
  if (open > 0 && match_forward(e, open) == e.size() - 1) {
    std::string f = e[open - 1].low;
    r.name = f == "pgw_current_user" ? "current_user" : f;
    r.type = function_type(f, slice(e, open + 1, e.size() - 1), params);
    return r;
  }
  if (e.size() >= 3 && (e[1].p("+") || e[1].p("-") || e[1].p("*") || e[1].p("/"))) {
    r.type = infer(slice(e, 0, 1), params).type;
    return r;
  }
  return r;
}

Oid function_type(std::string_view f, const Toks& args, const std::vector<Oid>& params) {
  static const std::pair<std::string_view, Oid> kTypes[] = {
      {"pg_get_userbyid", oid::name}, {"pg_encoding_to_char", oid::name}, {"current_database", oid::name},
      {"getdatabaseencoding", oid::name}, {"pg_char_to_encoding", oid::int4},
      {"current_schema", oid::name}, {"pgw_current_user", oid::name}, {"session_user", oid::name},
      {"pg_table_is_visible", oid::bool_}, {"pg_type_is_visible", oid::bool_},
      {"pg_function_is_visible", oid::bool_}, {"has_table_privilege", oid::bool_},
      {"has_schema_privilege", oid::bool_}, {"has_database_privilege", oid::bool_},
      {"has_function_privilege", oid::bool_}, {"has_column_privilege", oid::bool_}, {"pg_has_role", oid::bool_},
      {"pg_relation_is_publishable", oid::bool_}, {"pg_is_in_recovery", oid::bool_},
      {"count", oid::int8}, {"pg_relation_size", oid::int8}, {"pg_total_relation_size", oid::int8},
      {"pg_table_size", oid::int8}, {"pg_indexes_size", oid::int8}, {"length", oid::int4},
      {"char_length", oid::int4}, {"array_length", oid::int4}, {"array_position", oid::int4}, {"array_upper", oid::int4},
      {"array_lower", oid::int4}, {"cardinality", oid::int4}, {"pg_backend_pid", oid::int4},
      {"generate_series", oid::int4}, {"strpos", oid::int4}, {"position", oid::int4},
      {"current_schemas", oid::name_array}, {"pg_get_keywords", oid::text}, {"current_setting", oid::text}};
  for (const auto& [name, type] : kTypes)
    if (name == f) return type;
  if (f.starts_with("pgw_to_")) {
    const auto* t = find_catalog_type(f.substr(7));
    return t ? t->oid : oid::text;
  }
  if (f == "max" || f == "min" || f == "coalesce" || f == "nullif" || f == "array_agg" || f == "unnest" ||
      f == "sum") {
    Toks first = first_argument(args);
    int depth = 0;
    for (std::size_t i = 0; i < first.size(); ++i) {
      if (first[i].p("(")) ++depth;
      if (first[i].p(")")) --depth;
      if (depth == 0 && first[i].is("order")) {  // array_agg(x ORDER BY y)
        first.resize(i);
        break;
      }
    }
    Oid t = infer(first, params).type;
    if (f == "array_agg") return array_type_of(t) ? array_type_of(t) : oid::text_array;
    if (f == "unnest") return element_type_of(t) ? element_type_of(t) : oid::text;
    if (f == "sum") return t == oid::int8 || t == oid::numeric ? oid::numeric : oid::int8;
    return t;
  }
  return oid::text;
}

}  // namespace

std::vector<Oid> infer_parameters(const Toks& t) {
  std::vector<Oid> out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind != Kind::parameter) continue;
    auto n = static_cast<std::size_t>(std::stoul(t[i].text.substr(1)));
    if (n == 0 || n > 65535) continue;
    if (out.size() < n) out.resize(n, 0);
    Oid type = 0;
    // An operand of AND / OR / NOT itself ("$3 AND n.nspname = ...") is a
    // boolean, whatever the comparison next to it reads.
    auto logical = [](const Tok& k) { return k.is("and") || k.is("or") || k.is("not"); };
    auto opens = [](const Tok& k) { return k.p("(") || k.is("where") || k.is("when"); };
    auto closes = [](const Tok& k) { return k.p(")") || k.is("then"); };
    bool prev_logical = i > 0 && logical(t[i - 1]), prev_opens = i == 0 || opens(t[i - 1]);
    bool next_logical = i + 1 < t.size() && (t[i + 1].is("and") || t[i + 1].is("or"));
    bool next_closes = i + 1 == t.size() || closes(t[i + 1]);
    if (i + 1 < t.size() && t[i + 1].p("::")) {
      type = read_type(t, i + 2).first;
    } else if ((prev_logical && (next_logical || next_closes)) || (prev_opens && next_logical)) {
      type = oid::bool_;
    } else if (i >= 2 && bool_operator(t[i - 1]) && t[i - 2].name()) {
      type = catalog_column_type(t[i - 2].low);
    } else if (i + 2 < t.size() && bool_operator(t[i + 1]) && t[i + 2].name()) {
      std::size_t k = i + 2;
      while (k + 2 < t.size() && t[k + 1].p(".") && t[k + 2].name()) k += 2;
      type = catalog_column_type(t[k].low);
    }
    if (out[n - 1] == 0) out[n - 1] = type;
  }
  return out;
}

std::vector<ResultColumn> typed_items(const Toks& query, const std::vector<Oid>& params, bool* star,
                                      const std::map<std::string, Oid>* subquery_columns) {
  const auto* outer = derived_columns;
  if (subquery_columns) derived_columns = subquery_columns;
  struct Restore {
    const std::map<std::string, Oid>* previous;
    ~Restore() { derived_columns = previous; }
  } restore{outer};
  std::vector<ResultColumn> columns;
  {
    for (auto& item : select_items(query)) {
      Typed typed;
      if (item.size() >= 2 && item[item.size() - 2].is("as")) {
        typed = infer(slice(item, 0, item.size() - 2), params);
        typed.name = item.back().low;
      } else if (item.size() >= 2 && alias_word(item.back()) && !item[item.size() - 2].p(".") &&
                 !bool_operator(item[item.size() - 2]) && !item[item.size() - 2].is("case") &&
                 (item[item.size() - 2].p(")") || item[item.size() - 2].name() ||
                  item[item.size() - 2].kind == Kind::string || item[item.size() - 2].kind == Kind::number) &&
                 !item.back().is("end") && !item.back().is("null") && !item.back().is("true") &&
                 !item.back().is("false") && !item[item.size() - 2].is("not") && !item[item.size() - 2].is("is")) {
        typed = infer(slice(item, 0, item.size() - 1), params);
        typed.name = item.back().low;
      } else if (item.back().p("*")) {
        if (star) *star = true;  // SELECT *: SQLite's declared types decide
        return {};
      } else {
        typed = infer(item, params);
      }
      columns.push_back({typed.name, typed.type});
    }
  }
  return columns;
}

}  // namespace pgwire::catalog_detail
