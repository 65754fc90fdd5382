// Scalar types: explicit values and the error paths the server data cannot
// show (malformed binary, encoder range checks, storage rules).

#include <chrono>
#include <cmath>
#include <limits>

#include "types/types_util.hpp"

using namespace pgwire;
using pgwire::test::binary_error;
using pgwire::test::binary_of;
using pgwire::test::hex;
using pgwire::test::text_error;
using pgwire::test::text_of;

namespace {

// Only exact types are accepted by the encoders.
template <class T>
concept TextEncodable = requires(const T& v, Buffer& b) { encode_text(v, b); };
static_assert(TextEncodable<bool> && TextEncodable<std::int32_t> && TextEncodable<std::string_view>);
static_assert(TextEncodable<std::string> && TextEncodable<const char*> && TextEncodable<Numeric>);
static_assert(TextEncodable<long long>);  // the other spelling of int8
static_assert(!TextEncodable<unsigned> && !TextEncodable<char> && !TextEncodable<std::size_t>);
static_assert(!TextEncodable<unsigned char> && !TextEncodable<long double>);

template <class T>
std::error_code dt(std::string_view in, T& out) {
  return decode_text(in, out);
}

}  // namespace

TEST_CASE("types: bool") {
  CHECK(text_of(true) == "t");
  CHECK(text_of(false) == "f");
  CHECK(binary_of(true) == hex("01"));
  CHECK(binary_of(false) == hex("00"));
  bool b = false;
  for (auto s : {"t", "TRUE", "yes", "On", "1", " tr ", "Y"}) {
    INFO(s);
    CHECK_FALSE(decode_text(s, b));
    CHECK(b);
  }
  for (auto s : {"f", "false", "NO", "off", "0", "of", "n\t"}) {
    INFO(s);
    CHECK_FALSE(decode_text(s, b));
    CHECK_FALSE(b);
  }
  for (auto s : {"o", "", "truee", "2", "yes!"}) {
    INFO(s);
    CHECK(decode_text(s, b) == type_errc::invalid_text);
  }
  CHECK_FALSE(decode_binary(hex("02"), b));
  CHECK(b);  // boolrecv: any nonzero byte
  // Too few bytes fail in the message reader (08P01), too many after it (22P03).
  CHECK(decode_binary("", b) == type_errc::insufficient_data);
  CHECK(decode_binary(hex("01 00"), b) == type_errc::invalid_binary);
}

TEST_CASE("types: integers at their limits") {
  CHECK(text_of(std::int16_t{-32768}) == "-32768");
  CHECK(text_of(std::int16_t{32767}) == "32767");
  CHECK(text_of(std::numeric_limits<std::int32_t>::min()) == "-2147483648");
  CHECK(text_of(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  CHECK(text_of(std::numeric_limits<std::int64_t>::max()) == "9223372036854775807");
  CHECK(text_of(123456789012345678LL) == "123456789012345678");  // long long goes to int8
  CHECK(binary_of(std::int16_t{-2}) == hex("ff fe"));
  CHECK(binary_of(std::int32_t{0x01020304}) == hex("01 02 03 04"));
  CHECK(binary_of(std::int64_t{-1}) == hex("ff ff ff ff ff ff ff ff"));

  std::int16_t i16;
  CHECK(decode_text("-32768", i16) == std::error_code{});
  CHECK(i16 == -32768);
  CHECK(decode_text("32768", i16) == type_errc::out_of_range);
  std::int64_t i64;
  CHECK_FALSE(decode_text(" -9223372036854775808\n", i64));
  CHECK(i64 == std::numeric_limits<std::int64_t>::min());
  CHECK(decode_text("9223372036854775808", i64) == type_errc::out_of_range);
  CHECK(decode_text("99999999999999999999999", i64) == type_errc::out_of_range);
  CHECK(decode_text("1 2", i64) == type_errc::invalid_text);
  // pg_strtoint: an overflow in the digits is reported before what follows
  // them; the positive limit after ("32768x" is a syntax error).
  std::int16_t i16b;
  CHECK(decode_text("99999x", i16b) == type_errc::out_of_range);
  CHECK(decode_text("32768x", i16b) == type_errc::invalid_text);
  CHECK(decode_text("-32768", i16b) == std::error_code{});
  OidValue o;
  CHECK(decode_text("99999999999999999999x", o) == type_errc::out_of_range);  // strtoul's own overflow
  CHECK(decode_text("4294967296x", o) == type_errc::invalid_text);
  CHECK(decode_text("+", i64) == type_errc::invalid_text);
  std::int32_t i32;
  CHECK_FALSE(decode_binary(hex("ff ff ff fe"), i32));
  CHECK(i32 == -2);
  CHECK(decode_binary(hex("00 00 01"), i32) == type_errc::insufficient_data);
  CHECK(decode_binary(hex("00 00 00 00 01"), i32) == type_errc::invalid_binary);
  CHECK(decode_binary(hex("00 00 00 00"), i64) == type_errc::insufficient_data);
}

TEST_CASE("types: float text is PostgreSQL's shortest round-trip form") {
  CHECK(text_of(1e100) == "1e+100");
  CHECK(text_of(1.5e-7) == "1.5e-07");
  CHECK(text_of(0.1) == "0.1");
  CHECK(text_of(1e-5) == "1e-05");
  CHECK(text_of(0.0001) == "0.0001");
  CHECK(text_of(123456789012345.0) == "123456789012345");
  CHECK(text_of(1e15) == "1e+15");
  CHECK(text_of(123456789012345678.0) == "1.2345678901234568e+17");
  CHECK(text_of(-0.0) == "-0");
  CHECK(text_of(0.0) == "0");
  CHECK(text_of(5e-324) == "5e-324");  // smallest subnormal
  CHECK(text_of(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
  CHECK(text_of(std::numeric_limits<double>::infinity()) == "Infinity");
  CHECK(text_of(-std::numeric_limits<double>::infinity()) == "-Infinity");
  CHECK(text_of(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(text_of(-4.726707071231039e+18) == "-4.726707071231039e+18");  // on a rounding bound: not shortened
  CHECK(text_of(100000.0f) == "100000");
  CHECK(text_of(1e6f) == "1e+06");
  CHECK(text_of(1234567.0f) == "1.234567e+06");
  CHECK(text_of(0.1f) == "0.1");
  CHECK(text_of(1e-45f) == "1e-45");
  CHECK(text_of(-2.4339181e+08f) == "-2.4339181e+08");  // ditto for float4
  // Integral values below the fixed-notation limit print as the integer.
  CHECK(text_of(999999999999999.0) == "999999999999999");
  CHECK(text_of(-999999999999999.0) == "-999999999999999");
  CHECK(text_of(-1e15) == "-1e+15");
  CHECK(text_of(1e14) == "100000000000000");
  CHECK(text_of(999999.0f) == "999999");
  CHECK(text_of(-1e6f) == "-1e+06");
  CHECK(text_of(1000.5) == "1000.5");
  for (std::int64_t i = 1; i < 1'000'000'000'000'000; i = i * 7 + 3) {
    CHECK(text_of(static_cast<double>(i)) == std::to_string(i));
    CHECK(text_of(static_cast<double>(-i)) == std::to_string(-i));
  }
  CHECK(binary_of(1.0) == hex("3f f0 00 00 00 00 00 00"));
  CHECK(binary_of(-0.0) == hex("80 00 00 00 00 00 00 00"));
  CHECK(binary_of(1.0f) == hex("3f 80 00 00"));
  CHECK(binary_of(std::numeric_limits<float>::quiet_NaN()) == hex("7f c0 00 00"));

  double d;
  CHECK_FALSE(decode_text(" -Infinity ", d));
  CHECK(d == -std::numeric_limits<double>::infinity());
  CHECK_FALSE(decode_text("nan", d));
  CHECK(std::isnan(d));
  CHECK_FALSE(decode_text("+.5e1", d));
  CHECK(d == 5.0);
  CHECK_FALSE(decode_text("4.9e-324", d));  // subnormal: accepted
  CHECK(d == 5e-324);
  CHECK(decode_text("1e-400", d) == type_errc::out_of_range);  // underflows to zero
  CHECK(decode_text("1e309", d) == type_errc::out_of_range);
  CHECK_FALSE(decode_text("0x1.8p3", d));  // strtod's hex floats
  CHECK(d == 12.0);
  CHECK(decode_text("0x", d) == type_errc::invalid_text);
  CHECK(decode_text("0xp1", d) == type_errc::invalid_text);
  CHECK(decode_text("1,5", d) == type_errc::invalid_text);
  float f;
  CHECK(decode_text("3.5e38", f) == type_errc::out_of_range);
  CHECK_FALSE(decode_binary(hex("c0 00 00 00"), f));
  CHECK(f == -2.0f);
  CHECK(decode_binary(hex("c0 00 00 00"), d) == type_errc::insufficient_data);
}

TEST_CASE("types: strings are checked as PostgreSQL checks client text") {
  std::string_view out;
  CHECK_FALSE(decode_text("h\xc3\xa9llo", out));
  CHECK(out == "h\xc3\xa9llo");
  CHECK(decode_text(std::string_view("a\0b", 3), out) == type_errc::invalid_encoding);
  for (std::string_view bad : {"\xff", "\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc3",
                               "\xe2\x82", "\x80"}) {
    INFO(pgwire::test::to_hex(bad));
    CHECK(decode_text(bad, out) == type_errc::invalid_encoding);
    CHECK(decode_binary(bad, out) == type_errc::invalid_encoding);
  }
  CHECK_FALSE(decode_text("\xf0\x9f\x98\x80 \xed\x9f\xbf \xf4\x8f\xbf\xbf", out));  // 4-byte, U+D7FF, U+10FFFF

  // name: text input is truncated to 63 bytes on a character boundary; binary
  // input that long is an error.
  std::string long_name = "a";
  for (int i = 0; i < 40; ++i) long_name += "\xc3\xa9";
  CHECK_FALSE(decode_text(long_name, out, oid::name));
  CHECK(out.size() == 63);
  CHECK(decode_binary(long_name, out, oid::name) == type_errc::name_too_long);  // 42622
  CHECK_FALSE(decode_binary(std::string(63, 'x'), out, oid::name));

  // json / jsonb syntax.
  CHECK_FALSE(decode_text(R"( {"a": [1, -2.5e3, "\u00e9", null]} )", out, oid::json));
  CHECK(decode_text(R"({"a": 1,})", out, oid::json) == type_errc::invalid_text);
  CHECK_FALSE(decode_text(R"("\u0000")", out, oid::json));
  CHECK(decode_text(R"("\u0000")", out, oid::jsonb) == type_errc::unsupported_unicode_escape);  // 22P05, as PostgreSQL
  CHECK(decode_text(R"("\ud83d")", out, oid::jsonb) == type_errc::invalid_text);
  CHECK_FALSE(decode_text(R"("\ud83d\ude00")", out, oid::jsonb));
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  CHECK_FALSE(decode_text(deep, out, oid::json));  // iterative: no stack overflow
  CHECK(decode_text(deep.substr(0, 19999), out, oid::json) == type_errc::invalid_text);
  CHECK_FALSE(decode_binary("\x01[1]", out, oid::jsonb));
  CHECK(out == "[1]");
  CHECK(decode_binary("\x02[1]", out, oid::jsonb) == type_errc::invalid_binary);

  CHECK(text_of(std::string_view("x")) == "x");
  CHECK(binary_of(std::string("a b")) == "a b");
  CHECK(text_of("lit") == "lit");
}

TEST_CASE("types: bytea") {
  CHECK(text_of(Bytea{std::string_view("\x01\x02\xff", 3)}) == "\\x0102ff");
  CHECK(text_of(Bytea{}) == "\\x");
  CHECK(binary_of(Bytea{std::string_view("\0a", 2)}) == hex("00 61"));
  std::string storage;
  Bytea b;
  CHECK_FALSE(decode_text("\\xDEAD beef", b, storage));
  CHECK(b.data == "\xde\xad\xbe\xef");
  CHECK(b.data.data() == storage.data());
  CHECK_FALSE(decode_text("a\\\\b\\001", b, storage));
  CHECK(b.data == std::string_view("a\\b\x01", 4));
  std::string_view plain = "plain";
  CHECK_FALSE(decode_text(plain, b, storage));
  CHECK(b.data.data() == plain.data());  // nothing escaped: a view of the input
  CHECK(decode_text("\\x0", b, storage) == type_errc::odd_hex_digits);  // 22023, as hex_decode
  CHECK(decode_text("\\x0g", b, storage) == type_errc::invalid_hex_digit);
  CHECK(decode_text("\\xg", b, storage) == type_errc::invalid_hex_digit);
  CHECK(decode_text("\\", b, storage) == type_errc::invalid_text);
  CHECK(decode_text("\\48", b, storage) == type_errc::invalid_text);
  CHECK_FALSE(decode_binary(std::string_view("\0\1", 2), b));
  CHECK(b.data.size() == 2);
}

TEST_CASE("types: the 1-byte char type and oid") {
  CHECK(text_of(Char{'a'}) == "a");
  CHECK(text_of(Char{'\0'}).empty());
  CHECK(text_of(Char{'\xe9'}) == "\\351");
  CHECK(binary_of(Char{'\xe9'}) == hex("e9"));
  Char c;
  CHECK_FALSE(decode_text("\\351", c));
  CHECK(c.value == '\xe9');
  CHECK_FALSE(decode_text("", c));
  CHECK(c.value == '\0');
  CHECK(decode_binary("", c) == type_errc::insufficient_data);

  CHECK(text_of(OidValue{4294967295u}) == "4294967295");
  CHECK(binary_of(OidValue{26}) == hex("00 00 00 1a"));
  OidValue o;
  CHECK_FALSE(decode_text("-1", o));
  CHECK(o.value == 4294967295u);
  CHECK_FALSE(decode_text("-2147483648", o));
  CHECK(o.value == 2147483648u);
  CHECK(decode_text("-2147483649", o) == type_errc::out_of_range);
  CHECK(decode_text("4294967296", o) == type_errc::out_of_range);
}

TEST_CASE("types: numeric text and base-10000 binary") {
  // Canonical text goes out as is; anything numeric_in accepts is normalized.
  CHECK(text_of(Numeric{"-12.3400"}) == "-12.3400");
  CHECK(text_of(Numeric{" +1.50e1 "}) == "15.0");
  CHECK(text_of(Numeric{"-0.00"}) == "0.00");
  CHECK(text_of(Numeric{"1e3"}) == "1000");
  CHECK(text_of(Numeric{".5"}) == "0.5");
  CHECK(text_of(Numeric{"00012.340"}) == "12.340");
  CHECK(text_of(Numeric{"inf"}) == "Infinity");
  CHECK(text_of(Numeric{"-Infinity"}) == "-Infinity");
  CHECK(text_of(Numeric{"nan"}) == "NaN");
  CHECK(text_error(Numeric{"1.2.3"}) == type_errc::invalid_text);
  CHECK(text_error(Numeric{""}) == type_errc::invalid_text);
  CHECK(text_error(Numeric{"1e131072"}) == type_errc::out_of_range);
  CHECK(binary_error(Numeric{"abc"}) == type_errc::invalid_text);

  // ndigits, weight, sign, dscale, digits.
  CHECK(binary_of(Numeric{"-12.3400"}) == hex("0002 0000 4000 0004 000c 0d48"));
  CHECK(binary_of(Numeric{"0.001"}) == hex("0001 ffff 0000 0003 000a"));
  CHECK(binary_of(Numeric{"0.00"}) == hex("0000 0000 0000 0002"));
  CHECK(binary_of(Numeric{"100000000"}) == hex("0001 0002 0000 0000 0001"));
  CHECK(binary_of(Numeric{"12345678.9"}) == hex("0003 0001 0000 0001 04d2 162e 2328"));
  CHECK(binary_of(Numeric{"NaN"}) == hex("0000 0000 c000 0000"));
  CHECK(binary_of(Numeric{"Infinity"}) == hex("0000 0000 d000 0020"));
  CHECK(binary_of(Numeric{"-inf"}) == hex("0000 0000 f000 0020"));

  std::string storage;
  Numeric n;
  std::string_view canonical = "123.4500";
  CHECK_FALSE(decode_text(canonical, n, storage));
  CHECK(n.text.data() == canonical.data());  // already canonical: no copy
  CHECK_FALSE(decode_text(" 1.5E-3 ", n, storage));
  CHECK(n.text == "0.0015");
  CHECK(decode_text("1e", n, storage) == type_errc::invalid_text);

  CHECK_FALSE(decode_binary(hex("0002 0000 4000 0004 000c 0d48"), n, storage));
  CHECK(n.text == "-12.3400");
  CHECK_FALSE(decode_binary(hex("0002 0000 0000 0002 0001 0929"), n, storage));  // 1.2345 with dscale 2
  CHECK(n.text == "1.23");  // numeric_recv truncates to dscale
  CHECK_FALSE(decode_binary(hex("0001 fffe 4000 0002 0001"), n, storage));  // -0.00000001, dscale 2
  CHECK(n.text == "0.00");  // truncated to zero: no sign
  CHECK_FALSE(decode_binary(hex("0001 0001 0000 0000 0005"), n, storage));
  CHECK(n.text == "50000");
  CHECK_FALSE(decode_binary(hex("0000 0000 d000 0000"), n, storage));
  CHECK(n.text == "Infinity");
  CHECK(decode_binary(hex("0001 0000 0000 0000 2710"), n, storage) == type_errc::invalid_binary);  // digit 10000
  CHECK(decode_binary(hex("0000 0000 8000 0000"), n, storage) == type_errc::invalid_binary);  // sign
  CHECK(decode_binary(hex("0000 0000 0000 4000"), n, storage) == type_errc::invalid_binary);  // dscale
  CHECK(decode_binary(hex("0002 0000 0000 0000 0001"), n, storage) == type_errc::insufficient_data);  // short
  CHECK(decode_binary(hex("ffff 0000 0000 0000"), n, storage) == type_errc::insufficient_data);  // count > bytes
  CHECK(decode_binary(hex("0000 0000 0000"), n, storage) == type_errc::insufficient_data);
  CHECK(decode_binary(hex("0001 0000 0000 0000 0001 00"), n, storage) == type_errc::invalid_binary);  // left over
  CHECK(decode_binary(hex("0002 0000 0000 0000 2710"), n, storage) == type_errc::invalid_binary);  // bad digit first

  // Many digits survive both ways.
  std::string big = "-" + std::string(300, '9') + "." + std::string(200, '1');
  Buffer b;
  encode_binary(Numeric{big}, b);
  REQUIRE_FALSE(b.error());
  CHECK_FALSE(decode_binary(b.view(), n, storage));
  CHECK(n.text == big);
}

TEST_CASE("types: dates, including BC and leap days") {
  CHECK(text_of(Date{0}) == "2000-01-01");
  CHECK(text_of(Date::from_ymd({2024, 2, 29})) == "2024-02-29");
  CHECK(text_of(Date::from_ymd({0, 1, 1})) == "0001-01-01 BC");  // year 0 is 1 BC
  CHECK(text_of(Date::from_ymd({-4713, 11, 24})) == "4714-11-24 BC");
  CHECK(text_of(Date::infinity()) == "infinity");
  CHECK(text_of(Date::minus_infinity()) == "-infinity");
  CHECK(binary_of(Date::infinity()) == hex("7f ff ff ff"));
  CHECK(binary_of(Date{-1}) == hex("ff ff ff ff"));
  CHECK(Date::from_ymd({1970, 1, 1}).days == -10957);
  CHECK(Date{8825}.to_ymd() == YearMonthDay{2024, 2, 29});
  CHECK(text_error(Date{-2451546}) == type_errc::datetime_out_of_range);  // before 4714-11-24 BC
  CHECK(binary_error(Date{2145031949}) == type_errc::datetime_out_of_range);

  Date d;
  CHECK_FALSE(dt("2000-02-29", d));
  CHECK(text_of(d) == "2000-02-29");
  CHECK(dt("1900-02-29", d) == type_errc::datetime_field_overflow);  // 22008, as ValidateDate
  CHECK(dt("2024-04-31", d) == type_errc::datetime_field_overflow);
  CHECK(dt("5874898-01-01", d) == type_errc::datetime_out_of_range);  // "date out of range"
  // DateStyle 'ISO, MDY' forms and month names, as PostgreSQL 15 reads them.
  for (const char* spelled : {"01/06/2024", "1-6-2024", "Jan 6 2024", "January 6, 2024", "6 Jan 2024", "2024-Jan-06",
                              "Sat Jan 6 2024", "1/6/24", "2024/01/06", "06-Jan-2024"}) {
    CAPTURE(spelled);
    REQUIRE_FALSE(dt(spelled, d));
    CHECK(text_of(d) == "2024-01-06");
  }
  CHECK_FALSE(dt("sept 3 1999", d));
  CHECK(text_of(d) == "1999-09-03");
  CHECK_FALSE(dt("1/6/2024 BC", d));
  CHECK(text_of(d) == "2024-01-06 BC");
  CHECK(dt("Jan 6", d) == type_errc::invalid_datetime_format);
  CHECK(dt("Foo 6 2024", d) == type_errc::invalid_datetime_format);
  CHECK(dt("13-02-2024", d) == type_errc::month_day_overflow);  // month 13, as the server refuses it (with the DateStyle hint)
  CHECK(dt("02-30-24", d) == type_errc::datetime_field_overflow);
  CHECK(dt("abc", d) == type_errc::invalid_datetime_format);
  CHECK_FALSE(decode_binary(hex("00 00 22 79"), d));
  CHECK(d.days == 8825);
  CHECK(decode_binary(hex("80 00 00 01"), d) == type_errc::datetime_out_of_range);
  CHECK(decode_binary(hex("00 00 22"), d) == type_errc::insufficient_data);
  CHECK(decode_binary(hex("00 00 22 79 00"), d) == type_errc::invalid_binary);
}

TEST_CASE("types: time and timetz") {
  CHECK(text_of(Time{0}) == "00:00:00");
  CHECK(text_of(Time{(4 * 3600 + 5 * 60 + 6) * 1000000LL + 789000}) == "04:05:06.789");
  CHECK(text_of(Time{86400000000LL}) == "24:00:00");
  CHECK(text_of(Time{1}) == "00:00:00.000001");
  CHECK(text_error(Time{86400000001LL}) == type_errc::datetime_out_of_range);
  CHECK(text_error(Time{-1}) == type_errc::datetime_out_of_range);
  // Zone is seconds west: UTC+05:30 is -19800.
  TimeTz tz{(4 * 3600 + 5 * 60 + 6) * 1000000LL, -19800};
  CHECK(text_of(tz) == "04:05:06+05:30");
  CHECK(binary_of(tz) == hex("00 00 00 03 6c 8b c0 80 ff ff b2 a8"));
  CHECK(text_of(TimeTz{0, 8 * 3600}) == "00:00:00-08");
  CHECK(text_of(TimeTz{0, -(5 * 3600 + 30 * 60 + 15)}) == "00:00:00+05:30:15");
  CHECK(text_error(TimeTz{0, 57600}) == type_errc::datetime_out_of_range);

  Time t;
  CHECK_FALSE(decode_text("23:59:59.9999999", t));
  CHECK(t.microseconds == 86400000000LL);
  CHECK(decode_binary(hex("00 00 00 14 1d d7 60 01"), t) == type_errc::datetime_out_of_range);
  TimeTz z;
  CHECK_FALSE(decode_text("04:05:06-08:00", z));
  CHECK(z.zone == 28800);
  CHECK_FALSE(decode_text("04:05:06", z));
  CHECK(z.zone == 0);
  CHECK(decode_binary(hex("00 00 00 00 00 00 00 00 00 00 e1 00"), z) == type_errc::time_zone_out_of_range);
  CHECK(decode_binary(hex("ff ff ff ff ff ff ff ff 00 00 e1 00"), z) == type_errc::datetime_out_of_range);
  CHECK(decode_binary(hex("00 00 00 00 00 00 00 00 00 00 00"), z) == type_errc::insufficient_data);
  CHECK(decode_text("04:05:06+16", z) == type_errc::time_zone_out_of_range);  // 22009
  CHECK(decode_text("25:00", z) == type_errc::datetime_field_overflow);
  CHECK(decode_text("epoch", z) == type_errc::invalid_datetime_format);
  // time and timetz check the hour only after the whole text; minutes and
  // seconds, and timestamps, at once (as DecodeTimeOnly / DecodeDateTime).
  CHECK(decode_text("25:00 x", t) == type_errc::invalid_datetime_format);
  CHECK(decode_text("23:59:60.5 x", t) == type_errc::invalid_datetime_format);
  CHECK(decode_text("12:60 x", t) == type_errc::datetime_field_overflow);
  CHECK(decode_text("25:00+16", z) == type_errc::time_zone_out_of_range);
  Timestamp stamp;
  CHECK(decode_text("2024-01-02 25:00 x", stamp) == type_errc::datetime_field_overflow);
}

TEST_CASE("types: now, today, tomorrow and yesterday are read at the call") {
  auto unix_now = [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  std::int64_t before = unix_now();
  TimestampTz now;
  REQUIRE_FALSE(decode_text("now", now));
  std::int64_t after = unix_now();
  CHECK(now.microseconds + unix_epoch_microseconds >= before);
  CHECK(now.microseconds + unix_epoch_microseconds <= after);
  Date today, tomorrow, yesterday;
  REQUIRE_FALSE(decode_text(" Today ", today));
  REQUIRE_FALSE(decode_text("TOMORROW", tomorrow));
  REQUIRE_FALSE(decode_text("yesterday", yesterday));
  // (the UTC day, 10957 days from 1970 to 2000; either side of a midnight the calls straddle)
  std::int64_t first_day = before / 86400000000LL - 10957, last_day = unix_now() / 86400000000LL - 10957;
  CHECK((today.days == first_day || today.days == last_day));
  CHECK(tomorrow.days - yesterday.days == 2);
  Timestamp midnight;
  REQUIRE_FALSE(decode_text("today", midnight));
  CHECK(midnight.microseconds == static_cast<std::int64_t>(today.days) * 86400000000LL);
  CHECK(decode_text("nowish", now) == type_errc::invalid_datetime_format);
}

TEST_CASE("types: timestamps") {
  CHECK(text_of(Timestamp{0}) == "2000-01-01 00:00:00");
  CHECK(text_of(Timestamp{-1}) == "1999-12-31 23:59:59.999999");
  CHECK(text_of(Timestamp::from_unix_microseconds(1704164645123456)) == "2024-01-02 03:04:05.123456");
  CHECK(text_of(TimestampTz::from_unix_microseconds(1704164645120000)) == "2024-01-02 03:04:05.12+00");
  CHECK(text_of(TimestampTz{Date::from_ymd({0, 1, 1}).days * 86400000000LL}) == "0001-01-01 00:00:00+00 BC");
  CHECK(text_of(Timestamp::infinity()) == "infinity");
  CHECK(text_of(TimestampTz::minus_infinity()) == "-infinity");
  CHECK(binary_of(Timestamp::infinity()) == hex("7f ff ff ff ff ff ff ff"));
  CHECK(binary_of(TimestampTz::minus_infinity()) == hex("80 00 00 00 00 00 00 00"));
  CHECK(text_of(Timestamp{-211813488000000000}) == "4714-11-24 00:00:00 BC");
  CHECK(text_error(Timestamp{-211813488000000001}) == type_errc::datetime_out_of_range);
  CHECK(binary_error(TimestampTz{9223371331200000000}) == type_errc::datetime_out_of_range);

  Timestamp ts;
  CHECK_FALSE(decode_text("2024-01-02 03:04:05.123456+09", ts));  // timestamp ignores the zone
  CHECK(ts == Timestamp::from_unix_microseconds(1704164645123456));
  TimestampTz tz;
  CHECK_FALSE(decode_text("2024-01-02 12:04:05.123456+09", tz));
  CHECK(tz == TimestampTz::from_unix_microseconds(1704164645123456));
  CHECK_FALSE(decode_text("2024-01-02T03:04:05Z", tz));
  CHECK_FALSE(decode_text("-infinity", tz));
  CHECK(tz == TimestampTz::minus_infinity());
  // No zone names (no tz database here).
  CHECK(decode_text("2024-01-02 03:04:05 America/New_York", tz) == type_errc::invalid_datetime_format);
  CHECK(decode_text("294277-01-01 00:00:00+00", tz) == type_errc::datetime_out_of_range);  // "timestamp out of range"
  CHECK(decode_text("2024-01-02 24:00:01", tz) == type_errc::datetime_field_overflow);
  CHECK(decode_binary(hex("7f ff ff ff ff ff ff fe"), ts) == type_errc::datetime_out_of_range);
  CHECK(decode_binary(hex("00"), ts) == type_errc::insufficient_data);
}

TEST_CASE("types: intervals") {
  CHECK(text_of(Interval{}) == "00:00:00");
  CHECK(text_of(Interval{(4 * 3600 + 5 * 60 + 6) * 1000000LL + 700000, 3, 14}) ==
        "1 year 2 mons 3 days 04:05:06.7");
  CHECK(text_of(Interval{-((4 * 3600 + 5 * 60 + 6) * 1000000LL + 700000), 3, -14}) ==
        "-1 years -2 mons +3 days -04:05:06.7");
  CHECK(text_of(Interval{0, -1, 0}) == "-1 days");
  CHECK(text_of(Interval{-1000000, 1, 0}) == "1 day -00:00:01");
  CHECK(text_of(Interval{3600000000LL * 100, 0, 0}) == "100:00:00");
  CHECK(text_of(Interval{0, 5, -1}) == "-1 mons +5 days");
  CHECK(text_of(Interval{std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int32_t>::min(),
                         std::numeric_limits<std::int32_t>::min()}) ==
        "-178956970 years -8 mons -2147483648 days -2562047788:00:54.775808");
  CHECK(binary_of(Interval{1, 2, 3}) == hex("00 00 00 00 00 00 00 01 00 00 00 02 00 00 00 03"));

  Interval iv;
  CHECK_FALSE(decode_text("1 year 2 mons 3 days 04:05:06.7", iv));
  CHECK(iv == Interval{(4 * 3600 + 5 * 60 + 6) * 1000000LL + 700000, 3, 14});
  CHECK_FALSE(decode_text("P1Y2M3DT4H5M6.7S", iv));
  CHECK(iv == Interval{(4 * 3600 + 5 * 60 + 6) * 1000000LL + 700000, 3, 14});
  CHECK_FALSE(decode_text("2 weeks ago", iv));
  CHECK(iv == Interval{0, -14, 0});
  // Fields are added right to left: the first to overflow is reported (22015)
  // before the repeated unit (22007).
  CHECK(decode_text("9999999999 hours 9999999999 hours", iv) == type_errc::interval_field_overflow);
  CHECK(decode_text("1 hour 1 hour", iv) == type_errc::invalid_datetime_format);
  CHECK(decode_text("999999999999 hours", iv) == type_errc::interval_field_overflow);
  CHECK(decode_text("2147483648 days", iv) == type_errc::interval_field_overflow);
  CHECK(decode_text("-2147483648 days ago", iv) == type_errc::interval_field_overflow);
  CHECK(decode_text("12:60", iv) == type_errc::interval_field_overflow);
  CHECK(decode_text("-12:60", iv) == type_errc::invalid_datetime_format);  // retried as a number
  CHECK(decode_text("P2147483648D", iv) == type_errc::interval_field_overflow);
  // Years and months fit separately; only their sum does not: "interval out of range" (22008).
  CHECK(decode_text("2147483647 months 1 year", iv) == type_errc::datetime_out_of_range);
  CHECK(decode_text("178956971 years", iv) == type_errc::datetime_out_of_range);
  CHECK(decode_text("1 fortnight", iv) == type_errc::invalid_datetime_format);
  // Split into fields as the server splits them (each checked against PostgreSQL 15):
  // a word run into a digit or '.' is one field it refuses, not a unit and a number ...
  CHECK(decode_text("1 year 2 mons3 days", iv) == type_errc::invalid_datetime_format);
  CHECK(decode_text("1Y.5 weeks", iv) == type_errc::invalid_datetime_format);
  CHECK(decode_text("1.c weeks", iv) == type_errc::invalid_datetime_format);
  CHECK(decode_text("10-0:00:0", iv) == type_errc::invalid_datetime_format);  // SQL year-month: not read
  CHECK(decode_text("12:5T9:60", iv) == type_errc::interval_field_overflow);  // "t" is a keyword: it ends there
  // ... a sign may stand apart from its number, but must have one.
  CHECK_FALSE(decode_text("- 5 days", iv));
  CHECK(iv == Interval{0, -5, 0});
  CHECK(decode_text("-.5 days", iv) == type_errc::invalid_datetime_format);
  CHECK(decode_text("-+1 days", iv) == type_errc::invalid_datetime_format);
  // ISO 8601: no surrounding spaces, no '+', and the fraction is the value
  // less its integer part, in double: 1.2 months are 1 month 5.999... days.
  CHECK(decode_text("P1D ", iv) == type_errc::invalid_datetime_format);
  CHECK(decode_text("PT+36H", iv) == type_errc::invalid_datetime_format);
  CHECK_FALSE(decode_text("P1.2M3DT4H5M6.5S", iv));
  CHECK(iv == Interval{(28 * 3600 + 5 * 60 + 6) * 1000000LL + 500000, 8, 1});
  CHECK(decode_text("P1e20D", iv) == type_errc::interval_field_overflow);
  CHECK(decode_binary(hex("00"), iv) == type_errc::insufficient_data);
}

TEST_CASE("types: uuid") {
  Uuid u{{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}};
  CHECK(text_of(u) == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  CHECK(binary_of(u) == hex("a0eebc999c0b4ef8bb6d6bb9bd380a11"));
  Uuid v;
  for (auto s : {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "{A0EEBC999C0B4EF8BB6D6BB9BD380A11}",
                 "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11"}) {
    INFO(s);
    v = {};
    CHECK_FALSE(decode_text(s, v));
    CHECK(v == u);
  }
  CHECK(decode_text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", v) == type_errc::invalid_text);
  CHECK(decode_text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", v) == type_errc::invalid_text);
  CHECK(decode_binary(hex("a0eebc99"), v) == type_errc::insufficient_data);
}

TEST_CASE("types: jsonb") {
  CHECK(text_of(Jsonb{R"({"a": 1})"}) == R"({"a": 1})");
  CHECK(binary_of(Jsonb{"[]"}) == hex("01 5b 5d"));
  Jsonb j;
  std::string storage;
  std::string wire = hex("01 5b 5d");  // j views it: already normalised
  CHECK_FALSE(decode_binary(wire, j, storage));
  CHECK(j.text == "[]");
  CHECK(j.text.data() == wire.data() + 1);
  CHECK(decode_binary("", j, storage) == type_errc::insufficient_data);
  CHECK(decode_text("[", j, storage) == type_errc::invalid_text);
}

TEST_CASE("types: inet and cidr") {
  CHECK(text_of(Inet::v4(192, 168, 0, 1, 24)) == "192.168.0.1/24");
  CHECK(text_of(Inet::v4(192, 168, 0, 1)) == "192.168.0.1");  // host: no /32
  CHECK(text_of(Inet::v4(10, 0, 0, 0, 8, true)) == "10.0.0.0/8");
  CHECK(text_of(Inet::v4(10, 1, 2, 3, 32, true)) == "10.1.2.3/32");  // cidr: always /bits
  Inet v6{Inet::Family::v6, 64, {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, false};
  CHECK(text_of(v6) == "fe80::1/64");
  v6.bits = 128;
  CHECK(text_of(v6) == "fe80::1");
  CHECK(binary_of(v6) == hex("03 80 00 10 fe80 0000 0000 0000 0000 0000 0000 0001"));
  CHECK(binary_of(Inet::v4(1, 2, 3, 4, 24)) == hex("02 18 00 04 01 02 03 04"));
  CHECK(text_error(Inet::v4(1, 2, 3, 4, 33)) == type_errc::invalid_text);
  CHECK(text_error(Inet::v4(10, 1, 0, 0, 8, true)) == type_errc::invalid_text);  // host bits in a cidr

  Inet in;
  CHECK_FALSE(decode_text("2001:db8::ff00:42:8329", in));
  CHECK(text_of(in) == "2001:db8::ff00:42:8329");
  CHECK_FALSE(decode_text("10.1/16", in, oid::cidr));
  CHECK(in == Inet::v4(10, 1, 0, 0, 16, true));
  CHECK(decode_text("10.1.2.3/8", in, oid::cidr) == type_errc::invalid_text);
  CHECK(decode_text(std::string(200, '1'), in) == type_errc::invalid_text);
  // network_recv ignores the is_cidr byte: the parameter's type decides.
  CHECK_FALSE(decode_binary(hex("02 08 00 04 0a 00 00 00"), in, oid::cidr));
  CHECK(in.is_cidr);
  CHECK(decode_binary(hex("02 08 01 04 0a 01 00 00"), in, oid::cidr) == type_errc::invalid_binary);
  CHECK(decode_binary(hex("04 08 00 04 0a 00 00 00"), in) == type_errc::invalid_binary);  // family
  CHECK(decode_binary(hex("02 21 00 04 0a 00 00 00"), in) == type_errc::invalid_binary);  // bits
  CHECK(decode_binary(hex("02 08 00 10 0a 00 00 00"), in) == type_errc::invalid_binary);  // length
  CHECK(decode_binary(hex("02 08 00 04 0a 00 00"), in) == type_errc::insufficient_data);
  CHECK(decode_binary(hex("02 08 00 04 0a 00 00 00 00"), in) == type_errc::invalid_binary);
}
