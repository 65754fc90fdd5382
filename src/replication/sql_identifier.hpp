#pragma once
// PostgreSQL's quote_identifier, as the output plugins print names with it.

#include <string>
#include <string_view>

namespace pgwire::replication::detail {

// Quoted unless it is a plain lower-case identifier and no keyword other
// than an unreserved one.
std::string quote_identifier(std::string_view name);

}  // namespace pgwire::replication::detail
