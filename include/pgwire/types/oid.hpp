#pragma once
// Built-in type OIDs (as in PostgreSQL 15's pg_type) and the catalog facts a
// server needs to describe them: RowDescription's type size, pg_type shims,
// array <-> element mapping.

#include <cstdint>
#include <span>
#include <string_view>

#include "pgwire/codec/common.hpp"

namespace pgwire {

namespace oid {
// Keywords get a trailing underscore: bool_, char_, void_.
inline constexpr Oid bool_ = 16;
inline constexpr Oid bytea = 17;
inline constexpr Oid char_ = 18;  // "char", the 1-byte internal type (char(n) is bpchar)
inline constexpr Oid name = 19;
inline constexpr Oid int8 = 20;
inline constexpr Oid int2 = 21;
inline constexpr Oid int4 = 23;
inline constexpr Oid text = 25;
inline constexpr Oid oid = 26;
inline constexpr Oid json = 114;
inline constexpr Oid cidr = 650;
inline constexpr Oid float4 = 700;
inline constexpr Oid float8 = 701;
inline constexpr Oid unknown = 705;
inline constexpr Oid inet = 869;
inline constexpr Oid bpchar = 1042;
inline constexpr Oid varchar = 1043;
inline constexpr Oid date = 1082;
inline constexpr Oid time = 1083;
inline constexpr Oid timestamp = 1114;
inline constexpr Oid timestamptz = 1184;
inline constexpr Oid interval = 1186;
inline constexpr Oid timetz = 1266;
inline constexpr Oid numeric = 1700;
inline constexpr Oid void_ = 2278;
inline constexpr Oid uuid = 2950;
inline constexpr Oid jsonb = 3802;

// One-dimensional array types (pg_type.typarray of the above; unknown and
// void have none).
inline constexpr Oid bool_array = 1000;
inline constexpr Oid bytea_array = 1001;
inline constexpr Oid char_array = 1002;
inline constexpr Oid name_array = 1003;
inline constexpr Oid int2_array = 1005;
inline constexpr Oid int4_array = 1007;
inline constexpr Oid text_array = 1009;
inline constexpr Oid bpchar_array = 1014;
inline constexpr Oid varchar_array = 1015;
inline constexpr Oid int8_array = 1016;
inline constexpr Oid float4_array = 1021;
inline constexpr Oid float8_array = 1022;
inline constexpr Oid oid_array = 1028;
inline constexpr Oid inet_array = 1041;
inline constexpr Oid timestamp_array = 1115;
inline constexpr Oid date_array = 1182;
inline constexpr Oid time_array = 1183;
inline constexpr Oid timestamptz_array = 1185;
inline constexpr Oid interval_array = 1187;
inline constexpr Oid numeric_array = 1231;
inline constexpr Oid timetz_array = 1270;
inline constexpr Oid uuid_array = 2951;
inline constexpr Oid json_array = 199;
inline constexpr Oid cidr_array = 651;
inline constexpr Oid jsonb_array = 3807;
}  // namespace oid

// One row of pg_type, reduced to what the wire and catalog shims need.
struct TypeInfo {
  Oid oid = 0;
  std::string_view name;   // typname: "int4", "_int4", "timestamptz", ...
  std::int16_t typlen = 0;  // bytes; -1 varlena, -2 C string (unknown)
  Oid element = 0;         // typelem: element type of an array (name has 18, as in pg_type)
  Oid array = 0;           // typarray: the array type, 0 if none
  char category = 0;       // typcategory: 'N' numeric, 'S' string, 'A' array, ...
};

// The types listed above, ordered by OID (e.g. to fill a pg_type shim).
std::span<const TypeInfo> builtin_types() noexcept;

// nullptr when the OID (or name) is not one of builtin_types().
const TypeInfo* find_type(Oid type) noexcept;
const TypeInfo* find_type(std::string_view typname) noexcept;

// Shortcuts over find_type(); unknown OIDs give -1 (varlena), 0 and "".
std::int16_t type_size(Oid type) noexcept;  // for FieldDescription::type_size
Oid array_type_of(Oid element) noexcept;    // oid::int4 -> oid::int4_array
Oid element_type_of(Oid type) noexcept;     // oid::int4_array -> oid::int4
std::string_view type_name(Oid type) noexcept;

// A type as SQL spells it -> its OID, 0 if not a built-in type: the typname
// ("int4", "_int4", "timestamptz"), the SQL standard names ("INTEGER",
// "DOUBLE PRECISION", "TIMESTAMP WITH TIME ZONE", "CHARACTER VARYING(20)"),
// any case, with or without a type modifier "(p,s)" and array suffixes "[]"
// ("int[]", "numeric(10,2)[]"). For products that parse casts ($1::int4) or
// map declared column types to PostgreSQL types.
Oid type_from_sql_name(std::string_view name) noexcept;

}  // namespace pgwire
