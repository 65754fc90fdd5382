#pragma once
// Text and binary encoders/decoders of scalar values, byte-exact with
// PostgreSQL 15's *out/*send and *in/*recv functions.
//
// Encoders append only the value bytes (no length prefix: see field.hpp for
// writing a whole DataRow field) and never allocate beyond growing the
// Buffer. Text output is what PostgreSQL prints with its default settings:
// DateStyle 'ISO, MDY', IntervalStyle 'postgres', extra_float_digits 1,
// bytea_output 'hex', and TimeZone UTC for timestamptz (or the session's
// zone, through the overloads that take one). A value PostgreSQL
// could not hold (a Date outside its range, an Inet with bits > 32, a
// malformed Numeric) sets the Buffer's sticky error.
//
// Decoders parse a Bind parameter. They return a type_errc and leave `out`
// unspecified on failure; they never read outside `in`. The code is the
// condition PostgreSQL's input or receive function reports, so that
// type_error_info (error.hpp) gives the server's SQLSTATE and message: e.g.
// a date it cannot read is invalid_datetime_format (22007), a month 13
// datetime_field_overflow (22008). Binary decoders require the exact size,
// as PostgreSQL does: too few bytes is insufficient_data (08P01, the message
// reader's error), too many invalid_binary (22P03). Text decoders accept the
// common forms of what PostgreSQL accepts, listed per type below; text
// containing NUL or invalid UTF-8 is rejected (PostgreSQL checks that before
// calling the input function).
//
// Only exact types are accepted: a call that would need a conversion (an
// unsigned int, a char, std::size_t) is a compile error rather than a silent
// choice of another PostgreSQL type.

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/common.hpp"
#include "pgwire/types/error.hpp"
#include "pgwire/types/oid.hpp"
#include "pgwire/types/values.hpp"

namespace pgwire {

class TimeZone;

// Encoding ------------------------------------------------------------------

void encode_text(bool v, Buffer& out);  // "t" / "f"
void encode_binary(bool v, Buffer& out);
void encode_text(std::int16_t v, Buffer& out);
void encode_binary(std::int16_t v, Buffer& out);
void encode_text(std::int32_t v, Buffer& out);
void encode_binary(std::int32_t v, Buffer& out);
void encode_text(std::int64_t v, Buffer& out);
void encode_binary(std::int64_t v, Buffer& out);
// Shortest round-trip digits ("0.1", "1e+100", "1.5e-07", "-0", "NaN",
// "Infinity"); exponent form below 1e-4 and from 1e15 (float8) / 1e6 (float4).
void encode_text(float v, Buffer& out);
void encode_binary(float v, Buffer& out);
void encode_text(double v, Buffer& out);
void encode_binary(double v, Buffer& out);
// text, varchar, bpchar, name, json, unknown: the bytes, in both formats.
void encode_text(std::string_view v, Buffer& out);
void encode_binary(std::string_view v, Buffer& out);
inline void encode_text(const std::string& v, Buffer& out) { encode_text(std::string_view(v), out); }
inline void encode_binary(const std::string& v, Buffer& out) { encode_binary(std::string_view(v), out); }
inline void encode_text(const char* v, Buffer& out) { encode_text(std::string_view(v), out); }
inline void encode_binary(const char* v, Buffer& out) { encode_binary(std::string_view(v), out); }
void encode_text(Bytea v, Buffer& out);  // "\x" + lowercase hex
void encode_binary(Bytea v, Buffer& out);
void encode_text(Char v, Buffer& out);  // the byte; "\ooo" octal if >= 0x80; "" for 0
void encode_binary(Char v, Buffer& out);
void encode_text(OidValue v, Buffer& out);
void encode_binary(OidValue v, Buffer& out);
void encode_text(Numeric v, Buffer& out);  // canonical; sets invalid_text if not a number
void encode_binary(Numeric v, Buffer& out);  // base-10000 digits, weight, sign, dscale
void encode_text(Date v, Buffer& out);  // "2024-02-29", "0001-01-01 BC", "infinity"
void encode_binary(Date v, Buffer& out);
void encode_text(Time v, Buffer& out);  // "04:05:06.789"
void encode_binary(Time v, Buffer& out);
void encode_text(TimeTz v, Buffer& out);  // "04:05:06+05:30"
void encode_binary(TimeTz v, Buffer& out);
void encode_text(Timestamp v, Buffer& out);  // "2024-01-02 03:04:05.123456"
void encode_binary(Timestamp v, Buffer& out);
void encode_text(TimestampTz v, Buffer& out);  // "2024-01-02 03:04:05+00"
// In a session's TimeZone, as PostgreSQL prints it: "2024-07-01 08:00:00-04"
// in America/New_York, "...+05:30" in Asia/Kolkata (time_zone.hpp).
void encode_text(TimestampTz v, Buffer& out, const TimeZone& zone);
void encode_binary(TimestampTz v, Buffer& out);
void encode_text(Interval v, Buffer& out);  // "1 year 2 mons -3 days +04:05:06.7"
void encode_binary(Interval v, Buffer& out);
void encode_text(Uuid v, Buffer& out);  // "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
void encode_binary(Uuid v, Buffer& out);
// jsonb: normalised as jsonb_out prints it (see Jsonb); sets the decoders'
// error if the text is not valid jsonb. Allocates scratch proportional to
// the text (the parse tree, to sort object keys).
void encode_text(Jsonb v, Buffer& out);
void encode_binary(Jsonb v, Buffer& out);  // 0x01 + the normalised text
void encode_text(const Inet& v, Buffer& out);  // "10.1.2.3/8", "::1"; cidr always has "/bits"
void encode_binary(const Inet& v, Buffer& out);

// Anything else would have been converted to one of the above: refuse it.
template <class T>
void encode_text(const T&, Buffer&) = delete;
template <class T>
void encode_binary(const T&, Buffer&) = delete;
// Except the other spelling of a 64-bit integer (long long on LP64, e.g.
// sqlite3_int64), which is int8 as well.
template <class T>
  requires(std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) == 8 &&
           !std::is_same_v<T, std::int64_t>)
void encode_text(const T& v, Buffer& out) {
  encode_text(static_cast<std::int64_t>(v), out);
}
template <class T>
  requires(std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) == 8 &&
           !std::is_same_v<T, std::int64_t>)
void encode_binary(const T& v, Buffer& out) {
  encode_binary(static_cast<std::int64_t>(v), out);
}

// Decoding ------------------------------------------------------------------
//
// Accepted text forms (surrounding whitespace is allowed where PostgreSQL
// allows it, i.e. for numbers, bool and date/time; not for uuid or inet):
//   bool      t/f, true/false, yes/no, on/off, 1/0 and unique prefixes, any case
//   int2/4/8  [+-]digits (no underscores or hex: PostgreSQL 16 syntax)
//   float4/8  what strtod reads: decimal, exponent and C99 hex forms,
//             [+-]Infinity, [+-]inf, NaN
//   numeric   [+-]digits[.digits][e[+-]digits], NaN, [+-]Infinity, [+-]inf
//   oid       digits, or -digits down to -2147483648 (wraps, as oidin does)
//   bytea     "\x" hex (whitespace between byte pairs allowed) or escape format
//   "char"    first byte, or "\ooo" octal
//   uuid      32 hex digits, optional "-" after any 4-digit group, optional {}
//   date      YYYY-MM-DD (year >= 1 with at least 3 digits; month/day 1-2
//             digits), optional " BC"/" AD", infinity, -infinity, epoch; a
//             trailing time and zone are allowed and ignored
//   time      HH:MM[:SS[.frac]] (fields of any width; 24:00:00 allowed, leap
//             second 60 rounds up); an ISO date before it and a zone after
//             it are ignored
//   timetz    time followed by an optional zone (default +00)
//   timestamp YYYY-MM-DD[( |T)HH:MM[:SS[.frac]]][zone][ BC|AD], infinity,
//             -infinity, epoch. timestamp ignores the zone; timestamptz
//             converts to UTC (no zone = UTC)
//   zone      Z, UTC, GMT, +HH, +HHMM, +HH:MM, +HH:MM:SS (and -); no zone
//             names or abbreviations (no tz database here)
//   interval  PostgreSQL style ("1 year 2 mons -3 days +04:05:06.7", "@ ...",
//             "... ago", units year/month/week/day/hour/minute/second/
//             millisecond/microsecond, decade/century/millennium, with the
//             usual abbreviations and plurals; fractions on any unit, spread
//             over the smaller fields as PostgreSQL does) and ISO 8601 with
//             designators ("P1Y2M3DT4H5M6.5S"); not the SQL-standard
//             "1-2" year-month form
//   inet/cidr everything network_in accepts (ported): dotted IPv4 (cidr also
//             abbreviated "10.1/16", "0x0a01" and a classful mask without
//             /bits), IPv6 with "::" and an IPv4 tail, optional "/bits"
//   json      RFC 8259 JSON (as PostgreSQL's parser), kept as given
//   jsonb     the same syntax, normalised (see Jsonb); \u0000 is
//             unsupported_unicode_escape (22P05), unpaired surrogate escapes
//             invalid_text, numbers numeric cannot hold out_of_range; nesting
//             deeper than PostgreSQL's default stack allows (14538 arrays,
//             13084 objects) is nesting_too_deep (54001). Not PostgreSQL:
//             out_of_range also when exponents ("1e131071") would make the
//             text more than 1 MiB longer than twice the input
//   arrays    see array.hpp

std::error_code decode_text(std::string_view in, bool& out);
std::error_code decode_binary(std::string_view in, bool& out);
std::error_code decode_text(std::string_view in, std::int16_t& out);
std::error_code decode_binary(std::string_view in, std::int16_t& out);
std::error_code decode_text(std::string_view in, std::int32_t& out);
std::error_code decode_binary(std::string_view in, std::int32_t& out);
std::error_code decode_text(std::string_view in, std::int64_t& out);
std::error_code decode_binary(std::string_view in, std::int64_t& out);
std::error_code decode_text(std::string_view in, float& out);
std::error_code decode_binary(std::string_view in, float& out);
std::error_code decode_text(std::string_view in, double& out);
std::error_code decode_binary(std::string_view in, double& out);
// String types: `out` views `in`. `type` selects the checks: name (text:
// truncated to 63 bytes like namein; binary: 64+ bytes rejected), json and
// jsonb (validated only, not normalised: decode a Jsonb for that; binary
// jsonb strips the version byte), anything else is plain text (UTF-8
// without NUL).
std::error_code decode_text(std::string_view in, std::string_view& out, Oid type = oid::text);
std::error_code decode_binary(std::string_view in, std::string_view& out, Oid type = oid::text);
// Text-format bytea must be unescaped: `out` views `storage`, which the
// caller keeps alive (and unmodified) while it uses `out`.
std::error_code decode_text(std::string_view in, Bytea& out, std::string& storage);
std::error_code decode_binary(std::string_view in, Bytea& out);  // views `in`
inline std::error_code decode_binary(std::string_view in, Bytea& out, std::string&) {
  return decode_binary(in, out);
}
std::error_code decode_text(std::string_view in, Char& out);
std::error_code decode_binary(std::string_view in, Char& out);
std::error_code decode_text(std::string_view in, OidValue& out);
std::error_code decode_binary(std::string_view in, OidValue& out);
// `out` views `in` when the input is already canonical, else `storage` (or
// a string literal for NaN and the infinities).
std::error_code decode_text(std::string_view in, Numeric& out, std::string& storage);
std::error_code decode_binary(std::string_view in, Numeric& out, std::string& storage);
std::error_code decode_text(std::string_view in, Date& out);
std::error_code decode_binary(std::string_view in, Date& out);
std::error_code decode_text(std::string_view in, Time& out);
std::error_code decode_binary(std::string_view in, Time& out);
std::error_code decode_text(std::string_view in, TimeTz& out);
std::error_code decode_binary(std::string_view in, TimeTz& out);
std::error_code decode_text(std::string_view in, Timestamp& out);
std::error_code decode_binary(std::string_view in, Timestamp& out);
std::error_code decode_text(std::string_view in, TimestampTz& out);
// Text without an offset is the zone's local time ('2024-07-01 08:00' in
// America/New_York is 12:00 UTC); with one, the offset decides.
std::error_code decode_text(std::string_view in, TimestampTz& out, const TimeZone& zone);
std::error_code decode_binary(std::string_view in, TimestampTz& out);
std::error_code decode_text(std::string_view in, Interval& out);
std::error_code decode_binary(std::string_view in, Interval& out);
std::error_code decode_text(std::string_view in, Uuid& out);
std::error_code decode_binary(std::string_view in, Uuid& out);
// The normalised text: `out` views `in` (after the version byte) when it is
// already normalised, else `storage`.
std::error_code decode_text(std::string_view in, Jsonb& out, std::string& storage);
std::error_code decode_binary(std::string_view in, Jsonb& out, std::string& storage);
// `type` is oid::inet or oid::cidr: a cidr must have no bits right of the mask.
std::error_code decode_text(std::string_view in, Inet& out, Oid type = oid::inet);
std::error_code decode_binary(std::string_view in, Inet& out, Oid type = oid::inet);

}  // namespace pgwire
