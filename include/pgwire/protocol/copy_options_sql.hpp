#pragma once
// The option list of a COPY statement as SQL writes it, read with the
// library's SQL tokenizer (sql_text.hpp) into the items the type layer's
// apply_copy_options checks (pgwire/types/copy_format.hpp).
//
// `tail` is what follows the STDIN / STDOUT (or file name) of the statement:
//   ""                                          defaults
//   "WITH (FORMAT csv, HEADER true, DELIMITER ';')"
//   "(FORMAT binary)"
//   "CSV HEADER DELIMITER ';' NULL AS 'x'"      the pre-9.0 syntax, with or without WITH
//   "BINARY", "WITH CSV FORCE QUOTE a, b", "CSV FORCE NOT NULL a"
//   "USING DELIMITERS '|'"                      the pre-7.3 syntax
// PostgreSQL's grammar decides what is a syntax error (42601, "syntax error
// at or near ..."); a WHERE clause (COPY FROM) ends the options.

#include <optional>
#include <string_view>
#include <vector>

#include "pgwire/codec/error_info.hpp"
#include "pgwire/types/copy_format.hpp"

namespace pgwire {

// The grammar only: the items in the order written. With `where_clause`, a
// WHERE clause is returned there (from the WHERE keyword on), else it is a
// syntax error; a final ';' is allowed.
std::optional<ErrorInfo> parse_copy_option_items(std::string_view tail, std::vector<CopyOptionItem>& items,
                                                 std::string_view* where_clause = nullptr);

// parse_copy_option_items, then apply_copy_options for `direction`: `out` is
// the checked options with PostgreSQL's defaults filled in.
std::optional<ErrorInfo> parse_copy_options(std::string_view tail, CopyDirection direction, CopyOptions& out,
                                            std::string_view* where_clause = nullptr);

}  // namespace pgwire
