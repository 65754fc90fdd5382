// The protocol engine driven by bytes alone: every negotiation path, protocol
// version negotiation, phase rules and the error/Sync discipline.

#include "pgwire/protocol/engine.hpp"
#include "support/codec_util.hpp"

using namespace pgwire;
using protocol::Engine;
using protocol::EngineOptions;
using protocol::EventKind;
using test::hex;

namespace {

// Feeds bytes, runs the engine until it needs the application or more input,
// and keeps everything it wrote.
struct Harness {
  Engine e;
  std::string wire;  // all output "written" so far
  std::vector<EventKind> events;

  explicit Harness(EngineOptions o = {}) : e(std::move(o)) {}

  EventKind feed(std::string_view bytes) {
    e.input().append(bytes);
    return run();
  }
  EventKind run() {
    for (;;) {
      EventKind k = e.next();
      events.push_back(k);
      // The driver writes on write/start_tls/close; collecting on every event
      // also shows what is queued (e.g. NegotiateProtocolVersion before auth).
      wire.append(e.output().view());
      e.output().clear();
      if (k == EventKind::write) continue;
      return k;
    }
  }
  // Completes authentication the way the driver does.
  void login(std::string_view secret = "abcd") {
    e.accept({{"server_version", "15.0"}}, 42, secret);
    REQUIRE(run() == EventKind::need_input);
  }
  // Backend messages in wire (after skipping `skip` negotiation bytes).
  std::vector<BackendMessage> messages(std::size_t skip = 0) {
    std::vector<BackendMessage> out;
    std::string_view in = std::string_view(wire).substr(skip);
    while (!in.empty()) {
      FrameResult r = parse_backend_frame(in);
      REQUIRE(r.complete());
      BackendMessage m;
      REQUIRE_FALSE(decode_backend(r.frame, m));
      out.push_back(m);
      in.remove_prefix(r.size);
    }
    return out;
  }
  std::string last_error_code() {
    auto ms = messages();
    for (auto it = ms.rbegin(); it != ms.rend(); ++it)
      if (auto* e = std::get_if<ErrorResponse>(&*it)) return std::string(e->get(field::sqlstate));
    return {};
  }
  std::string last_error_message() {
    auto ms = messages();
    for (auto it = ms.rbegin(); it != ms.rend(); ++it)
      if (auto* e = std::get_if<ErrorResponse>(&*it)) return std::string(e->get(field::message));
    return {};
  }
};

std::string startup(ProtocolVersion v = protocol_3_0,
                    std::vector<StartupParameter> params = {{"user", "alice"}},
                    std::vector<StartupParameter> options = {}) {
  StartupMessage m;
  m.version = v;
  m.parameters = std::move(params);
  m.protocol_options = std::move(options);
  return test::encoded(m);
}

EngineOptions with_tls() {
  EngineOptions o;
  o.tls_available = true;
  return o;
}

}  // namespace

TEST_CASE("Plain startup: startup event, then accept sends the login sequence") {
  Harness h;
  REQUIRE(h.feed(startup()) == EventKind::startup);
  CHECK(h.e.startup_message().parameter("user") == "alice");
  CHECK(h.e.phase() == protocol::Phase::authenticating);
  CHECK(h.wire.empty());
  h.login();
  auto ms = h.messages();
  REQUIRE(ms.size() == 4);
  CHECK(std::holds_alternative<AuthenticationOk>(ms[0]));
  CHECK(std::get<ParameterStatus>(ms[1]).name == "server_version");
  CHECK(std::get<BackendKeyData>(ms[2]).process_id == 42);
  CHECK(std::get<ReadyForQuery>(ms[3]).status == TransactionStatus::idle);
}

TEST_CASE("Startup bytes may arrive one at a time") {
  Harness h;
  std::string s = startup();
  for (std::size_t i = 0; i + 1 < s.size(); ++i) REQUIRE(h.feed(s.substr(i, 1)) == EventKind::need_input);
  CHECK(h.feed(s.substr(s.size() - 1)) == EventKind::startup);
}

TEST_CASE("SSLRequest without TLS is answered N, then startup proceeds") {
  Harness h;
  CHECK(h.feed(test::encoded(SSLRequest{})) == EventKind::need_input);
  CHECK(h.wire == "N");
  CHECK(h.feed(startup()) == EventKind::startup);
}

TEST_CASE("SSLRequest with TLS is answered S and starts TLS") {
  Harness h(with_tls());
  CHECK(h.feed(test::encoded(SSLRequest{})) == EventKind::start_tls);
  CHECK(h.wire == "S");
  CHECK_FALSE(h.e.direct_tls());
  h.e.tls_established();
  CHECK(h.feed(startup()) == EventKind::startup);
}

TEST_CASE("SSLRequest and GSSENCRequest with extra bytes in their packet are answered, as PostgreSQL 15") {
  // PostgreSQL 15 answers these by their code and ignores the rest of the packet.
  Harness h(with_tls());
  CHECK(h.feed(hex("00 00 00 10 04 d2 16 2f 67 61 72 62 61 67 65 21")) == EventKind::start_tls);
  CHECK(h.wire == "S");
  h.e.tls_established();
  CHECK(h.feed(startup()) == EventKind::startup);
  Harness g;
  CHECK(h.e.phase() == protocol::Phase::authenticating);
  CHECK(g.feed(hex("00 00 00 0c 04 d2 16 30 01 02 03 04")) == EventKind::need_input);
  CHECK(g.wire == "N");
  CHECK(g.feed(startup()) == EventKind::startup);
}

TEST_CASE("Plaintext pipelined after SSLRequest is refused") {
  Harness h(with_tls());
  CHECK(h.feed(test::encoded(SSLRequest{}) + startup()) == EventKind::close);
  CHECK(h.wire[0] == 'E');  // no 'S': TLS never starts
  CHECK(h.last_error_code() == "08P01");
  CHECK(h.last_error_message() == "received unencrypted data after SSL request");
}

TEST_CASE("A second SSLRequest after TLS is a protocol error") {
  Harness h(with_tls());
  REQUIRE(h.feed(test::encoded(SSLRequest{})) == EventKind::start_tls);
  h.e.tls_established();
  h.wire.clear();
  CHECK(h.feed(test::encoded(SSLRequest{})) == EventKind::close);
  CHECK(h.last_error_code() == "0A000");
}

TEST_CASE("GSSENCRequest is answered N, SSLRequest and startup may follow") {
  Harness h(with_tls());
  CHECK(h.feed(test::encoded(GSSENCRequest{})) == EventKind::need_input);
  CHECK(h.wire == "N");
  CHECK(h.feed(test::encoded(SSLRequest{})) == EventKind::start_tls);
  CHECK(h.wire == "NS");
}

TEST_CASE("Direct SSL: a TLS ClientHello as first bytes starts TLS at once") {
  std::string hello = hex("16 03 01 02 00 01 00 01 fc 03 03");
  Harness h(with_tls());
  CHECK(h.feed(hello) == EventKind::start_tls);
  CHECK(h.e.direct_tls());
  CHECK(h.wire.empty());
  // The ClientHello bytes stay in input() for the handshake.
  CHECK(h.e.input().pending() == hello);

  EngineOptions no_direct = with_tls();
  no_direct.direct_tls = false;
  Harness refused(no_direct);
  CHECK(refused.feed(hello) == EventKind::close);  // invalid startup length: no reply
  CHECK(refused.wire.empty());

  Harness plain;  // no TLS configured at all
  CHECK(plain.feed(hello) == EventKind::close);
  CHECK(plain.wire.empty());
}

TEST_CASE("Protocol 3.2 is accepted as is") {
  Harness h;
  REQUIRE(h.feed(startup(protocol_3_2)) == EventKind::startup);
  CHECK(h.e.protocol() == protocol_3_2);
  CHECK(h.wire.empty());
}

TEST_CASE("Newer minor and unknown _pq_ options get NegotiateProtocolVersion naming all of them") {
  Harness h;
  REQUIRE(h.feed(startup({3, 9999}, {{"user", "u"}}, {{"_pq_.a", "1"}, {"_pq_.b", "2"}})) ==
          EventKind::startup);
  CHECK(h.e.protocol() == protocol_3_2);
  auto ms = h.messages();
  REQUIRE(ms.size() == 1);
  auto& npv = std::get<NegotiateProtocolVersion>(ms[0]);
  CHECK(npv.newest == protocol_3_2);
  CHECK(npv.unrecognized_options == std::vector<std::string_view>{"_pq_.a", "_pq_.b"});
}

TEST_CASE("Unknown _pq_ option with 3.0 is named back, known options are not") {
  EngineOptions o;
  o.protocol_options = {"_pq_.known"};
  Harness h(o);
  REQUIRE(h.feed(startup(protocol_3_0, {{"user", "u"}}, {{"_pq_.known", "x"}, {"_pq_.other", "y"}})) ==
          EventKind::startup);
  auto ms = h.messages();
  auto& npv = std::get<NegotiateProtocolVersion>(ms.at(0));
  CHECK(npv.newest == protocol_3_0);
  CHECK(npv.unrecognized_options == std::vector<std::string_view>{"_pq_.other"});

  Harness quiet(o);
  REQUIRE(quiet.feed(startup(protocol_3_0, {{"user", "u"}}, {{"_pq_.known", "x"}})) == EventKind::startup);
  CHECK(quiet.wire.empty());
}

TEST_CASE("Major version other than 3 is FATAL 0A000") {
  Harness h;
  CHECK(h.feed(startup({4, 0})) == EventKind::close);
  CHECK(h.last_error_code() == "0A000");
  CHECK(h.last_error_message() == "unsupported frontend protocol 4.0: server supports 3.0 to 3.2");
}

TEST_CASE("Protocol 2 is refused with an error in the protocol 2 form") {
  // As PostgreSQL 15 answers "user\0x\0\0" at 2.0: 'E', the text, a NUL;
  // no length word, no fields.
  Harness two;
  CHECK(two.feed(hex("00 00 00 10 00 02 00 00 75 73 65 72 00 78 00 00")) == EventKind::close);
  std::string expected = "EFATAL:  unsupported frontend protocol 2.0: server supports 3.0 to 3.2\n";
  expected.push_back('\0');
  CHECK(two.wire == expected);
  Harness one;
  CHECK(one.feed(hex("00 00 00 08 00 01 00 05")) == EventKind::close);
  CHECK(one.wire.rfind("EFATAL:  unsupported frontend protocol 1.5: server", 0) == 0);
}

TEST_CASE("Startup without user is FATAL 28000") {
  Harness h;
  CHECK(h.feed(startup(protocol_3_0, {{"database", "d"}})) == EventKind::close);
  CHECK(h.last_error_code() == "28000");
}

TEST_CASE("Bad startup packet lengths close without a reply") {
  for (std::string bad : {hex("00 00 00 03"), hex("00 00 4e 20"), hex("7f ff ff ff")}) {
    Harness h;
    CHECK(h.feed(bad) == EventKind::close);
    CHECK(h.wire.empty());
  }
  Harness eof;
  eof.feed(hex("00 00 00 10 00 03"));
  eof.e.on_eof();
  CHECK(eof.run() == EventKind::close);
  CHECK(eof.wire.empty());
  Harness probe;  // connect and leave
  probe.e.on_eof();
  CHECK(probe.run() == EventKind::close);
}

TEST_CASE("Startup packet without final terminator is FATAL 08P01") {
  Harness h;
  CHECK(h.feed(hex("00 00 00 12 00 03 00 00") + std::string("user\0bob\0", 9) + "x") ==
        EventKind::close);
  CHECK(h.last_error_code() == "08P01");
}

TEST_CASE("CancelRequest: cancel event, no reply") {
  Harness h;
  CHECK(h.feed(test::encoded(CancelRequest{77, "wxyz"})) == EventKind::cancel);
  CHECK(h.e.cancel_request().process_id == 77);
  CHECK(h.e.cancel_request().secret_key == "wxyz");
  CHECK(h.wire.empty());
  CHECK(h.run() == EventKind::close);
}

TEST_CASE("During authentication only password messages are allowed") {
  Harness h;
  REQUIRE(h.feed(startup()) == EventKind::startup);
  CHECK(h.feed(test::encoded(PasswordMessage{"pw"})) == EventKind::auth_response);
  CHECK(h.e.frame().type == 'p');
  CHECK(h.feed(test::encoded(Query{"select 1"})) == EventKind::close);
  CHECK(h.last_error_code() == "08P01");
  CHECK(h.last_error_message() == "expected password response, got message type 81");
}

TEST_CASE("After login: an unknown type byte is FATAL 08P01, a bad length closes silently") {
  SECTION("unknown type") {
    Harness h;
    h.feed(startup());
    h.login();
    h.wire.clear();
    CHECK(h.feed(hex("59 00 00 00 04")) == EventKind::close);
    CHECK(h.last_error_message() == "invalid frontend message type 89");
    CHECK(h.e.phase() == protocol::Phase::closed);
  }
  SECTION("oversized small message") {
    Harness h;
    h.feed(startup());
    h.login();
    h.wire.clear();
    // As PostgreSQL 15: "invalid message length" is only logged.
    CHECK(h.feed(hex("53 00 01 86 a0")) == EventKind::close);
    CHECK(h.wire.empty());
    CHECK(h.e.phase() == protocol::Phase::closed);
  }
  SECTION("length below 4, and 1 GiB for a large message") {
    for (const char* bytes : {"51 00 00 00 03", "51 ff ff ff fb", "51 40 00 00 00 73 65 6c"}) {
      Harness h;
      h.feed(startup());
      h.login();
      h.wire.clear();
      CHECK(h.feed(hex(bytes)) == EventKind::close);
      CHECK(h.wire.empty());
    }
  }
  SECTION("a large message under the limit waits for its body") {
    Harness h;
    h.feed(startup());
    h.login();
    h.wire.clear();
    CHECK(h.feed(hex("51 3f ff ff f0 73 65 6c")) == EventKind::need_input);
    CHECK(h.wire.empty());
  }
  SECTION("oversized password message during authentication") {
    Harness h;
    REQUIRE(h.feed(startup()) == EventKind::startup);
    CHECK(h.feed(hex("70 00 10 00 00")) == EventKind::close);
    CHECK(h.wire.empty());
  }
  SECTION("password message after login") {
    Harness h;
    h.feed(startup());
    h.login();
    CHECK(h.feed(test::encoded(PasswordMessage{"x"})) == EventKind::close);
    CHECK(h.last_error_message() == "invalid frontend message type 112");
  }
}

TEST_CASE("Simple query: message event, then ReadyForQuery is written") {
  Harness h;
  h.feed(startup());
  h.login();
  h.wire.clear();
  REQUIRE(h.feed(test::encoded(Query{"select 1"})) == EventKind::message);
  CHECK(std::get<Query>(h.e.message()).query == "select 1");
  encode(CommandComplete{"SELECT 0"}, h.e.output());
  h.e.ready_for_query();
  CHECK(h.run() == EventKind::need_input);
  auto ms = h.messages();
  REQUIRE(ms.size() == 2);
  CHECK(std::get<ReadyForQuery>(ms[1]).status == TransactionStatus::idle);
}

TEST_CASE("Error in extended mode discards messages until Sync") {
  Harness h;
  h.feed(startup());
  h.login();
  h.wire.clear();
  std::string batch = test::encoded(Parse{"", "bad", {}}) + test::encoded(Bind{}) +
                      test::encoded(Execute{}) + test::encoded(Sync{}) +
                      test::encoded(Query{"after"});
  REQUIRE(h.feed(batch) == EventKind::message);
  REQUIRE(std::holds_alternative<Parse>(h.e.message()));
  h.e.error(ErrorInfo::error("42601", "syntax error"));
  CHECK(h.e.skipping_until_sync());
  // Bind and Execute are skipped; Sync reaches the application.
  REQUIRE(h.run() == EventKind::message);
  CHECK(std::holds_alternative<Sync>(h.e.message()));
  CHECK_FALSE(h.e.skipping_until_sync());
  h.e.ready_for_query();
  REQUIRE(h.run() == EventKind::message);
  CHECK(std::holds_alternative<Query>(h.e.message()));
}

TEST_CASE("Malformed body: ERROR 08P01, the session continues") {
  Harness h;
  h.feed(startup());
  h.login();
  h.wire.clear();
  // Describe with target 'X'.
  std::string bad = hex("44 00 00 00 06 58 00");
  REQUIRE(h.feed(bad + test::encoded(Execute{}) + test::encoded(Sync{})) == EventKind::message);
  CHECK(std::holds_alternative<Sync>(h.e.message()));
  CHECK(h.last_error_code() == "08P01");
  CHECK(h.last_error_message() == "invalid message format");
  // A malformed Query gets ERROR and ReadyForQuery at once.
  h.wire.clear();
  h.e.ready_for_query();
  CHECK(h.feed(hex("51 00 00 00 06 41 42")) == EventKind::need_input);
  auto ms = h.messages();
  REQUIRE(ms.size() >= 2);
  CHECK(std::holds_alternative<ErrorResponse>(ms[ms.size() - 2]));
  CHECK(std::holds_alternative<ReadyForQuery>(ms.back()));
}

TEST_CASE("Transaction status: error inside a block moves to failed") {
  Harness h;
  h.feed(startup());
  h.login();
  h.e.set_transaction_status(TransactionStatus::in_transaction);
  h.e.error(ErrorInfo::error("22012", "division by zero"));
  CHECK(h.e.transaction_status() == TransactionStatus::failed);
  h.wire.clear();
  h.e.ready_for_query();
  h.run();
  CHECK(std::get<ReadyForQuery>(h.messages().back()).status == TransactionStatus::failed);
}

TEST_CASE("FATAL from the application closes after writing it") {
  Harness h;
  h.feed(startup());
  h.e.error(ErrorInfo::fatal("28P01", "password authentication failed for user \"alice\""));
  CHECK(h.run() == EventKind::close);
  CHECK(h.last_error_code() == "28P01");
}

TEST_CASE("COPY leftovers outside COPY are ignored, Terminate closes") {
  Harness h;
  h.feed(startup());
  h.login();
  std::string in = test::encoded(CopyData{"x"}) + test::encoded(CopyDone{}) +
                   test::encoded(CopyFail{"f"}) + test::encoded(Query{"q"});
  REQUIRE(h.feed(in) == EventKind::message);
  CHECK(std::holds_alternative<Query>(h.e.message()));
  CHECK(h.feed(test::encoded(Terminate{})) == EventKind::close);
}

TEST_CASE("Flush asks for a write without ReadyForQuery") {
  Harness h;
  h.feed(startup());
  h.login();
  h.wire.clear();
  REQUIRE(h.feed(test::encoded(Parse{"", "x", {}}) + test::encoded(Flush{})) == EventKind::message);
  encode(ParseComplete{}, h.e.output());
  REQUIRE(h.run() == EventKind::message);  // the Flush itself
  CHECK(std::holds_alternative<Flush>(h.e.message()));
  CHECK(h.run() == EventKind::need_input);
  CHECK(h.wire == test::encoded(ParseComplete{}).s);
}

TEST_CASE("EOF in the middle of a message closes") {
  Harness h;
  h.feed(startup());
  h.login();
  h.feed(hex("51 00 00 00 10 41"));
  h.e.on_eof();
  CHECK(h.run() == EventKind::close);
}

TEST_CASE("An error is written at once, without waiting for Sync (asyncpg waits after Flush)") {
  Harness h;
  h.feed(startup());
  h.login();
  h.events.clear();
  REQUIRE(h.feed(test::encoded(Parse{"s", "SELECT * FROM nope", {}}) +
                 test::encoded(Describe{TargetKind::statement, "s"}) + test::encoded(Flush{})) ==
          EventKind::message);
  h.e.error(ErrorInfo::error("42P01", "relation \"nope\" does not exist"));
  CHECK(h.run() == EventKind::need_input);
  REQUIRE_FALSE(h.events.empty());
  CHECK(std::find(h.events.begin(), h.events.end(), EventKind::write) != h.events.end());
}

TEST_CASE("Copy-in accepts only CopyData, CopyDone, CopyFail, Flush and Sync are ignored") {
  Harness h;
  REQUIRE(h.feed(startup()) == EventKind::startup);
  h.login();
  h.wire.clear();
  h.e.enter_copy_in();
  REQUIRE(h.feed(test::encoded(CopyData{"1\t2\n"})) == EventKind::message);
  CHECK(std::holds_alternative<CopyData>(h.e.message()));
  // Sync and Flush inside COPY are consumed without effect (libpq sends them).
  CHECK(h.feed(test::encoded(Sync{}) + test::encoded(Flush{})) == EventKind::need_input);
  CHECK(h.e.phase() == protocol::Phase::copy_in);
  REQUIRE(h.feed(test::encoded(CopyDone{})) == EventKind::message);
  CHECK(std::holds_alternative<CopyDone>(h.e.message()));
  // Any other message is a protocol violation that ends the COPY; the
  // session raises the ERROR (copy_rules.cpp), so that an extended-query
  // COPY still skips until Sync.
  // A CopyFail without its terminator is one too; its body was read, so
  // the session goes on (ERROR, then ReadyForQuery).
  h.e.enter_copy_in();
  REQUIRE(h.feed(std::string("f\0\0\0\x06" "ab", 7)) == EventKind::copy_violation);
  CHECK(h.e.copy_violation() == "invalid string in message");
  CHECK_FALSE(h.e.skipping_until_sync());
  h.wire.clear();
  h.e.error(ErrorInfo::error("08P01", h.e.copy_violation()));
  h.e.ready_for_query();
  CHECK(h.run() == EventKind::need_input);
  auto ms = h.messages();
  REQUIRE(ms.size() == 2);
  CHECK(std::holds_alternative<ReadyForQuery>(ms[1]));
}

TEST_CASE("Another message inside COPY: its ERROR is followed by FATAL, as PostgreSQL 15") {
  // PostgreSQL 15 answers Q during COPY FROM STDIN with ERROR 08P01
  // "unexpected message type 0x51 during COPY from stdin", then FATAL 08P01
  // "terminating connection because protocol synchronization was lost".
  Harness h;
  REQUIRE(h.feed(startup()) == EventKind::startup);
  h.login();
  h.e.enter_copy_in();
  h.wire.clear();
  REQUIRE(h.feed(test::encoded(Query{"select 1"})) == EventKind::copy_violation);
  CHECK(h.e.copy_violation() == "unexpected message type 0x51 during COPY from stdin");
  CHECK(h.e.phase() == protocol::Phase::ready);
  h.e.error(ErrorInfo::error("08P01", h.e.copy_violation()));
  h.e.ready_for_query();  // the session's usual step: nothing after the FATAL
  CHECK(h.run() == EventKind::close);
  auto ms = h.messages();
  REQUIRE(ms.size() == 2);
  auto& error = std::get<ErrorResponse>(ms[0]);
  CHECK(error.get(field::severity) == "ERROR");
  auto& fatal = std::get<ErrorResponse>(ms[1]);
  CHECK(fatal.get(field::severity) == "FATAL");
  CHECK(fatal.get(field::sqlstate) == "08P01");
  CHECK(fatal.get(field::message) == "terminating connection because protocol synchronization was lost");
}

TEST_CASE("A bad length inside COPY: ERROR 08006, then FATAL, as PostgreSQL 15") {
  for (const char* bytes : {"64 7f ff ff f0 31 09 61 0a", "64 00 00 00 03"}) {
    Harness h;
    REQUIRE(h.feed(startup()) == EventKind::startup);
    h.login();
    h.e.enter_copy_in();
    h.wire.clear();
    CHECK(h.feed(hex(bytes)) == EventKind::close);
    auto ms = h.messages();
    REQUIRE(ms.size() == 2);
    auto& error = std::get<ErrorResponse>(ms[0]);
    CHECK(error.get(field::severity) == "ERROR");
    CHECK(error.get(field::sqlstate) == "08006");
    CHECK(error.get(field::message) == "unexpected EOF on client connection with an open transaction");
    CHECK(std::get<ErrorResponse>(ms[1]).get(field::message) ==
          "terminating connection because protocol synchronization was lost");
  }
}

TEST_CASE("Sync never starts a skip: a malformed Sync gets ERROR then ReadyForQuery") {
  Harness h;
  REQUIRE(h.feed(startup()) == EventKind::startup);
  h.login();
  h.wire.clear();
  CHECK(h.feed(std::string("S\0\0\0\x05x", 6)) == EventKind::need_input);
  auto ms = h.messages();
  REQUIRE(ms.size() == 2);
  CHECK(std::holds_alternative<ErrorResponse>(ms[0]));
  CHECK(std::holds_alternative<ReadyForQuery>(ms[1]));
  CHECK_FALSE(h.e.skipping_until_sync());
  // An error reported while a Sync is handled starts no skip either.
  REQUIRE(h.feed(test::encoded(Sync{})) == EventKind::message);
  h.e.error(ErrorInfo::error("XX000", "sync hook failed"));
  CHECK_FALSE(h.e.skipping_until_sync());
}

TEST_CASE("The startup packet is kept until accept, then freed, and a CancelRequest stays readable") {
  Harness h;
  REQUIRE(h.feed(startup()) == EventKind::startup);
  CHECK(h.e.startup_message().parameter("user") == "alice");
  h.login();
  // An idle session keeps nothing of its startup packet (the session
  // machine copied what it needs into ClientInfo).
  CHECK(h.e.startup_message().parameters.empty());
  CHECK_FALSE(h.e.startup_message().parameter("user"));
  CHECK(h.e.cancel_request().process_id == 0);

  Harness c;
  REQUIRE(c.feed(test::encoded(CancelRequest{77, "wxyz"})) == EventKind::cancel);
  CHECK(c.run() == EventKind::close);
  CHECK(c.e.cancel_request().process_id == 77);  // still there for the driver's lookup
  CHECK(c.e.cancel_request().secret_key == "wxyz");
}

TEST_CASE("Each copy_violation is worded by its own message, one COPY after another") {
  Harness h;
  REQUIRE(h.feed(startup()) == EventKind::startup);
  h.login();
  h.e.enter_copy_in();
  REQUIRE(h.feed(std::string("f\0\0\0\x06" "ab", 7)) == EventKind::copy_violation);
  CHECK(h.e.copy_violation() == "invalid string in message");
  h.e.error(ErrorInfo::error("08P01", h.e.copy_violation()));
  h.e.ready_for_query();
  REQUIRE(h.run() == EventKind::need_input);
  h.e.enter_copy_in();
  REQUIRE(h.feed(test::encoded(CopyData{"1\n"})) == EventKind::message);
  REQUIRE(h.feed(test::encoded(Describe{TargetKind::statement, ""})) == EventKind::copy_violation);
  CHECK(h.e.copy_violation() == "unexpected message type 0x44 during COPY from stdin");
}

TEST_CASE("Bind after other messages starts from an empty Bind, whatever the last one held") {
  Harness h;
  REQUIRE(h.feed(startup()) == EventKind::startup);
  h.login();
  Bind first;
  first.portal = "p1";
  first.statement = "s1";
  first.parameter_formats = {1};
  first.parameters = {Value{"ab"}, std::nullopt, Value{"c"}};
  first.result_formats = {1, 0};
  REQUIRE(h.feed(test::encoded(first)) == EventKind::message);
  CHECK(std::get<Bind>(h.e.message()).parameters.size() == 3);
  REQUIRE(h.feed(test::encoded(Execute{"p1", 0})) == EventKind::message);
  REQUIRE(h.feed(test::encoded(Sync{})) == EventKind::message);
  Bind second;
  second.parameters = {Value{"x"}};
  REQUIRE(h.feed(test::encoded(second)) == EventKind::message);
  const Bind& got = std::get<Bind>(h.e.message());
  CHECK(got.portal.empty());
  CHECK(got.statement.empty());
  CHECK(got.parameter_formats.empty());
  CHECK(got.result_formats.empty());
  REQUIRE(got.parameters.size() == 1);
  CHECK(got.parameters[0] == Value{"x"});
  // Bind right after Bind (no other message between) as well.
  REQUIRE(h.feed(test::encoded(first)) == EventKind::message);
  CHECK(std::get<Bind>(h.e.message()).parameters.size() == 3);
  CHECK(std::get<Bind>(h.e.message()).portal == "p1");
}
