// Every type against PostgreSQL 15 itself: data/expected.tsv holds, for each
// input literal, what the server's output and send functions produced (or
// that it rejected the input). For each row:
//  - the server's binary value decodes, and re-encodes to the same bytes;
//  - its text encoding equals the server's text output, byte for byte;
//  - the server's text output decodes back to the same value;
//  - the input literal decodes to the same value (unless flagged), and
//    inputs the server rejects are rejected with the server's SQLSTATE.

#include <deque>
#include <functional>
#include <map>

#include "types/types_util.hpp"

using namespace pgwire;
using pgwire::test::Bytes;
using pgwire::test::ExpectedRow;

namespace {

// Backing strings for decoded values that need storage; references stay
// valid as the deque grows.
struct Pool {
  std::deque<std::string> strings;
  std::string& next() { return strings.emplace_back(); }
};

template <class T>
struct Codec {
  std::function<std::error_code(std::string_view, T&, Pool&)> decode_text, decode_binary;
  std::function<void(const T&, Buffer&)> encode_text, encode_binary;
};

template <class T, class DecodeText, class DecodeBinary>
Codec<T> codec(DecodeText text, DecodeBinary binary) {
  return {text, binary, [](const T& v, Buffer& b) { pgwire::encode_text(v, b); },
          [](const T& v, Buffer& b) { pgwire::encode_binary(v, b); }};
}

template <class T>
Codec<T> scalar() {
  return codec<T>([](std::string_view in, T& out, Pool&) { return pgwire::decode_text(in, out); },
                  [](std::string_view in, T& out, Pool&) { return pgwire::decode_binary(in, out); });
}

template <class T>
Codec<T> with_storage() {
  return codec<T>([](std::string_view in, T& out, Pool& p) { return pgwire::decode_text(in, out, p.next()); },
                  [](std::string_view in, T& out, Pool& p) { return pgwire::decode_binary(in, out, p.next()); });
}

template <class T>
Codec<T> with_oid(Oid type) {
  return codec<T>([type](std::string_view in, T& out, Pool&) { return pgwire::decode_text(in, out, type); },
                  [type](std::string_view in, T& out, Pool&) { return pgwire::decode_binary(in, out, type); });
}

template <class E>
Codec<DecodedArray<E>> array(Oid element) {
  using A = DecodedArray<E>;
  return {[element](std::string_view in, A& out, Pool&) { return pgwire::decode_text(in, out, element); },
          [element](std::string_view in, A& out, Pool&) { return pgwire::decode_binary(in, out, element); },
          [element](const A& a, Buffer& b) { pgwire::encode_text(ArrayRef<E>(a.elements, element, a.lower_bound), b); },
          [element](const A& a, Buffer& b) {
            pgwire::encode_binary(ArrayRef<E>(a.elements, element, a.lower_bound), b);
          }};
}

template <class T>
std::string run(const std::function<void(const T&, Buffer&)>& enc, const T& v) {
  Buffer b;
  enc(v, b);
  CHECK_FALSE(b.error());
  return std::string(b.view());
}

struct Counts {
  std::map<std::string, int> rows;
  int errors = 0;
  int wrong_sqlstate = 0;  // rejected, but not with the server's code
};

template <class T>
void check(const ExpectedRow& r, const Codec<T>& c, Counts& counts) {
  INFO("expected.tsv line " << r.line << ": " << r.type << " '" << r.input << "' flags '" << r.flags << "'");
  Pool pool;
  ++counts.rows[r.type];
  if (r.is_error()) {
    ++counts.errors;
    T v{};
    // The server rejected it: so must we, with the code a client would see.
    std::error_code ec = c.decode_text(r.input, v, pool);
    CHECK(ec);
    std::string code(type_error_sqlstate(ec));
    if (code != r.binary_hex) ++counts.wrong_sqlstate;
    CHECK(code == r.binary_hex);
    return;
  }
  Bytes bytes = pgwire::test::hex(r.binary_hex);
  if (r.flags == "multidim") {
    T v{};
    CHECK(c.decode_binary(bytes.s, v, pool) == type_errc::unsupported_dimensions);
    CHECK(c.decode_text(r.input, v, pool) == type_errc::unsupported_dimensions);
    return;
  }
  T v{};
  REQUIRE_FALSE(c.decode_binary(bytes.s, v, pool));
  CHECK(run(c.encode_text, v) == r.text);
  CHECK(Bytes(run(c.encode_binary, v)) == bytes);

  T from_text{};
  CHECK_FALSE(c.decode_text(r.text, from_text, pool));
  if (r.text != "NaN") CHECK(Bytes(run(c.encode_binary, from_text)) == bytes);  // NaN prints without its sign

  if (r.flags == "noparse") return;
  T from_input{};
  auto ec = c.decode_text(r.input, from_input, pool);
  CHECK_FALSE(ec);
  if (!ec && r.flags != "accept") CHECK(Bytes(run(c.encode_binary, from_input)) == bytes);
}

void check_row(const ExpectedRow& r, Counts& counts) {
  const std::string& t = r.type;
  // Scalars.
  if (t == "bool") return check(r, scalar<bool>(), counts);
  if (t == "int2") return check(r, scalar<std::int16_t>(), counts);
  if (t == "int4") return check(r, scalar<std::int32_t>(), counts);
  if (t == "int8") return check(r, scalar<std::int64_t>(), counts);
  if (t == "float4") return check(r, scalar<float>(), counts);
  if (t == "float8") return check(r, scalar<double>(), counts);
  if (t == "oid") return check(r, scalar<OidValue>(), counts);
  if (t == "char") return check(r, scalar<Char>(), counts);
  if (t == "name") return check(r, with_oid<std::string_view>(oid::name), counts);
  if (t == "text") return check(r, with_oid<std::string_view>(oid::text), counts);
  if (t == "varchar") return check(r, with_oid<std::string_view>(oid::varchar), counts);
  if (t == "bpchar") return check(r, with_oid<std::string_view>(oid::bpchar), counts);
  if (t == "json") return check(r, with_oid<std::string_view>(oid::json), counts);
  if (t == "jsonb") return check(r, with_storage<Jsonb>(), counts);
  if (t == "bytea") return check(r, with_storage<Bytea>(), counts);
  if (t == "numeric") return check(r, with_storage<Numeric>(), counts);
  if (t == "date") return check(r, scalar<Date>(), counts);
  if (t == "time") return check(r, scalar<Time>(), counts);
  if (t == "timetz") return check(r, scalar<TimeTz>(), counts);
  if (t == "timestamp") return check(r, scalar<Timestamp>(), counts);
  if (t == "timestamptz") return check(r, scalar<TimestampTz>(), counts);
  if (t == "interval") return check(r, scalar<Interval>(), counts);
  if (t == "uuid") return check(r, scalar<Uuid>(), counts);
  if (t == "inet") return check(r, with_oid<Inet>(oid::inet), counts);
  if (t == "cidr") return check(r, with_oid<Inet>(oid::cidr), counts);
  // Arrays.
  if (t == "_bool") return check(r, array<bool>(oid::bool_), counts);
  if (t == "_int2") return check(r, array<std::int16_t>(oid::int2), counts);
  if (t == "_int4") return check(r, array<std::int32_t>(oid::int4), counts);
  if (t == "_int8") return check(r, array<std::int64_t>(oid::int8), counts);
  if (t == "_float4") return check(r, array<float>(oid::float4), counts);
  if (t == "_float8") return check(r, array<double>(oid::float8), counts);
  if (t == "_oid") return check(r, array<OidValue>(oid::oid), counts);
  if (t == "_char") return check(r, array<Char>(oid::char_), counts);
  if (t == "_name") return check(r, array<std::string_view>(oid::name), counts);
  if (t == "_text") return check(r, array<std::string_view>(oid::text), counts);
  if (t == "_varchar") return check(r, array<std::string>(oid::varchar), counts);
  if (t == "_bpchar") return check(r, array<std::string_view>(oid::bpchar), counts);
  if (t == "_json") return check(r, array<std::string_view>(oid::json), counts);
  if (t == "_jsonb") return check(r, array<Jsonb>(oid::jsonb), counts);
  if (t == "_bytea") return check(r, array<Bytea>(oid::bytea), counts);
  if (t == "_numeric") return check(r, array<Numeric>(oid::numeric), counts);
  if (t == "_date") return check(r, array<Date>(oid::date), counts);
  if (t == "_time") return check(r, array<Time>(oid::time), counts);
  if (t == "_timetz") return check(r, array<TimeTz>(oid::timetz), counts);
  if (t == "_timestamp") return check(r, array<Timestamp>(oid::timestamp), counts);
  if (t == "_timestamptz") return check(r, array<TimestampTz>(oid::timestamptz), counts);
  if (t == "_interval") return check(r, array<Interval>(oid::interval), counts);
  if (t == "_uuid") return check(r, array<Uuid>(oid::uuid), counts);
  if (t == "_inet") return check(r, array<Inet>(oid::inet), counts);
  if (t == "_cidr") return check(r, array<Inet>(oid::cidr), counts);
  FAIL("expected.tsv line " << r.line << ": no test mapping for type " << t);
}

}  // namespace

TEST_CASE("types: every expectation captured from PostgreSQL 15") {
  auto rows = pgwire::test::load_expected();
  REQUIRE(rows.size() > 1500);
  Counts counts;
  for (const ExpectedRow& r : rows) check_row(r, counts);
  // Every scalar and array type is covered, with rejected inputs too.
  CHECK(counts.rows.size() == 50);
  CHECK(counts.errors > 150);
  CHECK(counts.wrong_sqlstate == 0);
}
