// The pg_type lookups drivers send verbatim at connect or when they meet a
// type outside their core codecs (postgres.js, psqlODBC, asyncpg, pgjdbc:
// see session_commands.hpp), answered from the type layer's built-in pg_type
// rows (every one of them lives in pg_catalog), so that a product without a
// pg_catalog still serves those drivers. Kept apart from the session
// commands (session_commands.cpp): this is driver introspection, matched on
// whole query texts and answered with rows, not a statement grammar.
//
// A query is matched on a squeezed form of its text (see squeeze()),
// against a prefix and distinctive fragments, so that re-indented or
// slightly edited versions of a driver's query still match.

#include "catalog_queries.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "pgwire/protocol/sql_text.hpp"
#include "pgwire/types.hpp"

namespace pgwire::api_detail {

namespace {

bool word_char(char ch) {
  auto c = static_cast<unsigned char>(ch);
  return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

// The tokens of `sql` (words in lower case, everything else as written)
// without whitespace and comments, except one space between two word
// characters, and without the trailing ';':
// "SELECT t.oid\n  FROM pg_type t WHERE t.oid = $1;" -> "select t.oid from pg_type t where t.oid=$1".
std::string squeeze(std::string_view sql) {
  auto tokens = tokenize(sql);
  while (!tokens.empty() && tokens.back().is_punct(";")) tokens.pop_back();
  std::string out;
  out.reserve(sql.size());
  for (const auto& t : tokens) {
    std::string word = t.kind == SqlToken::Kind::word ? t.value() : std::string();
    std::string_view text = t.kind == SqlToken::Kind::word ? std::string_view(word) : t.text;
    if (!out.empty() && word_char(out.back()) && word_char(text.front())) out.push_back(' ');
    out.append(text);
  }
  return out;
}

// Every query below names pg_type: statements that do not are not squeezed.
bool mentions_pg_type(std::string_view sql) {
  constexpr std::string_view needle = "pg_type";
  if (sql.size() < needle.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= sql.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() &&
           std::tolower(static_cast<unsigned char>(sql[i + k])) == needle[k])
      ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// The parameters of a bound portal, decoded as the statement's parameter
// types say (a client may type pgjdbc's OID as int4, asyncpg's as oid, or
// leave them to the server); no portal: a query without parameters.
class Args {
 public:
  explicit Args(const Portal* portal) : portal_(portal) {}

  std::optional<std::string> text(std::size_t i) const {
    if (!present(i)) return std::nullopt;
    auto v = portal_->parameter<std::string_view>(i);
    return std::string(*v);
  }
  std::optional<bool> boolean(std::size_t i) const {
    if (!present(i)) return std::nullopt;
    return portal_->parameter<bool>(i);
  }
  std::optional<Oid> oid(std::size_t i) const {
    if (!present(i)) return std::nullopt;
    if (portal_->parameter_formats.at(i) == format_text) return parse_oid(*portal_->parameters[i]);
    switch (declared(i)) {
      case oid::int2: return static_cast<Oid>(*portal_->parameter<std::int16_t>(i));
      case oid::int4: return static_cast<Oid>(*portal_->parameter<std::int32_t>(i));
      case oid::int8: return static_cast<Oid>(*portal_->parameter<std::int64_t>(i));
      case oid::text:
      case oid::varchar:
      case oid::bpchar:
      case oid::name:
      case oid::unknown: return parse_oid(*portal_->parameter<std::string_view>(i));
      default: return portal_->parameter<OidValue>(i)->value;
    }
  }
  // oid[] (or an integer array); NULL and NULL elements give nothing.
  std::vector<Oid> oids(std::size_t i) const {
    std::vector<Oid> out;
    if (!present(i)) return out;
    auto take = [&](auto decoded) {
      for (const auto& e : decoded->elements) {
        if (!e) continue;
        if constexpr (std::is_same_v<std::decay_t<decltype(*e)>, OidValue>)
          out.push_back(e->value);
        else
          out.push_back(static_cast<Oid>(*e));
      }
    };
    switch (declared(i)) {
      case oid::int2_array: take(portal_->parameter<DecodedArray<std::int16_t>>(i)); break;
      case oid::int4_array: take(portal_->parameter<DecodedArray<std::int32_t>>(i)); break;
      case oid::int8_array: take(portal_->parameter<DecodedArray<std::int64_t>>(i)); break;
      default: take(portal_->parameter<DecodedArray<OidValue>>(i)); break;
    }
    return out;
  }

 private:
  bool present(std::size_t i) const {
    return portal_ != nullptr && i < portal_->parameters.size() && portal_->parameters[i].has_value();
  }
  Oid declared(std::size_t i) const {
    const auto& types = portal_->statement->parameter_types;
    return i < types.size() ? types[i] : 0;
  }
  // oidin: a decimal number, negative ones wrap (as PostgreSQL's).
  static Oid parse_oid(std::string_view s) {
    auto trimmed = s;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front())))
      trimmed.remove_prefix(1);
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
      trimmed.remove_suffix(1);
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), v);
    if (trimmed.empty() || ec != std::errc() || end != trimmed.data() + trimmed.size() ||
        v < -2147483648LL || v > 4294967295LL)
      throw PgError(sqlstate::invalid_text_representation,
                    fmt::format("invalid input syntax for type oid: \"{}\"", s));
    return static_cast<Oid>(static_cast<std::uint32_t>(v));
  }

  const Portal* portal_;
};

// One result cell: NULL, oid, text/name, "char", bool, int4.
using Cell = std::variant<std::monostate, OidValue, std::string, Char, bool, std::int32_t>;
using Rows = std::vector<std::vector<Cell>>;

Response rows_of(const SchemaPtr& schema, Rows rows) {
  auto shared = std::make_shared<const Rows>(std::move(rows));
  std::size_t i = 0;
  return Response::rows(schema, make_row_source([shared, i](RowWriter& w) mutable {
    if (i >= shared->size()) return false;
    w.begin_row();
    for (const Cell& c : (*shared)[i]) {
      std::visit(
          [&w](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::monostate>)
              w.add_null();
            else if constexpr (std::is_same_v<V, std::string>)
              w.add(std::string_view(v));
            else
              w.add(v);
          },
          c);
    }
    w.end_row();
    return ++i < shared->size();
  }));
}

Column column(std::string name, Oid type) { return {std::move(name), type, type_size(type)}; }

constexpr std::string_view catalog_schema = "pg_catalog";

// pg_type.typtype: the built-in rows are base types, but unknown and void
// are pseudo-types.
Char typtype(const TypeInfo& t) { return Char{t.category == 'P' || t.category == 'X' ? 'p' : 'b'}; }

// typinput = array_in.
bool is_array(const TypeInfo& t) { return t.category == 'A' && t.element != 0; }

// oid::regtype::text (format_type): the SQL name where it differs from typname.
std::string regtype_text(Oid type) {
  if (type == 0) return "-";
  const TypeInfo* t = find_type(type);
  if (t == nullptr) return std::to_string(type);
  if (is_array(*t)) return regtype_text(t->element) + "[]";
  static const std::pair<Oid, const char*> sql_names[] = {
      {oid::bool_, "boolean"},
      {oid::char_, "\"char\""},
      {oid::int8, "bigint"},
      {oid::int2, "smallint"},
      {oid::int4, "integer"},
      {oid::float4, "real"},
      {oid::float8, "double precision"},
      {oid::bpchar, "character"},
      {oid::varchar, "character varying"},
      {oid::time, "time without time zone"},
      {oid::timestamp, "timestamp without time zone"},
      {oid::timestamptz, "timestamp with time zone"},
      {oid::timetz, "time with time zone"},
  };
  for (const auto& [o, n] : sql_names)
    if (o == type) return n;
  return std::string(t->name);
}

const TypeInfo* type_named(const std::optional<std::string>& name) {
  return name ? find_type(std::string_view(*name)) : nullptr;
}
const TypeInfo* type_with_oid(std::optional<Oid> o) { return o ? find_type(*o) : nullptr; }

// pgjdbc's "(n.nspname = $2 OR $3 AND n.nspname = ANY (current_schemas(true)))"
// for a pg_catalog type (always on the path).
bool in_schema(const Args& a, std::size_t schema, std::size_t on_path) {
  auto nsp = a.text(schema);
  return (nsp && *nsp == catalog_schema) || a.boolean(on_path).value_or(false);
}

}  // namespace

struct CatalogQuery {
  const char* what;                    // for the reader: driver and purpose
  std::string prefix;                  // squeezed: the statement starts with it
  std::vector<std::string> fragments;  // squeezed: and contains all of these
  bool exact;                          // the prefix is the whole statement
  std::vector<Oid> parameters;         // the types PostgreSQL infers for $1, $2, ...
  SchemaPtr columns;
  Response (*answer)(const SchemaPtr& columns, const Args& args);

  bool matches(std::string_view squeezed) const {
    if (exact) return squeezed == prefix;
    if (!squeezed.starts_with(prefix)) return false;
    for (const auto& f : fragments)
      if (squeezed.find(f) == std::string_view::npos) return false;
    return true;
  }
};

namespace {

CatalogQuery query(const char* what, std::string_view prefix, std::vector<std::string_view> fragments,
                   bool exact, std::vector<Oid> parameters, std::vector<Column> columns,
                   Response (*answer)(const SchemaPtr&, const Args&)) {
  std::vector<std::string> f;
  for (auto x : fragments) f.push_back(squeeze(x));
  return {what,  squeeze(prefix), std::move(f), exact, std::move(parameters), make_schema(std::move(columns)),
          answer};
}

// asyncpg's typeinfo_tree: the requested types (depth 0), then recursively
// their element types (depth + 1), distinct, deepest first. Built-in types
// are never domains, ranges nor composites, so basetype, range_subtype,
// attrtypoids and attrnames are NULL.
Response asyncpg_typeinfo_tree(const SchemaPtr& columns, const Args& a) {
  std::vector<std::pair<const TypeInfo*, std::int32_t>> found;
  auto seen = [&](const TypeInfo* t, std::int32_t depth) {
    return std::any_of(found.begin(), found.end(),
                       [&](const auto& f) { return f.first == t && f.second == depth; });
  };
  std::vector<const TypeInfo*> level;
  for (Oid o : a.oids(0)) {
    const TypeInfo* t = find_type(o);
    if (t != nullptr && !seen(t, 0)) {
      found.emplace_back(t, 0);
      level.push_back(t);
    }
  }
  for (std::int32_t depth = 1; !level.empty(); ++depth) {
    std::vector<const TypeInfo*> next;
    for (const TypeInfo* t : level) {
      const TypeInfo* e = t->element != 0 ? find_type(t->element) : nullptr;
      if (e != nullptr && !seen(e, depth)) {
        found.emplace_back(e, depth);
        next.push_back(e);
      }
    }
    level = std::move(next);
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
  Rows rows;
  for (const auto& [t, depth] : found) {
    // elemdelim: the element's typdelim for a varlena with an element type
    // (',' for every built-in type), else NULL (name is fixed-length).
    bool delim = t->typlen == -1 && t->element != 0 && find_type(t->element) != nullptr;
    rows.push_back({OidValue{t->oid}, std::string(catalog_schema), std::string(t->name), typtype(*t),
                    std::monostate{}, OidValue{t->element}, delim ? Cell{Char{','}} : Cell{},
                    std::monostate{}, std::monostate{}, std::monostate{}, depth, std::monostate{},
                    regtype_text(t->element), std::monostate{}});
  }
  return rows_of(columns, std::move(rows));
}

Response oid_elemtype_kind(const SchemaPtr& columns, const TypeInfo* t) {
  Rows rows;
  if (t != nullptr) rows.push_back({OidValue{t->oid}, OidValue{t->element}, typtype(*t)});
  return rows_of(columns, std::move(rows));
}

Response oid_typname(const SchemaPtr& columns, Oid o, const TypeInfo* t) {
  Rows rows;
  if (t != nullptr) rows.push_back({OidValue{o}, std::string(t->name)});
  return rows_of(columns, std::move(rows));
}

const std::vector<CatalogQuery>& catalog_queries() {
  static const std::vector<CatalogQuery> queries = [] {
    std::vector<CatalogQuery> q;
    const Oid oid_ = oid::oid, name = oid::name, bool_ = oid::bool_, char_ = oid::char_;
    // postgres.js fetchArrayTypes at connect: element types and their array types.
    q.push_back(query(
        "postgres.js array types",
        "select b.oid, b.typarray from pg_catalog.pg_type a left join pg_catalog.pg_type b on "
        "b.oid = a.typelem where a.typcategory = 'A' group by b.oid, b.typarray order by b.oid",
        {}, true, {}, {column("oid", oid_), column("typarray", oid_)}, [](const SchemaPtr& columns, const Args&) {
          std::vector<std::pair<Oid, Oid>> pairs;
          for (const auto& t : builtin_types())
            if (t.category == 'A' && t.element != 0) pairs.emplace_back(t.element, t.oid);
          std::sort(pairs.begin(), pairs.end());
          pairs.erase(std::unique(pairs.begin(), pairs.end(),
                                  [](auto& a, auto& b) { return a.first == b.first; }),
                      pairs.end());
          Rows rows;
          for (auto [e, a] : pairs) rows.push_back({OidValue{e}, OidValue{a}});
          return rows_of(columns, std::move(rows));
        }));
    // psqlODBC at connect: is there a large-object type "lo"? (No.)
    q.push_back(query("psqlODBC lo type", "select oid, typbasetype from pg_type where typname = 'lo'", {}, true,
                      {}, {column("oid", oid_), column("typbasetype", oid_)},
                      [](const SchemaPtr& columns, const Args&) { return rows_of(columns, {}); }));
    // asyncpg: INTRO_LOOKUP_TYPES (server 14+) and INTRO_LOOKUP_TYPES_13,
    // for the types outside its core codecs (arrays of most types, ...).
    q.push_back(query(
        "asyncpg type introspection", "with recursive typeinfo_tree(",
        {"pg_catalog.pg_type", "ti.oid = any($1::oid[])", "elemtype::regtype::text as elemtype_name",
         "order by depth desc"},
        false, {oid::oid_array},
        {column("oid", oid_), column("ns", name), column("name", name), column("kind", char_),
         column("basetype", oid_), column("elemtype", oid_), column("elemdelim", char_),
         column("range_subtype", oid_), column("attrtypoids", oid::oid_array),
         column("attrnames", oid::text_array), column("depth", oid::int4), column("basetype_name", oid::text),
         column("elemtype_name", oid::text), column("range_subtype_name", oid::text)},
        asyncpg_typeinfo_tree));
    // asyncpg TYPE_BY_OID / TYPE_BY_NAME (set_type_codec, set_builtin_type_codec).
    q.push_back(query("asyncpg type by OID",
                      "SELECT t.oid, t.typelem AS elemtype, t.typtype AS kind FROM pg_catalog.pg_type AS t "
                      "WHERE t.oid = $1",
                      {}, true, {oid_}, {column("oid", oid_), column("elemtype", oid_), column("kind", char_)},
                      [](const SchemaPtr& columns, const Args& a) {
                        return oid_elemtype_kind(columns, type_with_oid(a.oid(0)));
                      }));
    q.push_back(query("asyncpg type by name",
                      "SELECT t.oid, t.typelem AS elemtype, t.typtype AS kind FROM pg_catalog.pg_type AS t "
                      "INNER JOIN pg_catalog.pg_namespace ns ON (ns.oid = t.typnamespace) "
                      "WHERE t.typname = $1 AND ns.nspname = $2",
                      {}, true, {name, name}, {column("oid", oid_), column("elemtype", oid_), column("kind", char_)},
                      [](const SchemaPtr& columns, const Args& a) {
                        auto nsp = a.text(1);
                        return oid_elemtype_kind(columns,
                                                 nsp && *nsp == catalog_schema ? type_named(a.text(0)) : nullptr);
                      }));
    // pgjdbc TypeInfoCache.getPGType(String): the OID of a type name, first
    // on the search path (setObject of a PGobject / PGInterval).
    q.push_back(query("pgjdbc type by name", "SELECT pg_type.oid, typname FROM pg_catalog.pg_type",
                      {"current_schemas(false)", "WHERE typname = $1"}, false, {name},
                      {column("oid", oid_), column("typname", name)}, [](const SchemaPtr& columns, const Args& a) {
                        const TypeInfo* t = type_named(a.text(0));
                        return oid_typname(columns, t ? t->oid : 0, t);
                      }));
    // pgjdbc getPGType(int): name, schema and whether it is on the path.
    q.push_back(query("pgjdbc type name by OID",
                      "SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t",
                      {"WHERE t.oid = $1"}, false, {oid_},
                      {column("?column?", bool_), column("nspname", name), column("typname", name)},
                      [](const SchemaPtr& columns, const Args& a) {
                        Rows rows;
                        if (const TypeInfo* t = type_with_oid(a.oid(0)))
                          rows.push_back({true, std::string(catalog_schema), std::string(t->name)});
                        return rows_of(columns, std::move(rows));
                      }));
    // pgjdbc getSQLType(int): is_array, typtype, typname.
    q.push_back(query("pgjdbc SQL type by OID",
                      "SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid "
                      "FROM pg_catalog.pg_type",
                      {"WHERE pg_type.oid = $1"}, false, {oid_},
                      {column("is_array", bool_), column("typtype", char_), column("typname", name),
                       column("oid", oid_)},
                      [](const SchemaPtr& columns, const Args& a) {
                        Rows rows;
                        if (const TypeInfo* t = type_with_oid(a.oid(0)))
                          rows.push_back({is_array(*t), typtype(*t), std::string(t->name), OidValue{t->oid}});
                        return rows_of(columns, std::move(rows));
                      }));
    // pgjdbc getPGArrayType(String): the array type of a type name in a schema.
    q.push_back(query("pgjdbc array type by name", "SELECT t.typarray, arr.typname FROM pg_catalog.pg_type t",
                      {"JOIN pg_catalog.pg_type arr ON arr.oid = t.typarray",
                       "WHERE t.typname = $1 AND (n.nspname = $2 OR $3 AND n.nspname = ANY (current_schemas(true)))"},
                      false, {name, name, bool_}, {column("typarray", oid_), column("typname", name)},
                      [](const SchemaPtr& columns, const Args& a) {
                        const TypeInfo* t = in_schema(a, 1, 2) ? type_named(a.text(0)) : nullptr;
                        const TypeInfo* arr = t && t->array ? find_type(t->array) : nullptr;
                        return oid_typname(columns, arr ? arr->oid : 0, arr);
                      }));
    // pgjdbc: the array type whose element is the named type.
    q.push_back(query("pgjdbc array type by element name", "SELECT t.oid, t.typname FROM pg_catalog.pg_type t",
                      {"WHERE t.typelem = (SELECT oid FROM pg_catalog.pg_type WHERE typname = $1)",
                       "(n.nspname = $2 OR $3 AND n.nspname = ANY (current_schemas(true)))"},
                      false, {name, name, bool_}, {column("oid", oid_), column("typname", name)},
                      [](const SchemaPtr& columns, const Args& a) {
                        const TypeInfo* e = in_schema(a, 1, 2) ? type_named(a.text(0)) : nullptr;
                        const TypeInfo* arr = nullptr;
                        for (const auto& t : builtin_types())
                          if (e && t.element == e->oid && t.name.starts_with("_") && t.typlen == -1) arr = &t;
                        return oid_typname(columns, arr ? arr->oid : 0, arr);
                      }));
    // pgjdbc getPGType(String) of a schema-qualified or quoted name.
    q.push_back(query("pgjdbc type by name in a schema", "SELECT t.oid, t.typname FROM pg_catalog.pg_type t",
                      {"WHERE t.typname = $1 AND (n.nspname = $2 OR $3 AND n.nspname = ANY (current_schemas(true)))"},
                      false, {name, name, bool_}, {column("oid", oid_), column("typname", name)},
                      [](const SchemaPtr& columns, const Args& a) {
                        const TypeInfo* t = in_schema(a, 1, 2) ? type_named(a.text(0)) : nullptr;
                        return oid_typname(columns, t ? t->oid : 0, t);
                      }));
    // pgjdbc getArrayDelimiter(int).
    q.push_back(query("pgjdbc array delimiter",
                      "SELECT e.typdelim FROM pg_catalog.pg_type t, pg_catalog.pg_type e WHERE t.oid = $1 and "
                      "t.typelem = e.oid",
                      {}, true, {oid_}, {column("typdelim", char_)}, [](const SchemaPtr& columns, const Args& a) {
                        Rows rows;
                        const TypeInfo* t = type_with_oid(a.oid(0));
                        if (t && t->element && find_type(t->element)) rows.push_back({Char{','}});
                        return rows_of(columns, std::move(rows));
                      }));
    // pgjdbc getPGArrayElement(int): the element type of an array type.
    q.push_back(query("pgjdbc array element by OID",
                      "SELECT e.oid, n.nspname = ANY(current_schemas(true)), n.nspname, e.typname FROM "
                      "pg_catalog.pg_type t JOIN pg_catalog.pg_type e ON t.typelem = e.oid",
                      {"WHERE t.oid = $1"}, false, {oid_},
                      {column("oid", oid_), column("?column?", bool_), column("nspname", name),
                       column("typname", name)},
                      [](const SchemaPtr& columns, const Args& a) {
                        Rows rows;
                        const TypeInfo* t = type_with_oid(a.oid(0));
                        const TypeInfo* e = t && t->element ? find_type(t->element) : nullptr;
                        if (e) rows.push_back({OidValue{e->oid}, true, std::string(catalog_schema), std::string(e->name)});
                        return rows_of(columns, std::move(rows));
                      }));
    return q;
  }();
  return queries;
}

}  // namespace

const CatalogQuery* find_catalog_query(std::string_view sql) {
  if (!mentions_pg_type(sql)) return nullptr;
  std::string s = squeeze(sql);
  for (const auto& q : catalog_queries())
    if (q.matches(s)) return &q;
  return nullptr;
}

const std::vector<Oid>& parameter_types(const CatalogQuery& q) { return q.parameters; }

const SchemaPtr& result_columns(const CatalogQuery& q) { return q.columns; }

Response answer(const CatalogQuery& q, const Portal* portal) { return q.answer(q.columns, Args(portal)); }

}  // namespace pgwire::api_detail
