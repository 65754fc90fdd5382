#include "command_lexer.hpp"

#include <fmt/format.h>

#include "pgwire/codec/error_info.hpp"

namespace pgwire::replication::detail {
namespace {

struct KeywordSpelling {
  std::string_view text;
  Keyword keyword;
};

// Matched case-sensitively: "show" is an identifier (and SQL), "SHOW" a command.
constexpr KeywordSpelling kKeywords[] = {
    {"BASE_BACKUP", Keyword::base_backup},
    {"IDENTIFY_SYSTEM", Keyword::identify_system},
    {"READ_REPLICATION_SLOT", Keyword::read_replication_slot},
    {"SHOW", Keyword::show},
    {"TIMELINE", Keyword::timeline},
    {"START_REPLICATION", Keyword::start_replication},
    {"CREATE_REPLICATION_SLOT", Keyword::create_replication_slot},
    {"DROP_REPLICATION_SLOT", Keyword::drop_replication_slot},
    {"TIMELINE_HISTORY", Keyword::timeline_history},
    {"PHYSICAL", Keyword::physical},
    {"RESERVE_WAL", Keyword::reserve_wal},
    {"LOGICAL", Keyword::logical},
    {"SLOT", Keyword::slot},
    {"TEMPORARY", Keyword::temporary},
    {"TWO_PHASE", Keyword::two_phase},
    {"EXPORT_SNAPSHOT", Keyword::export_snapshot},
    {"NOEXPORT_SNAPSHOT", Keyword::noexport_snapshot},
    {"USE_SNAPSHOT", Keyword::use_snapshot},
    {"WAIT", Keyword::wait},
};

constexpr std::size_t kMaxIdentifierBytes = 63;  // NAMEDATALEN - 1

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_cont(char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }

[[noreturn]] void scanner_error(const char* message) { throw PgError(sqlstate::syntax_error, message); }

std::size_t run(std::string_view s, std::size_t from, bool (*pred)(char)) {
  std::size_t i = from;
  while (i < s.size() && pred(s[i])) ++i;
  return i - from;
}

// {hexdigit}+\/{hexdigit}+ at the start of s: its length, or 0.
std::size_t lsn_length(std::string_view s) {
  std::size_t hi = run(s, 0, is_hex);
  if (hi == 0 || hi >= s.size() || s[hi] != '/') return 0;
  std::size_t lo = run(s, hi + 1, is_hex);
  return lo == 0 ? 0 : hi + 1 + lo;
}

// sscanf("%X") of one half: strtoul saturates at ULONG_MAX, which the
// 32-bit target keeps as 0xFFFFFFFF.
std::uint32_t scan_hex_half(std::string_view digits) {
  std::uint64_t v = 0;
  for (char c : digits) {
    std::uint64_t d = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    if (v > (UINT64_MAX - d) / 16) return UINT32_MAX;
    v = v * 16 + d;
  }
  return static_cast<std::uint32_t>(v);
}

// strtoul(..., 10) kept in a uint32: saturates, then truncates.
std::uint32_t scan_decimal(std::string_view digits) {
  std::uint64_t v = 0;
  for (char c : digits) {
    std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return UINT32_MAX;
    v = v * 10 + d;
  }
  return static_cast<std::uint32_t>(v);
}

// pg_mbcliplen for UTF-8: never cut a character in half.
std::size_t clip_utf8(std::string_view s, std::size_t limit) {
  std::size_t n = limit;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

// The body of a quoted token up to its closing quote; `doubled` turns a
// doubled quote into one (strings) or ends the token (identifiers: the
// scanner has no rule for "" inside them).
std::string quoted(std::string_view text, std::size_t& pos, char quote, bool doubled) {
  std::string out;
  for (;;) {
    if (pos >= text.size()) scanner_error("unterminated quoted string");
    char c = text[pos++];
    if (c != quote) {
      out += c;
      continue;
    }
    if (doubled && pos < text.size() && text[pos] == quote) {
      out += quote;
      ++pos;
      continue;
    }
    return out;
  }
}

}  // namespace

std::string CommandLexer::truncated(std::string name) {
  if (name.size() <= kMaxIdentifierBytes) return name;
  std::size_t keep = clip_utf8(name, kMaxIdentifierBytes);
  notices_.push_back(fmt::format("identifier \"{}\" will be truncated to \"{}\"", name, name.substr(0, keep)));
  name.resize(keep);
  return name;
}

Token CommandLexer::next() {
  pos_ += run(text_, pos_, is_space);
  Token t;
  if (pos_ >= text_.size()) return t;
  std::string_view rest = text_.substr(pos_);
  char c = rest[0];

  // Longest match among identifier/keyword, number and LSN, as flex does.
  std::size_t ident = is_ident_start(c) ? run(rest, 0, is_ident_cont) : 0;
  std::size_t digits = run(rest, 0, is_digit);
  std::size_t lsn = lsn_length(rest);

  if (lsn > 0 && lsn > ident && lsn > digits) {
    std::size_t slash = rest.find('/');
    t.kind = Token::Kind::lsn;
    t.lsn = Lsn{scan_hex_half(rest.substr(0, slash))} << 32 | scan_hex_half(rest.substr(slash + 1, lsn - slash - 1));
    pos_ += lsn;
    return t;
  }
  if (digits > 0) {
    t.kind = Token::Kind::number;
    t.number = scan_decimal(rest.substr(0, digits));
    pos_ += digits;
    return t;
  }
  if (ident > 0) {
    std::string_view word = rest.substr(0, ident);
    pos_ += ident;
    for (const auto& k : kKeywords) {
      if (word != k.text) continue;
      t.kind = Token::Kind::keyword;
      t.keyword = k.keyword;
      for (char ch : word) t.text += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
      return t;
    }
    std::string lower;
    for (char ch : word) lower += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    t.kind = Token::Kind::ident;
    t.text = truncated(std::move(lower));
    return t;
  }
  if (c == '\'' || c == '"') {
    ++pos_;
    bool string = c == '\'';
    t.kind = string ? Token::Kind::string : Token::Kind::ident;
    t.text = quoted(text_, pos_, c, string);
    if (!string) t.text = truncated(std::move(t.text));
    return t;
  }
  ++pos_;
  t.kind = Token::Kind::character;
  t.character = c;
  return t;
}

}  // namespace pgwire::replication::detail
