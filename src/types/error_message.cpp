// type_error_info: a rejected value's ErrorResponse as PostgreSQL 15 words
// it. The decoders only return a type_errc (cheap, no allocation); the
// wording, which needs the type and often the input itself, is built here
// once a value has actually been refused.

#include <fmt/format.h>

#include <charconv>

#include "pgwire/types/encoding.hpp"
#include "pgwire/types/error.hpp"
#include "pgwire/codec/error_info.hpp"
#include "pgwire/types/oid.hpp"
#include "pgwire/types/scalar.hpp"
#include "util.hpp"

namespace pgwire {

using namespace types_detail;

namespace {

// format_type_be's spelling, which the input functions' messages use.
std::string_view message_type_name(Oid type) {
  switch (type) {
    case oid::bool_: return "boolean";
    case oid::int2: return "smallint";
    case oid::int4: return "integer";
    case oid::int8: return "bigint";
    case oid::float4: return "real";
    case oid::float8: return "double precision";
    case oid::varchar: return "character varying";
    case oid::bpchar: return "character";
    case oid::char_: return "\"char\"";
    case oid::jsonb: return "json";  // jsonb_in reports its syntax errors as json's
    // The date/time input functions name themselves; time_in says "time".
    case oid::timetz: return "time with time zone";
    case oid::timestamptz: return "timestamp with time zone";
    default: break;
  }
  std::string_view name = type_name(type);
  return name.empty() ? std::string_view("unknown") : name;
}

// hex_decode's first complaint: the character where a digit was expected.
std::string_view bad_hex_char(std::string_view in) {
  for (std::size_t i = 2; i < in.size(); ++i) {
    char c = in[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
    std::size_t bad = hex_value(c) < 0 ? i : i + 1 < in.size() && hex_value(in[i + 1]) < 0 ? i + 1 : in.size();
    if (bad < in.size()) {
      std::size_t n = 1;  // the whole UTF-8 character, as pg_mblen
      while (bad + n < in.size() && (static_cast<unsigned char>(in[bad + n]) & 0xC0) == 0x80) ++n;
      return in.substr(bad, n);
    }
    ++i;
  }
  return {};
}

std::int32_t be32(std::string_view in, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = at; i < at + 4 && i < in.size(); ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return static_cast<std::int32_t>(v);
}

// The message of `e` for a value of the (non-array) type `type`.
ErrorInfo scalar_message(type_errc e, Oid type, std::string_view in, bool text, std::string code) {
  auto error = [&](std::string message) { return ErrorInfo::error(std::move(code), std::move(message)); };
  // Only text is ever quoted: binary bytes need not be printable, or UTF-8.
  auto quoted = [&](std::string_view prefix) {
    return text ? error(fmt::format("{}: \"{}\"", prefix, in)) : error(std::string(prefix));
  };
  auto syntax = [&] { return quoted(fmt::format("invalid input syntax for type {}", message_type_name(type))); };
  std::string_view name = message_type_name(type);
  switch (e) {
    case type_errc::invalid_text:
      if (type == oid::json || type == oid::jsonb || type == oid::bytea) {  // these do not quote the input
        return error(fmt::format("invalid input syntax for type {}", name));
      }
      if (type == oid::cidr && text && cidr_has_host_bits(in)) {
        return quoted("invalid cidr value").with_detail("Value has bits set to right of mask.");
      }
      return syntax();
    case type_errc::invalid_datetime_format: return syntax();
    case type_errc::out_of_range:
      if (type == oid::numeric || type == oid::jsonb) return error("value overflows numeric format");
      if (!text) return error(fmt::format("value out of range for type {}", name));
      if (type == oid::float4 || type == oid::float8) {
        return error(fmt::format("\"{}\" is out of range for type {}", in, name));
      }
      return error(fmt::format("value \"{}\" is out of range for type {}", in, name));
    case type_errc::datetime_out_of_range: {
      std::string_view what = type == oid::date ? "date"
                              : type == oid::time || type == oid::timetz ? "time"
                              : type == oid::interval ? "interval" : "timestamp";
      // date_in and timestamp_in quote the input; interval_in and the receive functions do not.
      if (type != oid::interval) return quoted(fmt::format("{} out of range", what));
      return error(fmt::format("{} out of range", what));
    }
    case type_errc::datetime_field_overflow: return quoted("date/time field value out of range");
    case type_errc::month_day_overflow:  // (DTERR_MD_FIELD_OVERFLOW)
      return quoted("date/time field value out of range").with_hint("Perhaps you need a different \"datestyle\" setting.");
    case type_errc::time_zone_out_of_range: return quoted("time zone displacement out of range");
    case type_errc::interval_field_overflow: return quoted("interval field value out of range");
    case type_errc::invalid_hex_digit:
      if (text && type == oid::bytea) return error(fmt::format("invalid hexadecimal digit: \"{}\"", bad_hex_char(in)));
      return error("invalid hexadecimal digit");
    case type_errc::odd_hex_digits: return error("invalid hexadecimal data: odd number of digits");
    case type_errc::insufficient_data:
      // The 1-byte readers (boolrecv, charrecv, inet_recv's fields) say "no data".
      if (type == oid::bool_ || type == oid::char_ || type == oid::inet || type == oid::cidr) {
        return error("no data left in message");
      }
      return error("insufficient data left in message");
    case type_errc::name_too_long:
      return error("identifier too long").with_detail("Identifier must be less than 64 characters.");
    case type_errc::unsupported_unicode_escape:
      return error("unsupported Unicode escape sequence").with_detail("\\u0000 cannot be converted to text.");
    case type_errc::nesting_too_deep:
      return error("stack depth limit exceeded")
          .with_hint("Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring "
                     "the platform's stack depth limit is adequate.");
    case type_errc::unsupported_type: return error(fmt::format("no text/binary conversion for type {}", name));
    default: return error(make_error_code(e).message());
  }
}

ErrorInfo array_message(type_errc e, Oid type, std::string_view in, bool text, std::string code) {
  auto error = [&](std::string message) { return ErrorInfo::error(std::move(code), std::move(message)); };
  switch (e) {
    case type_errc::malformed_array:
      if (!text) return error("malformed array literal");
      return error(fmt::format("malformed array literal: \"{}\"", malformed_array_text(in)));
    case type_errc::too_many_dimensions:
      // Text input counts up to the seventh level; binary input says how many.
      return error(
          fmt::format("number of array dimensions ({}) exceeds the maximum allowed (6)", text ? 7 : be32(in, 0)));
    case type_errc::array_limit: {
      std::int64_t lb = 0;
      if (text) {
        std::string_view s = ltrim(in);
        if (!s.empty() && s[0] == '[') s = ltrim(s.substr(1));
        if (!s.empty() && s[0] == '+') s.remove_prefix(1);
        std::from_chars(s.data(), s.data() + s.size(), lb);
      } else if (std::int32_t dim = be32(in, 12); dim < 0 || dim > 134217727) {  // ArrayGetNItems
        return error("array size exceeds the maximum allowed (134217727)");
      } else {
        lb = be32(in, 16);
      }
      return error(fmt::format("array lower bound is too large: {}", lb));
    }
    case type_errc::wrong_element_type: {
      auto got = static_cast<Oid>(be32(in, 8));
      Oid want = element_type_of(type);
      return error(fmt::format("binary data has array element type {} ({}) instead of expected {} ({})", got,
                               message_type_name(got), want, message_type_name(want)));
    }
    case type_errc::invalid_binary: return error("incorrect binary data format");
    case type_errc::insufficient_data: return error("insufficient data left in message");
    default: {
      // An element's own error, worded for the element type about that
      // element, as the element's input function reports it.
      Oid element = element_type_of(type);
      if (element == 0) element = oid::text;
      std::string bad = text ? failing_array_element(in, element, make_error_code(e)) : std::string();
      return scalar_message(e, element, bad.empty() ? in : std::string_view(bad), text, std::move(code));
    }
  }
}

}  // namespace

ErrorInfo type_error_info(std::error_code ec, Oid type, std::string_view input, FormatCode format) {
  bool text = format != format_binary;
  // The server checks a text value's encoding before its input function
  // runs, so invalid UTF-8 is 22021 whatever else is wrong with it; and no
  // message below may quote bytes that are not UTF-8.
  bool textual_binary = type == oid::text || type == oid::varchar || type == oid::bpchar || type == oid::name ||
                        type == oid::json || type == oid::jsonb || type == oid::unknown;
  std::string_view checked = !text && type == oid::jsonb && !input.empty() ? input.substr(1) : input;
  if ((text || textual_binary) && !valid_utf8(checked)) {
    return invalid_utf8_error(checked);
  }
  std::string code(type_error_sqlstate(ec));
  if (code.empty()) {
    return ErrorInfo::error(sqlstate::invalid_text_representation,
                            fmt::format("invalid input syntax for type {}: {}", message_type_name(type), ec.message()));
  }
  auto e = static_cast<type_errc>(ec.value());
  if (e == type_errc::unsupported_format) {
    return ErrorInfo::error(std::move(code), fmt::format("unsupported format code: {}", format));
  }
  if (e == type_errc::unsupported_dimensions) return ErrorInfo::error(std::move(code), ec.message());
  const TypeInfo* info = find_type(type);
  if (info != nullptr && info->element != 0 && type != oid::name) {  // name's typelem is char, yet no array
    return array_message(e, type, input, text, std::move(code));
  }
  return scalar_message(e, type, input, text, std::move(code));
}

}  // namespace pgwire
