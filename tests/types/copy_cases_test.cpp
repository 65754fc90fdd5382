// COPY FROM and COPY options against PostgreSQL 15 itself: every input of
// data/copy/decode_cases.tsv and every option list of option_cases.tsv was
// run through a real server by capture.py, which recorded the rows it stored
// or its error (SQLSTATE, message, CONTEXT). The decoder must agree, however
// the input is cut into CopyData messages.

#include "copy_test_util.hpp"

namespace pgwire::test {
namespace {

// The rows PostgreSQL stored, as capture.py wrote them: 'N' or x<hex>.
std::vector<Fields> expected_rows(const std::string& text) {
  std::vector<Fields> rows;
  if (text.empty()) return rows;
  for (const std::string& r : split(text, '|')) {
    Fields f;
    for (const std::string& v : split(r, ','))
      f.push_back(v == "N" ? std::nullopt : std::optional<std::string>(from_hex(std::string_view(v).substr(1))));
    rows.push_back(std::move(f));
  }
  return rows;
}

TEST_CASE("COPY FROM: every captured input decodes as PostgreSQL 15 read it, cut anywhere") {
  auto cases = read_tsv("decode_cases.tsv");
  REQUIRE(cases.size() >= 100);
  for (const auto& c : cases) {
    const std::string& name = c[0];
    INFO("case " << name << " (" << c[1] << ")");
    const bool binary = name.rfind("bin_", 0) == 0;
    CopySettings s = settings_for(c[1], CopyDirection::from, {"a", "b", "c"}, binary ? "tb" : "t");
    const std::string input = from_hex(c[2]);
    Decoded expected;
    if (c[3] == "ok") {
      REQUIRE(c.size() == 5);
      expected.rows = expected_rows(c[4]);
    } else {
      REQUIRE(c.size() == 6);
      expected.error = ErrorInfo::error(c[3], unescape(c[4]));
      expected.error->where = unescape(c[5]);
    }

    Decoded whole = decode_all(s, input);
    // PostgreSQL keeps the rows before an error in no table: compare the
    // error alone then, and the line numbers only where they mean something.
    REQUIRE(whole.error.has_value() == expected.error.has_value());
    if (expected.error) {
      CHECK(whole.error->code == expected.error->code);
      CHECK(whole.error->message == expected.error->message);
      CHECK(whole.error->where == expected.error->where);
    } else {
      CHECK(whole.rows == expected.rows);
    }
    // The same result from every cut in two, and from 1-byte messages.
    for (std::size_t cut = 1; cut < input.size(); ++cut) {
      INFO("cut at " << cut);
      require_same(whole, decode_cut(s, input, {cut}));
    }
    require_same(whole, decode_chunked(s, input, 1));
  }
}

TEST_CASE("COPY options: parsed and checked as PostgreSQL 15 does, same SQLSTATE and message") {
  auto cases = read_tsv("option_cases.tsv");
  REQUIRE(cases.size() > 70);
  for (const auto& c : cases) {
    INFO("case " << c[0] << ": " << c[2]);
    const CopyDirection dir = c[1] == "from" ? CopyDirection::from : CopyDirection::to;
    // The captures ran against table t (a, b, c) or a query with columns a, b, c.
    const std::string relation = c[3] == "t" ? "t" : "";
    std::optional<ErrorInfo> err;
    CopyOptions o;
    std::string_view where;
    err = parse_copy_options(c[2], dir, o, &where);
    if (!err) {
      CopySettings s;
      err = resolve_copy_options(o, dir, {"a", "b", "c"}, relation, s);
    }
    // 22P04 there is PostgreSQL reading the (empty) data: the options passed.
    if (c[4] == "ok" || c[4] == "22P04") {
      CHECK_FALSE(err);
      if (err) FAIL_CHECK(err->code << " " << err->message);
    } else {
      REQUIRE(err);
      CHECK(err->code == c[4]);
      CHECK(err->message == unescape(c[5]));
    }
  }
}

TEST_CASE("COPY options: what the SQL forms mean") {
  CopyOptions o;
  REQUIRE_FALSE(parse_copy_options("WITH (FORMAT csv, HEADER true, DELIMITER ';')", CopyDirection::from, o));
  CHECK(o.format == CopyFormat::csv);
  CHECK(o.header == CopyHeader::present);
  CHECK(o.delimiter == ";");
  CHECK(o.null_string == "");
  CHECK(o.quote == "\"");
  CHECK(o.escape == "\"");

  REQUIRE_FALSE(parse_copy_options("CSV HEADER DELIMITER AS ';' NULL 'x' FORCE NOT NULL a, \"B\"", CopyDirection::from, o));
  CHECK(o.format == CopyFormat::csv);
  CHECK(o.delimiter == ";");
  CHECK(o.null_string == "x");
  CHECK(o.force_not_null == std::vector<std::string>{"a", "B"});

  REQUIRE_FALSE(parse_copy_options("BINARY", CopyDirection::to, o));
  CHECK(o.format == CopyFormat::binary);
  REQUIRE_FALSE(parse_copy_options("", CopyDirection::to, o));
  CHECK(o.format == CopyFormat::text);
  CHECK(o.delimiter == "\t");
  CHECK(o.null_string == "\\N");
  REQUIRE_FALSE(parse_copy_options("WITH (DELIMITER E'\\x01', HEADER MATCH);", CopyDirection::from, o));
  CHECK(o.delimiter == "\x01");
  CHECK(o.header == CopyHeader::match);
  REQUIRE_FALSE(parse_copy_options("(FORMAT csv, FORCE_QUOTE *)", CopyDirection::to, o));
  CHECK(o.force_quote_all);

  std::string_view where;
  REQUIRE_FALSE(parse_copy_options("CSV WHERE a > 1", CopyDirection::from, o, &where));
  CHECK(where == "WHERE a > 1");
  auto e = parse_copy_options("CSV WHERE a > 1", CopyDirection::from, o);
  REQUIRE(e);
  CHECK(e->code == "42601");
  CHECK(e->message == "syntax error at or near \"WHERE\"");
  e = parse_copy_options("(DELIMITER 'x", CopyDirection::from, o);
  REQUIRE(e);
  CHECK(e->message == "unterminated quoted string at or near \"'x\"");

  // Options built in code are checked the same way.
  CopyOptions direct;
  direct.format = CopyFormat::csv;
  direct.header = CopyHeader::match;
  e = validate_copy_options(direct, CopyDirection::to);
  REQUIRE(e);
  CHECK(e->code == "0A000");
  direct.header = CopyHeader::none;
  direct.quote = "é";
  e = validate_copy_options(direct, CopyDirection::to);
  REQUIRE(e);
  CHECK(e->message == "COPY quote must be a single one-byte character");
}

}  // namespace
}  // namespace pgwire::test
