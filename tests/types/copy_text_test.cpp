// COPY's text format against the bytes PostgreSQL 15 wrote (data/copy/*.copy,
// see capture.py): the encoder reproduces them exactly, the decoder reads
// them back, at every cut; plus the rules no capture shows directly.

#include "copy_test_util.hpp"

namespace pgwire::test {
namespace {

// Decodes a capture and encodes the rows again: PostgreSQL's bytes both ways.
std::vector<Fields> round_trip(const std::string& file, std::string_view options, std::vector<std::string> columns) {
  const std::string golden = read_copy_file(file);
  CopySettings from = settings_for(options, CopyDirection::from, columns);
  CopySettings to = settings_for(options, CopyDirection::to, columns);
  Decoded d = decode_all(from, golden);
  INFO(file);
  REQUIRE_FALSE(d.error);
  CHECK(encode_rows(to, d.rows) == golden);
  // Any cut gives the same rows.
  for (std::size_t cut = 1; cut < golden.size(); ++cut) require_same(d, decode_cut(from, golden, {cut}));
  return d.rows;
}

TEST_CASE("COPY text: PostgreSQL's output decodes and encodes back byte for byte") {
  auto rows = round_trip("text.copy", "", golden_columns);
  REQUIRE(rows.size() == 11);
  CHECK(rows[0] == Fields{"1", "plain", "1.5", "t", "\\x00ff10", "2024-01-02 03:04:05.123456", "123.456", "{a,b}"});
  CHECK(rows[1] == Fields{"2", std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                          std::nullopt, std::nullopt});
  CHECK(rows[2][1] == "");
  CHECK(rows[3][1] == "tab\there");
  CHECK(rows[3][7] == "{\"a b\",NULL,\"x\\\"y\",\"\"}");
  CHECK(rows[4][1] == "new\nline and cr\rhere");
  CHECK(rows[5][1] == "back\\slash \\N \\.");
  CHECK(rows[7][1] == "ünïcödé € 😀");
  CHECK(rows[8][1] == "\\.");
  CHECK(rows[9][1] == "ctl\x01\x7f\b\f\v");
  CHECK(rows[10][1] == "NULL");

  CHECK(round_trip("text_header.copy", "WITH (FORMAT text, HEADER true)", golden_columns) == rows);
  // NULL 'nil': no value of the table is "nil", so nothing is ambiguous.
  auto options = round_trip("text_options.copy", "WITH (DELIMITER '|', NULL 'nil')", golden_columns);
  CHECK(options == rows);
  auto single = round_trip("text_single.copy", "", {"v"});
  CHECK(single == std::vector<Fields>{{"\\."}, {""}, {std::nullopt}, {"x"}, {"\\.x"}});
}

TEST_CASE("COPY text: the same values read from every format") {
  auto text = decode_all(settings_for("", CopyDirection::from, golden_columns), read_copy_file("text.copy"));
  auto csv = decode_all(settings_for("CSV", CopyDirection::from, golden_columns), read_copy_file("csv.copy"));
  REQUIRE_FALSE(text.error);
  CHECK(csv.rows == text.rows);
  CHECK(csv.lines == std::vector<std::uint64_t>{1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12});  // row 5 spans 2 lines
}

TEST_CASE("COPY text: escapes PostgreSQL never writes still read back") {
  CopySettings s = settings_for("", CopyDirection::from, {"a"});
  auto one = [&](std::string_view line) {
    Decoded d = decode_all(s, line);
    REQUIRE_FALSE(d.error);
    REQUIRE(d.rows.size() == 1);
    return d.rows[0][0];
  };
  CHECK(one("\\x41\\x4a\\x4A\\x7e\n") == "AJJ~");
  CHECK(one("\\101\\1010\\0401\n") == "AA0 1");  // at most three octal digits
  CHECK(one("\\q\\ \\\"\n") == "q \"");
  CHECK(one("\\\\N\n") == "\\N");                 // escaped: not NULL
  CHECK(one("\\N\n") == std::nullopt);
  CHECK(one("\\xc3\\xa9\n") == "é");             // escapes may build UTF-8
  CHECK(one("a") == "a");                        // no newline before the end
  auto e = decode_all(s, "\\xc3\n");
  REQUIRE(e.error);
  CHECK(e.error->code == "22021");
  CHECK(e.error->message == "invalid byte sequence for encoding \"UTF8\": 0xc3");
}

TEST_CASE("COPY text: encoder escapes as CopyAttributeOutText") {
  auto encode = [](std::string_view options, std::optional<std::string_view> v) {
    CopySettings s = settings_for(options, CopyDirection::to, {"a", "b"});
    std::optional<std::string_view> fields[] = {v, "x"};
    Buffer out;
    CopyEncoder(s).row(fields, out);
    return std::string(out.view());
  };
  CHECK(encode("", "a\tb\\c\nd\re\bf\fg\vh") == "a\\tb\\\\c\\nd\\re\\bf\\fg\\vh\tx\n");
  CHECK(encode("", std::string_view("\x01\x1f\x7f", 3)) == "\x01\x1f\x7f\tx\n");  // other controls as they are
  CHECK(encode("", std::nullopt) == "\\N\tx\n");
  CHECK(encode("(DELIMITER '|')", "a|b\tc") == "a\\|b\\tc|x\n");
  CHECK(encode("(DELIMITER E'\\x01')", "a\x01" "b") == "a\\\x01" "b\x01x\n");  // a control delimiter is escaped too
  CHECK(encode("(NULL 'nil')", "nil") == "nil\tx\n");                   // ambiguous, as in PostgreSQL
  CHECK(encode("(NULL '')", std::nullopt) == "\tx\n");

  // Field count must match the columns.
  CopySettings s = settings_for("", CopyDirection::to, {"a", "b"});
  Buffer out;
  std::optional<std::string_view> one[] = {"x"};
  CopyEncoder(s).row(one, out);
  CHECK(out.error() == codec_errc::invalid_count);
}

TEST_CASE("COPY text: a row over the limit is 54000, wherever the messages end") {
  CopySettings s = settings_for("", CopyDirection::from, {"a"});
  std::string big(100, 'x');
  Decoded ok = decode_cut(s, big + "\n", {}, 100);
  REQUIRE_FALSE(ok.error);
  CHECK(ok.rows.size() == 1);
  // Without a newline in sight the limit stops the buffering.
  CopyDecoder d(s, 100);
  CopyRow row;
  d.feed(std::string(60, 'x'));
  CHECK(d.next(row) == CopyDecoder::Status::need_more);
  d.feed(std::string(60, 'x'));
  REQUIRE(d.next(row) == CopyDecoder::Status::error);
  CHECK(d.error().code == "54000");
  CHECK(d.next(row) == CopyDecoder::Status::error);  // sticky
}

TEST_CASE("COPY text: after the end marker the rest is ignored, and zero columns take empty lines") {
  CopySettings s = settings_for("", CopyDirection::from, {"a"});
  CopyDecoder d(s);
  CopyRow row;
  d.feed("x\n\\.\n");
  REQUIRE(d.next(row) == CopyDecoder::Status::row);
  CHECK(d.next(row) == CopyDecoder::Status::done);
  d.feed("\xff garbage");
  d.finish();
  CHECK(d.next(row) == CopyDecoder::Status::done);

  CopySettings none = settings_for("", CopyDirection::from, {});
  Decoded z = decode_all(none, "\n\n");
  REQUIRE_FALSE(z.error);
  CHECK(z.rows == std::vector<Fields>{{}, {}});
  Decoded extra = decode_all(none, "\nx\n");
  REQUIRE(extra.error);
  CHECK(extra.error->message == "extra data after last expected column");
  CHECK(encode_rows(settings_for("", CopyDirection::to, {}), {{}, {}}) == "\n\n");
}

TEST_CASE("COPY text: a header line is written with the column names, escaped") {
  CopySettings s = settings_for("(HEADER)", CopyDirection::to, {"a\tb", "c"});
  CHECK(encode_rows(s, {{"1", "2"}}) == "a\\tb\tc\n1\t2\n");
  CopySettings in = settings_for("(HEADER match)", CopyDirection::from, {"a\tb", "c"});
  Decoded d = decode_all(in, "a\\tb\tc\n1\t2\n");
  REQUIRE_FALSE(d.error);
  CHECK(d.rows == std::vector<Fields>{{"1", "2"}});
  CHECK(d.lines == std::vector<std::uint64_t>{2});
}

}  // namespace
}  // namespace pgwire::test
