// What a session keeps once it is idle, and what it keeps only while it
// needs it (docs/PERFORMANCE.md, "Stop 24: idle memory"): the login's state
// is freed once the session is logged in, options are shared between
// sessions, and everything freed or never allocated comes back when a later
// message needs it.

#include "support/codec_util.hpp"
#include "support/fake_driver.hpp"

using namespace pgwire;
using test::FakeAuth;
using test::FakeDriver;
using test::FakeProductOptions;

namespace {

std::string startup_bytes(ProtocolVersion version = protocol_3_0) {
  StartupMessage m;
  m.version = version;
  m.parameters = {{"user", "alice"}, {"database", "db"}};
  return test::encoded(m);
}

std::vector<BackendMessage> backend_messages(std::string_view wire) {
  std::vector<BackendMessage> out;
  while (!wire.empty()) {
    FrameResult r = parse_backend_frame(wire);
    REQUIRE(r.complete());
    BackendMessage m;
    REQUIRE_FALSE(decode_backend(r.frame, m));
    out.push_back(m);
    wire.remove_prefix(r.size);
  }
  return out;
}

template <class M>
std::vector<M> all_of(std::string_view wire) {
  std::vector<M> out;
  for (auto& m : backend_messages(wire))
    if (auto* v = std::get_if<M>(&m)) out.push_back(*v);
  return out;
}

std::string tags(std::string_view wire) {
  std::string out;
  for (auto& c : all_of<CommandComplete>(wire)) out += std::string(c.tag) + ";";
  return out;
}

}  // namespace

TEST_CASE("memory: the login's state is gone once logged in, its cancel key went out whole", "[session][memory]") {
  for (ProtocolVersion version : {protocol_3_0, protocol_3_2}) {
    FakeProductOptions product;
    product.auth = FakeAuth::cleartext;
    FakeDriver d({}, product);
    d.send(startup_bytes(version) + test::encoded(PasswordMessage{"secret"}));
    d.run(false);
    auto keys = all_of<BackendKeyData>(d.output);
    REQUIRE(keys.size() == 1);
    // The fake product hands out cancel_key_length() bytes of 'k' (4 on 3.0,
    // 32 on 3.2): the key was kept whole until BackendKeyData.
    CHECK(keys[0].process_id == 4242);
    CHECK(keys[0].secret_key == std::string(version == protocol_3_2 ? 32 : 4, 'k'));
    // What only authentication needed is gone.
    CHECK(d.machine.auth_response().empty());
    CHECK(d.machine.tls_server_end_point().empty());
    // What the session keeps is still there.
    CHECK(d.machine.client().user == "alice");
    CHECK(d.machine.client().database == "db");
    CHECK(d.machine.process_id() == 4242);
    // The driver's answers that only a login takes are ignored afterwards.
    d.machine.logged_in(1, "zzzz", {{"late", "1"}});
    d.machine.tls_established({});
    CHECK(d.machine.process_id() == 1);
    d.output.clear();
    d.send(test::encoded(Query{"select 1"}));
    d.run(false);
    CHECK(tags(d.output) == "SELECT 1;");
    CHECK_FALSE(d.machine.settings().get("late"));
  }
}

TEST_CASE("memory: sessions given equal options share one copy of them", "[session][memory]") {
  protocol::SessionOptions options;
  options.server_version = "15.4 (memory test)";
  options.engine.flush_threshold = 12345;
  auto a = std::make_unique<protocol::SessionMachine>(options);
  protocol::SessionMachine b(options);
  CHECK(&a->options() == &b.options());
  CHECK(b.options().server_version == "15.4 (memory test)");
  CHECK(b.options().engine.flush_threshold == 12345);
  // Other options are the session's own; the shared copy lives as long as a
  // session holds it.
  protocol::SessionOptions other = options;
  other.engine.limits.max_message = 20000;
  protocol::SessionMachine c(other);
  CHECK(&c.options() != &b.options());
  CHECK(c.options().engine.limits.max_message == 20000);
  a.reset();
  CHECK(b.options().server_version == "15.4 (memory test)");
  // A driver may share its own.
  auto mine = std::make_shared<const protocol::SessionOptions>(options);
  protocol::SessionMachine e(mine);
  CHECK(&e.options() == mine.get());
}

TEST_CASE("memory: the server_version given in the options reaches each session that shares them", "[session][memory]") {
  protocol::SessionOptions options;
  options.server_version = "15.9";
  FakeDriver first(options), second(options);
  for (FakeDriver* d : {&first, &second}) {
    d->send(startup_bytes());
    d->run(false);
    bool seen = false;
    for (auto& p : all_of<ParameterStatus>(d->output))
      if (p.name == "server_version") seen = p.value == "15.9";
    CHECK(seen);
  }
}
