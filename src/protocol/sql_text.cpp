#include "pgwire/protocol/sql_text.hpp"

#include <algorithm>
#include <cctype>

namespace pgwire {

namespace {

// Length of the token starting at sql[i] that must be skipped as a unit
// (quoted string, quoted identifier, dollar quote, comment), or 0.
std::size_t skip_token(std::string_view sql, std::size_t i) {
  char c = sql[i];
  auto until = [&](std::size_t from, std::string_view end) {
    std::size_t e = sql.find(end, from);
    return (e == std::string_view::npos ? sql.size() : e + end.size()) - i;
  };
  if (c == '\'' || c == '"') {
    // Doubled quotes escape; E'' strings also allow backslash escapes.
    bool backslash = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
    std::size_t j = i + 1;
    while (j < sql.size()) {
      if (backslash && sql[j] == '\\') {
        j += 2;
        continue;
      }
      if (sql[j] == c) {
        if (j + 1 < sql.size() && sql[j + 1] == c) {
          j += 2;
          continue;
        }
        return j + 1 - i;
      }
      ++j;
    }
    return sql.size() - i;
  }
  if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') return until(i + 2, "\n");
  if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
    // Block comments nest in PostgreSQL.
    int depth = 0;
    std::size_t j = i;
    while (j + 1 < sql.size()) {
      if (sql[j] == '/' && sql[j + 1] == '*') {
        ++depth;
        j += 2;
      } else if (sql[j] == '*' && sql[j + 1] == '/') {
        j += 2;
        if (--depth == 0) return j - i;
      } else {
        ++j;
      }
    }
    return sql.size() - i;
  }
  if (c == '$') {
    // $tag$ ... $tag$ where tag is empty or an identifier not starting with a digit.
    std::size_t j = i + 1;
    while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_'))
      ++j;
    if (j < sql.size() && sql[j] == '$' && !(j > i + 1 && std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
      std::string_view tag = sql.substr(i, j + 1 - i);
      return until(j + 1, tag);
    }
  }
  return 0;
}

bool blank(std::string_view s);

bool blank(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c) || c == ';') {
      ++i;
      continue;
    }
    bool comment = (c == '-' && i + 1 < s.size() && s[i + 1] == '-') ||
                   (c == '/' && i + 1 < s.size() && s[i + 1] == '*');
    if (!comment) return false;
    i += skip_token(s, i);
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::string_view> split_statements(std::string_view sql) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < sql.size();) {
    if (std::size_t n = skip_token(sql, i)) {
      i += n;
      continue;
    }
    if (sql[i] == ';') {
      auto stmt = sql.substr(start, i - start);
      if (!blank(stmt)) out.push_back(trim(stmt));
      start = i + 1;
    }
    ++i;
  }
  auto last = sql.substr(std::min(start, sql.size()));
  if (!blank(last)) out.push_back(trim(last));
  return out;
}

bool is_empty_query(std::string_view sql) { return blank(sql); }

}  // namespace pgwire
