// fuzz_types: the type layer's decoders, fed hostile values.
//
// Input: byte 0 picks a built-in type (index into builtin_types()), byte 1
// bit 0 the input format (text/binary); the rest is the value. Checked:
//  - convert_format never crashes, and on success its output is canonical:
//    converting it to the other format and back gives the same bytes again
//    (text -> binary -> text is a fixed point after one round, and so is
//    binary -> text -> binary);
//  - every error is a type-layer error with a SQLSTATE, and type_error_info
//    words it as an ErrorResponse can carry it: a 5-character code, a
//    non-empty message with no NUL and no invalid UTF-8 (it may quote the
//    input).
// Also: type_from_sql_name and parse_cursor_command on the raw bytes (SQL a
// client controls) must not crash.

#include <string_view>

#include "fuzz_common.hpp"
#include "pgwire/api/cursors.hpp"
#include "pgwire/codec/error_info.hpp"
#include "pgwire/types/convert.hpp"
#include "pgwire/types/error.hpp"
#include "pgwire/types/oid.hpp"
#include "pgwire/types/scalar.hpp"

namespace {

using namespace pgwire;
using pgwire_fuzz::check;
using pgwire_fuzz::fail;

void check_error(std::error_code ec, Oid type, std::string_view in, FormatCode from) {
  check(!type_error_sqlstate(ec).empty() || ec.category() != type_category(), "type error without a SQLSTATE");
  ErrorInfo info = type_error_info(ec, type, in, from);
  check(info.code.size() == 5, "type_error_info without a SQLSTATE");
  // It may quote the input: still no NUL and valid UTF-8, as the text decoder checks.
  std::string_view as_text;
  check(!info.message.empty() && !decode_text(info.message, as_text), "error message unfit for ErrorResponse");
}

// `in` (format `from`) converted to `to`; nullopt on a (checked) error.
std::optional<std::string> convert(Oid type, std::string_view in, FormatCode from, FormatCode to) {
  Buffer out;
  if (auto ec = convert_format(type, in, from, to, out)) {
    check_error(ec, type, in, from);
    return std::nullopt;
  }
  return std::string(out.view());
}

// A binary interval whose time is INT64_MIN microseconds: PostgreSQL 15
// prints it ("-2562047788:00:54.775808") and refuses that text as input
// (22007, checked on 15): its magnitude does not fit the positive side.
// Its text is PostgreSQL's, so the round trip is not asked of it.
bool prints_unreadable(Oid type, std::string_view value, FormatCode from) {
  if (type != oid::interval || from != format_binary || value.size() != 16) return false;
  return value.substr(0, 8) == std::string_view("\x80\0\0\0\0\0\0\0", 8);
}

}  // namespace

extern "C" int PGWIRE_FUZZ_ENTRY(const std::uint8_t* data, std::size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  (void)type_from_sql_name(all);
  (void)parse_cursor_command(all);
  if (size < 2) return 0;
  auto types = builtin_types();
  Oid type = types[data[0] % types.size()].oid;
  if (!can_convert_format(type)) return 0;
  FormatCode from = (data[1] & 1) ? format_binary : format_text;
  FormatCode to = from == format_text ? format_binary : format_text;
  std::string_view value = all.substr(2);
  auto once = convert(type, value, from, to);
  if (!once) return 0;
  if (prints_unreadable(type, value, from)) return 0;
  // The output of a successful conversion is a valid value: it converts back,
  // and the round trip is stable from there on.
  auto back = convert(type, *once, to, from);
  if (!back) fail("a converted value does not convert back", value, *once);
  auto again = convert(type, *back, from, to);
  if (!again) fail("a canonical value does not convert", *once, *back);
  if (*again != *once) fail("conversion is not stable after one round trip", *once, *again);
  return 0;
}
