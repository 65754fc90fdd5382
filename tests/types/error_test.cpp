// Rejected values get the error PostgreSQL 15 sends for them: its SQLSTATE
// and its message, on every path -- the text input (data/errors.tsv, captured
// from the server by gen_expected.sh), binary input (cases checked against
// the server's receive functions through a Bind), convert_format, and
// Portal::parameter<T>(), which is what a Bind parameter goes through.

#include <fstream>

#include "pgwire/codec/error_info.hpp"
#include "pgwire/protocol/statements.hpp"
#include "types/types_util.hpp"

using namespace pgwire;
using pgwire::test::hex;

namespace {

struct ErrorRow {
  std::size_t line = 0;
  std::string type, input, code, message;
};

std::vector<ErrorRow> load_errors() {
  std::ifstream f(test::types_data_dir() / "errors.tsv", std::ios::binary);
  REQUIRE(f.good());
  std::vector<ErrorRow> rows;
  std::string line;
  for (std::size_t n = 1; std::getline(f, line); ++n) {
    std::vector<std::string> cols;
    for (std::size_t start = 0;;) {
      std::size_t tab = line.find('\t', start);
      cols.push_back(test::copy_unescape(std::string_view(line).substr(start, tab - start)));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    REQUIRE(cols.size() == 4);
    rows.push_back({n, cols[0], cols[1], cols[2], cols[3]});
  }
  return rows;
}

// What the type layer says about `in` as a text value of `type`.
std::error_code text_error(Oid type, std::string_view in) {
  if (type == oid::json) {  // convert_format passes json text through unchecked
    std::string_view v;
    return decode_text(in, v, oid::json);
  }
  Buffer b;
  return convert_format(type, in, format_text, format_binary, b);
}

// The PgError a callable throws (fails the test when it throws none).
template <class F>
ErrorInfo thrown(F&& f) {
  try {
    f();
  } catch (const PgError& e) {
    return e.info();
  }
  FAIL("no PgError thrown");
  return {};
}

}  // namespace

TEST_CASE("types: rejected text input gets PostgreSQL's SQLSTATE and message") {
  auto rows = load_errors();
  REQUIRE(rows.size() > 150);
  int wrong_code = 0, wrong_message = 0;
  for (const ErrorRow& r : rows) {
    INFO("errors.tsv line " << r.line << ": " << r.type << " '" << r.input << "'");
    const TypeInfo* t = find_type(r.type);
    REQUIRE(t != nullptr);
    std::error_code ec = text_error(t->oid, r.input);
    REQUIRE(ec);
    ErrorInfo info = type_error_info(ec, t->oid, r.input);
    CHECK(info.severity == "ERROR");
    CHECK(info.code == r.code);
    CHECK(info.message == r.message);
    wrong_code += info.code != r.code;
    wrong_message += info.message != r.message;
  }
  CHECK(wrong_code == 0);
  CHECK(wrong_message == 0);
}

TEST_CASE("types: rejected binary input gets PostgreSQL's SQLSTATE and message") {
  // Each case as PostgreSQL 15 answered it for a binary Bind parameter
  // (messages without the "in bind parameter N" a Portal adds).
  struct Case {
    Oid type;
    std::string bytes;
    std::string_view code, message;
  };
  const std::vector<Case> cases = {
      {oid::int4, hex("00 00 01"), "08P01", "insufficient data left in message"},
      {oid::int4, hex("00 00 00 00 01"), "22P03", "incorrect binary data format"},
      {oid::bool_, "", "08P01", "no data left in message"},
      {oid::float8, hex("00"), "08P01", "insufficient data left in message"},
      {oid::date, hex("80 00 00 01"), "22008", "date out of range"},
      {oid::time, hex("00 00 00 14 b9 d8 a0 01"), "22008", "time out of range"},
      {oid::timetz, hex("00 00 00 00 00 00 00 00 00 00 e1 00"), "22009", "time zone displacement out of range"},
      {oid::timetz, hex("ff ff ff ff ff ff ff ff 00 00 00 00"), "22008", "time out of range"},
      {oid::timestamp, hex("7f ff ff ff ff ff ff fe"), "22008", "timestamp out of range"},
      {oid::timestamptz, hex("80 00 00 00 00 00 00 01"), "22008", "timestamp out of range"},
      {oid::interval, hex("00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), "08P01",
       "insufficient data left in message"},
      {oid::uuid, hex("00"), "08P01", "insufficient data left in message"},
      {oid::numeric, hex("0001 0000 0000 0000"), "08P01", "insufficient data left in message"},
      {oid::numeric, hex("0001 0000 0000 0000 2710"), "22P03", "incorrect binary data format"},
      {oid::name, std::string(64, 'a'), "42622", "identifier too long"},
      {oid::text, hex("ff"), "22021", "invalid byte sequence for encoding \"UTF8\": 0xff"},
      {oid::text, hex("61 00 62"), "22021", "invalid byte sequence for encoding \"UTF8\": 0x00"},
      {oid::text, hex("61 e2 28 a1"), "22021", "invalid byte sequence for encoding \"UTF8\": 0xe2 0x28 0xa1"},
      {oid::jsonb, hex("01 7b"), "22P02", "invalid input syntax for type json"},
      {oid::jsonb, "\x01\"\\u0000\"", "22P05", "unsupported Unicode escape sequence"},
      {oid::inet, hex("04 08 00 04 01 02 03 04"), "22P03", "incorrect binary data format"},
      {oid::inet, hex("02 08 00 04 01 02 03"), "08P01", "no data left in message"},
      {oid::int4_array, hex("00000007 00000000 00000017"), "54000",
       "number of array dimensions (7) exceeds the maximum allowed (6)"},
      {oid::int4_array, hex("00000001 00000000 00000017 ffffffff 00000001"), "54000",
       "array size exceeds the maximum allowed (134217727)"},
      {oid::int4_array, hex("00000001 00000000 00000017 00000002 7fffffff 00000004 00000001 00000004 00000002"),
       "54000", "array lower bound is too large: 2147483647"},
      {oid::int4_array, hex("00000001 00000000 00000019 00000001 00000001 00000001 61"), "42804",
       "binary data has array element type 25 (text) instead of expected 23 (integer)"},
      {oid::int4_array, hex("00000001 00000000 00000017 00000001 00000001 00000003 000001"), "08P01",
       "insufficient data left in message"},
      {oid::date_array, hex("00000001 00000000 0000043a 00000001 00000001 00000004 80000001"), "22008",
       "date out of range"},
  };
  for (const Case& c : cases) {
    INFO(type_name(c.type) << " " << test::to_hex(c.bytes));
    Buffer out;
    std::string_view name;  // convert_format passes text-like types through unchecked
    bool textual = c.type == oid::name || c.type == oid::text;
    std::error_code ec = textual ? decode_binary(c.bytes, name, c.type)
                                 : convert_format(c.type, c.bytes, format_binary, format_text, out);
    REQUIRE(ec);
    ErrorInfo info = type_error_info(ec, c.type, c.bytes, format_binary);
    CHECK(info.code == c.code);
    CHECK(info.message == c.message);
  }
}

TEST_CASE("types: array element errors name the element") {
  ErrorInfo info = type_error_info(make_error_code(type_errc::invalid_text), oid::int4_array, "{1,a}");
  CHECK(info.code == "22P02");
  CHECK(info.message == "invalid input syntax for type integer: \"a\"");
  DecodedArray<Date> dates;
  std::string_view literal = "{2024-01-01, \"2024-13-01\"}";
  std::error_code ec = decode_text(literal, dates);
  REQUIRE(ec == type_errc::month_day_overflow);
  info = type_error_info(ec, oid::date_array, literal);
  CHECK(info.code == "22008");
  CHECK(info.message == "date/time field value out of range: \"2024-13-01\"");
  CHECK(info.hint == "Perhaps you need a different \"datestyle\" setting.");  // (a month or day field: DateStyle may explain it)
  Date one;
  info = type_error_info(decode_text("2024-02-30", one), oid::date, "2024-02-30");
  CHECK(info.code == "22008");
  CHECK(info.hint.empty());  // (a day the month does not have: no DateStyle would help)
}

TEST_CASE("types: a malformed array literal is quoted as the server quotes it") {
  auto message = [](std::string_view literal) {
    DecodedArray<std::int32_t> a;
    std::error_code ec = decode_text(literal, a);
    REQUIRE(ec == type_errc::malformed_array);
    return type_error_info(ec, oid::int4_array, literal).message;
  };
  CHECK(message("{1,,2}") == "malformed array literal: \"{1,,2}\"");
  // Braces that are wrong after the dimensions: the server quotes what follows "=".
  CHECK(message("[2:3]={1,}") == "malformed array literal: \"{1,}\"");
  CHECK(message("[2:3] = {1,2}x") == "malformed array literal: \"{1,2}x\"");
  // Dimensions that are wrong or do not match: the whole value.
  CHECK(message("[1:x]={}") == "malformed array literal: \"[1:x]={}\"");
  CHECK(message("[1:2]={1}") == "malformed array literal: \"[1:2]={1}\"");
}

TEST_CASE("types: text input that is not UTF-8 is 22021 whatever the type") {
  // The server checks a text parameter's encoding before the input function.
  ErrorInfo info = type_error_info(make_error_code(type_errc::invalid_text), oid::int4, "1\xff");
  CHECK(info.code == "22021");
  CHECK(info.message == "invalid byte sequence for encoding \"UTF8\": 0xff");
}

TEST_CASE("types: Portal::parameter throws the server's error for a bad Bind parameter") {
  Portal portal;
  std::string too_long = hex("00 00 00 00 01");
  std::string too_short = hex("00 00 01");
  std::string bad_date = hex("80 00 00 01");
  portal.assign_parameters({format_text, format_text, format_text, format_binary, format_binary, format_binary,
                            format_text},
                           {"2024-13-01", "abc", "32768", too_long, too_short, bad_date, "1 hour 1 hour"});

  ErrorInfo e = thrown([&] { portal.parameter<Date>(0); });
  CHECK(e.code == "22008");
  CHECK(e.message == "date/time field value out of range: \"2024-13-01\"");
  CHECK(e.where == "unnamed portal parameter $1");
  e = thrown([&] { portal.parameter<Date>(1); });
  CHECK(e.code == "22007");
  CHECK(e.message == "invalid input syntax for type date: \"abc\"");
  e = thrown([&] { portal.parameter<std::int16_t>(2); });
  CHECK(e.code == "22003");
  CHECK(e.message == "value \"32768\" is out of range for type smallint");
  // Binary: bytes left over are exec_bind_message's 22P03, too few the
  // message reader's 08P01, a value out of range the receive function's own.
  e = thrown([&] { portal.parameter<std::int32_t>(3); });
  CHECK(e.code == "22P03");
  CHECK(e.message == "incorrect binary data format in bind parameter 4");
  CHECK(e.where == "unnamed portal parameter $4");
  e = thrown([&] { portal.parameter<std::int32_t>(4); });
  CHECK(e.code == "08P01");
  CHECK(e.message == "insufficient data left in message");
  e = thrown([&] { portal.parameter<Date>(5); });
  CHECK(e.code == "22008");
  CHECK(e.message == "date out of range");
  e = thrown([&] { portal.parameter<Interval>(6); });
  CHECK(e.code == "22007");
  CHECK(e.message == "invalid input syntax for type interval: \"1 hour 1 hour\"");

  portal.name = "c1";
  e = thrown([&] { portal.parameter<Date>(0); });
  CHECK(e.where == "portal \"c1\" parameter $1");
}
