// Framing: incremental input, limits checked before bodies are awaited.

#include "support/codec_util.hpp"

using namespace pgwire;
using pgwire::test::hex;

TEST_CASE("Typed frames: header first, then the whole frame") {
  std::string q = test::encoded(Query{"SELECT 1"}).s;
  for (std::size_t n = 0; n < q.size(); ++n) {
    FrameResult r = parse_frontend_frame(std::string_view(q).substr(0, n));
    REQUIRE_FALSE(r.error);
    REQUIRE_FALSE(r.complete());
    CHECK(r.needed == (n < 5 ? 5 : q.size()));
  }
  std::string with_more = q + "trailing";
  FrameResult r = parse_frontend_frame(with_more);
  REQUIRE(r.complete());
  CHECK(r.size == q.size());
  CHECK(r.frame.type == 'Q');
  CHECK(r.frame.body == std::string_view("SELECT 1\0", 9));
}

TEST_CASE("Startup frames: PostgreSQL's length rules") {
  std::string s = test::encoded(SSLRequest{});
  CHECK(parse_startup_frame(s.substr(0, 3)).needed == 4);
  CHECK(parse_startup_frame(s.substr(0, 7)).needed == 8);
  FrameResult r = parse_startup_frame(s);
  REQUIRE(r.complete());
  CHECK(r.frame.type == 0);
  CHECK(r.frame.body.size() == 4);
  // The body must hold the request code, and stay within 10000 bytes.
  CHECK(parse_startup_frame(hex("00 00 00 07 00 00 00")).error == codec_errc::invalid_length);
  CHECK(parse_startup_frame(hex("00 00 00 00")).error == codec_errc::invalid_length);
  CHECK(parse_startup_frame(hex("00 00 27 14")).needed == 10004);
  CHECK(parse_startup_frame(hex("00 00 27 15")).error == codec_errc::message_too_large);
  CHECK(parse_startup_frame(hex("ff ff ff ff")).error == codec_errc::message_too_large);
  FrameLimits small;
  small.max_startup_packet = 100;
  CHECK(parse_startup_frame(hex("00 00 00 69"), small).error == codec_errc::message_too_large);
}

TEST_CASE("Type byte is judged before the length") {
  // Unknown type: error at once, even with no length yet.
  CHECK(parse_frontend_frame("Z").error == codec_errc::unknown_message_type);
  CHECK(parse_frontend_frame(hex("00")).error == codec_errc::unknown_message_type);
  CHECK(parse_backend_frame("Q").error == codec_errc::unknown_message_type);
  // Backend-only types are unknown from a client and vice versa.
  CHECK(parse_frontend_frame(hex("5a 00 00 00 05 49")).error == codec_errc::unknown_message_type);
  CHECK(parse_backend_frame(hex("70 00 00 00 04")).error == codec_errc::unknown_message_type);
  for (char t : std::string("pQPBDESHCdcfFX")) CHECK(is_frontend_type(t));
  for (char t : std::string("RK123CGHWdcDIEVvnNAtSsZT")) CHECK(is_backend_type(t));
}

TEST_CASE("Per-type limits follow PostgreSQL") {
  // Length < 4 is invalid.
  CHECK(parse_frontend_frame(hex("53 00 00 00 03")).error == codec_errc::invalid_length);
  CHECK(parse_frontend_frame(hex("53 80 00 00 00")).error == codec_errc::message_too_large);
  // Small messages: 10000.
  CHECK(parse_frontend_frame(hex("53 00 00 27 10")).needed == 10001);
  CHECK(parse_frontend_frame(hex("53 00 00 27 11")).error == codec_errc::message_too_large);
  CHECK(parse_frontend_frame(hex("45 00 00 27 11")).error == codec_errc::message_too_large);
  // Large messages (Q P B F d): up to 0x3FFFFFFE, announced but never allocated.
  for (char t : std::string("QPBFd")) {
    std::string h = std::string(1, t) + hex("3f ff ff fe");
    CHECK(parse_frontend_frame(h).needed == 0x3FFFFFFFu);
    CHECK(parse_frontend_frame(std::string(1, t) + hex("3f ff ff ff")).error ==
          codec_errc::message_too_large);
  }
  // Authentication responses: 65535.
  CHECK(parse_frontend_frame(hex("70 00 00 ff ff")).needed == 65536);
  CHECK(parse_frontend_frame(hex("70 00 01 00 00")).error == codec_errc::message_too_large);
  // Backend side uses libpq's rule: 30000 except T D d V E N A.
  CHECK(parse_backend_frame(hex("74 00 00 75 30")).needed == 30001);
  CHECK(parse_backend_frame(hex("74 00 00 75 31")).error == codec_errc::message_too_large);
  CHECK(parse_backend_frame(hex("44 00 10 00 00")).needed == 0x100001);
  FrameLimits tight;
  tight.max_large_message = 100;
  CHECK(parse_frontend_frame(hex("51 00 00 00 65"), tight).error == codec_errc::message_too_large);
}

TEST_CASE("FrameBuffer: any split of a pipelined stream yields the same frames") {
  std::string stream = test::encoded(Parse{"", "SELECT $1", {23}}) +
                       test::encoded(Bind{"", "", {}, {"1"}, {}}) +
                       test::encoded(Execute{"", 0}) + test::encoded(Sync{});
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    FrameBuffer fb;
    std::string types;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      fb.append(std::string_view(stream).substr(at, chunk));
      for (;;) {
        FrameResult r = parse_frontend_frame(fb.pending());
        REQUIRE_FALSE(r.error);
        if (!r.complete()) break;
        FrontendMessage m;
        REQUIRE_FALSE(decode_frontend(r.frame, m));
        types.push_back(message_type(m));
        fb.consume(r.size);
      }
    }
    CHECK(types == "PBES");
    CHECK(fb.pending().empty());
  }
}

TEST_CASE("FrameBuffer grows only to what one frame and one read need") {
  FrameBuffer fb;
  std::string big = test::encoded(Query{std::string(100000, 'x')});
  for (std::size_t at = 0; at < big.size(); at += 4096) {
    auto space = fb.prepare(4096);
    std::size_t n = std::min<std::size_t>(4096, big.size() - at);
    std::memcpy(space.data(), big.data() + at, n);
    fb.commit(n);
  }
  CHECK(fb.capacity() < 2 * big.size());
  FrameResult r = parse_frontend_frame(fb.pending());
  REQUIRE(r.complete());
  fb.consume(r.size);
  fb.shrink_if_idle(65536);
  CHECK(fb.capacity() == 0);
}
