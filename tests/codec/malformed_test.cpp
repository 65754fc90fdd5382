// Malformed input, table-driven: every truncation, trailing bytes, hostile
// counts and lengths, missing terminators. Each must give a codec error (and
// under ASan, no out-of-bounds read).

#include "support/codec_util.hpp"

using namespace pgwire;
using pgwire::test::hex;

namespace {

struct Sample {
  const char* name;
  std::string bytes;  // one complete encoded message
  bool open_ended;    // last field is "rest of the body": truncations are valid
  AuthResponseKind auth = AuthResponseKind::password;
};

std::vector<Sample> frontend_samples() {
  StartupMessage sm;
  sm.parameters = {{"user", "u"}, {"database", "d"}};
  sm.protocol_options = {{"_pq_.x", "1"}};
  return {
      {"StartupMessage", test::encoded(sm), false},
      {"CancelRequest", test::encoded(CancelRequest{1, "abcd"}), true},
      {"PasswordMessage", test::encoded(PasswordMessage{"pw"}), false},
      {"SASLInitialResponse", test::encoded(SASLInitialResponse{"SCRAM-SHA-256", "n,,n=,r=x"}),
       false, AuthResponseKind::sasl_initial},
      {"Query", test::encoded(Query{"SELECT 1"}), false},
      {"Parse", test::encoded(Parse{"s", "SELECT $1", {23, 0}}), false},
      {"Bind", test::encoded(Bind{"p", "s", {0, 1}, {"1", std::nullopt, "xy"}, {1}}), false},
      {"Describe", test::encoded(Describe{TargetKind::portal, "p"}), false},
      {"Execute", test::encoded(Execute{"p", 5}), false},
      {"Close", test::encoded(Close{TargetKind::statement, "s"}), false},
      {"CopyFail", test::encoded(CopyFail{"no"}), false},
      {"FunctionCall", test::encoded(FunctionCall{1, {1}, {"ab", std::nullopt}, 1}), false},
  };
}

std::vector<Sample> backend_samples() {
  ErrorResponse e;
  e.fields = {{'S', "ERROR"}, {'C', "42601"}, {'M', "syntax"}};
  CopyOutResponse co;
  co.format = 0;
  co.column_formats = {0, 0};
  return {
      {"AuthenticationOk", test::encoded(AuthenticationOk{}), false},
      {"AuthenticationMD5Password", test::encoded(AuthenticationMD5Password{{'a', 'b', 'c', 'd'}}),
       false},
      {"AuthenticationSASL", test::encoded(AuthenticationSASL{{"SCRAM-SHA-256"}}), false},
      {"BackendKeyData", test::encoded(BackendKeyData{1, "abcd"}), true},
      {"CommandComplete", test::encoded(CommandComplete{"SELECT 1"}), false},
      {"CopyOutResponse", test::encoded(co), false},
      {"DataRow", test::encoded(DataRow{{"1", std::nullopt, "abc"}}), false},
      {"ErrorResponse", test::encoded(e), false},
      {"FunctionCallResponse", test::encoded(FunctionCallResponse{"xyz"}), false},
      {"NegotiateProtocolVersion", test::encoded(NegotiateProtocolVersion{protocol_3_0, {"_pq_.a"}}), false},
      {"NotificationResponse", test::encoded(NotificationResponse{1, "c", "p"}), false},
      {"ParameterDescription", test::encoded(ParameterDescription{{23, 25}}), false},
      {"ParameterStatus", test::encoded(ParameterStatus{"a", "b"}), false},
      {"ReadyForQuery", test::encoded(ReadyForQuery{}), false},
      {"RowDescription",
       test::encoded(RowDescription{{{"a", 0, 0, 23, 4, -1, 0}, {"b", 0, 0, 25, -1, -1, 0}}}),
       false},
  };
}

// Re-frames a body with a corrected length header.
std::string reframe(const Sample& s, std::string_view body) {
  bool untyped = s.bytes[0] == 0;
  Buffer b;
  auto at = untyped ? b.begin_packet() : b.begin_message(s.bytes[0]);
  b.put_bytes(body);
  b.end_message(at);
  return std::string(b.view());
}

std::error_code decode_any(const Sample& s, std::string_view bytes, bool frontend) {
  bool untyped = bytes[0] == 0;
  FrameResult r = untyped ? parse_startup_frame(bytes)
                          : frontend ? parse_frontend_frame(bytes) : parse_backend_frame(bytes);
  if (r.error) return r.error;
  REQUIRE(r.complete());
  if (frontend) {
    FrontendMessage m;
    return decode_frontend(r.frame, m, s.auth);
  }
  BackendMessage m;
  return decode_backend(r.frame, m);
}

void check_truncations_and_trailing(const std::vector<Sample>& samples, bool frontend) {
  for (const auto& s : samples) {
    INFO(s.name);
    std::size_t header = s.bytes[0] == 0 ? 4 : 5;
    std::string_view body = std::string_view(s.bytes).substr(header);
    REQUIRE_FALSE(decode_any(s, s.bytes, frontend));
    // Body cut short at every byte, with the length header made consistent.
    for (std::size_t n = 0; n < body.size(); ++n) {
      std::string cut = reframe(s, body.substr(0, n));
      if (cut.size() < 8 && header == 4) continue;  // below the framing minimum: framing error
      std::error_code ec = decode_any(s, cut, frontend);
      INFO("truncated to " << n << " of " << body.size());
      if (!s.open_ended || n < 8) CHECK(ec);
    }
    // One byte too many.
    std::string longer = reframe(s, std::string(body) + "x");
    if (!s.open_ended) CHECK(decode_any(s, longer, frontend) == codec_errc::trailing_bytes);
    // Raw byte stream cut anywhere: framing asks for more, never errs or reads past.
    for (std::size_t n = 0; n < s.bytes.size(); ++n) {
      std::string_view part = std::string_view(s.bytes).substr(0, n);
      FrameResult r = header == 4 ? parse_startup_frame(part)
                                  : frontend ? parse_frontend_frame(part) : parse_backend_frame(part);
      CHECK_FALSE(r.error);
      CHECK_FALSE(r.complete());
    }
  }
}

}  // namespace

TEST_CASE("Frontend messages: every truncation and one extra byte are rejected") {
  check_truncations_and_trailing(frontend_samples(), true);
}

TEST_CASE("Backend messages: every truncation and one extra byte are rejected") {
  check_truncations_and_trailing(backend_samples(), false);
}

TEST_CASE("Hostile counts are checked against the bytes that remain") {
  struct Case {
    const char* name;
    char type;
    std::string body;
    codec_errc expected;
    bool frontend;
  };
  const std::vector<Case> cases = {
      // Parse announcing 65535 parameter types with none present.
      {"Parse count", 'P', std::string("\0\0", 2) + hex("ff ff"), codec_errc::invalid_count, true},
      {"Bind format count", 'B', std::string("\0\0", 2) + hex("ff ff"), codec_errc::invalid_count, true},
      {"Bind value count", 'B', std::string("\0\0", 2) + hex("00 00 7f ff 00 00 00 01"),
       codec_errc::invalid_count, true},
      {"Bind value length -2", 'B', std::string("\0\0", 2) + hex("00 00 00 01 ff ff ff fe 00 00"),
       codec_errc::invalid_count, true},
      {"Bind value length past end", 'B',
       std::string("\0\0", 2) + hex("00 00 00 01 7f ff ff ff 00 00"), codec_errc::truncated, true},
      {"FunctionCall arg count", 'F', hex("00 00 00 01 00 00 ff ff"), codec_errc::invalid_count, true},
      {"Describe bad target", 'D', std::string("X\0", 2), codec_errc::invalid_value, true},
      {"Close bad target", 'C', std::string("x\0", 2), codec_errc::invalid_value, true},
      {"Query without NUL", 'Q', "SELECT 1", codec_errc::missing_terminator, true},
      {"Parse name without NUL", 'P', "name", codec_errc::missing_terminator, true},
      {"Sync with a body", 'S', "x", codec_errc::trailing_bytes, true},
      {"DataRow count", 'D', hex("ff ff 00 00 00 01 41"), codec_errc::invalid_count, false},
      {"DataRow value -5", 'D', hex("00 01 ff ff ff fb"), codec_errc::invalid_count, false},
      {"DataRow value past end", 'D', hex("00 01 00 00 10 00 41"), codec_errc::truncated, false},
      {"RowDescription count", 'T', hex("01 00") + std::string(18, 'a'), codec_errc::invalid_count,
       false},
      {"ParameterDescription count", 't', hex("00 03 00 00 00 17"), codec_errc::invalid_count, false},
      {"CopyInResponse count", 'G', hex("00 00 05 00 00"), codec_errc::invalid_count, false},
      {"NegotiateProtocolVersion -1", 'v', hex("00 00 00 00 ff ff ff ff"), codec_errc::invalid_count,
       false},
      {"FunctionCallResponse -7", 'V', hex("ff ff ff f9"), codec_errc::invalid_count, false},
      {"AuthenticationSASL no final NUL", 'R', hex("00 00 00 0a") + "SCRAM",
       codec_errc::missing_terminator, false},
      {"CommandComplete without NUL", 'C', "SELECT", codec_errc::missing_terminator, false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    Frame f{c.type, c.body};
    std::error_code ec;
    if (c.frontend) {
      FrontendMessage m;
      ec = decode_frontend(f, m);
    } else {
      BackendMessage m;
      ec = decode_backend(f, m);
    }
    CHECK(ec == c.expected);
  }
}

TEST_CASE("Startup packets: missing terminators and bad layouts") {
  FrontendMessage m;
  // No final NUL after the last pair.
  CHECK(decode_startup_packet(hex("00 03 00 00") + std::string("user\0u\0", 7), m) ==
        codec_errc::missing_terminator);
  // Value without its NUL.
  CHECK(decode_startup_packet(hex("00 03 00 00") + std::string("user\0u", 6), m) ==
        codec_errc::missing_terminator);
  // Bytes after the final NUL.
  CHECK(decode_startup_packet(hex("00 03 00 00 00 78"), m) == codec_errc::trailing_bytes);
  // Just the version, no terminator at all.
  CHECK(decode_startup_packet(hex("00 03 00 00"), m) == codec_errc::missing_terminator);
  CHECK(decode_startup_packet(hex("00 03"), m) == codec_errc::truncated);
}

TEST_CASE("Error codes have a category and messages") {
  std::error_code ec = codec_errc::message_too_large;
  CHECK(std::string(ec.category().name()) == "pgwire.codec");
  CHECK(ec.message() == "message length exceeds the limit");
  for (int i = 1; i <= static_cast<int>(codec_errc::value_too_large); ++i)
    CHECK(make_error_code(static_cast<codec_errc>(i)).message() != "unknown codec error");
}
