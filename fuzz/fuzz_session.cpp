// The session fuzzer: arbitrary client bytes into protocol::SessionMachine,
// run by the synchronous fake driver and product of tests/support/
// fake_driver.hpp (rows, errors, throwing handlers and sources, row limits,
// cursors, SET), with deterministic behaviour.
//
// Input: one control byte, then the client's bytes.
//   bit 0      0: the bytes start at the startup phase (SSLRequest, startup
//              packet, authentication...); 1: a valid login comes first, so
//              the bytes are typed messages of a logged-in session
//   bits 1-2   authentication: trust, cleartext, md5 (the login prefix sends
//              the right password)
//   bit 3      the product's sync hook throws
//   bits 4-6   bytes per read: 1 << (2 * value) (1 byte to 4 KiB), so frames
//              arrive split at every boundary
//   bit 7      small output batches (256 bytes) instead of 64 KiB
//
// Checked on every input:
//   - the output parses as a valid backend stream (every frame decodes);
//   - after a login, every Sync is answered with ReadyForQuery (except those
//     sent during COPY FROM STDIN, which PostgreSQL ignores), and there is
//     no ReadyForQuery beyond one per Sync, Query and FunctionCall (plus the
//     login's), unless a FATAL closed the session;
//   - the session ends (the driver never stops while input remains);
//   - no crash, leak or undefined behaviour (the sanitizers).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "pgwire/auth/md5.hpp"
#include "support/fake_driver.hpp"

namespace {

using namespace pgwire;

std::string encoded_startup() {
  StartupMessage m;
  m.version = protocol_3_0;
  m.parameters = {{"user", "fuzz"}, {"database", "fuzz"}};
  Buffer b;
  encode(m, b);
  return std::string(b.view());
}

std::string encoded_password(test::FakeAuth auth, const std::string& password) {
  if (auth == test::FakeAuth::trust) return {};
  std::string answer = password;
  if (auth == test::FakeAuth::md5)
    answer = auth::md5_salted_response(auth::md5_password_hash("fuzz", password), {'s', 'a', 'l', 't'});
  Buffer b;
  encode(PasswordMessage{answer}, b);
  return std::string(b.view());
}

[[noreturn]] void fail(const char* what, std::string_view input, std::string_view output) {
  std::fprintf(stderr, "fuzz_session: %s\n", what);
  pgwire_fuzz::print_hex("input", input);
  pgwire_fuzz::print_hex("output", output);
  std::abort();
}

struct Counts {
  std::size_t ready = 0;
  bool fatal = false;
};

// Parses the whole output as backend messages; a single 'N' write before
// the first framed message is the answer to an SSLRequest/GSSENCRequest.
Counts check_output(const test::FakeDriver& d, std::string_view input) {
  Counts c;
  std::string_view out = d.output;
  std::size_t at = 0;
  for (std::size_t w : d.writes) {
    std::string_view chunk = out.substr(at, w);
    at += w;
    if (chunk == "N") continue;
    // A startup packet of protocol 1.x/2.x is refused in protocol 2's own
    // error format, as PostgreSQL does: 'E', the text, NUL; no length word.
    // It ends the session.
    if (chunk.size() > 2 && chunk.front() == 'E' && chunk.back() == '\0' &&
        chunk.substr(1, 7) == "FATAL: " && chunk.find('\0') == chunk.size() - 1) {
      if (!d.finished) fail("a protocol-2 error did not end the session", input, out);
      c.fatal = true;
      continue;
    }
    while (!chunk.empty()) {
      FrameResult r = parse_backend_frame(chunk);
      if (r.error || !r.complete()) fail("output is not a whole backend frame", input, out);
      BackendMessage m;
      if (decode_backend(r.frame, m)) fail("output frame does not decode", input, out);
      if (std::holds_alternative<ReadyForQuery>(m)) ++c.ready;
      if (auto* e = std::get_if<ErrorResponse>(&m))
        if (e->get(field::severity) == "FATAL") c.fatal = true;
      chunk.remove_prefix(r.size);
    }
  }
  if (at != out.size()) fail("writes do not add up to the output", input, out);
  return c;
}

struct Expected {
  std::size_t syncs = 0;
  std::size_t answered = 0;  // Sync, Query, FunctionCall
};

// The typed messages the session must have read: up to Terminate, a
// malformed frame (FATAL) or the end of the input.
Expected expected_answers(std::string_view typed) {
  Expected e;
  FrameLimits limits = FrameLimits::server_defaults();
  while (!typed.empty()) {
    FrameResult r = parse_frontend_frame(typed, limits);
    if (r.error || !r.complete()) break;
    char t = r.frame.type;
    if (t == 'X') break;
    if (t == 'S') ++e.syncs;
    if (t == 'S' || t == 'Q' || t == 'F') ++e.answered;
    typed.remove_prefix(r.size);
  }
  return e;
}

}  // namespace

extern "C" int PGWIRE_FUZZ_ENTRY(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t ctl = data[0];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  test::FakeProductOptions product;
  product.auth = static_cast<test::FakeAuth>(((ctl >> 1) & 3) % 3);
  product.sync_throws = (ctl & 8) != 0;
  product.read_chunk = std::size_t{1} << (2 * ((ctl >> 4) & 7));
  product.max_rows = 300;  // bounded work per statement
  protocol::SessionOptions options;
  if (ctl & 0x80) options.engine.flush_threshold = 256;
  const bool after_login = (ctl & 1) != 0;

  test::FakeDriver d(options, product);
  std::string prefix;
  if (after_login) prefix = encoded_startup() + encoded_password(product.auth, product.password);
  d.send(prefix);
  d.send(body);
  d.run();

  std::string input = prefix + std::string(body);
  if (!d.finished) fail("the session stopped before it ended", input, d.output);
  Counts c = check_output(d, input);
  if (after_login && !c.fatal) {
    if (c.ready < 1) fail("no ReadyForQuery after the login", input, d.output);
    Expected e = expected_answers(body);
    // Syncs inside a COPY FROM STDIN are ignored, as PostgreSQL does.
    std::size_t syncs = e.syncs - d.machine.syncs_ignored_in_copy();
    if (c.ready < 1 + syncs) fail("a Sync was not answered with ReadyForQuery", input, d.output);
    if (c.ready > 1 + e.answered) fail("more ReadyForQuery than Sync, Query and FunctionCall", input, d.output);
  }
  return 0;
}
