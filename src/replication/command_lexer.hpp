#pragma once
// The tokens of the replication command language, as repl_scanner.l makes
// them: upper-case keywords only, identifiers down-cased and truncated,
// 'strings' with '' escapes, "identifiers" verbatim, numbers and X/Y LSNs.
// Tokens are made one at a time, so a scanner error further on is not
// reported before a syntax error that PostgreSQL's parser meets first.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/codec/replication.hpp"

namespace pgwire::replication::detail {

enum class Keyword {
  base_backup, identify_system, read_replication_slot, show, timeline, start_replication,
  create_replication_slot, drop_replication_slot, timeline_history, physical, reserve_wal,
  logical, slot, temporary, two_phase, export_snapshot, noexport_snapshot, use_snapshot, wait
};

struct Token {
  enum class Kind { end, keyword, ident, string, number, lsn, character } kind = Kind::end;
  Keyword keyword{};
  std::string text;  // ident and string values; a keyword's lower-case name
  std::uint32_t number = 0;
  Lsn lsn = 0;
  char character = 0;

  bool is(Keyword k) const { return kind == Kind::keyword && keyword == k; }
  bool is(char c) const { return kind == Kind::character && character == c; }
};

class CommandLexer {
 public:
  explicit CommandLexer(std::string_view text) : text_(text) {}
  // Throws PgError 42601 for an unterminated quote.
  Token next();
  // NOTICEs for truncated identifiers, in order.
  std::vector<std::string>& notices() { return notices_; }

 private:
  std::string truncated(std::string name);

  std::string_view text_;
  std::size_t pos_ = 0;
  std::vector<std::string> notices_;
};

}  // namespace pgwire::replication::detail
