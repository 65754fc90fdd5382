#pragma once
// JSON as PostgreSQL 15 reads it (json_in, jsonb_in) and jsonb's text output
// (jsonb_out). Internal to the type layer.

#include <string>
#include <string_view>
#include <system_error>

#include "pgwire/codec/buffer.hpp"

namespace pgwire::types_detail {

// json: the syntax json_in checks (the text itself is kept as given). The
// caller has checked UTF-8 already.
std::error_code check_json(std::string_view in);

// jsonb: `in` read as jsonb_in reads it (UTF-8 checked first). The
// normalize functions then produce jsonb_out's text of it: keys sorted (by
// length, then bytes) without duplicates (the last wins), ", " and ": ",
// strings re-escaped, numbers as numeric_out prints them. The string
// overload replaces `out`; the Buffer overload appends, and appends nothing
// on error. Errors: invalid_encoding, invalid_text (22P02),
// unsupported_unicode_escape (\u0000), out_of_range (a number numeric
// cannot hold, or the output limit below), nesting_too_deep.
std::error_code check_jsonb(std::string_view in);
std::error_code normalize_jsonb(std::string_view in, std::string& out);
std::error_code normalize_jsonb(std::string_view in, Buffer& out);

}  // namespace pgwire::types_detail
