#pragma once
// Glue between values and messages: format-code dispatch, whole DataRow
// fields, and RowDescription entries.

#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <utility>

#include "pgwire/codec/backend.hpp"
#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/common.hpp"
#include "pgwire/types/array.hpp"
#include "pgwire/types/scalar.hpp"

namespace pgwire {

// The format of column/parameter `index` under Bind's rules: no codes = all
// text, one code = all columns, else one code each (a missing one gives -1,
// which the functions below reject as unsupported_format).
constexpr FormatCode format_for(std::span<const FormatCode> formats, std::size_t index) noexcept {
  if (formats.empty()) return format_text;
  if (formats.size() == 1) return formats[0];
  return index < formats.size() ? formats[index] : FormatCode{-1};
}

// Appends v in the given format (0 text, 1 binary); any other code sets
// unsupported_format on the buffer.
template <class T>
void encode_value(const T& v, FormatCode format, Buffer& out) {
  if (format == format_binary) {
    encode_binary(v, out);
  } else if (format == format_text) {
    encode_text(v, out);
  } else {
    out.set_error(type_errc::unsupported_format);
  }
}

// Decodes a Bind parameter given its format code. Extra arguments go to the
// decoder (storage string, type OID):
//   decode_value(*bind.parameters[i], format_for(bind.parameter_formats, i), n, storage)
template <class T, class... Extra>
std::error_code decode_value(std::string_view in, FormatCode format, T& out, Extra&&... extra) {
  if (format == format_binary) return decode_binary(in, out, std::forward<Extra>(extra)...);
  if (format == format_text) return decode_text(in, out, std::forward<Extra>(extra)...);
  return make_error_code(type_errc::unsupported_format);
}

// One whole DataRow field: length prefix, then the value written in place.
// `out` must be the buffer `row` was constructed on (DataRowWriter does not
// expose it).
template <class T>
void write_field(DataRowWriter& row, Buffer& out, const T& v, FormatCode format = format_text) {
  row.begin_value();
  encode_value(v, format, out);
  row.end_value();
}
template <class T>
void write_field(DataRowWriter& row, Buffer& out, const std::optional<T>& v, FormatCode format = format_text) {
  if (v) {
    write_field(row, out, *v, format);
  } else {
    row.add_null();
  }
}

// A DataRowWriter that knows its buffer and the result column formats as a
// Bind message gives them: none = all text, one = all columns, else one per
// column. No allocation: the formats are viewed, not copied.
//
//   TypedRowWriter row(out, bind.result_formats);
//   row.add(std::int32_t{42}).add(std::string_view("x")).add_null().finish();
class TypedRowWriter {
 public:
  explicit TypedRowWriter(Buffer& out, std::span<const FormatCode> formats = {})
      : out_(out), row_(out), formats_(formats) {}

  template <class T>
  TypedRowWriter& add(const T& v) {
    write_field(row_, out_, v, next_format());
    return *this;
  }
  TypedRowWriter& add_null() {
    next_format();
    row_.add_null();
    return *this;
  }
  // Back-patches the message. Must be called exactly once.
  void finish() { row_.finish(); }

 private:
  FormatCode next_format() { return format_for(formats_, column_++); }

  Buffer& out_;
  DataRowWriter row_;
  std::span<const FormatCode> formats_;
  std::size_t column_ = 0;
};

// A RowDescription field for a computed column of a built-in type
// (type_size from the catalog table; not a table column).
FieldDescription field_description(std::string_view name, Oid type, FormatCode format = format_text,
                                   std::int32_t type_modifier = -1) noexcept;

}  // namespace pgwire
