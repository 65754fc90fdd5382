#pragma once
// The result types PostgreSQL 15 gives literals, value keywords and the
// common functions (for expression_typer.hpp): what its lexer makes of 1, 1.5
// and 10000000000; sum(int4) is int8, avg(int) numeric, now() timestamptz,
// and so on. 0 where not known.

#include <cstdint>
#include <string_view>

#include <pgwire/types/oid.hpp>

#include "enum_registry.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

namespace oid = pgwire::oid;

// `date '2024-01-01'`: the type of a literal written after its type's name
// (the one-word names; rewrite() removes the name for SQLite), 0 if none.
inline pgwire::Oid typed_literal_type(const Token& t) {
  static constexpr std::string_view names[] = {"date",  "time", "timestamp", "timestamptz", "interval", "uuid",  "json",
                                               "jsonb", "inet", "cidr",      "numeric",     "bytea",    "timetz"};
  if (t.kind != Kind::word) return 0;
  for (auto n : names)
    if (t.is_keyword(n)) return sqlite_example::type_named(n);
  return 0;
}

namespace typing {

inline int numeric_rank(pgwire::Oid t) {
  switch (t) {
    case oid::int2:
      return 1;
    case oid::int4:
      return 2;
    case oid::int8:
      return 3;
    case oid::numeric:
      return 4;
    case oid::float4:
      return 5;
    case oid::float8:
      return 6;
    default:
      return 0;
  }
}

// The result type of a function PostgreSQL knows, given its first
// argument's type (0 if unknown); 0 if not known.
inline pgwire::Oid function_type(std::string_view f, pgwire::Oid arg, pgwire::Oid second = 0) {
  if (f == "extract") return oid::numeric;
  if (f == "reverse" || f == "initcap" || f == "translate" || f == "to_char") return oid::text;
  if (f == "mod" || f == "gcd" || f == "lcm") return arg;
  if (f == "starts_with") return oid::bool_;
  if (f == "make_interval" || f == "justify_interval" || f == "justify_days" || f == "justify_hours")
    return oid::interval;
  if (f == "enum_first" || f == "enum_last") return arg;
  if (f == "enum_range") {  // (enum_range(NULL, 'b'::e): the second names the type)
    namespace enums = sqlite_example::enum_registry;
    pgwire::Oid e = enums::is_enum(arg) ? arg : enums::is_enum(second) ? second : 0;
    return e ? e + 1 : 0;  // (enum_registry.hpp: its array type's OID is the next)
  }
  if (f == "bool_and" || f == "bool_or" || f == "every") return oid::bool_;
  if (f == "date_part") return oid::float8;
  if (f == "date_trunc") return second == oid::date ? oid::timestamptz : second;
  if (f == "concat_ws" || f == "split_part" || f == "position") return f == "position" ? oid::int4 : oid::text;
  if (f == "count") return oid::int8;
  if (f == "array_agg") return arg != 0 && !pgwire::element_type_of(arg) ? pgwire::array_type_of(arg) : 0;
  if (f == "sum") {
    if (arg == oid::int2 || arg == oid::int4) return oid::int8;
    if (arg == oid::int8 || arg == oid::numeric) return oid::numeric;
    if (arg == oid::interval) return arg;
    return arg == oid::float4 || arg == oid::float8 ? arg : 0;
  }
  if (f == "avg") {
    // (an argument of unknown type: numeric, which avg of integers and of
    // decimals is; numeric_aggregates.hpp gives it as exact text)
    if (arg == 0 || (numeric_rank(arg) >= 1 && numeric_rank(arg) <= 4)) return oid::numeric;
    if (arg == oid::interval) return arg;
    return arg == oid::float4 || arg == oid::float8 ? oid::float8 : 0;
  }
  if (f == "variance" || f == "var_samp" || f == "var_pop" || f == "stddev" || f == "stddev_samp" ||
      f == "stddev_pop")  // (variance_aggregates.hpp)
    return arg == oid::float4 || arg == oid::float8 ? oid::float8 : oid::numeric;
  if (f == "lag" || f == "lead" || f == "first_value" || f == "last_value" || f == "nth_value") return arg;
  if (f == "array_length" || f == "cardinality" || f == "array_position" || f == "array_upper" || f == "array_lower")
    return oid::int4;
  if (f == "array_to_string") return oid::text;
  if (f == "to_timestamp") return oid::timestamptz;
  if (f == "pg_typeof") return oid::text;  // (PostgreSQL's regtype, which prints the same)
  if (f == "age") return oid::interval;
  if (f == "json_build_object" || f == "json_build_array" || f == "json_agg" || f == "json_object_agg")
    return oid::json;
  if (f == "jsonb_build_object" || f == "jsonb_build_array" || f == "jsonb_agg" || f == "jsonb_object_agg")
    return oid::jsonb;
  if (f == "json_array_length" || f == "jsonb_array_length") return oid::int4;
  if (f == "jsonb_set" || f == "to_jsonb" || f == "jsonb_strip_nulls" || f == "jsonb_extract_path") return oid::jsonb;
  if (f == "to_json") return oid::json;
  if (f == "jsonb_typeof" || f == "json_typeof" || f == "jsonb_pretty" || f == "jsonb_extract_path_text")
    return oid::text;
  if ((f == "min" || f == "max") && arg == oid::varchar) return oid::text;  // min(text): varchar has none of its own
  if (f == "min" || f == "max" || f == "abs" || f == "coalesce" || f == "nullif" || f == "greatest" || f == "least")
    return arg;
  if (f == "now" || f == "transaction_timestamp" || f == "statement_timestamp" || f == "clock_timestamp")
    return oid::timestamptz;
  if (f == "current_database" || f == "current_schema") return oid::name;
  if (f == "version" || f == "lower" || f == "upper" || f == "substr" || f == "substring" || f == "trim" ||
      f == "ltrim" || f == "rtrim" || f == "btrim" || f == "replace" || f == "concat" || f == "string_agg" ||
      f == "group_concat" || f == "md5" || f == "left" || f == "right" || f == "repeat" || f == "lpad" || f == "rpad" ||
      f == "typeof" || f == "quote" || f == "hex" || f == "printf" || f == "format")
    return oid::text;
  if (f == "length" || f == "char_length" || f == "character_length" || f == "octet_length" || f == "strpos" ||
      f == "instr" || f == "ascii" || f == "position")
    return oid::int4;
  if (f == "random") return oid::float8;
  if (f == "pg_backend_pid") return oid::int4;
  if (f == "current_setting") return oid::text;
  if (f == "pg_is_in_recovery") return oid::bool_;
  if (f == "gen_random_uuid" || f == "uuid_generate_v4") return oid::uuid;
  if (f == "round" || f == "trunc" || f == "ceil" || f == "ceiling" || f == "floor")
    return arg == oid::float4 || arg == oid::float8 ? oid::float8 : arg != 0 ? oid::numeric : 0;
  if (f == "unnest") return pgwire::element_type_of(arg);
  if (f == "string_to_array" || f == "regexp_match" || f == "regexp_split_to_array") return oid::text_array;
  if (f == "regexp_replace" || f == "pg_size_pretty") return oid::text;
  if (f == "pg_database_size") return oid::int8;
  if (f == "percentile_cont") return oid::float8;
  if (f == "make_date" || f == "to_date") return oid::date;
  if (f == "grouping") return oid::int4;
  if (f == "quote_ident" || f == "quote_literal" || f == "quote_nullable" || f == "to_hex" || f == "encode" ||
      f == "chr")
    return oid::text;
  if (f == "decode" || f == "sha224" || f == "sha256" || f == "sha384" || f == "sha512") return oid::bytea;
  if (f == "div") return oid::numeric;
  if (f == "array_append" || f == "array_cat" || f == "array_remove" || f == "array_replace")
    return pgwire::element_type_of(arg) ? arg : 0;
  if (f == "array_prepend") return second && pgwire::element_type_of(second) ? second : 0;
  if (f == "jsonb_array_elements" || f == "jsonb_each") return oid::jsonb;
  if (f == "json_array_elements") return oid::json;
  if (f == "jsonb_array_elements_text" || f == "json_array_elements_text" || f == "jsonb_object_keys" ||
      f == "json_object_keys")
    return oid::text;
  if (f == "generate_series") {
    if (arg == oid::date || arg == oid::timestamptz) return oid::timestamptz;  // (series.hpp's moments)
    if (arg == oid::timestamp) return oid::timestamp;
    return arg == oid::int8 ? oid::int8 : arg == oid::numeric ? oid::numeric : oid::int4;
  }
  return 0;
}

// A keyword that is a value (CURRENT_DATE, ...): its type, 0 if none.
inline pgwire::Oid keyword_type(std::string_view w) {
  if (w == "current_timestamp") return oid::timestamptz;
  if (w == "localtimestamp") return oid::timestamp;
  if (w == "current_date") return oid::date;
  if (w == "current_time") return oid::timetz;
  if (w == "localtime") return oid::time;
  if (w == "current_user" || w == "session_user" || w == "current_role" || w == "current_catalog" ||
      w == "current_schema" || w == "user")
    return oid::name;
  return 0;
}

// The type of an integer or decimal literal as PostgreSQL's lexer types it.
inline pgwire::Oid literal_type(std::string_view digits) {
  for (char c : digits)
    if (c == '.' || c == 'e' || c == 'E') return oid::numeric;
  if (digits.size() > 19) return oid::numeric;
  std::uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return oid::numeric;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v <= 2147483647u) return oid::int4;
  return v <= 9223372036854775807u ? oid::int8 : oid::numeric;
}

}  // namespace typing

}  // namespace sqlite_dialect
