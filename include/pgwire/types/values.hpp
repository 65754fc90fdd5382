#pragma once
// C++ representations of PostgreSQL values.
//
// Scalars map to plain C++ types: bool, int16_t (int2), int32_t (int4),
// int64_t (int8), float (float4), double (float8), std::string_view (text,
// varchar, bpchar, name, json, unknown). The structs below cover the rest.
// Like the codec, they are views: string-like members point at bytes owned
// by someone else (the caller when encoding, the message or a caller-provided
// storage string when decoding).

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

#include "pgwire/codec/common.hpp"

namespace pgwire {

// bytea: raw bytes. Text format is hex ("\x0102"), binary is the bytes.
struct Bytea {
  std::string_view data;
  friend bool operator==(const Bytea&, const Bytea&) = default;
};

// "char" (oid::char_): PostgreSQL's 1-byte internal type, not char(n) (bpchar).
struct Char {
  char value = 0;
  friend bool operator==(const Char&, const Char&) = default;
};

// oid: wrapped so that an unsigned int is never silently taken for an OID.
struct OidValue {
  Oid value = 0;
  friend bool operator==(const OidValue&, const OidValue&) = default;
};

// numeric as decimal text: "-12.3400", "0.001", "NaN", "Infinity",
// "-Infinity". Encoders accept whatever numeric_in accepts (" 1.5e3 ",
// "+.5", "inf") and send it canonically; decoders produce canonical text
// (what numeric_out prints).
struct Numeric {
  std::string_view text;
  friend bool operator==(const Numeric&, const Numeric&) = default;
};

// Calendar dates are proleptic Gregorian with astronomical years: year 0 is
// 1 BC, year -1 is 2 BC.
struct YearMonthDay {
  std::int32_t year = 2000;
  std::int32_t month = 1;  // 1..12
  std::int32_t day = 1;    // 1..31
  friend bool operator==(const YearMonthDay&, const YearMonthDay&) = default;
};

// date: days since 2000-01-01; INT32_MIN / INT32_MAX are -infinity / infinity.
// Finite range: 4714-11-24 BC .. 5874897-12-31.
struct Date {
  std::int32_t days = 0;

  static constexpr Date infinity() noexcept { return {std::numeric_limits<std::int32_t>::max()}; }
  static constexpr Date minus_infinity() noexcept { return {std::numeric_limits<std::int32_t>::min()}; }
  constexpr bool is_finite() const noexcept { return days != infinity().days && days != minus_infinity().days; }
  // No range check: see is_valid().
  static Date from_ymd(YearMonthDay ymd) noexcept;
  YearMonthDay to_ymd() const noexcept;  // finite dates only
  bool is_valid() const noexcept;         // infinite, or inside PostgreSQL's range
  friend bool operator==(const Date&, const Date&) = default;
};

// time: microseconds since midnight, 0 .. 86400000000 (24:00:00 is valid).
struct Time {
  std::int64_t microseconds = 0;
  friend bool operator==(const Time&, const Time&) = default;
};

// timetz: time of day plus the zone offset in seconds WEST of UTC, as
// PostgreSQL stores and sends it: "04:05:06+05:30" has zone == -19800.
struct TimeTz {
  std::int64_t microseconds = 0;
  std::int32_t zone = 0;
  friend bool operator==(const TimeTz&, const TimeTz&) = default;
};

inline constexpr std::int64_t unix_epoch_microseconds = 946684800LL * 1000000;  // 2000-01-01 in Unix time

// timestamp: microseconds since 2000-01-01 00:00:00 (no time zone);
// INT64_MIN / INT64_MAX are -infinity / infinity.
// Finite range: 4714-11-24 00:00:00 BC .. 294276-12-31 23:59:59.999999.
struct Timestamp {
  std::int64_t microseconds = 0;

  static constexpr Timestamp infinity() noexcept { return {std::numeric_limits<std::int64_t>::max()}; }
  static constexpr Timestamp minus_infinity() noexcept { return {std::numeric_limits<std::int64_t>::min()}; }
  static constexpr Timestamp from_unix_microseconds(std::int64_t us) noexcept { return {us - unix_epoch_microseconds}; }
  constexpr bool is_finite() const noexcept {
    return microseconds != infinity().microseconds && microseconds != minus_infinity().microseconds;
  }
  bool is_valid() const noexcept;  // infinite, or inside PostgreSQL's range
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

// timestamptz: an instant, microseconds since 2000-01-01 00:00:00 UTC.
// Printed in the session time zone, which this layer takes to be UTC ("+00").
struct TimestampTz {
  std::int64_t microseconds = 0;

  static constexpr TimestampTz infinity() noexcept { return {std::numeric_limits<std::int64_t>::max()}; }
  static constexpr TimestampTz minus_infinity() noexcept { return {std::numeric_limits<std::int64_t>::min()}; }
  static constexpr TimestampTz from_unix_microseconds(std::int64_t us) noexcept { return {us - unix_epoch_microseconds}; }
  constexpr bool is_finite() const noexcept {
    return microseconds != infinity().microseconds && microseconds != minus_infinity().microseconds;
  }
  bool is_valid() const noexcept;
  friend bool operator==(const TimestampTz&, const TimestampTz&) = default;
};

// interval: three independent fields, as PostgreSQL keeps them.
struct Interval {
  std::int64_t microseconds = 0;
  std::int32_t days = 0;
  std::int32_t months = 0;
  friend bool operator==(const Interval&, const Interval&) = default;
};

struct Uuid {
  std::array<std::uint8_t, 16> bytes{};
  friend bool operator==(const Uuid&, const Uuid&) = default;
};

// jsonb as JSON text. Binary format is a version byte (1) and the text.
// Encoders accept any valid JSON and send it as jsonb_out prints it;
// decoders produce that text too: object keys sorted (shorter first, then
// bytewise) and deduplicated (the last value wins), ", " and ": "
// separators, no other whitespace, strings with \uXXXX decoded and
// re-escaped as PostgreSQL does, numbers as numeric prints them ("1e2" is
// 100, "-0" is 0, "1.0" stays 1.0).
struct Jsonb {
  std::string_view text;
  friend bool operator==(const Jsonb&, const Jsonb&) = default;
};

// inet / cidr. A cidr has no bits set right of the netmask.
struct Inet {
  enum class Family : std::uint8_t { v4 = 2, v6 = 3 };  // PGSQL_AF_INET / PGSQL_AF_INET6 on the wire
  Family family = Family::v4;
  std::uint8_t bits = 32;                 // netmask length: 0..32 (v4) or 0..128 (v6)
  std::array<std::uint8_t, 16> address{};  // network byte order; v4 uses the first 4
  bool is_cidr = false;

  static constexpr Inet v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                           std::uint8_t bits = 32, bool is_cidr = false) noexcept {
    return Inet{Family::v4, bits, {a, b, c, d}, is_cidr};
  }
  friend bool operator==(const Inet&, const Inet&) = default;
};

}  // namespace pgwire
