#include "config_tokens.hpp"

#include "pgwire/auth/hba.hpp"

namespace pgwire::auth::detail {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// Tokenizes one line; returns the position where a comment starts (or the end).
std::size_t split_line(std::string_view line, ConfigLine& out, std::string_view file_name) {
  std::size_t i = 0;
  ConfigField field;
  bool continues = false;  // the last token ended with a comma: the list goes on
  for (;;) {
    while (i < line.size() && blank(line[i])) ++i;
    if (i == line.size() || line[i] == '#') break;
    if (line[i] == ',' && !field.empty()) {  // "a , b": the list goes on
      ++i;
      continues = true;
      continue;
    }
    if (!continues && !field.empty()) {
      out.fields.push_back(std::move(field));
      field.clear();
    }
    ConfigToken token;
    bool in_quote = false;
    for (; i < line.size(); ++i) {
      char c = line[i];
      if (c == '"') {
        in_quote = !in_quote;
        token.quoted = true;
        continue;
      }
      if (!in_quote && (blank(c) || c == ',' || c == '#')) break;
      token.text += c;
    }
    if (in_quote)
      throw HbaFileError(out.number, std::string(file_name), "unterminated quoted string");
    continues = i < line.size() && line[i] == ',';
    if (continues) ++i;
    field.push_back(std::move(token));
  }
  if (!field.empty()) out.fields.push_back(std::move(field));
  return i;
}

}  // namespace

std::vector<ConfigLine> tokenize_config(std::string_view text, std::string_view file_name) {
  std::vector<ConfigLine> lines;
  int number = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ConfigLine out;
    out.number = ++number;
    std::size_t comment = split_line(line, out, file_name);
    if (out.fields.empty()) continue;
    out.raw = std::string(trimmed(line.substr(0, comment)));
    lines.push_back(std::move(out));
  }
  return lines;
}

}  // namespace pgwire::auth::detail
