#pragma once
// Errors of the value-type layer. Decoders return one of these; encoders set
// it as the Buffer's sticky error (e.g. a Date outside PostgreSQL's range).

#include <string_view>
#include <system_error>

namespace pgwire {

enum class type_errc {
  invalid_text = 1,        // text input PostgreSQL would reject as malformed
  invalid_binary,          // binary input of the wrong size or layout
  out_of_range,            // a number outside the type's range
  datetime_out_of_range,   // a date/time value outside the type's range
  invalid_encoding,        // NUL byte or invalid UTF-8 in text
  wrong_element_type,      // binary array whose element OID is not the expected one
  unsupported_dimensions,  // multi-dimensional array (only one dimension is supported)
  too_many_dimensions,     // more than 6 dimensions (PostgreSQL's MAXDIM)
  unsupported_format,      // format code other than 0 (text) or 1 (binary)
  unsupported_type,        // convert_format: a type this layer does not know
  unsupported_unicode_escape,  // jsonb: \u0000, which text cannot hold
  nesting_too_deep,        // json/jsonb nested deeper than PostgreSQL's stack allows
};

const std::error_category& type_category() noexcept;

inline std::error_code make_error_code(type_errc e) noexcept {
  return {static_cast<int>(e), type_category()};
}

// The SQLSTATE PostgreSQL reports for the same condition (for ErrorResponse),
// e.g. "22P02" for invalid_text; empty when ec is not a type_errc.
std::string_view type_error_sqlstate(std::error_code ec) noexcept;

}  // namespace pgwire

template <>
struct std::is_error_code_enum<pgwire::type_errc> : std::true_type {};
