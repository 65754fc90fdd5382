// Backend messages: round trip and exact bytes from the specification.

#include "support/codec_util.hpp"

using namespace pgwire;
using pgwire::test::hex;

TEST_CASE("Authentication requests") {
  CHECK(test::backend_round_trip(AuthenticationOk{}) == hex("52 00 00 00 08 00 00 00 00"));
  CHECK(test::backend_round_trip(AuthenticationKerberosV5{}) == hex("52 00 00 00 08 00 00 00 02"));
  CHECK(test::backend_round_trip(AuthenticationCleartextPassword{}) ==
        hex("52 00 00 00 08 00 00 00 03"));
  CHECK(test::backend_round_trip(AuthenticationMD5Password{{'a', 'b', 'c', '\xff'}}) ==
        hex("52 00 00 00 0c 00 00 00 05 61 62 63 ff"));
  CHECK(test::backend_round_trip(AuthenticationGSS{}) == hex("52 00 00 00 08 00 00 00 07"));
  CHECK(test::backend_round_trip(AuthenticationGSSContinue{"tok"}) ==
        hex("52 00 00 00 0b 00 00 00 08 74 6f 6b"));
  CHECK(test::backend_round_trip(AuthenticationSSPI{}) == hex("52 00 00 00 08 00 00 00 09"));
  CHECK(test::backend_round_trip(AuthenticationSASL{{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}}) ==
        hex("52 00 00 00 2a 00 00 00 0a") + std::string("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0", 34));
  CHECK(test::backend_round_trip(AuthenticationSASLContinue{"r=x,s=y,i=4096"}) ==
        hex("52 00 00 00 16 00 00 00 0b") + "r=x,s=y,i=4096");
  CHECK(test::backend_round_trip(AuthenticationSASLFinal{"v=abc"}) ==
        hex("52 00 00 00 0d 00 00 00 0c") + "v=abc");
}

TEST_CASE("Unknown authentication subtype") {
  BackendMessage out;
  CHECK(decode_backend(Frame{'R', hex("00 00 00 63")}, out) == codec_errc::unknown_request_code);
}

TEST_CASE("BackendKeyData: 4-byte key (3.0) and 32-byte key (3.2)") {
  CHECK(test::backend_round_trip(BackendKeyData{42, hex("de ad be ef")}) ==
        hex("4b 00 00 00 0c 00 00 00 2a de ad be ef"));
  std::string key(32, 'k');
  CHECK(test::backend_round_trip(BackendKeyData{42, key}).size() == 9 + 32);
  BackendMessage out;
  CHECK(decode_backend(Frame{'K', hex("00 00 00 01 aa")}, out) == codec_errc::invalid_value);
}

TEST_CASE("Empty-bodied messages") {
  CHECK(test::backend_round_trip(BindComplete{}) == hex("32 00 00 00 04"));
  CHECK(test::backend_round_trip(CloseComplete{}) == hex("33 00 00 00 04"));
  CHECK(test::backend_round_trip(ParseComplete{}) == hex("31 00 00 00 04"));
  CHECK(test::backend_round_trip(NoData{}) == hex("6e 00 00 00 04"));
  CHECK(test::backend_round_trip(PortalSuspended{}) == hex("73 00 00 00 04"));
  CHECK(test::backend_round_trip(EmptyQueryResponse{}) == hex("49 00 00 00 04"));
  CHECK(test::backend_round_trip(CopyDone{}) == hex("63 00 00 00 04"));
  BackendMessage out;
  CHECK(decode_backend(Frame{'2', "x"}, out) == codec_errc::trailing_bytes);
}

TEST_CASE("CommandComplete, ReadyForQuery, ParameterStatus") {
  CHECK(test::backend_round_trip(CommandComplete{"INSERT 0 1"}) ==
        hex("43 00 00 00 0f") + std::string("INSERT 0 1\0", 11));
  CHECK(test::backend_round_trip(ReadyForQuery{TransactionStatus::idle}) == hex("5a 00 00 00 05 49"));
  CHECK(test::backend_round_trip(ReadyForQuery{TransactionStatus::in_transaction}) ==
        hex("5a 00 00 00 05 54"));
  CHECK(test::backend_round_trip(ReadyForQuery{TransactionStatus::failed}) ==
        hex("5a 00 00 00 05 45"));
  BackendMessage out;
  CHECK(decode_backend(Frame{'Z', "X"}, out) == codec_errc::invalid_value);
  CHECK(test::backend_round_trip(ParameterStatus{"client_encoding", "UTF8"}) ==
        hex("53 00 00 00 19") + std::string("client_encoding\0UTF8\0", 21));
}

TEST_CASE("Copy responses") {
  CopyInResponse in;
  in.format = 0;
  in.column_formats = {0, 0};
  CHECK(test::backend_round_trip(in) == hex("47 00 00 00 0b 00 00 02 00 00 00 00"));
  CopyOutResponse out_resp;
  out_resp.format = 1;
  out_resp.column_formats = {1};
  CHECK(test::backend_round_trip(out_resp) == hex("48 00 00 00 09 01 00 01 00 01"));
  CopyBothResponse both;
  CHECK(test::backend_round_trip(both) == hex("57 00 00 00 07 00 00 00"));
  CHECK(test::backend_round_trip(CopyData{"abc"}) == hex("64 00 00 00 07 61 62 63"));
}

TEST_CASE("DataRow with NULL, empty and binary values") {
  DataRow row{{"1", std::nullopt, std::string_view{}, std::string_view("\0\xff", 2)}};
  CHECK(test::backend_round_trip(row) ==
        hex("44 00 00 00 19 00 04 00 00 00 01 31 ff ff ff ff 00 00 00 00 00 00 00 02 00 ff"));
  CHECK(test::backend_round_trip(DataRow{}) == hex("44 00 00 00 06 00 00"));
}

TEST_CASE("decode_data_row reuses its vector and checks the body, data_row_width reads only the count") {
  Buffer b;
  encode(DataRow{{"42", std::nullopt, ""}}, b);
  std::string_view body = b.view().substr(5);
  std::vector<Value> values{"stale", "stale", "stale", "stale"};
  REQUIRE_FALSE(decode_data_row(body, values));
  CHECK(values == std::vector<Value>{"42", std::nullopt, std::string_view{}});
  CHECK(data_row_width(body) == std::optional<std::uint16_t>(3));
  CHECK(data_row_width(body.substr(0, 1)) == std::nullopt);
  // Cut short, a count too large for the bytes, or bytes left over: errors.
  CHECK(decode_data_row(body.substr(0, body.size() - 1), values));
  CHECK(decode_data_row(hex("00 02 00 00 00 00"), values));
  CHECK(decode_data_row(std::string(body) + "x", values));
  CHECK(decode_data_row(hex("00 01 ff ff ff fe"), values));  // a length below -1
}

TEST_CASE("DataRowWriter matches encode(DataRow) and writes values in place") {
  Buffer a, b;
  encode(DataRow{{"42", std::nullopt, "x"}}, a);
  DataRowWriter w(b);
  w.begin_value();
  b.put_bytes("4");
  b.put_bytes("2");
  w.end_value();
  w.add_null();
  w.add(std::string_view("x"));
  w.finish();
  CHECK(a.view() == b.view());
}

TEST_CASE("DataRowWriter does not allocate once the buffer has grown") {
  Buffer b;
  b.reserve(1 << 16);
  const char* before = b.data();
  std::size_t cap = b.capacity();
  for (int i = 0; i < 100; ++i) {
    b.clear();
    DataRowWriter w(b);
    for (int c = 0; c < 20; ++c) w.add(std::string_view("some field value"));
    w.finish();
  }
  CHECK(b.data() == before);
  CHECK(b.capacity() == cap);
}

TEST_CASE("ErrorResponse and NoticeResponse carry every field") {
  ErrorResponse e;
  e.fields = {{field::severity, "ERROR"},     {field::severity_nonlocalized, "ERROR"},
              {field::sqlstate, "23505"},      {field::message, "duplicate key"},
              {field::detail, "Key (id)=(1)"}, {field::hint, "h"},
              {field::position, "8"},          {field::internal_position, "2"},
              {field::internal_query, "q"},    {field::where, "w"},
              {field::schema_name, "public"},  {field::table_name, "t"},
              {field::column_name, "id"},      {field::data_type_name, "int4"},
              {field::constraint_name, "t_pkey"}, {field::file, "nbtinsert.c"},
              {field::line, "664"},            {field::routine, "_bt_check_unique"}};
  test::backend_round_trip(e);
  CHECK(e.get(field::sqlstate) == "23505");
  CHECK(e.get('Z').empty());
  NoticeResponse n;
  n.fields = {{field::severity, "NOTICE"}, {field::sqlstate, "00000"}, {field::message, "hi"}};
  CHECK(test::backend_round_trip(n) ==
        hex("4e 00 00 00 18") + std::string("SNOTICE\0C00000\0Mhi\0\0", 20) );
  BackendMessage out;
  CHECK(decode_backend(Frame{'E', std::string_view("SERROR\0", 7)}, out) ==
        codec_errc::truncated);  // no final NUL
}

TEST_CASE("FunctionCallResponse, NegotiateProtocolVersion, NotificationResponse") {
  CHECK(test::backend_round_trip(FunctionCallResponse{hex("00 00 00 01")}) ==
        hex("56 00 00 00 0c 00 00 00 04 00 00 00 01"));
  CHECK(test::backend_round_trip(FunctionCallResponse{std::nullopt}) ==
        hex("56 00 00 00 08 ff ff ff ff"));
  CHECK(test::backend_round_trip(NegotiateProtocolVersion{protocol_3_2, {"_pq_.a", "_pq_.b"}}) ==
        hex("76 00 00 00 1a 00 03 00 02 00 00 00 02") + std::string("_pq_.a\0_pq_.b\0", 14));
  CHECK(test::backend_round_trip(NotificationResponse{77, "chan", "pay"}) ==
        hex("41 00 00 00 11 00 00 00 4d") + std::string("chan\0pay\0", 9));
  BackendMessage out;
  CHECK(decode_backend(Frame{'v', hex("00 00 00 00 7f ff ff ff")}, out) ==
        codec_errc::invalid_count);
  CHECK(decode_backend(Frame{'v', hex("00 00 00 00 ff ff ff ff")}, out) ==
        codec_errc::invalid_count);
}

TEST_CASE("ParameterDescription and RowDescription") {
  CHECK(test::backend_round_trip(ParameterDescription{{23, 25}}) ==
        hex("74 00 00 00 0e 00 02 00 00 00 17 00 00 00 19"));
  RowDescription rd{{{"id", 16384, 1, 23, 4, -1, 0}, {"?column?", 0, 0, 25, -1, -1, 1}}};
  CHECK(test::backend_round_trip(rd) ==
        hex("54 00 00 00 36 00 02 69 64 00 00 00 40 00 00 01 00 00 00 17 00 04 ff ff ff ff 00 00") +
            std::string("?column?\0", 9) + hex("00 00 00 00 00 00 00 00 00 19 ff ff ff ff ff ff 00 01"));
}

TEST_CASE("SSL and GSS one-byte answers") {
  CHECK(test::encoded(SSLResponse{true}) == "S");
  CHECK(test::encoded(SSLResponse{false}) == "N");
  CHECK(test::encoded(GSSENCResponse{true}) == "G");
  CHECK(test::encoded(GSSENCResponse{false}) == "N");
  SSLResponse s;
  CHECK_FALSE(decode_ssl_response('S', s));
  CHECK(s.accepted);
  CHECK(decode_ssl_response('E', s) == codec_errc::invalid_value);
  GSSENCResponse g;
  CHECK_FALSE(decode_gssenc_response('N', g));
  CHECK_FALSE(g.accepted);
  CHECK(decode_gssenc_response('S', g) == codec_errc::invalid_value);
}

TEST_CASE("Buffer gives back a large allocation once empty") {
  Buffer b;
  b.put_bytes(std::string(4 << 20, 'x'));
  b.shrink_if_empty(1 << 20);
  CHECK(b.capacity() >= (4u << 20));  // not empty: kept
  b.clear();
  b.shrink_if_empty(1 << 20);
  CHECK(b.capacity() == 0);
  b.put_bytes("ok");
  CHECK(b.view() == "ok");
}
