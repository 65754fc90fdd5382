// Frontend messages: round trip through encode -> frame -> decode, and the
// exact bytes from the protocol specification (protocol-message-formats).

#include "support/codec_util.hpp"

using namespace pgwire;
using pgwire::test::hex;

TEST_CASE("StartupMessage keeps _pq_ options apart") {
  StartupMessage m;
  m.version = protocol_3_2;
  m.parameters = {{"user", "bob"}, {"database", "db"}};
  m.protocol_options = {{"_pq_.compression", "on"}};
  test::Bytes bytes = test::frontend_round_trip(m);
  CHECK(bytes == hex("00 00 00 32 00 03 00 02") + std::string("user\0bob\0database\0db\0", 21) +
                     std::string("_pq_.compression\0on\0\0", 21));
  FrontendMessage out;
  REQUIRE_FALSE(decode_startup_packet(std::string_view(bytes).substr(4), out));
  auto& s = std::get<StartupMessage>(out);
  CHECK(s.parameter("user") == "bob");
  CHECK_FALSE(s.parameter("_pq_.compression"));
  CHECK_FALSE(s.parameter("options"));
}

TEST_CASE("StartupMessage: later duplicate parameter wins") {
  std::string body = hex("00 03 00 00") + std::string("user\0a\0user\0b\0\0", 15);
  FrontendMessage out;
  REQUIRE_FALSE(decode_startup_packet(body, out));
  CHECK(std::get<StartupMessage>(out).parameter("user") == "b");
}

TEST_CASE("StartupMessage with another major version reports it") {
  FrontendMessage out;
  CHECK(decode_startup_packet(hex("00 02 00 00 00"), out) == codec_errc::unsupported_protocol);
  CHECK(std::get<StartupMessage>(out).version == ProtocolVersion{2, 0});
  CHECK(decode_startup_packet(hex("04 d2 16 31"), out) == codec_errc::unsupported_protocol);
}

TEST_CASE("SSLRequest, GSSENCRequest, CancelRequest") {
  CHECK(test::frontend_round_trip(SSLRequest{}) == hex("00 00 00 08 04 d2 16 2f"));
  CHECK(test::frontend_round_trip(GSSENCRequest{}) == hex("00 00 00 08 04 d2 16 30"));
  CHECK(test::frontend_round_trip(CancelRequest{1234, hex("01 02 03 04")}) ==
        hex("00 00 00 10 04 d2 16 2e 00 00 04 d2 01 02 03 04"));
  // Protocol 3.2: a 32-byte key.
  std::string key(32, '\x7f');
  std::string bytes = test::frontend_round_trip(CancelRequest{7, key});
  CHECK(bytes.size() == 16 + 28);
  // Keys shorter than 4 or longer than 256 bytes are invalid.
  FrontendMessage out;
  CHECK(decode_startup_packet(hex("04 d2 16 2e 00 00 00 01 aa bb cc"), out) ==
        codec_errc::invalid_value);
  CHECK(decode_startup_packet(hex("04 d2 16 2e 00 00 00 01") + std::string(257, 'k'), out) ==
        codec_errc::invalid_value);
  CHECK(decode_startup_packet(hex("04 d2 16 2f 00"), out) == codec_errc::trailing_bytes);
}

TEST_CASE("Authentication responses share type byte p") {
  CHECK(test::frontend_round_trip(PasswordMessage{"secret"}) ==
        hex("70 00 00 00 0b") + std::string("secret\0", 7));
  CHECK(test::frontend_round_trip(SASLInitialResponse{"SCRAM-SHA-256", "n,,n=,r=abc"},
                                  AuthResponseKind::sasl_initial) ==
        hex("70 00 00 00 21") + std::string("SCRAM-SHA-256\0", 14) + hex("00 00 00 0b") +
            "n,,n=,r=abc");
  CHECK(test::frontend_round_trip(SASLInitialResponse{"X", std::nullopt},
                                  AuthResponseKind::sasl_initial) ==
        hex("70 00 00 00 0a 58 00 ff ff ff ff"));
  CHECK(test::frontend_round_trip(SASLResponse{"c=biws,r=x,p=y"}, AuthResponseKind::sasl) ==
        hex("70 00 00 00 12") + "c=biws,r=x,p=y");
  CHECK(test::frontend_round_trip(GSSResponse{std::string_view("\0\1\2", 3)},
                                  AuthResponseKind::gss) == hex("70 00 00 00 07 00 01 02"));
}

TEST_CASE("Query") {
  CHECK(test::frontend_round_trip(Query{"SELECT 1"}) ==
        hex("51 00 00 00 0d") + std::string("SELECT 1\0", 9));
  CHECK(test::frontend_round_trip(Query{""}) == hex("51 00 00 00 05 00"));
}

TEST_CASE("Parse") {
  CHECK(test::frontend_round_trip(Parse{"s1", "SELECT $1", {23}}) ==
        hex("50 00 00 00 17") + std::string("s1\0SELECT $1\0", 13) + hex("00 01 00 00 00 17"));
  test::frontend_round_trip(Parse{"", "SELECT 1", {}});
  test::frontend_round_trip(Parse{"", "x", {0, 25, 0}});  // 0 = infer
}

TEST_CASE("Bind") {
  Bind b{"p", "s", {0, 1}, {"42", std::nullopt, std::string_view("\0\0\0\1", 4)}, {1}};
  CHECK(test::frontend_round_trip(b) ==
        hex("42 00 00 00 26 70 00 73 00 00 02 00 00 00 01 00 03 00 00 00 02 34 32 ff ff ff ff "
            "00 00 00 04 00 00 00 01 00 01 00 01"));
  test::frontend_round_trip(Bind{});
  Bind empty_value{"", "", {}, {std::string_view{}}, {}};
  test::frontend_round_trip(empty_value);  // empty string is not NULL
}

TEST_CASE("Bind decoded over an earlier Bind keeps nothing of it") {
  // The session's engine decodes each Bind into the previous one's storage.
  Bind first{"p", "s", {0, 1}, {"42", std::nullopt}, {1, 0}};
  Bind second{"", "t", {}, {}, {1}};
  FrontendMessage message = Bind{};
  for (const Bind& b : {first, second}) {
    std::string bytes = test::encoded(b).s;
    FrameResult fr = parse_frontend_frame(bytes);
    REQUIRE_FALSE(fr.error);
    REQUIRE_FALSE(decode_frontend(fr.frame, message));
    CHECK(std::get<Bind>(message) == b);
  }
}

TEST_CASE("Describe, Execute, Close, Sync, Flush, Terminate") {
  CHECK(test::frontend_round_trip(Describe{TargetKind::statement, "s1"}) ==
        hex("44 00 00 00 08 53 73 31 00"));
  CHECK(test::frontend_round_trip(Describe{TargetKind::portal, ""}) == hex("44 00 00 00 06 50 00"));
  CHECK(test::frontend_round_trip(Execute{"", 0}) == hex("45 00 00 00 09 00 00 00 00 00"));
  CHECK(test::frontend_round_trip(Execute{"p", 100}) == hex("45 00 00 00 0a 70 00 00 00 00 64"));
  CHECK(test::frontend_round_trip(Close{TargetKind::portal, "p"}) == hex("43 00 00 00 07 50 70 00"));
  CHECK(test::frontend_round_trip(Close{TargetKind::statement, ""}) == hex("43 00 00 00 06 53 00"));
  CHECK(test::frontend_round_trip(Sync{}) == hex("53 00 00 00 04"));
  CHECK(test::frontend_round_trip(Flush{}) == hex("48 00 00 00 04"));
  CHECK(test::frontend_round_trip(Terminate{}) == hex("58 00 00 00 04"));
}

TEST_CASE("COPY from the client") {
  CHECK(test::frontend_round_trip(CopyData{"1\tone\n"}) == hex("64 00 00 00 0a") + "1\tone\n");
  CHECK(test::frontend_round_trip(CopyData{""}) == hex("64 00 00 00 04"));
  CHECK(test::frontend_round_trip(CopyDone{}) == hex("63 00 00 00 04"));
  CHECK(test::frontend_round_trip(CopyFail{"boom"}) == hex("66 00 00 00 09 62 6f 6f 6d 00"));
}

TEST_CASE("FunctionCall") {
  FunctionCall f{764, {1}, {std::string_view("\0\0\0\x05", 4), std::nullopt}, 1};
  CHECK(test::frontend_round_trip(f) ==
        hex("46 00 00 00 1c 00 00 02 fc 00 01 00 01 00 02 00 00 00 04 00 00 00 05 ff ff ff ff 00 01"));
}

TEST_CASE("message_type and encode(variant)") {
  FrontendMessage m = Query{"x"};
  CHECK(message_type(m) == 'Q');
  Buffer b;
  encode(m, b);
  CHECK(b.view() == test::encoded(Query{"x"}));
  CHECK(message_type(FrontendMessage{SSLRequest{}}) == 0);
}

TEST_CASE("Encoding refuses what would corrupt framing") {
  Buffer b;
  encode(Query{std::string_view("a\0b", 3)}, b);
  CHECK(b.error() == codec_errc::embedded_nul);
  Buffer c;
  Parse p{"", "x", std::vector<Oid>(70000, 0)};
  encode(p, c);
  CHECK(c.error() == codec_errc::value_too_large);
}
