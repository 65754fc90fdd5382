// One-dimensional arrays: exact layouts, quoting, and hostile binary input.

#include <array>
#include <optional>
#include <random>

#include "types/types_util.hpp"

using namespace pgwire;
using pgwire::test::Bytes;
using pgwire::test::hex;
using pgwire::test::text_of;

namespace {

template <class T>
Bytes bin(const ArrayRef<T>& a) {
  Buffer b;
  encode_binary(a, b);
  REQUIRE_FALSE(b.error());
  return std::string(b.view());
}

}  // namespace

TEST_CASE("types: array text output") {
  std::vector<std::int32_t> ints{1, 2, 3};
  CHECK(text_of(ArrayRef(ints)) == "{1,2,3}");
  std::vector<std::optional<std::int32_t>> with_null{1, 2, std::nullopt};
  CHECK(text_of(ArrayRef(with_null)) == "{1,2,NULL}");
  CHECK(text_of(ArrayRef<std::int32_t>(std::span<const std::int32_t>{})) == "{}");
  std::vector<std::optional<std::string_view>> texts{"a b", "c\"d", std::nullopt, "NULL", "", "x\\y", "{}", "ok",
                                                     "null", "a,b", "tab\there"};
  CHECK(text_of(ArrayRef(texts)) == R"({"a b","c\"d",NULL,"NULL","","x\\y","{}",ok,"null","a,b","tab	here"})");
  std::vector<std::string> owned{"x", "y z"};
  CHECK(text_of(ArrayRef(owned)) == R"({x,"y z"})");
  std::array<Bytea, 2> bytes{Bytea{"\x01"}, Bytea{""}};
  CHECK(text_of(ArrayRef<Bytea>(bytes)) == R"({"\\x01","\\x"})");
  std::vector<TimestampTz> ts{TimestampTz{0}, TimestampTz::infinity()};
  CHECK(text_of(ArrayRef(ts)) == R"({"2000-01-01 00:00:00+00",infinity})");
  std::vector<double> floats{1e100, -0.0};
  CHECK(text_of(ArrayRef(floats)) == "{1e+100,-0}");
  CHECK(text_of(ArrayRef(ints, oid::int4, 0)) == "[0:2]={1,2,3}");
  CHECK(text_of(ArrayRef(ints, oid::int4, -5)) == "[-5:-3]={1,2,3}");
}

TEST_CASE("types: array binary layout") {
  std::vector<std::optional<std::int32_t>> v{1, std::nullopt};
  CHECK(bin(ArrayRef(v)) == hex("00000001 00000001 00000017 00000002 00000001"
                                "00000004 00000001 ffffffff"));
  std::vector<std::int16_t> no_nulls{7};
  CHECK(bin(ArrayRef(no_nulls)) == hex("00000001 00000000 00000015 00000001 00000001 00000002 0007"));
  CHECK(bin(ArrayRef<std::int64_t>(std::span<const std::int64_t>{})) == hex("00000000 00000000 00000014"));
  std::vector<std::string_view> names{"ab"};
  CHECK(bin(ArrayRef(names, oid::varchar)) ==
        hex("00000001 00000000 00000413 00000001 00000001 00000002 6162"));
  CHECK(bin(ArrayRef(names, oid::text, 0)) == hex("00000001 00000000 00000019 00000001 00000000 00000002 6162"));
  std::vector<Numeric> nums{Numeric{"1.5"}};
  CHECK(bin(ArrayRef(nums)) == hex("00000001 00000000 000006a4 00000001 00000001 0000000c 0002 0000 0000 0001 "
                                   "0001 1388"));
  // An element that cannot be encoded poisons the buffer.
  std::vector<Numeric> bad{Numeric{"x"}};
  Buffer b;
  encode_binary(ArrayRef(bad), b);
  CHECK(b.error() == type_errc::invalid_text);
}

TEST_CASE("types: array round trips keep views valid") {
  std::vector<std::optional<std::string_view>> texts{"plain", "needs \"quotes\"", std::nullopt, "back\\slash", ""};
  std::string text = text_of(ArrayRef(texts));
  DecodedArray<std::string_view> a;
  REQUIRE_FALSE(decode_text(text, a));
  REQUIRE(a.elements.size() == 5);
  CHECK(a.elements[0] == "plain");
  CHECK(a.elements[0]->data() >= text.data());  // unescaped: a view of the input
  CHECK(a.elements[1] == "needs \"quotes\"");
  CHECK_FALSE(a.elements[2]);
  CHECK(a.elements[3] == "back\\slash");
  CHECK(a.elements[4] == "");
  // Moving keeps the storage buffer, so relocated views stay valid.
  DecodedArray<std::string_view> moved = std::move(a);
  CHECK(moved.elements[1] == "needs \"quotes\"");
  CHECK(moved.elements[3] == "back\\slash");

  DecodedArray<Bytea> bytes;
  REQUIRE_FALSE(decode_text(R"({"\\x00ff",NULL,"\\x"})", bytes));
  CHECK(bytes.elements[0]->data == std::string_view("\0\xff", 2));
  CHECK_FALSE(bytes.elements[1]);
  CHECK(bytes.elements[2]->data.empty());

  DecodedArray<Numeric> nums;
  std::vector<Numeric> src{Numeric{"1e3"}, Numeric{"-0.50"}, Numeric{"NaN"}};
  Buffer b;
  encode_binary(ArrayRef(src), b);
  REQUIRE_FALSE(decode_binary(b.view(), nums));
  CHECK(nums.elements[0]->text == "1000");
  CHECK(nums.elements[1]->text == "-0.50");
  CHECK(nums.elements[2]->text == "NaN");

  DecodedArray<std::string> owned;
  REQUIRE_FALSE(decode_text(R"({a,"b c"})", owned));
  CHECK(owned.elements[1] == std::string("b c"));

  DecodedArray<Inet> nets;
  CHECK(decode_text("{10.1.2.3/8}", nets, oid::cidr) == type_errc::invalid_text);
  REQUIRE_FALSE(decode_text("{10.1.2.3/8}", nets));
  CHECK(text_of(*nets.elements[0]) == "10.1.2.3/8");

  DecodedArray<std::int32_t> bounded;
  REQUIRE_FALSE(decode_text("[3:4]={7,8}", bounded));
  CHECK(bounded.lower_bound == 3);
  CHECK(text_of(ArrayRef(bounded.elements, oid::int4, bounded.lower_bound)) == "[3:4]={7,8}");
}

TEST_CASE("types: array text input errors") {
  DecodedArray<std::int32_t> a;
  CHECK(decode_text("{{1,2},{3,4}}", a) == type_errc::unsupported_dimensions);
  CHECK(decode_text("[1:2][1:1]={{1},{2}}", a) == type_errc::unsupported_dimensions);
  CHECK(decode_text("[1:1][1:1][1:1][1:1][1:1][1:1][1:1]={{{{{{{1}}}}}}}", a) == type_errc::too_many_dimensions);
  CHECK(decode_text("{1,,2}", a) == type_errc::malformed_array);
  CHECK(decode_text("{1", a) == type_errc::malformed_array);
  CHECK(decode_text("{\"1}", a) == type_errc::malformed_array);
  CHECK(decode_text("{1\\", a) == type_errc::malformed_array);
  CHECK(decode_text("[1:3]={1,2}", a) == type_errc::malformed_array);
  CHECK(decode_text("{x}", a) == type_errc::invalid_text);
  CHECK(decode_text("{\"1\"2}", a) == type_errc::malformed_array);  // nothing may follow a closing quote
  CHECK(decode_text("{\"1\" \"2\"}", a) == type_errc::malformed_array);
  CHECK(decode_text("{99999999999}", a) == type_errc::out_of_range);
  // The whole literal's shape is checked before any element, as ArrayCount
  // does: a malformed literal is 22P02 even when an element is bad too.
  CHECK(decode_text("{{1},2}", a) == type_errc::malformed_array);
  CHECK(decode_text("{1,{2}}", a) == type_errc::malformed_array);
  CHECK(decode_text("{{1,2},{3}}", a) == type_errc::malformed_array);  // ragged
  CHECK(decode_text("{{}}", a) == type_errc::malformed_array);
  CHECK(decode_text("{1,}", a) == type_errc::malformed_array);
  CHECK(decode_text("{x,,1}", a) == type_errc::malformed_array);
  CHECK(decode_text("{1} x", a) == type_errc::malformed_array);
  CHECK(decode_text("[1:1]={{1}}", a) == type_errc::malformed_array);  // dimensions do not match
  CHECK(decode_text("{{{{{{{1}}}}}}}", a) == type_errc::too_many_dimensions);
  CHECK(decode_text("[2:1]={1}", a) == type_errc::array_bounds);  // 2202E
  CHECK(decode_text("[2147483647:2147483647]={1}", a) == type_errc::array_limit);  // 54000
  CHECK_FALSE(decode_text("[-2147483648:-2147483648]={1}", a));
  DecodedArray<Date> dates;
  CHECK(decode_text("{2024-13-01,,}", dates) == type_errc::malformed_array);
  CHECK(decode_text("{2024-13-01}", dates) == type_errc::month_day_overflow);
  DecodedArray<std::string_view> s;
  CHECK(decode_text("{\"\xff\"}", s) == type_errc::invalid_encoding);
}

TEST_CASE("types: binary arrays never trust counts or lengths") {
  DecodedArray<std::int32_t> a;
  auto decode = [&](std::string_view h) { return decode_binary(hex(h).s, a); };
  CHECK(decode("00000001 00000000 00000017 00000001 00000001 00000004 0000002a") == std::error_code{});
  CHECK(a.elements.size() == 1);
  CHECK(a.elements[0] == 42);
  CHECK(decode("00000000 00000000 00000017") == std::error_code{});
  CHECK(a.elements.empty());
  // A zero-length dimension makes an empty array, whatever ndim says (as array_recv).
  CHECK(decode("00000002 00000000 00000017 00000000 00000001 00000005 00000001") == std::error_code{});
  CHECK(a.elements.empty());
  CHECK(decode("00000002 00000000 00000017 00000001 00000001 00000001 00000001 00000004 00000001") ==
        type_errc::unsupported_dimensions);
  CHECK(decode("00000007 00000000 00000017") == type_errc::too_many_dimensions);
  CHECK(decode("ffffffff 00000000 00000017") == type_errc::invalid_binary);
  CHECK(decode("00000001 00000002 00000017 00000001 00000001 00000004 00000001") == type_errc::invalid_binary);
  CHECK(decode("00000001 00000000 00000014 00000001 00000001 00000008 0000000000000001") ==
        type_errc::wrong_element_type);
  // Codes as array_recv reports them (checked against PostgreSQL 15): too
  // many elements or a bound past int32 54000, bytes missing where a length
  // or an element is read 08P01, a bad length or bytes left over 22P03.
  // Two billion elements announced, none present: rejected before any allocation.
  CHECK(decode("00000001 00000000 00000017 7fffffff 00000001 00000004 00000001") == type_errc::array_limit);
  CHECK(decode("00000001 00000000 00000017 00100000 00000001 00000004 00000001") == type_errc::insufficient_data);
  CHECK(decode("00000001 00000000 00000017 ffffffff 00000001") == type_errc::array_limit);
  CHECK(decode("00000001 00000000 00000017 00000002 7fffffff 00000004 00000001 00000004 00000002") ==
        type_errc::array_limit);  // upper bound overflows int32
  CHECK(decode("00000001 00000000 00000017 00000001 00000001 7fffffff 00000001") == type_errc::invalid_binary);
  CHECK(decode("00000001 00000000 00000017 00000001 00000001 fffffffe") == type_errc::invalid_binary);
  CHECK(decode("00000001 00000000 00000017 00000001 00000001 00000003 000001") == type_errc::insufficient_data);
  CHECK(decode("00000001 00000000 00000017 00000001 00000001 00000005 0000000100") == type_errc::invalid_binary);
  CHECK(decode("00000001 00000000 00000017 00000002 00000001 00000004 00000001") == type_errc::insufficient_data);
  CHECK(decode("00000001 00000000 00000017 00000001 00000001 00000004 00000001 00") == type_errc::invalid_binary);
  CHECK(decode("00000001 00000000 00000017 00000001") == type_errc::insufficient_data);
  CHECK(decode("00000001 00000000 000000") == type_errc::insufficient_data);
  DecodedArray<std::string_view> names;
  CHECK(decode_binary(hex("00000001 00000000 00000019 00000001 00000001 00000002 6162").s, names, oid::name) ==
        type_errc::wrong_element_type);
}

TEST_CASE("types: decoders survive mutated input") {
  // Valid encodings of every kind, then random byte flips and truncations:
  // decoders may fail but must stay in bounds (run under ASan/UBSan).
  std::vector<std::string> seeds;
  auto add = [&](auto&& encode) {
    Buffer b;
    encode(b);
    seeds.emplace_back(b.view());
  };
  std::vector<std::optional<std::string_view>> texts{"a", std::nullopt, "b c"};
  std::vector<Numeric> nums{Numeric{"-123.456"}, Numeric{"1e-20"}};
  std::vector<Inet> nets{Inet::v4(1, 2, 3, 4, 24)};
  add([&](Buffer& b) { encode_binary(ArrayRef(texts), b); });
  add([&](Buffer& b) { encode_text(ArrayRef(texts), b); });
  add([&](Buffer& b) { encode_binary(ArrayRef(nums), b); });
  add([&](Buffer& b) { encode_text(ArrayRef(nums), b); });
  add([&](Buffer& b) { encode_binary(ArrayRef(nets), b); });
  add([&](Buffer& b) { encode_binary(Numeric{"98765.4321"}, b); });
  add([&](Buffer& b) { encode_text(Interval{123456789, -3, 14}, b); });
  add([&](Buffer& b) { encode_text(TimestampTz{123456789}, b); });
  add([&](Buffer& b) { b.put_bytes(R"({"a": [1, "\u00e9", {"b": null}]})"); });
  add([&](Buffer& b) { b.put_bytes("2001:db8::1.2.3.4/120"); });

  std::mt19937 rng(12345);
  std::string storage;
  int decoded = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      std::size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[at] = static_cast<char>(rng()); break;
        case 1: s.resize(at); break;
        default: s.insert(at, 1, static_cast<char>(rng())); break;
      }
    }
    DecodedArray<std::string_view> ta;
    DecodedArray<Numeric> na;
    DecodedArray<Inet> ia;
    Numeric n;
    Interval iv;
    TimestampTz ts;
    Inet in;
    std::string_view sv;
    decoded += !decode_binary(s, ta) + !decode_text(s, ta) + !decode_binary(s, na) + !decode_text(s, na) +
               !decode_binary(s, ia) + !decode_binary(s, n, storage) + !decode_text(s, n, storage) +
               !decode_text(s, iv) + !decode_text(s, ts) + !decode_text(s, in) + !decode_text(s, sv, oid::jsonb);
    // Whatever decoded must encode again.
    if (!decode_binary(s, na)) {
      Buffer b;
      encode_text(ArrayRef(na.elements), b);
      CHECK_FALSE(b.error());
    }
  }
  CHECK(decoded > 0);
}
