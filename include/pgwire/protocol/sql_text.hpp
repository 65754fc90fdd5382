#pragma once
// The library's one SQL tokenizer: where statements end, what is a quoted
// string, a quoted identifier, a dollar quote or a comment. Statement
// splitting, the cursor grammar and SessionCommands all read SQL through it.

#include <string_view>
#include <vector>

namespace pgwire {

// Splits a query string into statements at top-level ';', skipping quoted
// strings, quoted identifiers, dollar quotes and comments. Empty statements
// are dropped.
std::vector<std::string_view> split_statements(std::string_view sql);
// True when `sql` holds no statement (only whitespace, comments and ';').
bool is_empty_query(std::string_view sql);

}  // namespace pgwire
