// The type_errc category: a short message per code (what() of a bare
// std::error_code) and the SQLSTATE PostgreSQL reports for the condition.
// The server's full wording, with the input quoted, is error_message.cpp's.

#include "pgwire/types/error.hpp"
#include "pgwire/codec/error_info.hpp"

#include <string>

namespace pgwire {
namespace {

class TypeCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "pgwire.types"; }
  std::string message(int ev) const override {
    switch (static_cast<type_errc>(ev)) {
      case type_errc::invalid_text: return "invalid input syntax for the type";
      case type_errc::invalid_binary: return "incorrect binary data format";
      case type_errc::out_of_range: return "value out of range for the type";
      case type_errc::datetime_out_of_range: return "date/time value out of range";
      case type_errc::invalid_encoding: return "invalid byte sequence for encoding UTF8";
      case type_errc::wrong_element_type: return "array has the wrong element type";
      case type_errc::unsupported_dimensions: return "multi-dimensional arrays are not supported";
      case type_errc::too_many_dimensions: return "number of array dimensions exceeds the maximum allowed (6)";
      case type_errc::unsupported_format: return "unsupported format code";
      case type_errc::unsupported_type: return "no text/binary conversion for this type";
      case type_errc::unsupported_unicode_escape: return "unsupported Unicode escape sequence";
      case type_errc::nesting_too_deep: return "stack depth limit exceeded";
      case type_errc::invalid_datetime_format: return "invalid input syntax for the date/time type";
      case type_errc::datetime_field_overflow: return "date/time field value out of range";
      case type_errc::time_zone_out_of_range: return "time zone displacement out of range";
      case type_errc::interval_field_overflow: return "interval field value out of range";
      case type_errc::malformed_array: return "malformed array literal";
      case type_errc::array_bounds: return "upper bound cannot be less than lower bound";
      case type_errc::array_limit: return "array size or bound exceeds the maximum allowed";
      case type_errc::invalid_hex_digit: return "invalid hexadecimal digit";
      case type_errc::odd_hex_digits: return "invalid hexadecimal data: odd number of digits";
      case type_errc::insufficient_data: return "insufficient data left in message";
      case type_errc::name_too_long: return "identifier too long";
      case type_errc::month_day_overflow: return "date/time field value out of range";
    }
    return "unknown type error";
  }
};

}  // namespace

const std::error_category& type_category() noexcept {
  static const TypeCategory cat;
  return cat;
}

std::string_view type_error_sqlstate(std::error_code ec) noexcept {
  if (ec.category() != type_category()) return {};
  switch (static_cast<type_errc>(ec.value())) {
    case type_errc::invalid_text:
    case type_errc::malformed_array: return sqlstate::invalid_text_representation;
    case type_errc::invalid_binary: return sqlstate::invalid_binary_representation;
    case type_errc::out_of_range: return sqlstate::numeric_value_out_of_range;
    case type_errc::datetime_out_of_range:
    case type_errc::datetime_field_overflow:
    case type_errc::month_day_overflow: return sqlstate::datetime_field_overflow;
    case type_errc::invalid_encoding: return sqlstate::character_not_in_repertoire;
    case type_errc::wrong_element_type: return sqlstate::datatype_mismatch;
    case type_errc::unsupported_dimensions:
    case type_errc::unsupported_type: return sqlstate::feature_not_supported;
    case type_errc::too_many_dimensions:
    case type_errc::array_limit: return sqlstate::program_limit_exceeded;
    case type_errc::unsupported_format:
    case type_errc::invalid_hex_digit:
    case type_errc::odd_hex_digits: return sqlstate::invalid_parameter_value;
    case type_errc::unsupported_unicode_escape: return sqlstate::untranslatable_character;
    case type_errc::nesting_too_deep: return sqlstate::statement_too_complex;
    case type_errc::invalid_datetime_format: return sqlstate::invalid_datetime_format;
    case type_errc::time_zone_out_of_range: return sqlstate::invalid_time_zone_displacement_value;
    case type_errc::interval_field_overflow: return sqlstate::interval_field_overflow;
    case type_errc::array_bounds: return sqlstate::array_subscript_error;
    // A receive function that runs out of bytes fails in the message
    // reader, which reports it as a protocol violation (still an ERROR).
    case type_errc::insufficient_data: return sqlstate::protocol_violation;
    case type_errc::name_too_long: return sqlstate::name_too_long;
  }
  return {};
}

}  // namespace pgwire
