#pragma once
// An output plugin option as START_REPLICATION ... LOGICAL lsn (name 'value')
// passes it: a name with an optional value.

#include <optional>
#include <string>
#include <vector>

namespace pgwire::replication {

struct PluginOption {
  std::string name;
  std::optional<std::string> value;
  friend bool operator==(const PluginOption&, const PluginOption&) = default;
};

using PluginOptions = std::vector<PluginOption>;

// PostgreSQL's parse_bool: true/false/yes/no/on/off/1/0, case-insensitive,
// unambiguous prefixes allowed ("t", "of"). nullopt when it is none of them.
std::optional<bool> parse_bool(std::string_view text);

}  // namespace pgwire::replication
