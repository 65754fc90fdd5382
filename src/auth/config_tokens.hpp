#pragma once
// The token syntax PostgreSQL's authentication files share (pg_hba.conf,
// and here the users file): whitespace-separated fields, each a
// comma-separated list of tokens, double quotes around a token keep spaces,
// commas and '#' and make a keyword a plain name, '#' starts a comment.

#include <string>
#include <string_view>
#include <vector>

namespace pgwire::auth::detail {

struct ConfigToken {
  std::string text;
  bool quoted = false;  // any part was in double quotes: never a keyword
  bool is(std::string_view keyword) const { return !quoted && text == keyword; }
};

using ConfigField = std::vector<ConfigToken>;  // one or more, comma-separated

struct ConfigLine {
  int number = 0;
  std::string raw;  // the line without its comment, trimmed
  std::vector<ConfigField> fields;
};

// Lines without fields (blank, comment only) are left out. Throws
// HbaFileError for an unterminated quote.
std::vector<ConfigLine> tokenize_config(std::string_view text, std::string_view file_name);

}  // namespace pgwire::auth::detail
