#pragma once
// Errors of the value-type layer. Decoders return one of these; encoders set
// it as the Buffer's sticky error (e.g. a Date outside PostgreSQL's range).
//
// Each code stands for one condition PostgreSQL's input and receive functions
// report, so that it maps to exactly the server's SQLSTATE (22007 for a date
// it cannot read, 22008 for a month 13, ...) and its message wording
// (type_error_info).

#include <string_view>
#include <system_error>

#include "pgwire/codec/common.hpp"

namespace pgwire {

struct ErrorInfo;  // pgwire/codec/error_info.hpp, which callers of type_error_info include

// New codes go at the end: the numbers are part of the ABI.
enum class type_errc {
  invalid_text = 1,        // 22P02: text PostgreSQL would reject as malformed
  invalid_binary,          // 22P03: binary input of the wrong size or layout
  out_of_range,            // 22003: a number outside the type's range
  datetime_out_of_range,   // 22008: a whole date/time/interval value outside the type's range
  invalid_encoding,        // 22021: NUL byte or invalid UTF-8 in text
  wrong_element_type,      // 42804: binary array whose element OID is not the expected one
  unsupported_dimensions,  // 0A000: multi-dimensional array (only one dimension is supported)
  too_many_dimensions,     // 54000: more than 6 dimensions (PostgreSQL's MAXDIM)
  unsupported_format,      // 22023: format code other than 0 (text) or 1 (binary)
  unsupported_type,        // 0A000: convert_format: a type this layer does not know
  unsupported_unicode_escape,  // 22P05: jsonb: \u0000, which text cannot hold
  nesting_too_deep,        // 54001: json/jsonb nested deeper than PostgreSQL's stack allows
  invalid_datetime_format,  // 22007: date/time/interval text in no form the server reads
  datetime_field_overflow,  // 22008: one date/time field out of its range ("2024-13-01", "25:00")
  time_zone_out_of_range,   // 22009: a zone displacement of 16 hours or more, or minutes >= 60
  interval_field_overflow,  // 22015: an interval field beyond its integer range
  malformed_array,          // 22P02: array text that is not an array literal ("{1,,2}")
  array_bounds,             // 2202E: "[2:1]=...": upper bound below lower bound
  array_limit,              // 54000: array size or upper bound beyond PostgreSQL's limits
  invalid_hex_digit,        // 22023: bytea "\x" input with a character that is no hex digit
  odd_hex_digits,           // 22023: bytea "\x" input with an odd number of digits
  insufficient_data,        // 08P01: binary value shorter than its type's fixed layout
  name_too_long,            // 42622: binary name of 64 bytes or more (namerecv)
  month_day_overflow,       // 22008: a month outside 1-12 or a day outside 1-31 ("2024-13-01"): datetime_field_overflow
                            // with PostgreSQL's hint that the DateStyle may read the fields in another order
};

const std::error_category& type_category() noexcept;

inline std::error_code make_error_code(type_errc e) noexcept {
  return {static_cast<int>(e), type_category()};
}

// The SQLSTATE PostgreSQL reports for the same condition (for ErrorResponse),
// e.g. "22P02" for invalid_text; empty when ec is not a type_errc.
std::string_view type_error_sqlstate(std::error_code ec) noexcept;

// The error PostgreSQL 15 reports when `input`, a value of `type` in
// `format`, is rejected with `ec`: type_error_sqlstate's code (22P02 for a
// code of another category) and the server's message, with the input quoted
// where the server quotes it, e.g.
//   22007 invalid input syntax for type date: "abc"
//   22008 date/time field value out of range: "2024-13-01"
//   22003 value "32768" is out of range for type smallint
// For an array type, an element's error is worded for the element type and
// quotes that element, as the server does (the whole value when binary).
ErrorInfo type_error_info(std::error_code ec, Oid type, std::string_view input,
                          FormatCode format = format_text);

}  // namespace pgwire

template <>
struct std::is_error_code_enum<pgwire::type_errc> : std::true_type {};
