// The PostgreSQL functions of catalog queries, as SQLite functions over the
// catalog's Snapshot (functions.hpp).

#include "functions.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include <fmt/format.h>

#include "catalog_types.hpp"
#include "function_support.hpp"
#include "pgwire/api/session_commands.hpp"
#include "pgwire/types/oid.hpp"

namespace pgwire::catalog_detail {

namespace {

void reg_cast(sqlite3_context* c, int argc, sqlite3_value** argv, unsigned sub) {
  if (argc < 1 || is_null(argv[0])) return sqlite3_result_null(c);
  const auto& s = snap(c);
  std::optional<std::int64_t> value = integer(argv[0]);
  if (!value) {
    std::string name = text(argv[0]);
    std::optional<Oid> found;
    const char* what = "relation";
    switch (sub) {
      case sub_regclass: found = lookup_class(ctx(c), name); break;
      case sub_regtype: {
        what = "type";
        Oid t = type_from_sql_name(name);
        if (t == 0)
          if (const auto* ct = find_catalog_type(parse_qualified(name).second)) t = ct->oid;
        if (t == 0)
          for (const auto& [o, n] : s.type_names)
            if (n == parse_qualified(name).second) t = o;
        if (t != 0) found = t;
        break;
      }
      case sub_regproc: {
        what = "function";
        auto n = parse_qualified(name).second;
        if (auto paren = n.find('('); paren != std::string::npos) n.resize(paren);
        for (const auto& [o, p] : s.procs)
          if (p.name == n) found = o;
        break;
      }
      case sub_regnamespace: {
        what = "schema";
        for (const auto& [o, n] : s.namespaces)
          if (n == parse_qualified(name).second) found = o;
        break;
      }
      case sub_regrole: {
        what = "role";
        for (const auto& [o, n] : s.roles)
          if (n == parse_qualified(name).second) found = o;
        break;
      }
    }
    if (!found) {
      auto message = fmt::format("{} \"{}\" does not exist", what, name);
      return sqlite3_result_error(c, message.c_str(), -1);
    }
    value = *found;
  }
  sqlite3_result_int64(c, *value);
  sqlite3_result_subtype(c, sub);
}

// reg_cast as a SQLite function (a plain function pointer) per subtype.
template <unsigned Sub>
void reg_cast_to(sqlite3_context* c, int argc, sqlite3_value** argv) {
  reg_cast(c, argc, argv, Sub);
}

void to_text(sqlite3_context* c, int, sqlite3_value** argv) {
  sqlite3_value* v = argv[0];
  if (is_null(v)) return sqlite3_result_null(c);
  if (Oid t = subtype_type(sqlite3_value_subtype(v)); t != 0) {
    if (auto n = integer(v)) return result(c, reg_name(ctx(c), t, *n));
  }
  if (sqlite3_value_type(v) == SQLITE_FLOAT) return result(c, fmt::format("{}", sqlite3_value_double(v)));
  result(c, text(v));
}

void to_integer(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  if (auto n = integer(argv[0])) return sqlite3_result_int64(c, *n);
  auto message = fmt::format("invalid input syntax for type integer: \"{}\"", text(argv[0]));
  sqlite3_result_error(c, message.c_str(), -1);
}

void to_bool(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  if (sqlite3_value_type(argv[0]) == SQLITE_TEXT) {
    auto s = text(argv[0]);
    char f = s.empty() ? 'f' : static_cast<char>(s[0] | 0x20);
    return result_bool(c, f == 't' || f == 'y' || f == '1' || s == "on" || s == "ON");
  }
  result_bool(c, sqlite3_value_int64(argv[0]) != 0);
}

void identity(sqlite3_context* c, int, sqlite3_value** argv) { sqlite3_result_value(c, argv[0]); }

void regexp(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0]) || is_null(argv[1])) return sqlite3_result_null(c);
  auto* re = static_cast<std::regex*>(sqlite3_get_auxdata(c, 0));
  if (re == nullptr) {
    std::string pattern = text(argv[0]);
    auto flags = std::regex::ECMAScript;
    if (!pattern.empty() && pattern[0] == '\x01') {
      pattern.erase(0, 1);
      flags |= std::regex::icase;
    }
    try {
      re = new std::regex(pattern, flags);
    } catch (const std::regex_error&) {
      auto message = fmt::format("invalid regular expression: {}", pattern);
      return sqlite3_result_error(c, message.c_str(), -1);
    }
    sqlite3_set_auxdata(c, 0, re, [](void* p) { delete static_cast<std::regex*>(p); });
  }
  result_bool(c, std::regex_search(text(argv[1]), *re));
}

// substring(x FROM 'pattern') (pg_to_sqlite_structures.cpp): the first
// parenthesised group's match when the pattern has one, else the whole
// match; NULL without a match, as PostgreSQL's textregexsubstr.
void regexp_substring(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0]) || is_null(argv[1])) return sqlite3_result_null(c);
  auto* re = static_cast<std::regex*>(sqlite3_get_auxdata(c, 1));
  if (re == nullptr) {
    std::string pattern = text(argv[1]);
    try {
      re = new std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      auto message = fmt::format("invalid regular expression: {}", pattern);
      return sqlite3_result_error(c, message.c_str(), -1);
    }
    sqlite3_set_auxdata(c, 1, re, [](void* p) { delete static_cast<std::regex*>(p); });
  }
  std::string subject = text(argv[0]);
  std::smatch m;
  if (!std::regex_search(subject, m, *re)) return sqlite3_result_null(c);
  if (m.size() > 1) {
    if (!m[1].matched) return sqlite3_result_null(c);
    return result(c, m[1].str());
  }
  result(c, m[0].str());
}

void format_type_fn(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  auto type = static_cast<Oid>(sqlite3_value_int64(argv[0]));
  auto typmod = is_null(argv[1]) ? -1 : static_cast<std::int32_t>(sqlite3_value_int64(argv[1]));
  const auto& s = snap(c);
  if (auto it = s.type_names.find(type); it != s.type_names.end()) {
    auto nsp = s.type_namespaces.at(type);
    bool array = it->second.starts_with("_");  // a row type's array: books[]
    std::string name = quote_ident(array ? it->second.substr(1) : it->second);
    if (!on_search_path(ctx(c), nsp)) name = quote_ident(s.namespaces.at(nsp)) + "." + name;
    return result(c, array ? name + "[]" : name);
  }
  result(c, format_type(type, typmod));
}

void get_userbyid(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  auto o = static_cast<Oid>(sqlite3_value_int64(argv[0]));
  const auto& roles = snap(c).roles;
  auto it = roles.find(o);
  result(c, it != roles.end() ? it->second : fmt::format("unknown (OID={})", o));
}

void table_is_visible(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  const auto& classes = snap(c).classes;
  auto it = classes.find(static_cast<Oid>(sqlite3_value_int64(argv[0])));
  if (it == classes.end()) return sqlite3_result_null(c);
  // Visible: the name, unqualified, finds this relation first.
  result_bool(c, on_search_path(ctx(c), it->second.nsp) && lookup_class(ctx(c), it->second.name) == it->first);
}

void type_is_visible(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  auto o = static_cast<Oid>(sqlite3_value_int64(argv[0]));
  const auto& s = snap(c);
  if (auto it = s.type_namespaces.find(o); it != s.type_namespaces.end()) return result_bool(c, on_search_path(ctx(c), it->second));
  result_bool(c, find_catalog_type(o) != nullptr);
}

void function_is_visible(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  const auto& procs = snap(c).procs;
  auto it = procs.find(static_cast<Oid>(sqlite3_value_int64(argv[0])));
  result_bool(c, it != procs.end() && on_search_path(ctx(c), it->second.nsp));
}

void function_result(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  const auto& procs = snap(c).procs;
  auto it = procs.find(static_cast<Oid>(sqlite3_value_int64(argv[0])));
  if (it == procs.end() || it->second.result.empty()) return sqlite3_result_null(c);
  result(c, it->second.result);
}

void function_arguments(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  const auto& procs = snap(c).procs;
  auto it = procs.find(static_cast<Oid>(sqlite3_value_int64(argv[0])));
  if (it == procs.end()) return sqlite3_result_null(c);
  result(c, it->second.arguments);
}

Oid catalog_oid(std::string_view name) {
  if (name == "pg_class") return pg_class_oid;
  if (name == "pg_proc") return pg_proc_oid;
  if (name == "pg_type") return pg_type_oid;
  if (name == "pg_namespace") return pg_namespace_oid;
  if (name == "pg_constraint") return pg_constraint_oid;
  if (name == "pg_database") return pg_database_oid;
  return 0;
}

void obj_description(sqlite3_context* c, int argc, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  auto o = static_cast<Oid>(sqlite3_value_int64(argv[0]));
  Oid cls = argc >= 2 && !is_null(argv[1]) ? catalog_oid(parse_qualified(text(argv[1])).second) : 0;
  for (const auto& [key, comment] : snap(c).comments) {
    auto [objoid, classoid, subid] = key;
    if (objoid == o && subid == 0 && (cls == 0 || classoid == cls)) return result(c, comment);
  }
  sqlite3_result_null(c);
}

void col_description(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0]) || is_null(argv[1])) return sqlite3_result_null(c);
  auto key = std::make_tuple(static_cast<Oid>(sqlite3_value_int64(argv[0])), pg_class_oid,
                             static_cast<int>(sqlite3_value_int64(argv[1])));
  const auto& comments = snap(c).comments;
  auto it = comments.find(key);
  if (it == comments.end()) return sqlite3_result_null(c);
  result(c, it->second);
}

void encoding_to_char(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  auto e = sqlite3_value_int64(argv[0]);
  result(c, e == 6 ? "UTF8" : e == 0 ? "SQL_ASCII" : "");
}

// Its inverse for the two names encoding_to_char knows (-1: not an encoding).
void char_to_encoding(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  std::string name = text(argv[0]);
  for (char& ch : name) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
  sqlite3_result_int64(c, name == "UTF8" || name == "UNICODE" ? 6 : name == "SQL_ASCII" ? 0 : -1);
}

void always_true(sqlite3_context* c, int, sqlite3_value**) { result_bool(c, true); }
void always_false(sqlite3_context* c, int, sqlite3_value**) { result_bool(c, false); }
void always_null(sqlite3_context* c, int, sqlite3_value**) { sqlite3_result_null(c); }
void always_zero(sqlite3_context* c, int, sqlite3_value**) { sqlite3_result_int64(c, 0); }
void empty_json(sqlite3_context* c, int, sqlite3_value**) { result(c, "[]"); }
void empty_text(sqlite3_context* c, int, sqlite3_value**) { result(c, ""); }

void size_pretty(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  auto n = sqlite3_value_int64(argv[0]);
  result(c, n < 10240 ? fmt::format("{} bytes", n) : fmt::format("{} kB", (n + 512) / 1024));
}

void quote_ident_fn(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  result(c, quote_ident(text(argv[0])));
}

// PostgreSQL's quote_literal: quotes doubled; with a backslash, E'' and
// backslashes doubled.
void quote_literal_fn(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  std::string in = text(argv[0]);
  std::string out = in.find('\\') == std::string::npos ? "'" : "E'";
  for (char ch : in) {
    if (ch == '\'' || ch == '\\') out += ch;
    out += ch;
  }
  result(c, out + "'");
}

void current_user(sqlite3_context* c, int, sqlite3_value**) { result(c, ctx(c).user); }
void current_database(sqlite3_context* c, int, sqlite3_value**) { result(c, ctx(c).database); }
// The first schema of the search path that exists (NULL: none).
void current_schema(sqlite3_context* c, int, sqlite3_value**) {
  const auto& names = ctx(c).search_path_names;
  if (names.empty()) return sqlite3_result_null(c);
  result(c, names.front());
}
// The existing schemas of the path; with `true`, the implicit pg_catalog too.
void current_schemas(sqlite3_context* c, int, sqlite3_value** argv) {
  bool implicit = !is_null(argv[0]) && sqlite3_value_int64(argv[0]) != 0;
  std::vector<std::optional<std::string>> names;
  if (implicit && !ctx(c).catalog_listed) names.emplace_back("pg_catalog");
  for (const auto& n : ctx(c).search_path_names) names.emplace_back(n);
  result(c, format_array(names));
}
void version(sqlite3_context* c, int, sqlite3_value**) { result(c, ctx(c).version); }
// current_setting(name [, missing_ok]): the session's value (psql's \dconfig
// reads every setting so), else its built-in default; unknown: 42704
// (evaluation_error), or NULL with missing_ok.
void current_setting(sqlite3_context* c, int argc, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  std::string name = text(argv[0]);
  std::optional<std::string> value;
  if (ctx(c).settings) value = setting_value(*ctx(c).settings, name);
  if (!value) {
    if (auto d = Settings::builtin_default(name)) value = std::string(*d);
  }
  if (value) return result(c, *value);
  if (argc > 1 && !is_null(argv[1]) && sqlite3_value_int64(argv[1]) != 0) return sqlite3_result_null(c);
  std::string message = "unrecognized configuration parameter \"" + name + "\"";
  sqlite3_result_error(c, message.c_str(), -1);
}
void backend_pid(sqlite3_context* c, int, sqlite3_value**) { sqlite3_result_int(c, ctx(c).backend_pid); }

void concat(sqlite3_context* c, int argc, sqlite3_value** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i)
    if (!is_null(argv[i])) out += text(argv[i]);
  result(c, out);
}

void left(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0]) || is_null(argv[1])) return sqlite3_result_null(c);
  auto s = text(argv[0]);
  auto n = sqlite3_value_int64(argv[1]);
  if (n < 0) n = std::max<std::int64_t>(0, static_cast<std::int64_t>(s.size()) + n);
  result(c, s.substr(0, static_cast<std::size_t>(n)));
}

void information_schema_type(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  auto o = static_cast<Oid>(sqlite3_value_int64(argv[0]));
  const auto* t = find_catalog_type(o);
  if (t == nullptr) return result(c, "USER-DEFINED");
  if (t->category == 'A') return result(c, "ARRAY");
  result(c, format_type(o, -1));
}

}  // namespace

std::string reg_name(const FunctionContext& context, Oid type, std::int64_t value) {
  const Snapshot& s = *context.snapshot;
  auto o = static_cast<Oid>(value);
  if (value == 0 && type != catoid::regclass) return "-";
  switch (type) {
    case catoid::regclass: {
      auto it = s.classes.find(o);
      if (it == s.classes.end()) return std::to_string(value);
      if (on_search_path(context, it->second.nsp) && lookup_class(context, it->second.name) == o)
        return quote_ident(it->second.name);
      return quote_ident(s.namespaces.at(it->second.nsp)) + "." + quote_ident(it->second.name);
    }
    case catoid::regtype: {
      if (auto it = s.type_names.find(o); it != s.type_names.end()) return quote_ident(it->second);
      return find_catalog_type(o) ? format_type(o, -1) : std::to_string(value);
    }
    case catoid::regproc:
    case catoid::regprocedure: {
      auto it = s.procs.find(o);
      return it == s.procs.end() ? std::to_string(value) : quote_ident(it->second.name);
    }
    case catoid::regnamespace: {
      auto it = s.namespaces.find(o);
      return it == s.namespaces.end() ? std::to_string(value) : quote_ident(it->second);
    }
    case catoid::regrole: {
      auto it = s.roles.find(o);
      return it == s.roles.end() ? std::to_string(value) : quote_ident(it->second);
    }
    default: return std::to_string(value);
  }
}

namespace {

// A cast to an array type: oidvector / int2vector ('23 25') become arrays
// ('{23,25}'), and the elements of a reg* array print as names, as
// regtypeout would ('{integer,text}'); pgcli reads
// proargtypes::regtype[]::text[].
void array_cast(sqlite3_context* c, int argc, sqlite3_value** argv, Oid element) {
  if (argc < 1 || is_null(argv[0])) return sqlite3_result_null(c);
  auto items = parse_array(text(argv[0]));
  bool reg = element == catoid::regclass || element == catoid::regtype || element == catoid::regproc;
  if (reg) {
    for (auto& item : items) {
      if (!item) continue;
      std::int64_t n = 0;
      auto [p, ec] = std::from_chars(item->data(), item->data() + item->size(), n);
      if (ec == std::errc() && p == item->data() + item->size()) *item = reg_name(ctx(c), element, n);
    }
  }
  result(c, format_array(items));
}

template <Oid Element>
void to_array_of(sqlite3_context* c, int argc, sqlite3_value** argv) {
  array_cast(c, argc, argv, Element);
}

}  // namespace

void register_functions(sqlite3* db, FunctionContext* c) {
  // Casts: pgw_to_<typname>.
  for (const auto& t : catalog_types()) {
    std::string name = "pgw_to_" + std::string(t.name);
    Fn fn = identity;
    switch (t.oid) {
      case catoid::regclass: fn = reg_cast_to<sub_regclass>; break;
      case catoid::regtype: fn = reg_cast_to<sub_regtype>; break;
      case catoid::regproc:
      case catoid::regprocedure: fn = reg_cast_to<sub_regproc>; break;
      case catoid::regnamespace: fn = reg_cast_to<sub_regnamespace>; break;
      case catoid::regrole: fn = reg_cast_to<sub_regrole>; break;
      case oid::text:
      case oid::name:
      case oid::varchar:
      case oid::bpchar:
      case oid::char_: fn = to_text; break;
      case oid::int2:
      case oid::int4:
      case oid::int8:
      case oid::oid:
      case catoid::xid:
      case catoid::cid: fn = to_integer; break;
      case oid::bool_: fn = to_bool; break;
      case catoid::regtype_array: fn = to_array_of<catoid::regtype>; break;
      case catoid::regclass_array: fn = to_array_of<catoid::regclass>; break;
      case catoid::regproc_array: fn = to_array_of<catoid::regproc>; break;
      case oid::oid_array: fn = to_array_of<oid::oid>; break;
      case oid::int2_array: fn = to_array_of<oid::int2>; break;
      default: break;
    }
    add(db, name.c_str(), 1, fn, c);
  }
  add(db, "regexp", 2, regexp, c);
  add(db, "pgw_regexp_substring", 2, regexp_substring, c);
  add(db, "format_type", 2, format_type_fn, c);
  add(db, "pg_get_userbyid", 1, get_userbyid, c);
  add(db, "pg_table_is_visible", 1, table_is_visible, c);
  add(db, "pg_type_is_visible", 1, type_is_visible, c);
  add(db, "pg_function_is_visible", 1, function_is_visible, c);
  register_definition_functions(db, c);  // pg_get_expr, pg_get_indexdef, ... (definition_functions.cpp)
  for (int n : {1, 2}) {
    add(db, "obj_description", n, obj_description, c);
    add(db, "pg_get_triggerdef", n, always_null, c);
    add(db, "pg_relation_size", n, always_zero, c);
  }
  for (int n : {1, 2}) add(db, "pg_get_ruledef", n, always_null, c);
  add(db, "pg_database_size", 1, always_zero, c);
  add(db, "pg_tablespace_size", 1, always_zero, c);
  add(db, "pg_tablespace_location", 1, empty_text, c);
  add(db, "pg_get_function_result", 1, function_result, c);
  add(db, "pg_get_function_arguments", 1, function_arguments, c);
  add(db, "pg_get_function_identity_arguments", 1, function_arguments, c);
  add(db, "pg_get_statisticsobjdef_columns", 1, always_null, c);
  add(db, "col_description", 2, col_description, c);
  add(db, "shobj_description", 2, always_null, c);
  add(db, "pg_encoding_to_char", 1, encoding_to_char, c);
  add(db, "pg_char_to_encoding", 1, char_to_encoding, c);
  for (const char* name : {"has_table_privilege", "has_schema_privilege", "has_database_privilege",
                           "has_function_privilege", "has_column_privilege", "pg_has_role", "has_any_column_privilege",
                           "has_sequence_privilege", "has_type_privilege"})
    for (int n : {2, 3, 4}) add(db, name, n, always_true, c);
  for (const char* name : {"pg_conversion_is_visible", "pg_ts_config_is_visible", "pg_operator_is_visible",
                           "pg_collation_is_visible", "pg_opclass_is_visible", "pg_opfamily_is_visible",
                           "pg_ts_dict_is_visible", "pg_ts_parser_is_visible", "pg_ts_template_is_visible",
                           "pg_statistics_obj_is_visible"})
    add(db, name, 1, always_true, c);
  add(db, "pg_relation_is_publishable", 1, always_false, c);
  add(db, "pg_is_in_recovery", 0, always_false, c);
  add(db, "pg_partition_ancestors", 1, always_null, c);
  for (const char* name : {"pg_total_relation_size", "pg_table_size", "pg_indexes_size"})
    add(db, name, 1, always_zero, c);
  add(db, "pg_size_pretty", 1, size_pretty, c);
  add(db, "quote_ident", 1, quote_ident_fn, c);
  add(db, "quote_literal", 1, quote_literal_fn, c);
  add(db, "pgw_current_user", 0, current_user, c);
  add(db, "current_database", 0, current_database, c);
  // The server encoding (psql's \dO asks): every session is UTF8.
  add(db, "getdatabaseencoding", 0, [](sqlite3_context* x, int, sqlite3_value**) { result(x, "UTF8"); }, c);
  add(db, "current_schema", 0, current_schema, c);
  add(db, "current_schemas", 1, current_schemas, c);
  add(db, "version", 0, version, c);
  add(db, "current_setting", 1, current_setting, c);
  add(db, "current_setting", 2, current_setting, c);
  // Privileges are not described: the default ACL is empty (no GRANT to dump).
  add(db, "acldefault", 2, [](sqlite3_context* x, int, sqlite3_value**) { result(x, "{}"); }, c);
  // Settings are SessionCommands': here only for queries over pg_settings
  // rows, whose value it returns (pg_dump asks for settings this catalog lacks).
  add(db, "set_config", 3, [](sqlite3_context* x, int, sqlite3_value** v) { sqlite3_result_value(x, v[1]); }, c);
  add(db, "pg_backend_pid", 0, backend_pid, c);
  add(db, "concat", -1, concat, c);
  add(db, "left", 2, left, c);
  add(db, "pgw_srf_pg_partition_ancestors", 1, empty_json, c);
  add(db, "pgw_srf_pg_get_keywords", 0, empty_json, c);
  add(db, "pgw_information_schema_type", 1, information_schema_type, c);
  register_array_functions(db, c);
}

}  // namespace pgwire::catalog_detail
