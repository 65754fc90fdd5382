// COPY's binary format against the bytes PostgreSQL 15 wrote (data/copy/
// binary.copy, see capture.py), through the type layer's conversions; and
// the reader's bounds: nothing is allocated from an announced length.

#include "copy_test_util.hpp"

namespace pgwire::test {
namespace {

std::string be32(std::int32_t v) {
  auto u = static_cast<std::uint32_t>(v);
  return {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8), static_cast<char>(u)};
}
std::string be16(std::int16_t v) {
  auto u = static_cast<std::uint16_t>(v);
  return {static_cast<char>(u >> 8), static_cast<char>(u)};
}
const std::string header = std::string("PGCOPY\n\377\r\n\0", 11) + be32(0) + be32(0);

CopyRow to_row(const Fields& f) {
  CopyRow r;
  for (const auto& v : f) r.add(v ? std::optional<std::string_view>(*v) : std::nullopt);
  return r;
}

TEST_CASE("COPY binary: PostgreSQL's output decodes, converts to its text, and encodes back exactly") {
  const std::string golden = read_copy_file("binary.copy");
  CopySettings s = settings_for("(FORMAT binary)", CopyDirection::from, golden_columns, "golden");
  Decoded bin = decode_all(s, golden);
  REQUIRE_FALSE(bin.error);
  REQUIRE(bin.rows.size() == 11);
  CHECK(bin.rows[0][1] == "plain");
  CHECK(bin.rows[0][4] == std::string("\x00\xff\x10", 3));  // bytea: the bytes themselves
  CHECK(bin.lines == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  for (std::size_t cut = 1; cut < golden.size(); ++cut) require_same(bin, decode_cut(s, golden, {cut}));

  auto text = decode_all(settings_for("", CopyDirection::from, golden_columns), read_copy_file("text.copy"));
  REQUIRE_FALSE(text.error);
  // Binary values to text through the type layer: PostgreSQL's text output.
  for (std::size_t i = 0; i < bin.rows.size(); ++i) {
    INFO("row " << i + 1);
    CopyRow as_text;
    auto e = convert_copy_row(to_row(bin.rows[i]), golden_types, format_binary, format_text, as_text);
    REQUIRE_FALSE(e);
    CHECK(as_text.to_vector() == text.rows[i]);
  }
  // And back: text values to binary, encoded: PostgreSQL's binary COPY.
  std::vector<Fields> binary_rows;
  for (const Fields& f : text.rows) {
    CopyRow as_binary;
    auto e = convert_copy_row(to_row(f), golden_types, format_text, format_binary, as_binary);
    REQUIRE_FALSE(e);
    binary_rows.push_back(as_binary.to_vector());
  }
  CHECK(encode_rows(settings_for("BINARY", CopyDirection::to, golden_columns), binary_rows) == golden);
}

TEST_CASE("COPY binary: a conversion error names the column") {
  CopySettings s = settings_for("BINARY", CopyDirection::from, {"n"}, "t");
  // Bytes left over: 22P03, "incorrect binary data format" (int4recv).
  CopyRow row{std::string_view("abcde")};
  row.set_line(7);
  CopyRow out;
  auto e = convert_copy_row(row, std::vector<Oid>{oid::int4}, format_binary, format_text, out, &s);
  REQUIRE(e);
  CHECK(e->code == "22P03");
  CHECK(e->where == "COPY t, line 7, column n");
  // Too few: PostgreSQL's pq_getmsgint gives 08P01 "insufficient data left in message".
  CopyRow short_row{std::string_view("abc")};
  short_row.set_line(8);
  e = convert_copy_row(short_row, std::vector<Oid>{oid::int4}, format_binary, format_text, out, &s);
  REQUIRE(e);
  CHECK(e->code == "08P01");
}

TEST_CASE("COPY binary: an announced length is checked before its bytes are awaited") {
  CopySettings s = settings_for("BINARY", CopyDirection::from, {"a"}, "t");
  // 1 GiB announced: over the limit at once, not after a gigabyte arrived.
  CopyDecoder d(s, 1024);
  CopyRow row;
  d.feed(header + be16(1) + be32(1 << 30) + "abc");
  REQUIRE(d.next(row) == CopyDecoder::Status::error);
  CHECK(d.error().code == "54000");
  CHECK(d.error().where == "COPY t, line 1, column a");

  // Under the limit, the decoder waits (holding only what arrived).
  CopyDecoder w(s, 1024);
  w.feed(header + be16(1) + be32(1000) + "abc");
  CHECK(w.next(row) == CopyDecoder::Status::need_more);
  w.feed(std::string(997, 'x'));
  REQUIRE(w.next(row) == CopyDecoder::Status::row);
  CHECK(row[0]->size() == 1000);
  CHECK(w.next(row) == CopyDecoder::Status::need_more);  // no trailer: more may come
  w.finish();
  CHECK(w.next(row) == CopyDecoder::Status::done);
}

TEST_CASE("COPY binary: a header extension is skipped as it arrives") {
  CopySettings s = settings_for("BINARY", CopyDirection::from, {"a"});
  CopyDecoder d(s);
  CopyRow row;
  d.feed(std::string("PGCOPY\n\377\r\n\0", 11) + be32(0) + be32(0x7fffffff));
  CHECK(d.next(row) == CopyDecoder::Status::need_more);
  for (int i = 0; i < 4; ++i) {
    d.feed(std::string(4096, 'e'));
    CHECK(d.next(row) == CopyDecoder::Status::need_more);
  }
  d.finish();
  REQUIRE(d.next(row) == CopyDecoder::Status::error);
  CHECK(d.error().message == "invalid COPY file header (wrong length)");
}

TEST_CASE("COPY binary: after the trailer only the end may come") {
  CopySettings s = settings_for("BINARY", CopyDirection::from, {"a"}, "t");
  CopyDecoder d(s);
  CopyRow row;
  d.feed(header + be16(1) + be32(-1) + be16(-1));
  REQUIRE(d.next(row) == CopyDecoder::Status::row);
  CHECK(row.is_null(0));
  CHECK(d.next(row) == CopyDecoder::Status::need_more);  // waits for CopyDone (or CopyFail)
  d.feed("x");
  REQUIRE(d.next(row) == CopyDecoder::Status::error);
  CHECK(d.error().message == "received copy data after EOF marker");
  CHECK(d.error().where == "COPY t, line 2");
}

TEST_CASE("COPY binary: encoder writes PostgreSQL's header, tuples and trailer") {
  CopySettings s = settings_for("BINARY", CopyDirection::to, {"a", "b"});
  CopyEncoder enc(s);
  Buffer out;
  enc.begin(out);
  std::optional<std::string_view> fields[] = {std::string_view("\x00\x01", 2), std::nullopt};
  enc.row(fields, out);
  enc.end(out);
  CHECK(std::string(out.view()) == header + be16(2) + be32(2) + std::string("\x00\x01", 2) + be32(-1) + be16(-1));
}

}  // namespace
}  // namespace pgwire::test
