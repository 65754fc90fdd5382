#include "sql_identifier.hpp"

#include <algorithm>
#include <iterator>

namespace pgwire::replication::detail {
namespace {

// PostgreSQL 15's kwlist.h: every keyword that is not UNRESERVED_KEYWORD
// (reserved, column-name and type/function-name keywords), sorted.
constexpr std::string_view kQuotedKeywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
    "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character",
    "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc",
    "distinct", "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float",
    "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having",
    "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into",
    "is", "isnull", "join", "lateral", "leading", "least", "left", "like", "limit", "localtime",
    "localtimestamp", "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null",
    "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps",
    "overlay", "placing", "position", "precision", "primary", "real", "references", "returning",
    "right", "row", "select", "session_user", "setof", "similar", "smallint", "some", "substring",
    "symmetric", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat",
    "trim", "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
    "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
    "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable"};

bool plain(std::string_view name) {
  if (name.empty() || !(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  for (char c : name)
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return !std::binary_search(std::begin(kQuotedKeywords), std::end(kQuotedKeywords), name);
}

}  // namespace

std::string quote_identifier(std::string_view name) {
  if (plain(name)) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace pgwire::replication::detail

namespace pgwire::replication::detail {
namespace {

// scanner_isspace.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

void truncate_name(std::string& name) {
  if (name.size() <= 63) return;
  std::size_t n = 63;  // never cut a UTF-8 character in half
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  name.resize(n);
}

}  // namespace

std::optional<std::vector<std::string>> split_identifier_list(std::string_view text, char separator) {
  std::vector<std::string> names;
  std::size_t i = 0;
  while (i < text.size() && is_space(text[i])) ++i;
  if (i == text.size()) return names;
  for (;;) {
    std::string name;
    if (text[i] == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) return std::nullopt;
        if (text[i] != '"') {
          name += text[i];
        } else if (i + 1 < text.size() && text[i + 1] == '"') {
          name += '"';
          ++i;
        } else {
          ++i;
          break;
        }
      }
    } else {
      std::size_t start = i;
      while (i < text.size() && text[i] != separator && !is_space(text[i])) ++i;
      if (i == start) return std::nullopt;
      for (char c : text.substr(start, i - start)) name += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    truncate_name(name);
    names.push_back(std::move(name));
    while (i < text.size() && is_space(text[i])) ++i;
    if (i == text.size()) return names;
    if (text[i] != separator) return std::nullopt;
    ++i;
    while (i < text.size() && is_space(text[i])) ++i;
    if (i == text.size()) return std::nullopt;  // a separator must be followed by a name
  }
}

}  // namespace pgwire::replication::detail
