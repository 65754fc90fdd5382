#include "pgwire/replication/plugin_option.hpp"

#include <cctype>
#include <string_view>

namespace pgwire::replication {
namespace {

// `text` is a case-insensitive prefix of `word`, at least `min` long.
bool abbreviates(std::string_view text, std::string_view word, std::size_t min) {
  if (text.size() < min || text.size() > word.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
  return true;
}

}  // namespace

std::optional<bool> parse_bool(std::string_view text) {
  // As PostgreSQL's parse_bool_with_len: "o" alone is ambiguous (on/off).
  if (abbreviates(text, "true", 1) || abbreviates(text, "yes", 1) || abbreviates(text, "on", 2) ||
      text == "1")
    return true;
  if (abbreviates(text, "false", 1) || abbreviates(text, "no", 1) || abbreviates(text, "off", 2) ||
      text == "0")
    return false;
  return std::nullopt;
}

}  // namespace pgwire::replication
