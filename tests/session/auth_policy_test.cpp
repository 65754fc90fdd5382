// AuthPolicy against a real pgwire::Server over loopback: the matched rule
// picks the exchange (the Authentication request the client sees), md5 is
// upgraded to SCRAM for a SCRAM secret, PostgreSQL's FATAL 28000 messages for
// no rule and for reject, a product's own method, and reload() for new
// connections only.

#include <pgwire/api/auth_policy.hpp>
#include <pgwire/auth/md5.hpp>
#include <pgwire/auth/scram.hpp>

#include "session/client.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using test::Client;
using test::TestServer;

namespace {

const std::string scram_secret = auth::ScramSecret::generate("pw", 4096).to_string();

std::shared_ptr<UserStore> user_store() {
  return UserStore::parse(
      "scott " + scram_secret + " apps\n"
      "mary " + auth::md5_password_hash("mary", "pw") + "\n"
      "clara pw apps\n"
      "eve pw\n",
      "users");
}

std::shared_ptr<AuthPolicy> policy(std::string_view hba, AuthPolicyOptions options = {}) {
  auto rules = AuthPolicy::parse_rules(hba, "pg_hba.conf", options);
  return std::make_shared<AuthPolicy>(std::move(rules), user_store(), std::move(options));
}

Handlers handlers(std::shared_ptr<StartupHandler> auth) { return {std::move(auth), nullptr}; }

void start(Client& c, std::string user, std::string database = "db") {
  StartupMessage m;
  m.version = protocol_3_0;
  m.parameters = {{"user", user}, {"database", database}};
  c.send(m);
}

// Ends the login after AuthenticationOk.
void logged_in(Client& c) {
  REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
  c.until_ready();
}

// The FATAL that ends the connection: "SQLSTATE message".
std::string fatal(Client& c) {
  BackendMessage m = c.recv();
  auto* e = std::get_if<ErrorResponse>(&m);
  REQUIRE(e != nullptr);
  CHECK(e->get(field::severity) == "FATAL");
  std::string out = std::string(e->get(field::sqlstate)) + " " + std::string(e->get(field::message));
  CHECK(c.closed_by_server());
  return out;
}

void scram_login(Client& c, const std::string& password) {
  auto sasl = std::get<AuthenticationSASL>(c.recv());
  REQUIRE(sasl.mechanisms == std::vector<std::string_view>{"SCRAM-SHA-256"});
  auth::ScramClient client(password);
  c.send(SASLInitialResponse{client.mechanism(), client.client_first_message()});
  auto cont = std::get<AuthenticationSASLContinue>(c.recv());
  auto step = client.handle_server_first(cont.data);
  REQUIRE(step);
  c.send(SASLResponse{step.message});
  REQUIRE(std::holds_alternative<AuthenticationSASLFinal>(c.recv()));
}

}  // namespace

TEST_CASE("policy: the rule's method runs, md5 becomes SCRAM for a SCRAM secret") {
  TestServer server({}, handlers(policy(
                            "host all eve all reject\n"
                            "host all clara 127.0.0.1/32 password\n"
                            "host all all 127.0.0.0/8 md5\n")));
  {  // md5 rule, md5 hash stored: AuthenticationMD5Password
    Client c(server.port());
    start(c, "mary");
    auto req = std::get<AuthenticationMD5Password>(c.recv());
    c.send(PasswordMessage{auth::md5_salted_response(auth::md5_password_hash("mary", "pw"), req.salt)});
    logged_in(c);
  }
  {  // md5 rule, SCRAM secret stored: SCRAM, as PostgreSQL
    Client c(server.port());
    start(c, "scott");
    scram_login(c, "pw");
    logged_in(c);
  }
  {  // md5 rule, unknown user: a SCRAM exchange that fails, as PostgreSQL 15
    Client c(server.port());
    start(c, "nobody");
    auto sasl = std::get<AuthenticationSASL>(c.recv());
    auth::ScramClient client("pw");
    c.send(SASLInitialResponse{sasl.mechanisms.at(0), client.client_first_message()});
    auto cont = std::get<AuthenticationSASLContinue>(c.recv());
    auto step = client.handle_server_first(cont.data);
    REQUIRE(step);
    c.send(SASLResponse{step.message});
    CHECK(fatal(c) == "28P01 password authentication failed for user \"nobody\"");
  }
  {  // password rule: AuthenticationCleartextPassword; a wrong one is 28P01
    Client c(server.port());
    start(c, "clara");
    REQUIRE(std::holds_alternative<AuthenticationCleartextPassword>(c.recv()));
    c.send(PasswordMessage{"pw"});
    logged_in(c);
    Client bad(server.port());
    start(bad, "clara");
    REQUIRE(std::holds_alternative<AuthenticationCleartextPassword>(bad.recv()));
    bad.send(PasswordMessage{"wrong"});
    CHECK(fatal(bad) == "28P01 password authentication failed for user \"clara\"");
  }
  {  // reject: before any exchange
    Client c(server.port());
    start(c, "eve", "sales");
    CHECK(fatal(c) ==
          "28000 pg_hba.conf rejects connection for host \"127.0.0.1\", user \"eve\", database \"sales\", no encryption");
  }
}

TEST_CASE("policy: no matching rule is PostgreSQL's FATAL 28000") {
  TestServer server({}, handlers(policy("host all all 10.0.0.0/8 trust\nlocal all all trust\nhostssl all all all trust\n")));
  Client c(server.port());
  start(c, "mary", "sales");
  CHECK(fatal(c) ==
        "28000 no pg_hba.conf entry for host \"127.0.0.1\", user \"mary\", database \"sales\", no encryption");
  // No rules at all: the same.
  TestServer empty({}, handlers(policy("")));
  Client e(empty.port());
  start(e, "x");
  CHECK(fatal(e) == "28000 no pg_hba.conf entry for host \"127.0.0.1\", user \"x\", database \"db\", no encryption");
}

TEST_CASE("policy: +group and samerole choose the rule") {
  TestServer server({}, handlers(policy(
                            "host apps +apps all scram-sha-256\n"
                            "host samerole all all trust\n")));
  Client c(server.port());
  start(c, "clara", "apps");  // in group apps: SCRAM (from her plaintext password)
  scram_login(c, "pw");
  logged_in(c);
  Client m(server.port());
  start(m, "mary", "mary");  // samerole: a role is a member of itself
  logged_in(m);
  Client n(server.port());
  start(n, "mary", "apps");
  CHECK(fatal(n).starts_with("28000 no pg_hba.conf entry for host"));
}

TEST_CASE("policy: a product's own method, and clientcert without a certificate") {
  class TokenAuth final : public StartupHandler {
   public:
    asio::awaitable<void> authenticate(AuthExchange& ex) override {
      const BackendMessage request = AuthenticationCleartextPassword{};
      std::string body = co_await ex.exchange(request);
      PasswordMessage pm;
      if (decode_body(body, pm) || pm.password != "token-42")
        throw PgError(ErrorInfo::fatal(sqlstate::invalid_password, "bad token"));
    }
  };
  AuthPolicyOptions options;
  options.methods["token"] = std::make_shared<TokenAuth>();
  CHECK_THROWS_AS(AuthPolicy::parse_rules("host all all all token\n", "pg_hba.conf"), auth::HbaFileError);
  TestServer server({}, handlers(policy("host all all all token\n", options)));
  Client c(server.port());
  start(c, "anyone");
  REQUIRE(std::holds_alternative<AuthenticationCleartextPassword>(c.recv()));
  c.send(PasswordMessage{"token-42"});
  logged_in(c);
  Client bad(server.port());
  start(bad, "anyone");
  REQUIRE(std::holds_alternative<AuthenticationCleartextPassword>(bad.recv()));
  bad.send(PasswordMessage{"nope"});
  CHECK(fatal(bad) == "28P01 bad token");

  // A rule built in code with an unknown method is refused up front.
  auth::HbaRule rule;
  rule.method = "ldap";
  CHECK_THROWS_WITH(AuthPolicy({rule}, user_store()), "pg_hba rule: invalid authentication method \"ldap\"");
}

TEST_CASE("policy: reload() applies to connections that start authenticating afterwards") {
  auto p = policy("host all all all md5\n");
  TestServer server({}, handlers(p));
  Client before(server.port());
  start(before, "mary");
  auto req = std::get<AuthenticationMD5Password>(before.recv());  // authenticating with the old rules

  p->reload(AuthPolicy::parse_rules("host all mary all reject\nhost all all all trust\n", "pg_hba.conf"),
            user_store());
  before.send(PasswordMessage{auth::md5_salted_response(auth::md5_password_hash("mary", "pw"), req.salt)});
  logged_in(before);

  Client after(server.port());
  start(after, "mary");
  CHECK(fatal(after).starts_with("28000 pg_hba.conf rejects connection"));
  Client other(server.port());
  start(other, "anyone");
  logged_in(other);  // trust now

  // A bad rule set changes nothing.
  auth::HbaRule bad;
  bad.method = "cert";  // on a host rule
  CHECK_THROWS_AS(p->reload({bad}, user_store()), std::invalid_argument);
  Client still(server.port());
  start(still, "anyone");
  logged_in(still);
}

TEST_CASE("policy: what a rule sees of a client") {
  ClientInfo c;
  c.user = "u";
  c.database = "d";
  c.remote_address = "::1:5555";
  auto r = hba_request(c);
  REQUIRE(r.address);
  CHECK(*r.address == *auth::IpAddress::parse("::1"));
  CHECK_FALSE(r.local);
  c.remote_address = "unix";
  c.tls = true;
  c.startup_parameters = {{"replication", "true"}};
  r = hba_request(c);
  CHECK(r.local);
  CHECK(r.ssl);
  CHECK(r.physical_replication);
  c.startup_parameters = {{"replication", "database"}};
  CHECK_FALSE(hba_request(c).physical_replication);
}
