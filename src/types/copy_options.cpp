// COPY's options: PostgreSQL's ProcessCopyOptions (each option, then the
// combination checks in the same order, so that the first error reported is
// PostgreSQL's), and the FORCE_* column lists resolved as BeginCopyFrom /
// BeginCopyTo resolve them.

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "copy_internal.hpp"

namespace pgwire {

namespace {

using copy_detail::error;

constexpr const char* invalid_parameter_value = "22023";
constexpr const char* undefined_column = "42703";
constexpr const char* duplicate_column = "42701";

ErrorInfo conflicting() { return error(sqlstate::syntax_error, "conflicting or redundant options"); }

bool iequals(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

// defGetString: any argument as text; a missing one is an error.
std::optional<ErrorInfo> get_string(const CopyOptionItem& item, std::string& out) {
  switch (item.arg) {
    case CopyOptionItem::Arg::none:
      return error(sqlstate::syntax_error, fmt::format("{} requires a parameter", item.name));
    case CopyOptionItem::Arg::star: out = "*"; break;
    case CopyOptionItem::Arg::list: out = fmt::format("{}", fmt::join(item.list, ".")); break;
    default: out = item.value; break;
  }
  return std::nullopt;
}

// An integer argument 0 or 1 (PostgreSQL's Integer node; 1.0 is not one).
int zero_or_one(const CopyOptionItem& item) noexcept {
  if (item.arg != CopyOptionItem::Arg::number) return -1;
  std::string_view v = item.value;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) v.remove_prefix(1);
  while (v.size() > 1 && v[0] == '0') v.remove_prefix(1);
  return v == "0" ? 0 : v == "1" ? 1 : -1;
}

// defGetBoolean; `match_too` adds defGetCopyHeaderChoice's MATCH.
std::optional<ErrorInfo> get_choice(const CopyOptionItem& item, bool match_too, CopyDirection dir,
                                    CopyHeader& out) {
  if (item.arg == CopyOptionItem::Arg::none) {
    out = CopyHeader::present;
    return std::nullopt;
  }
  if (int b = zero_or_one(item); b >= 0) {
    out = b ? CopyHeader::present : CopyHeader::none;
    return std::nullopt;
  }
  std::string v;
  if (item.arg == CopyOptionItem::Arg::number) v = "";  // 2, 1.0: neither Boolean nor a word
  else if (auto e = get_string(item, v)) return e;
  if (iequals(v, "true") || iequals(v, "on")) {
    out = CopyHeader::present;
    return std::nullopt;
  }
  if (iequals(v, "false") || iequals(v, "off")) {
    out = CopyHeader::none;
    return std::nullopt;
  }
  if (match_too && iequals(v, "match")) {
    if (dir == CopyDirection::to)
      return error(sqlstate::feature_not_supported,
                   fmt::format("cannot use \"{}\" with HEADER in COPY TO", v));
    out = CopyHeader::match;
    return std::nullopt;
  }
  return error(sqlstate::syntax_error, match_too
                                           ? fmt::format("{} requires a Boolean value or \"match\"", item.name)
                                           : fmt::format("{} requires a Boolean value", item.name));
}

std::optional<ErrorInfo> get_columns(const CopyOptionItem& item, std::vector<std::string>& out) {
  if (item.arg != CopyOptionItem::Arg::list)
    return error(invalid_parameter_value,
                 fmt::format("argument to option \"{}\" must be a list of column names", item.name));
  out = item.list;
  return std::nullopt;
}

// pg_char_to_encoding: PostgreSQL's encoding names and aliases, compared in
// lower case without punctuation ("UTF-8" is utf8).
bool known_encoding(std::string_view name) {
  static constexpr std::string_view names[] = {
      "abc", "alt", "big5", "euccn", "eucjis2004", "eucjp", "euckr", "euctw", "gb18030", "gbk",
      "iso88591", "iso885910", "iso885913", "iso885914", "iso885915", "iso885916", "iso88592",
      "iso88593", "iso88594", "iso88595", "iso88596", "iso88597", "iso88598", "iso88599", "johab",
      "koi8", "koi8r", "koi8u", "latin1", "latin10", "latin2", "latin3", "latin4", "latin5",
      "latin6", "latin7", "latin8", "latin9", "mskanji", "muleinternal", "shiftjis",
      "shiftjis2004", "sjis", "sqlascii", "tcvn", "tcvn5712", "uhc", "unicode", "utf8", "vscii",
      "win", "win1250", "win1251", "win1252", "win1253", "win1254", "win1255", "win1256",
      "win1257", "win1258", "win866", "win874", "win932", "win936", "win949", "win950",
      "windows1250", "windows1251", "windows1252", "windows1253", "windows1254", "windows1255",
      "windows1256", "windows1257", "windows1258", "windows866", "windows874", "windows932",
      "windows936", "windows949", "windows950"};
  std::string key;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') key.push_back(static_cast<char>(c + 32));
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) key.push_back(c);
  }
  return std::find(std::begin(names), std::end(names), key) != std::end(names);
}

bool single_byte(const std::string& s) noexcept {
  return s.size() == 1 && static_cast<unsigned char>(s[0]) < 0x80;
}

}  // namespace

std::optional<ErrorInfo> apply_copy_options(std::span<const CopyOptionItem> items, CopyDirection dir,
                                            CopyOptions& out) {
  CopyOptions o;
  bool format_set = false, freeze_set = false, header_set = false, quote_list_set = false;
  bool not_null_set = false, null_list_set = false;
  for (const CopyOptionItem& item : items) {
    const std::string& name = item.name;
    if (name == "format") {
      if (format_set) return conflicting();
      format_set = true;
      std::string f;
      if (auto e = get_string(item, f)) return e;
      if (f == "text") o.format = CopyFormat::text;
      else if (f == "csv") o.format = CopyFormat::csv;
      else if (f == "binary") o.format = CopyFormat::binary;
      else return error(invalid_parameter_value, fmt::format("COPY format \"{}\" not recognized", f));
    } else if (name == "freeze") {
      if (freeze_set) return conflicting();
      freeze_set = true;
      CopyHeader b{};
      if (auto e = get_choice(item, false, dir, b)) return e;
      o.freeze = b == CopyHeader::present;
    } else if (name == "delimiter" || name == "null" || name == "quote" || name == "escape" ||
               name == "encoding") {
      auto& field = name == "delimiter" ? o.delimiter
                    : name == "null"    ? o.null_string
                    : name == "quote"   ? o.quote
                    : name == "escape"  ? o.escape
                                        : o.encoding;
      if (field) return conflicting();
      std::string v;
      if (auto e = get_string(item, v)) return e;
      if (name == "encoding" && !known_encoding(v))
        return error(invalid_parameter_value, "argument to option \"encoding\" must be a valid encoding name");
      field = std::move(v);
    } else if (name == "header") {
      if (header_set) return conflicting();
      header_set = true;
      if (auto e = get_choice(item, true, dir, o.header)) return e;
    } else if (name == "force_quote") {
      if (quote_list_set) return conflicting();
      quote_list_set = true;
      if (item.arg == CopyOptionItem::Arg::star) o.force_quote_all = true;
      else if (auto e = get_columns(item, o.force_quote)) return e;
    } else if (name == "force_not_null") {
      if (not_null_set) return conflicting();
      not_null_set = true;
      if (auto e = get_columns(item, o.force_not_null)) return e;
    } else if (name == "force_null") {
      if (null_list_set) return conflicting();
      null_list_set = true;
      if (auto e = get_columns(item, o.force_null)) return e;
    } else {
      return error(sqlstate::syntax_error, fmt::format("option \"{}\" not recognized", name));
    }
  }
  if (auto e = validate_copy_options(o, dir)) return e;
  out = std::move(o);
  return std::nullopt;
}

std::optional<ErrorInfo> validate_copy_options(CopyOptions& o, CopyDirection dir) {
  const bool csv = o.format == CopyFormat::csv;
  const bool binary = o.format == CopyFormat::binary;
  const bool from = dir == CopyDirection::from;
  const char* not_supported = sqlstate::feature_not_supported;
  // Before the defaults are filled in.
  if (binary && o.delimiter) return error(sqlstate::syntax_error, "cannot specify DELIMITER in BINARY mode");
  if (binary && o.null_string) return error(sqlstate::syntax_error, "cannot specify NULL in BINARY mode");
  if (o.header == CopyHeader::match && !from)
    return error(not_supported, "cannot use \"match\" with HEADER in COPY TO");

  // Binary keeps them unset: validated options validate again.
  const std::string delim = o.delimiter.value_or(csv ? "," : "\t");
  const std::string null = o.null_string.value_or(csv ? "" : "\\N");
  if (!binary) {
    o.delimiter = delim;
    o.null_string = null;
  }
  if (csv && !o.quote) o.quote = "\"";
  if (csv && !o.escape) o.escape = o.quote;

  // One byte: in a UTF-8 database a non-ASCII character is longer.
  if (!single_byte(delim)) return error(not_supported, "COPY delimiter must be a single one-byte character");
  if (delim[0] == '\r' || delim[0] == '\n')
    return error(invalid_parameter_value, "COPY delimiter cannot be newline or carriage return");
  if (null.find_first_of("\r\n") != std::string::npos)
    return error(invalid_parameter_value, "COPY null representation cannot use newline or carriage return");
  // In text, data bytes equal to the delimiter are backslashed, and these
  // would read back as escapes (or the end marker).
  if (!csv && std::string_view("\\.abcdefghijklmnopqrstuvwxyz0123456789").find(delim[0]) != std::string_view::npos)
    return error(invalid_parameter_value, fmt::format("COPY delimiter cannot be \"{}\"", delim));
  if (binary && o.header != CopyHeader::none) return error(not_supported, "cannot specify HEADER in BINARY mode");
  if (!csv && o.quote) return error(not_supported, "COPY quote available only in CSV mode");
  if (csv && !single_byte(*o.quote)) return error(not_supported, "COPY quote must be a single one-byte character");
  if (csv && delim[0] == (*o.quote)[0])
    return error(invalid_parameter_value, "COPY delimiter and quote must be different");
  if (!csv && o.escape) return error(not_supported, "COPY escape available only in CSV mode");
  if (csv && !single_byte(*o.escape)) return error(not_supported, "COPY escape must be a single one-byte character");
  const bool force_quote = o.force_quote_all || !o.force_quote.empty();
  if (!csv && force_quote) return error(not_supported, "COPY force quote available only in CSV mode");
  if (force_quote && from) return error(not_supported, "COPY force quote only available using COPY TO");
  if (!csv && !o.force_not_null.empty()) return error(not_supported, "COPY force not null available only in CSV mode");
  if (!o.force_not_null.empty() && !from)
    return error(not_supported, "COPY force not null only available using COPY FROM");
  if (!csv && !o.force_null.empty()) return error(not_supported, "COPY force null available only in CSV mode");
  if (!o.force_null.empty() && !from) return error(not_supported, "COPY force null only available using COPY FROM");
  if (null.find(delim[0]) != std::string::npos)
    return error(not_supported, "COPY delimiter must not appear in the NULL specification");
  if (csv && null.find((*o.quote)[0]) != std::string::npos)
    return error(not_supported, "CSV quote character must not appear in the NULL specification");
  return std::nullopt;
}

namespace {

// CopyGetAttnums for one FORCE_* list: a flag per column.
std::optional<ErrorInfo> column_flags(const std::vector<std::string>& names, const CopySettings& s,
                                      std::vector<bool>& flags) {
  flags.assign(s.columns.size(), false);
  for (const std::string& name : names) {
    auto it = std::find(s.columns.begin(), s.columns.end(), name);
    if (it == s.columns.end())
      return error(undefined_column, s.relation.empty()
                                         ? fmt::format("column \"{}\" does not exist", name)
                                         : fmt::format("column \"{}\" of relation \"{}\" does not exist",
                                                       name, s.relation));
    auto i = static_cast<std::size_t>(it - s.columns.begin());
    if (flags[i]) return error(duplicate_column, fmt::format("column \"{}\" specified more than once", name));
    flags[i] = true;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ErrorInfo> resolve_copy_options(const CopyOptions& options, CopyDirection dir,
                                              std::vector<std::string> columns, std::string relation,
                                              CopySettings& out) {
  CopyOptions o = options;
  if (auto e = validate_copy_options(o, dir)) return e;
  CopySettings s;
  s.format = o.format;
  if (o.delimiter) s.delimiter = (*o.delimiter)[0];
  if (o.quote) s.quote = (*o.quote)[0];
  if (o.escape) s.escape = (*o.escape)[0];
  if (o.null_string) s.null_string = *o.null_string;
  s.header = o.header;
  s.columns = std::move(columns);
  s.relation = std::move(relation);
  // In PostgreSQL's order: FORCE_NOT_NULL, FORCE_NULL (FROM); FORCE_QUOTE (TO).
  if (!o.force_not_null.empty())
    if (auto e = column_flags(o.force_not_null, s, s.force_not_null)) return e;
  if (!o.force_null.empty())
    if (auto e = column_flags(o.force_null, s, s.force_null)) return e;
  if (o.force_quote_all) s.force_quote.assign(s.columns.size(), true);
  else if (!o.force_quote.empty())
    if (auto e = column_flags(o.force_quote, s, s.force_quote)) return e;
  out = std::move(s);
  return std::nullopt;
}

}  // namespace pgwire
