#include "pgwire/types/oid.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace pgwire {
namespace {

// Copied from PostgreSQL 15's pg_type (tests/types/data/pg_type.tsv is the
// server's own dump, compared against this table by the tests).
constexpr std::array<TypeInfo, 52> kTypes{{
    {16, "bool", 1, 0, 1000, 'B'},
    {17, "bytea", -1, 0, 1001, 'U'},
    {18, "char", 1, 0, 1002, 'Z'},
    {19, "name", 64, 18, 1003, 'S'},
    {20, "int8", 8, 0, 1016, 'N'},
    {21, "int2", 2, 0, 1005, 'N'},
    {23, "int4", 4, 0, 1007, 'N'},
    {25, "text", -1, 0, 1009, 'S'},
    {26, "oid", 4, 0, 1028, 'N'},
    {114, "json", -1, 0, 199, 'U'},
    {199, "_json", -1, 114, 0, 'A'},
    {650, "cidr", -1, 0, 651, 'I'},
    {651, "_cidr", -1, 650, 0, 'A'},
    {700, "float4", 4, 0, 1021, 'N'},
    {701, "float8", 8, 0, 1022, 'N'},
    {705, "unknown", -2, 0, 0, 'X'},
    {869, "inet", -1, 0, 1041, 'I'},
    {1000, "_bool", -1, 16, 0, 'A'},
    {1001, "_bytea", -1, 17, 0, 'A'},
    {1002, "_char", -1, 18, 0, 'A'},
    {1003, "_name", -1, 19, 0, 'A'},
    {1005, "_int2", -1, 21, 0, 'A'},
    {1007, "_int4", -1, 23, 0, 'A'},
    {1009, "_text", -1, 25, 0, 'A'},
    {1014, "_bpchar", -1, 1042, 0, 'A'},
    {1015, "_varchar", -1, 1043, 0, 'A'},
    {1016, "_int8", -1, 20, 0, 'A'},
    {1021, "_float4", -1, 700, 0, 'A'},
    {1022, "_float8", -1, 701, 0, 'A'},
    {1028, "_oid", -1, 26, 0, 'A'},
    {1041, "_inet", -1, 869, 0, 'A'},
    {1042, "bpchar", -1, 0, 1014, 'S'},
    {1043, "varchar", -1, 0, 1015, 'S'},
    {1082, "date", 4, 0, 1182, 'D'},
    {1083, "time", 8, 0, 1183, 'D'},
    {1114, "timestamp", 8, 0, 1115, 'D'},
    {1115, "_timestamp", -1, 1114, 0, 'A'},
    {1182, "_date", -1, 1082, 0, 'A'},
    {1183, "_time", -1, 1083, 0, 'A'},
    {1184, "timestamptz", 8, 0, 1185, 'D'},
    {1185, "_timestamptz", -1, 1184, 0, 'A'},
    {1186, "interval", 16, 0, 1187, 'T'},
    {1187, "_interval", -1, 1186, 0, 'A'},
    {1231, "_numeric", -1, 1700, 0, 'A'},
    {1266, "timetz", 12, 0, 1270, 'D'},
    {1270, "_timetz", -1, 1266, 0, 'A'},
    {1700, "numeric", -1, 0, 1231, 'N'},
    {2278, "void", 4, 0, 0, 'P'},
    {2950, "uuid", 16, 0, 2951, 'U'},
    {2951, "_uuid", -1, 2950, 0, 'A'},
    {3802, "jsonb", -1, 0, 3807, 'U'},
    {3807, "_jsonb", -1, 3802, 0, 'A'},
}};

static_assert(std::is_sorted(kTypes.begin(), kTypes.end(),
                             [](const TypeInfo& a, const TypeInfo& b) { return a.oid < b.oid; }));

}  // namespace

std::span<const TypeInfo> builtin_types() noexcept { return kTypes; }

const TypeInfo* find_type(Oid type) noexcept {
  auto it = std::lower_bound(kTypes.begin(), kTypes.end(), type,
                             [](const TypeInfo& t, Oid o) { return t.oid < o; });
  return it != kTypes.end() && it->oid == type ? &*it : nullptr;
}

const TypeInfo* find_type(std::string_view typname) noexcept {
  for (const TypeInfo& t : kTypes) {
    if (t.name == typname) return &t;
  }
  return nullptr;
}

std::int16_t type_size(Oid type) noexcept {
  const TypeInfo* t = find_type(type);
  return t ? t->typlen : std::int16_t{-1};
}

Oid array_type_of(Oid element) noexcept {
  const TypeInfo* t = find_type(element);
  return t ? t->array : 0;
}

Oid element_type_of(Oid type) noexcept {
  const TypeInfo* t = find_type(type);
  return t && t->category == 'A' ? t->element : 0;
}

std::string_view type_name(Oid type) noexcept {
  const TypeInfo* t = find_type(type);
  return t ? t->name : std::string_view{};
}

namespace {

// SQL spellings that are not typnames (the grammar's aliases, gram.y).
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"smallint", "int2"},
    {"integer", "int4"},
    {"int", "int4"},
    {"bigint", "int8"},
    {"real", "float4"},
    {"float", "float8"},
    {"double precision", "float8"},
    {"decimal", "numeric"},
    {"dec", "numeric"},
    {"boolean", "bool"},
    {"character varying", "varchar"},
    {"char varying", "varchar"},
    {"character", "bpchar"},
    {"char", "bpchar"},  // CHAR(n) in SQL is bpchar; the 1-byte type is "char" (quoted)
    {"timestamp without time zone", "timestamp"},
    {"timestamp with time zone", "timestamptz"},
    {"time without time zone", "time"},
    {"time with time zone", "timetz"},
};

}  // namespace

Oid type_from_sql_name(std::string_view name) noexcept {
  // Normalise: lower case, single spaces, modifiers "(...)" dropped, "[]"
  // suffixes counted. Fits the longest spelling ("timestamp without time zone").
  char buf[64];
  std::size_t n = 0;
  int dims = 0;
  bool quoted = false;
  int depth = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (depth > 0) {
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      continue;
    }
    if (c == '(') {
      depth = 1;
      continue;
    }
    if (c == '"') {
      quoted = !quoted;  // "char" (quoted) is the 1-byte type, char is bpchar
      continue;
    }
    if (c == '[') {
      std::size_t j = i + 1;
      while (j < name.size() && name[j] >= '0' && name[j] <= '9') ++j;  // int[3]
      if (j >= name.size() || name[j] != ']') return 0;
      ++dims;
      i = j;
      continue;
    }
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (dims > 0 && !space) return 0;  // nothing but spaces after "[]"
    if (space) {
      if (n > 0 && buf[n - 1] != ' ') {
        if (n == sizeof buf) return 0;
        buf[n++] = ' ';
      }
      continue;
    }
    if (n == sizeof buf) return 0;
    buf[n++] = static_cast<char>(quoted ? c : (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  if (depth != 0 || quoted) return 0;
  while (n > 0 && buf[n - 1] == ' ') --n;
  std::string_view word(buf, n);
  bool was_quoted = name.find('"') != std::string_view::npos;  // "char" is not CHAR
  if (!was_quoted) {
    for (const auto& [alias, typname] : kAliases) {
      if (word == alias) {
        word = typname;
        break;
      }
    }
  }
  const TypeInfo* t = find_type(word);
  if (t == nullptr || t->oid == oid::unknown || t->oid == oid::void_) return 0;
  if (dims == 0) return t->oid;
  // int[][] is still int4[] in PostgreSQL: arrays do not nest by type.
  if (t->category == 'A') return t->oid;
  return t->array;
}

}  // namespace pgwire
