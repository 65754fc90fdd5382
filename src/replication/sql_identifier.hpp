#pragma once
// PostgreSQL's quote_identifier, as the output plugins print names with it.

#include <string>
#include <string_view>

namespace pgwire::replication::detail {

// Quoted unless it is a plain lower-case identifier and no keyword other
// than an unreserved one.
std::string quote_identifier(std::string_view name);

}  // namespace pgwire::replication::detail

#include <optional>
#include <vector>

namespace pgwire::replication::detail {

// PostgreSQL's SplitIdentifierString: names separated by `separator`,
// "quoted" ones kept ("" for a quote), others down-cased; each cut to 63
// bytes. nullopt for a syntax error (an empty unquoted name, an open quote,
// junk after a name). An empty (or blank) text is an empty list.
std::optional<std::vector<std::string>> split_identifier_list(std::string_view text, char separator);

}  // namespace pgwire::replication::detail
