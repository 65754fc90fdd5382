#pragma once
// The library's one SQL tokenizer: where statements end, what is a quoted
// string, a quoted identifier, a dollar quote or a comment. Statement
// splitting, the cursor grammar and SessionCommands all read SQL through it,
// and products may too (the sqlite_server example does).
//
// It follows PostgreSQL's lexical rules (scan.l) with
// standard_conforming_strings on (the default since 9.1):
//   - whitespace, "-- to the end of the line" and "/* nested /* block */ */"
//     comments separate tokens and are not returned;
//   - 'it''s' strings; E'\'' strings with backslash escapes; B'', X'' and
//     N'' strings; $$...$$ and $tag$...$tag$ dollar quotes;
//   - words (keywords and identifiers: a letter, '_' or a non-ASCII byte,
//     then those, digits and '$'), "quoted ""identifiers""";
//   - numbers (42, 1.5, .5, 1e-3; the identifier characters PostgreSQL
//     reports as "trailing junk" stay in the number: 10s, 0x1F);
//   - $1 parameters;
//   - operators as PostgreSQL cuts them (<=, ||, ::, =- is "=" then "-"),
//     and single-character punctuation (( ) , ; . [ ]).
// A string, quoted identifier, dollar quote or block comment without its end
// runs to the end of the text (SqlToken::terminated is false).
// Not handled: U&'...' / U&"..." (lexed as the word U, '&' and a plain
// string or identifier: their extent is the same) and UESCAPE.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgwire {

struct SqlToken {
  enum class Kind {
    word,               // SELECT, my_table, x$1; value(): folded to lower case
    quoted_identifier,  // "My ""Table"""; value(): My "Table"
    string,             // 'a''b', E'a\n', B'101', X'1F', N'x', $$a$$, $q$a$q$
    number,             // 42, 3.14, .5, 1e-3 (text as written)
    parameter,          // $1
    punct,              // operators and punctuation: ( ) , ; . = <> :: || ...
  };

  Kind kind = Kind::punct;
  std::string_view text;    // as written, quotes and prefix included
  std::size_t offset = 0;   // of text in the tokenized SQL
  bool terminated = true;   // false: an unclosed quote running to the end

  std::size_t end() const noexcept { return offset + text.size(); }
  // A word equal to `lower_case` regardless of ASCII case (not a quoted
  // identifier: "select" is no keyword).
  bool is_keyword(std::string_view lower_case) const noexcept;
  bool is_punct(std::string_view p) const noexcept { return kind == Kind::punct && text == p; }
  // A word or a quoted identifier.
  bool is_name() const noexcept { return kind == Kind::word || kind == Kind::quoted_identifier; }
  // What the token means: words in lower case (ASCII folding, as
  // PostgreSQL's for UTF-8), quoted identifiers without quotes, strings
  // unquoted with their escapes decoded (E'': \n \t \b \f \r \ooo \xhh
  // \uXXXX \UXXXXXXXX; B'' and X'' give their digits), numbers, parameters
  // and punctuation as written.
  std::string value() const;
};

// Reads tokens one by one, so that a caller can stop early (a statement
// whose first word is not one it answers costs one token).
class SqlLexer {
 public:
  explicit SqlLexer(std::string_view sql) noexcept : sql_(sql) {}
  // The next token, or nullopt at the end of the text.
  std::optional<SqlToken> next();
  // Where the next token is looked for.
  std::size_t offset() const noexcept { return pos_; }

 private:
  std::string_view sql_;
  std::size_t pos_ = 0;
};

// The first `max_tokens` tokens of `sql` (all by default).
std::vector<SqlToken> tokenize(std::string_view sql, std::size_t max_tokens = static_cast<std::size_t>(-1));

// Splits a query string into statements at top-level ';' (one outside
// quoted strings, quoted identifiers, dollar quotes and comments). Each
// statement is trimmed of surrounding whitespace (comments stay); empty
// statements (only whitespace and comments) are dropped.
std::vector<std::string_view> split_statements(std::string_view sql);
// True when `sql` holds no statement (only whitespace, comments and ';').
bool is_empty_query(std::string_view sql);
// True when `statement` is one PostgreSQL still runs in a failed
// transaction block (IsTransactionExitStmt): COMMIT, END, ROLLBACK [TO
// SAVEPOINT], ABORT, PREPARE TRANSACTION.
bool is_transaction_exit(std::string_view statement);

}  // namespace pgwire
