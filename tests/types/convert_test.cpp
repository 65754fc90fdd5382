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

TEST_CASE("types: convert_format keeps cidr rules for binary input (found by fuzz_types)") {
  // cidr 10.1.0.0/2 has bits right of the mask: cidr_recv refuses it, and
  // before the fix it came out as the text of an inet the text parser refused.
  Buffer out;
  std::string bad("\x02\x02\x01\x04\x0a\x01\x00\x00", 8);
  auto ec = convert_format(oid::cidr, bad, format_binary, format_text, out);
  CHECK(ec == type_errc::invalid_binary);
  CHECK(type_error_sqlstate(ec) == "22P03");
  out.clear();
  // The same bytes are a valid inet.
  CHECK_FALSE(convert_format(oid::inet, bad, format_binary, format_text, out));
  CHECK(out.view() == "10.1.0.0/2");
}
