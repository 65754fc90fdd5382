// The type catalog against the server's pg_type, and the message glue.

#include <fstream>
#include <sstream>

#include "pgwire/codec/error_info.hpp"
#include "types/types_util.hpp"

using namespace pgwire;
using pgwire::test::hex;

TEST_CASE("types: catalog matches PostgreSQL 15's pg_type") {
  std::ifstream f(pgwire::test::types_data_dir() / "pg_type.tsv");
  REQUIRE(f.good());
  std::string line;
  std::size_t rows = 0;
  while (std::getline(f, line)) {
    std::istringstream cols(line);
    Oid oid_ = 0, elem = 0, array = 0;
    std::string name, category;
    int len = 0;
    cols >> oid_ >> name >> len >> elem >> array >> category;
    INFO(line);
    const TypeInfo* t = find_type(oid_);
    REQUIRE(t != nullptr);
    CHECK(t->name == name);
    CHECK(t->typlen == len);
    CHECK(t->element == elem);
    CHECK(t->array == array);
    CHECK(std::string(1, t->category) == category);
    CHECK(find_type(name) == t);
    ++rows;
  }
  CHECK(rows == builtin_types().size());
  CHECK(type_size(oid::int4) == 4);
  CHECK(type_size(oid::name) == 64);
  CHECK(type_size(oid::uuid) == 16);
  CHECK(type_size(oid::text) == -1);
  CHECK(type_size(oid::unknown) == -2);
  CHECK(type_size(99999) == -1);
  CHECK(array_type_of(oid::int4) == oid::int4_array);
  CHECK(array_type_of(oid::jsonb) == oid::jsonb_array);
  CHECK(array_type_of(oid::void_) == 0);
  CHECK(element_type_of(oid::text_array) == oid::text);
  CHECK(element_type_of(oid::name) == 0);  // typelem 18, but not an array
  CHECK(type_name(oid::timestamptz) == "timestamptz");
  CHECK(type_name(oid::bool_array) == "_bool");
  CHECK(type_name(1) == "");
  CHECK(find_type("nope") == nullptr);
}

TEST_CASE("types: format dispatch and DataRow fields") {
  Buffer b;
  encode_value(std::int32_t{42}, format_text, b);
  CHECK(b.view() == "42");
  b.clear();
  encode_value(std::int32_t{42}, format_binary, b);
  CHECK(pgwire::test::Bytes(std::string(b.view())) == hex("0000002a"));
  b.clear();
  encode_value(true, FormatCode{2}, b);
  CHECK(b.error() == type_errc::unsupported_format);

  Numeric n;
  std::string storage;
  CHECK_FALSE(decode_value("1e2", format_text, n, storage));
  CHECK(n.text == "100");
  std::int16_t i = 0;
  CHECK_FALSE(decode_value(hex("0007").s, format_binary, i));
  CHECK(i == 7);
  CHECK(decode_value("7", FormatCode{3}, i) == type_errc::unsupported_format);
  Inet in;
  CHECK(decode_value("10.1.0.0/8", format_text, in, oid::cidr) == type_errc::invalid_text);

  // A row written field by field decodes as the codec's DataRow.
  Buffer out;
  {
    DataRowWriter row(out);
    write_field(row, out, std::int32_t{42});
    write_field(row, out, Date{0}, format_binary);
    write_field(row, out, std::optional<std::string_view>{});
    write_field(row, out, std::optional<Numeric>{Numeric{"1.50"}}, format_text);
    row.finish();
  }
  REQUIRE_FALSE(out.error());
  FrameResult fr = parse_backend_frame(out.view());
  REQUIRE(fr.complete());
  BackendMessage m;
  REQUIRE_FALSE(decode_backend(fr.frame, m));
  DataRow expected{{std::string_view("42"), std::string_view("\0\0\0\0", 4), std::nullopt, std::string_view("1.50")}};
  CHECK(std::get<DataRow>(m) == expected);

  // TypedRowWriter: Bind's result-format rules.
  using Values = std::vector<std::optional<std::string>>;
  auto row_with = [](std::vector<FormatCode> formats, std::error_code& ec) {
    Buffer o;
    TypedRowWriter row(o, formats);
    row.add(std::int16_t{1}).add_null().add(std::string_view("x"));
    row.finish();
    ec = o.error();
    BackendMessage msg;
    REQUIRE_FALSE(decode_backend(parse_backend_frame(o.view()).frame, msg));
    Values values;  // copied: the views die with the buffer
    for (const Value& v : std::get<DataRow>(msg).values) {
      values.push_back(v ? std::optional<std::string>(std::string(*v)) : std::nullopt);
    }
    return values;
  };
  std::error_code ec;
  CHECK(row_with({}, ec) == Values{"1", std::nullopt, "x"});
  CHECK_FALSE(ec);
  CHECK(row_with({format_binary}, ec) == Values{std::string("\0\1", 2), std::nullopt, "x"});
  CHECK(row_with({format_binary, format_text, format_text}, ec) == Values{std::string("\0\1", 2), std::nullopt, "x"});
  CHECK_FALSE(ec);
  row_with({format_text, format_text}, ec);
  CHECK(ec == type_errc::unsupported_format);

  std::vector<FormatCode> none, one{format_binary}, each{format_text, format_binary};
  CHECK(format_for(none, 5) == format_text);
  CHECK(format_for(one, 5) == format_binary);
  CHECK(format_for(each, 1) == format_binary);
  CHECK(format_for(each, 2) == FormatCode{-1});

  FieldDescription fd = field_description("n", oid::int8, format_binary);
  CHECK(fd.name == "n");
  CHECK(fd.type_oid == oid::int8);
  CHECK(fd.type_size == 8);
  CHECK(fd.type_modifier == -1);
  CHECK(fd.format == format_binary);
  CHECK(fd.table_oid == 0);
}

TEST_CASE("types: error category and SQLSTATEs") {
  std::error_code ec = type_errc::invalid_text;
  CHECK(ec.category().name() == std::string("pgwire.types"));
  CHECK(ec.message() == "invalid input syntax for the type");
  CHECK(type_error_sqlstate(ec) == "22P02");
  CHECK(type_error_sqlstate(type_errc::datetime_out_of_range) == "22008");
  CHECK(type_error_sqlstate(type_errc::too_many_dimensions) == "54000");
  CHECK(type_error_sqlstate(type_errc::invalid_datetime_format) == sqlstate::invalid_datetime_format);
  CHECK(type_error_sqlstate(type_errc::datetime_field_overflow) == sqlstate::datetime_field_overflow);
  CHECK(type_error_sqlstate(type_errc::time_zone_out_of_range) == sqlstate::invalid_time_zone_displacement_value);
  CHECK(type_error_sqlstate(type_errc::interval_field_overflow) == sqlstate::interval_field_overflow);
  CHECK(type_error_sqlstate(type_errc::malformed_array) == sqlstate::invalid_text_representation);
  CHECK(type_error_sqlstate(type_errc::array_bounds) == sqlstate::array_subscript_error);
  CHECK(type_error_sqlstate(type_errc::invalid_hex_digit) == sqlstate::invalid_parameter_value);
  CHECK(type_error_sqlstate(type_errc::insufficient_data) == sqlstate::protocol_violation);
  CHECK(type_error_sqlstate(type_errc::name_too_long) == sqlstate::name_too_long);
  CHECK(type_error_sqlstate(codec_errc::truncated).empty());
  for (int e = 1; e <= static_cast<int>(type_errc::name_too_long); ++e) {
    std::error_code c = static_cast<type_errc>(e);
    CHECK(c.message() != "unknown type error");
    CHECK(type_error_sqlstate(c).size() == 5);
  }
}

TEST_CASE("types: encoding into a reserved buffer does not reallocate") {
  Buffer b(4096);
  const char* data = b.data();
  DataRowWriter row(b);
  write_field(row, b, std::int64_t{-9223372036854775807 - 1});
  write_field(row, b, 1.7976931348623157e308);
  write_field(row, b, Numeric{"-12345.678900"});
  write_field(row, b, Numeric{" 1e3 "});
  write_field(row, b, TimestampTz{1234567890123});
  write_field(row, b, Interval{-1, -2, -3});
  write_field(row, b, Uuid{});
  write_field(row, b, Inet{Inet::Family::v6, 64, {0x20, 0x01, 0x0d, 0xb8}, false});
  std::vector<std::optional<std::string_view>> arr{"a b", std::nullopt, "c\"d"};
  write_field(row, b, ArrayRef(arr));
  row.finish();
  CHECK_FALSE(b.error());
  CHECK(b.data() == data);
}

TEST_CASE("types: SQL type names resolve to OIDs as PostgreSQL's grammar does") {
  CHECK(type_from_sql_name("int4") == oid::int4);
  CHECK(type_from_sql_name("INTEGER") == oid::int4);
  CHECK(type_from_sql_name("Int") == oid::int4);
  CHECK(type_from_sql_name("smallint") == oid::int2);
  CHECK(type_from_sql_name("BIGINT") == oid::int8);
  CHECK(type_from_sql_name("real") == oid::float4);
  CHECK(type_from_sql_name("float") == oid::float8);
  CHECK(type_from_sql_name("double   precision") == oid::float8);
  CHECK(type_from_sql_name("NUMERIC(10, 2)") == oid::numeric);
  CHECK(type_from_sql_name("decimal") == oid::numeric);
  CHECK(type_from_sql_name("boolean") == oid::bool_);
  CHECK(type_from_sql_name("character varying(20)") == oid::varchar);
  CHECK(type_from_sql_name("VARCHAR(40)") == oid::varchar);
  CHECK(type_from_sql_name("char(3)") == oid::bpchar);
  CHECK(type_from_sql_name("\"char\"") == oid::char_);
  CHECK(type_from_sql_name("timestamp with time zone") == oid::timestamptz);
  CHECK(type_from_sql_name("TIMESTAMP WITHOUT TIME ZONE") == oid::timestamp);
  CHECK(type_from_sql_name("timestamp(3)") == oid::timestamp);
  CHECK(type_from_sql_name("time with time zone") == oid::timetz);
  CHECK(type_from_sql_name("timetz") == oid::timetz);
  CHECK(type_from_sql_name("jsonb") == oid::jsonb);
  CHECK(type_from_sql_name("_int4") == oid::int4_array);
  CHECK(type_from_sql_name("int[]") == oid::int4_array);
  CHECK(type_from_sql_name("integer[3]") == oid::int4_array);
  CHECK(type_from_sql_name("text[][]") == oid::text_array);
  CHECK(type_from_sql_name("numeric(10,2)[]") == oid::numeric_array);
  CHECK(type_from_sql_name("_text[]") == oid::text_array);
  CHECK(type_from_sql_name("uuid") == oid::uuid);
  // Not built-in or malformed: 0, never a guess.
  CHECK(type_from_sql_name("") == 0);
  CHECK(type_from_sql_name("regclass") == 0);
  CHECK(type_from_sql_name("unknown") == 0);
  CHECK(type_from_sql_name("void") == 0);
  CHECK(type_from_sql_name("int4(") == 0);
  CHECK(type_from_sql_name("int4[") == 0);
  CHECK(type_from_sql_name("int4[] x") == 0);
  CHECK(type_from_sql_name("\"int4") == 0);
  CHECK(type_from_sql_name(std::string(200, 'a')) == 0);
}
