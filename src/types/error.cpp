#include "pgwire/types/error.hpp"

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
    case type_errc::invalid_text: return "22P02";            // invalid_text_representation
    case type_errc::invalid_binary: return "22P03";          // invalid_binary_representation
    case type_errc::out_of_range: return "22003";            // numeric_value_out_of_range
    case type_errc::datetime_out_of_range: return "22008";   // datetime_field_overflow
    case type_errc::invalid_encoding: return "22021";        // character_not_in_repertoire
    case type_errc::wrong_element_type: return "42804";      // datatype_mismatch
    case type_errc::unsupported_dimensions: return "0A000";  // feature_not_supported
    case type_errc::too_many_dimensions: return "54000";     // program_limit_exceeded
    case type_errc::unsupported_format: return "22023";      // invalid_parameter_value
    case type_errc::unsupported_type: return "0A000";        // feature_not_supported
    case type_errc::unsupported_unicode_escape: return "22P05";  // untranslatable_character
    case type_errc::nesting_too_deep: return "54001";  // statement_too_complex
  }
  return {};
}

}  // namespace pgwire
