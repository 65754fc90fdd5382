// COPY's CSV format against the bytes PostgreSQL 15 wrote (data/copy/*.copy,
// see capture.py): quoting, HEADER, FORCE_QUOTE, other quote/escape/NULL.

#include "copy_test_util.hpp"

namespace pgwire::test {
namespace {

std::vector<Fields> text_rows() {
  auto d = decode_all(settings_for("", CopyDirection::from, golden_columns), read_copy_file("text.copy"));
  REQUIRE_FALSE(d.error);
  return d.rows;
}

// Reads `file` with the COPY FROM options, writes the rows with the COPY TO
// ones: PostgreSQL's bytes again.
std::vector<Fields> round_trip(const std::string& file, std::string_view from_options,
                               std::string_view to_options, std::vector<std::string> columns = golden_columns) {
  INFO(file);
  const std::string golden = read_copy_file(file);
  CopySettings from = settings_for(from_options, CopyDirection::from, columns);
  Decoded d = decode_all(from, golden);
  REQUIRE_FALSE(d.error);
  CHECK(encode_rows(settings_for(to_options, CopyDirection::to, columns), d.rows) == golden);
  for (std::size_t cut = 1; cut < golden.size(); ++cut) require_same(d, decode_cut(from, golden, {cut}));
  return d.rows;
}

TEST_CASE("COPY csv: PostgreSQL's output decodes and encodes back byte for byte") {
  const auto rows = text_rows();
  CHECK(round_trip("csv.copy", "(FORMAT csv)", "(FORMAT csv)") == rows);
  CHECK(round_trip("csv_header.copy", "(FORMAT csv, HEADER)", "(FORMAT csv, HEADER)") == rows);
  CHECK(round_trip("csv_header.copy", "(FORMAT csv, HEADER match)", "(FORMAT csv, HEADER)") == rows);
  CHECK(round_trip("csv_force_quote.copy", "(FORMAT csv)", "(FORMAT csv, FORCE_QUOTE *)") == rows);
  // NULL 'NULL': the text "NULL" of row 11 is quoted to stay a value.
  const char* options = "(FORMAT csv, HEADER, DELIMITER ';', QUOTE '''', ESCAPE '\\', NULL 'NULL')";
  CHECK(round_trip("csv_options.copy", options,
                   "(FORMAT csv, HEADER, DELIMITER ';', QUOTE '''', ESCAPE '\\', NULL 'NULL', FORCE_QUOTE (num))") ==
        rows);
  // One column: "\." alone would end the data, so it is quoted.
  CHECK(round_trip("csv_single.copy", "CSV", "CSV", {"v"}) ==
        std::vector<Fields>{{"\\."}, {""}, {std::nullopt}, {"x"}, {"\\.x"}});
}

TEST_CASE("COPY csv: encoder quotes as CopyAttributeOutCSV") {
  auto encode = [](std::string_view options, std::vector<std::optional<std::string_view>> fields) {
    std::vector<std::string> columns;
    for (std::size_t i = 0; i < fields.size(); ++i) columns.push_back(std::string(1, static_cast<char>('a' + i)));
    CopySettings s = settings_for(options, CopyDirection::to, columns);
    Buffer out;
    CopyEncoder(s).row(fields, out);
    return std::string(out.view());
  };
  CHECK(encode("CSV", {"a,b", "c\"d", "e\nf", "g\rh", "plain", ""}) ==
        "\"a,b\",\"c\"\"d\",\"e\nf\",\"g\rh\",plain,\"\"\n");
  CHECK(encode("CSV", {std::nullopt, "\\."}) == ",\\.\n");           // "\." is data beside another column
  CHECK(encode("CSV", {"\\."}) == "\"\\.\"\n");
  CHECK(encode("(FORMAT csv, QUOTE '''', ESCAPE '\\')", {"it's", "a\\b", "x\"y"}) == "'it\\'s',a\\b,x\"y\n");
  CHECK(encode("(FORMAT csv, ESCAPE '\\')", {"q\"\\", " "}) == "\"q\\\"\\\\\", \n");  // escape doubled inside quotes only
  CHECK(encode("(FORMAT csv, FORCE_QUOTE (b))", {"1", "2", std::nullopt}) == "1,\"2\",\n");
  CHECK(encode("(FORMAT csv, FORCE_QUOTE *)", {std::nullopt, ""}) == ",\"\"\n");  // NULL is never quoted
  CHECK(encode("(FORMAT csv, NULL 'x', DELIMITER '|')", {"x", std::nullopt, "a|b"}) == "\"x\"|x|\"a|b\"\n");
}

TEST_CASE("COPY csv: quoting rules of the reader") {
  CopySettings s = settings_for("CSV", CopyDirection::from, {"a", "b"});
  auto rows = [&](std::string_view in) {
    Decoded d = decode_all(s, in);
    INFO(in);
    REQUIRE_FALSE(d.error);
    return d.rows;
  };
  CHECK(rows("\"a\"\"b\",\"\"\n") == std::vector<Fields>{{"a\"b", ""}});
  CHECK(rows(",\n") == std::vector<Fields>{{std::nullopt, std::nullopt}});
  CHECK(rows("\"x\ny\",z") == std::vector<Fields>{{"x\ny", "z"}});  // no final newline
  CHECK(rows("\"a\r\nb\",\"c\rd\"\r\ne,f\r\n") == std::vector<Fields>{{"a\r\nb", "c\rd"}, {"e", "f"}});
  CHECK(rows("a\"b\"c,\"\"\"\"\n") == std::vector<Fields>{{"abc", "\""}});

  // Round trip of awkward values through both directions.
  std::vector<Fields> values = {{"\"", "\r\n"}, {",", std::nullopt}, {"", "\\."}, {"a\"\"b", "\n\n\"\""}};
  CHECK(rows(encode_rows(settings_for("CSV", CopyDirection::to, {"a", "b"}), values)) == values);
}

TEST_CASE("COPY csv: FORCE_NOT_NULL and FORCE_NULL") {
  CopySettings s = settings_for("(FORMAT csv, FORCE_NOT_NULL (a), FORCE_NULL (b))", CopyDirection::from, {"a", "b", "c"});
  Decoded d = decode_all(s, ",\"\",\"\"\n\"\",,x\n");
  REQUIRE_FALSE(d.error);
  CHECK(d.rows == std::vector<Fields>{{"", std::nullopt, ""}, {"", std::nullopt, "x"}});

  CopyOptions o;
  o.format = CopyFormat::csv;
  o.force_null = {"b", "zz"};
  CopySettings out;
  auto e = resolve_copy_options(o, CopyDirection::from, {"a", "b"}, "", out);
  REQUIRE(e);
  CHECK(e->code == "42703");
  CHECK(e->message == "column \"zz\" does not exist");
}

TEST_CASE("COPY csv: HEADER MATCH compares the de-quoted names") {
  CopySettings s = settings_for("(FORMAT csv, HEADER match)", CopyDirection::from, {"a,1", "B"}, "t");
  Decoded ok = decode_all(s, "\"a,1\",B\nx,y\n");
  REQUIRE_FALSE(ok.error);
  CHECK(ok.rows == std::vector<Fields>{{"x", "y"}});
  Decoded bad = decode_all(s, "\"a,1\",b\nx,y\n");
  REQUIRE(bad.error);
  CHECK(bad.error->message == "column name mismatch in header line field 2: got \"b\", expected \"B\"");
  CHECK(bad.error->where == "COPY t, line 1: \"\"a,1\",b\"");
}

}  // namespace
}  // namespace pgwire::test
