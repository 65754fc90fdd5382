// The session's search_path as catalog queries see it: resolving the
// setting against the snapshot's schemas, which schemas unqualified names
// find (pg_*_is_visible, regclass output), and the references a
// constraint or view text holds (functions.hpp).

#include <algorithm>
#include <charconv>

#include "catalog_types.hpp"
#include "functions.hpp"
#include "pgwire/types/oid.hpp"

namespace pgwire::catalog_detail {

// "schema.name", "\"Name\"" -> (schema, name), folded as PostgreSQL folds identifiers.
std::pair<std::string, std::string> parse_qualified(std::string_view s) {
  std::vector<std::string> parts;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
  }
  parts.push_back(cur);
  if (parts.size() == 1) return {"", parts[0]};
  return {parts[parts.size() - 2], parts.back()};
}

// An unqualified name: the first schema of the search path that has it.
std::optional<Oid> lookup_class(const FunctionContext& context, std::string_view name) {
  const Snapshot& s = *context.snapshot;
  auto [schema, rel] = parse_qualified(name);
  if (schema.empty()) {
    std::vector<Oid> order;
    if (!context.catalog_listed) order.push_back(pg_catalog_namespace);
    order.insert(order.end(), context.search_path.begin(), context.search_path.end());
    for (Oid nsp : order)
      for (const auto& [o, c] : s.classes)
        if (c.name == rel && c.nsp == nsp) return o;
    return std::nullopt;
  }
  for (const auto& [o, c] : s.classes) {
    if (c.name != rel) continue;
    auto nsp = s.namespaces.find(c.nsp);
    if (nsp != s.namespaces.end() && nsp->second == schema) return o;
  }
  return std::nullopt;
}

// A constraint definition names its referenced table by OID
// (relation_reference): printed as regclass prints it, qualified unless
// its schema is on the search path, as pg_get_constraintdef does.
std::string expand_references(const FunctionContext& context, std::string_view def) {
  std::string out;
  for (std::size_t i = 0; i < def.size();) {
    if (def[i] != '\x01') {
      out += def[i++];
      continue;
    }
    auto end = def.find('\x01', i + 1);
    if (end == std::string_view::npos) break;
    std::int64_t rel = 0;
    std::from_chars(def.data() + i + 1, def.data() + end, rel);
    out += reg_name(context, catoid::regclass, rel);
    i = end + 1;
  }
  return out;
}

void set_search_path(FunctionContext& context, std::string_view setting) {
  context.search_path.clear();
  context.search_path_names.clear();
  context.catalog_listed = false;
  const Snapshot& s = *context.snapshot;
  // Comma-separated names, each bare (folded to lower case) or "quoted";
  // "$user" is the session's user when a schema has that name.
  std::size_t i = 0;
  while (i <= setting.size()) {
    auto comma = setting.find(',', i);
    if (comma == std::string_view::npos) comma = setting.size();
    std::string_view item = setting.substr(i, comma - i);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    std::string name;
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      name = std::string(item.substr(1, item.size() - 2));
    } else {
      for (char ch : item) name += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    }
    if (name == "$user") name = context.user;
    for (const auto& [o, n] : s.namespaces) {
      if (n != name || name.empty()) continue;
      if (std::find(context.search_path.begin(), context.search_path.end(), o) != context.search_path.end()) break;
      context.search_path.push_back(o);
      context.search_path_names.push_back(n);
      if (o == pg_catalog_namespace) context.catalog_listed = true;
      break;
    }
    i = comma + 1;
  }
}

bool on_search_path(const FunctionContext& context, Oid nsp) {
  if (nsp == pg_catalog_namespace) return true;
  return std::find(context.search_path.begin(), context.search_path.end(), nsp) != context.search_path.end();
}

}  // namespace pgwire::catalog_detail
