// convert_format: text <-> binary by type OID, for proxies.

#include "pgwire/types.hpp"
#include "support/codec_util.hpp"

using namespace pgwire;
using test::hex;

namespace {
std::string convert(Oid type, std::string_view in, FormatCode from, FormatCode to) {
  Buffer b;
  auto ec = convert_format(type, in, from, to, b);
  REQUIRE_FALSE(ec);
  return std::string(b.view());
}
}  // namespace

TEST_CASE("types: convert_format between text and binary") {
  struct Case {
    Oid type;
    std::string text;
    std::string binary;
  };
  const std::vector<Case> cases = {
      {oid::int4, "42", hex("00 00 00 2a")},
      {oid::int8, "-1", hex("ff ff ff ff ff ff ff ff")},
      {oid::bool_, "t", hex("01")},
      {oid::float8, "0.5", hex("3f e0 00 00 00 00 00 00")},
      {oid::text, "héllo", "héllo"},
      {oid::bytea, "\\x0102", hex("01 02")},
      {oid::date, "2000-01-02", hex("00 00 00 01")},
      {oid::numeric, "12.5", hex("00 02 00 00 00 00 00 01 00 0c 13 88")},
      {oid::int4_array, "{1,NULL}",
       hex("00 00 00 01 00 00 00 01 00 00 00 17 00 00 00 02 00 00 00 01 00 00 00 04 00 00 00 01 ff ff ff ff")},
  };
  for (const auto& c : cases) {
    INFO(c.type << " " << c.text);
    CHECK(test::Bytes(convert(c.type, c.text, format_text, format_binary)) == test::Bytes(c.binary));
    CHECK(convert(c.type, c.binary, format_binary, format_text) == c.text);
    CHECK(convert(c.type, c.text, format_text, format_text) == c.text);
    CHECK(can_convert_format(c.type));
  }
}

TEST_CASE("types: convert_format refuses what it cannot convert") {
  Buffer b;
  CHECK(convert_format(600 /* point */, "(1,2)", format_text, format_binary, b) == type_errc::unsupported_type);
  CHECK_FALSE(can_convert_format(600));
  CHECK(convert_format(oid::int4, "x", format_text, format_binary, b));
  CHECK(convert_format(oid::int4, "12", format_text, 7, b) == type_errc::unsupported_format);
  CHECK(convert_format(oid::int4, hex("00 01"), format_binary, format_text, b));
}
