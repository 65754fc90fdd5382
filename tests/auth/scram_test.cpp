// SCRAM-SHA-256: RFC 7677 vector, PostgreSQL's stored secrets, whole
// exchanges, channel binding and PostgreSQL's errors for every bad field.

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pgwire/auth/base64.hpp"
#include "pgwire/auth/scram.hpp"
#include "scram_util.hpp"

using namespace pgwire::auth;
using pgwire::auth::test::exchange;
using pgwire::auth::test::server_options;

namespace {

// Secrets for the many exchange tests: a low iteration count keeps them fast.
const ScramSecret& pencil_secret() {
  static const ScramSecret s = ScramSecret::from_password("pencil", "0123456789abcdef", 16);
  return s;
}

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string sha256(std::string_view data) {
  unsigned char out[32];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string bytes(const std::array<unsigned char, 32>& k) {
  return std::string(reinterpret_cast<const char*>(k.data()), k.size());
}

// The RFC 5802 ClientProof for a client-final-message-without-proof, computed
// here independently of ScramClient.
std::string proof_for(std::string_view password, const ScramSecret& secret,
                      std::string_view client_first_bare, std::string_view server_first,
                      std::string_view final_without_proof) {
  unsigned char salted[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(secret.salt.data()),
                    static_cast<int>(secret.salt.size()), secret.iterations, EVP_sha256(), 32,
                    salted);
  std::string client_key = hmac({reinterpret_cast<char*>(salted), 32}, "Client Key");
  std::string auth = std::string(client_first_bare) + "," + std::string(server_first) + "," +
                     std::string(final_without_proof);
  std::string signature = hmac(sha256(client_key), auth);
  std::string proof(32, '\0');
  for (std::size_t i = 0; i < 32; ++i) proof[i] = static_cast<char>(client_key[i] ^ signature[i]);
  return base64_encode(proof);
}

void check_error(const std::optional<ScramError>& e, std::string_view sqlstate,
                 std::string_view message, std::string_view detail = {}) {
  REQUIRE(e.has_value());
  CHECK(e->sqlstate == sqlstate);
  CHECK(e->message == message);
  CHECK(e->detail == detail);
}

}  // namespace

TEST_CASE("auth: SCRAM-SHA-256 test vector of RFC 7677") {
  // RFC 7677 section 3: user "user", password "pencil".
  auto salt = base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==");
  REQUIRE(salt);
  ScramServerOptions so = server_options("user");
  so.server_nonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  ScramServer server(ScramSecret::from_password("pencil", *salt, 4096), so);
  ScramClientOptions co;
  co.user = "user";
  co.client_nonce = "rOprNGfwEbeRWgbNEkqO";
  ScramClient client("pencil", co);

  std::string first = client.client_first_message();
  CHECK(first == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  ScramStep s1 = server.handle_client_first("SCRAM-SHA-256", first);
  REQUIRE(s1);
  CHECK(s1.message ==
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  ScramStep c2 = client.handle_server_first(s1.message);
  REQUIRE(c2);
  CHECK(c2.message ==
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  ScramStep s2 = server.handle_client_final(c2.message);
  REQUIRE(s2);
  CHECK(s2.message == "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  CHECK(server.authenticated());
  CHECK_FALSE(server.channel_binding_used());
  CHECK_FALSE(client.verify_server_final(s2.message));
  CHECK(client.server_verified());
}

TEST_CASE("auth: SCRAM secrets in PostgreSQL's stored form") {
  SECTION("computed by PostgreSQL 15") {
    // Obtained from a real PostgreSQL 15.18 (Debian 15.18-0+deb12u1):
    //   initdb -E UTF8; SET password_encryption = 'scram-sha-256';
    //   CREATE ROLE u PASSWORD 'pencil'; SELECT rolpassword FROM pg_authid;
    constexpr std::string_view pg =
        "SCRAM-SHA-256$4096:M0pGv8dFdJ9TRKehjEqIZw==$mjQiAC4FZ1UevfXBNYxc8ByhD4U/05UvwhdOKbNB+lY="
        ":kIypxaUiW0c63OnfZOE5NsiykeW2CcqX7g3dUJfXI5U=";
    auto parsed = ScramSecret::parse(pg);
    REQUIRE(parsed);
    CHECK(parsed->iterations == 4096);
    CHECK(parsed->salt.size() == 16);
    CHECK(parsed->to_string() == pg);
    ScramSecret mine = ScramSecret::from_password("pencil", parsed->salt, 4096);
    CHECK(mine == *parsed);
    CHECK(mine.to_string() == pg);
    CHECK_FALSE(ScramSecret::from_password("Pencil", parsed->salt, 4096) == *parsed);

    // And a libpq-style client logs in against it.
    ScramServer server(parsed, server_options("u"));
    ScramClient client("pencil");
    auto o = exchange(server, client);
    CHECK_FALSE(o.server_error());
    CHECK(server.authenticated());
    CHECK_FALSE(o.client_check);
  }

  SECTION("round trip of generated secrets") {
    ScramSecret s = ScramSecret::generate("secret", 32);
    CHECK(s.salt.size() == scram_default_salt_length);
    CHECK(s.iterations == 32);
    auto back = ScramSecret::parse(s.to_string());
    REQUIRE(back);
    CHECK(*back == s);
    CHECK(ScramSecret::generate("secret", 32).salt != s.salt);
    CHECK(s.to_string().starts_with("SCRAM-SHA-256$32:"));
  }

  SECTION("malformed stored forms") {
    const std::string key = "mjQiAC4FZ1UevfXBNYxc8ByhD4U/05UvwhdOKbNB+lY=";
    const std::string short_key = base64_encode(std::string(31, 'k'));
    for (const std::string& bad : {
             std::string(""),
             std::string("md58bbf3f45673bf67d02e4214911f3417f"),
             "SCRAM-SHA-1$4096:M0pGv8dFdJ9TRKehjEqIZw==$" + key + ":" + key,
             "scram-sha-256$4096:M0pGv8dFdJ9TRKehjEqIZw==$" + key + ":" + key,
             "SCRAM-SHA-256$4096:M0pGv8dFdJ9TRKehjEqIZw==$" + key,
             "SCRAM-SHA-256$4096$" + key + ":" + key,
             "SCRAM-SHA-256$:M0pGv8dFdJ9TRKehjEqIZw==$" + key + ":" + key,
             "SCRAM-SHA-256$0:M0pGv8dFdJ9TRKehjEqIZw==$" + key + ":" + key,
             "SCRAM-SHA-256$-1:M0pGv8dFdJ9TRKehjEqIZw==$" + key + ":" + key,
             "SCRAM-SHA-256$4096x:M0pGv8dFdJ9TRKehjEqIZw==$" + key + ":" + key,
             "SCRAM-SHA-256$99999999999:M0pGv8dFdJ9TRKehjEqIZw==$" + key + ":" + key,
             "SCRAM-SHA-256$4096:$" + key + ":" + key,
             "SCRAM-SHA-256$4096:M0pGv8dFdJ9TRKehjEqIZw=$" + key + ":" + key,
             "SCRAM-SHA-256$4096:M0pGv8dFdJ9TRKeh jEqIZw==$" + key + ":" + key,
             "SCRAM-SHA-256$4096:M0pGv8dFdJ9TRKehjEqIZw==$" + short_key + ":" + key,
             "SCRAM-SHA-256$4096:M0pGv8dFdJ9TRKehjEqIZw==$" + key + ":" + short_key,
             "SCRAM-SHA-256$4096:M0pGv8dFdJ9TRKehjEqIZw==$" + key + ":" + key + "x",
             "SCRAM-SHA-256$4096:M0pGv8dFdJ9TRKehjEqIZw==$" + key + ":" + key + ":" + key,
         }) {
      INFO(bad);
      CHECK_FALSE(ScramSecret::parse(bad));
    }
  }
}

TEST_CASE("auth: SCRAM secrets of non-ASCII passwords match PostgreSQL's SASLprep") {
  // CREATE ROLE ... PASSWORD E'...' on the same PostgreSQL 15 server
  // (UTF8 database): the server applies SASLprep before hashing.
  struct Case {
    const char* what;
    std::string_view password;
    std::string_view stored;
  };
  const Case cases[] = {
      {"precomposed a-circumflex", "p\xC3\xA2ss",
       "SCRAM-SHA-256$4096:5BJRihMOyzIKkeVd/1oPFA==$T41Wc3KRtTAkwrx7NVm7QMP9HJvUK71FEeK1t9vY2po="
       ":59+0xLtRXVAVYdxg8CIw8sinTlKCfS0rtX4LvKSVee0="},
      {"a + combining circumflex (NFKC composes)", "pa\xCC\x82ss",
       "SCRAM-SHA-256$4096:jM3faYcDI1HumGVOvQWKOA==$eGTsZsBeTgkwO17tiFlm4ZkD+p7gp75APMaERBTIND0="
       ":09j+IyyDMZBKBEu+5VZ2+m9cRnUcdiYA+syk1NqNDCM="},
      {"fullwidth letters", "\xEF\xBD\x90\xEF\xBD\x85\xEF\xBD\x8E\xEF\xBD\x83\xEF\xBD\x89\xEF\xBD\x8C",
       "SCRAM-SHA-256$4096:spvLeyh4kMMYKt/tpZGx8g==$npbdfcD/V+IQtawxsI7bD9VaWJ2221FbDIcm8iy92HI="
       ":d9LUbqpEQ+NZJ3868FPvXBHf5Bw+GYBU8z2aiFSts3g="},
      {"soft hyphen mapped to nothing", "I\xC2\xAD" "X",
       "SCRAM-SHA-256$4096:tTxB+RJ6Jv2fcdu8gAW9AA==$JCi46OPIGfraWqXw4yVlIgE7dwDdgQk86SZ//ICOr/c="
       ":RvGi7pAq53oOkfKAWgawZcFHNRga2EtfU7ybOTGd2Vo="},
      {"no-break and ideographic spaces", "a\xC2\xA0" "b\xE3\x80\x80" "c",
       "SCRAM-SHA-256$4096:zNcpAvjipMiCBES5noJ66Q==$+qjYG612qzCd8OiHWnmAKKkVnT4MAHJ1x/P9UhJIchQ="
       ":CHX/mKLPxUza7H+dQV0tR0pNSOlYMk5xbJj5xOp3G/k="},
      {"ligature and roman numeral", "\xEF\xAC\x81x\xE2\x85\xA3",
       "SCRAM-SHA-256$4096:vpU+3OWtF+T6EfV5turZsg==$bHHHQvOl6ENNkojj6aE2jRAIP9waH2reFRJqFkuL+4k="
       ":quCK99ZT/B6M/btTeu65WCk+NLHj4wGF/oT/nXGboSk="},
      {"conjoining jamo (composed to a syllable)", "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8",
       "SCRAM-SHA-256$4096:IjLWNiujHksE4/cSCQe7gA==$H42bS6BfPHBnbatvQl22IQ5C8T01xAyk1yQF5ZV/GJg="
       ":8sSHBDCS+Rf9ts5hOmfuI803uEohLhvPTCFAmNpTDOQ="},
      {"control character: raw bytes", "a\x07\xC3\xA9",
       "SCRAM-SHA-256$4096:boacq1prAU9318Ifz8IiEg==$frSOT6broUtTvtn+Vc1y2s0aXVkPMKxHJFqdOsa9qo4="
       ":NoflRpFcSW0BU64TapU207W0QTlzV5fb88u//z0j8TE="},
      {"bidi violation: raw bytes", "\xD7\x90" "a\xD7\x91",
       "SCRAM-SHA-256$4096:svbCUTcUE/aTNsv7x5wqzw==$Yr6h9tUMkV57xhayOQsYITR3DrRoG46u/4xTmnc0YIs="
       ":olzbOUG3UALAwkCuHGs9BBlL8GXzvqBoB2FwsERteg4="},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    auto pg = ScramSecret::parse(c.stored);
    REQUIRE(pg);
    CHECK(ScramSecret::from_password(c.password, pg->salt, pg->iterations) == *pg);
  }
}

TEST_CASE("auth: SCRAM exchanges that succeed or fail on the password") {
  SECTION("success, and the client checks the server's signature") {
    ScramServer server(pencil_secret(), server_options());
    CHECK(server.mechanisms() == std::vector<std::string_view>{"SCRAM-SHA-256"});
    ScramClient client("pencil");
    CHECK(client.mechanism() == "SCRAM-SHA-256");
    auto o = exchange(server, client);
    REQUIRE_FALSE(o.server_error());
    CHECK(server.authenticated());
    CHECK_FALSE(o.client_check);
    CHECK(client.server_verified());
    // Server nonce: the client's plus base64 of 18 random bytes (24 chars).
    std::string_view r = o.server_first_message;
    CHECK(r.starts_with("r="));
    CHECK(r.find(",s=MDEyMzQ1Njc4OWFiY2RlZg==,i=16") == 2 + 24 + 24);
  }

  SECTION("wrong password") {
    ScramServer server(pencil_secret(), server_options());
    ScramClient client("pencil!");
    auto o = exchange(server, client);
    REQUIRE(o.first);
    check_error(o.final.error, "28P01", "password authentication failed for user \"alice\"");
    CHECK(o.final.error->password_failed());
    CHECK_FALSE(server.authenticated());
    // The exchange is over: nothing more is accepted.
    check_error(server.handle_client_final(o.client_final_message).error, "XX000",
                "invalid SCRAM exchange state");
  }

  SECTION("server nonces are fresh") {
    ScramServer a(pencil_secret(), server_options());
    ScramServer b(pencil_secret(), server_options());
    ScramClientOptions co;
    co.client_nonce = "fixed";
    ScramClient ca("pencil", co), cb("pencil", co);
    CHECK(a.handle_client_first("SCRAM-SHA-256", ca.client_first_message()).message !=
          b.handle_client_first("SCRAM-SHA-256", cb.client_first_message()).message);
  }

  SECTION("a server that does not know the secret is caught by the client") {
    ScramServer server(ScramSecret::from_password("other", "0123456789abcdef", 16),
                       server_options());
    ScramClient client("pencil");
    ScramStep s1 = server.handle_client_first(client.mechanism(), client.client_first_message());
    ScramStep c2 = client.handle_server_first(s1.message);
    REQUIRE(c2);
    // A fake server answers with a made-up signature.
    auto e = client.verify_server_final("v=" + base64_encode(std::string(32, 'x')));
    REQUIRE(e);
    CHECK(e->message == "incorrect server signature");
    CHECK_FALSE(client.server_verified());
  }
}

TEST_CASE("auth: SCRAM mock exchange for an unknown user fails like a wrong password") {
  ScramServerOptions opts = server_options("mallory");
  opts.iterations = 4096;
  ScramServer mock(std::nullopt, opts);
  ScramClient client("pencil");
  auto o = exchange(mock, client);
  REQUIRE(o.first);
  check_error(o.final.error, "28P01", "password authentication failed for user \"mallory\"");

  // Same shape as a real exchange: 16-byte salt, the configured iterations.
  std::string_view first = o.server_first_message;
  auto s = first.find(",s=");
  auto i = first.find(",i=");
  REQUIRE(s != std::string_view::npos);
  REQUIRE(i != std::string_view::npos);
  std::string salt_b64(first.substr(s + 3, i - s - 3));
  auto salt = base64_decode(salt_b64);
  REQUIRE(salt);
  CHECK(salt->size() == 16);
  CHECK(first.substr(i) == ",i=4096");

  // The fake salt is stable per user and key, and differs between users.
  auto salt_of = [](ScramServerOptions so) {
    ScramServer m(std::nullopt, so);
    ScramClient c("x");
    std::string f = m.handle_client_first(c.mechanism(), c.client_first_message()).message;
    return f.substr(f.find(",s="));
  };
  CHECK(salt_of(opts) == first.substr(s));
  CHECK(salt_of(server_options("trudy")) != first.substr(s));
  ScramServerOptions other_key = opts;
  other_key.mock_auth_key = "another key";
  CHECK(salt_of(other_key) != first.substr(s));
  ScramServerOptions process_key = opts;
  process_key.mock_auth_key.clear();
  CHECK(salt_of(process_key) == salt_of(process_key));

  // Even the right password of some user cannot pass a mock exchange.
  ScramServer mock2(std::nullopt, server_options("alice"));
  ScramClient any("pencil");
  auto o2 = exchange(mock2, any);
  check_error(o2.final.error, "28P01", "password authentication failed for user \"alice\"");
}

TEST_CASE("auth: SCRAM channel binding (tls-server-end-point)") {
  const std::string cert_hash(32, '\x5a');
  ScramServerOptions tls = server_options();
  tls.channel_binding.plus_offered = true;
  tls.channel_binding.tls_server_end_point = cert_hash;

  SECTION("PLUS advertised first on TLS") {
    ScramServer server(pencil_secret(), tls);
    CHECK(server.mechanisms() ==
          std::vector<std::string_view>{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"});
    CHECK(ScramServer::mechanisms(false) == std::vector<std::string_view>{"SCRAM-SHA-256"});
  }

  SECTION("matching binding") {
    ScramServer server(pencil_secret(), tls);
    ScramClientOptions co;
    co.channel_binding = ScramChannelBindingFlag::required;
    co.tls_server_end_point = cert_hash;
    ScramClient client("pencil", co);
    CHECK(client.mechanism() == "SCRAM-SHA-256-PLUS");
    auto o = exchange(server, client);
    REQUIRE_FALSE(o.server_error());
    CHECK(server.authenticated());
    CHECK(server.channel_binding_used());
    CHECK_FALSE(o.client_check);
    CHECK(o.client_final_message.starts_with(
        "c=" + base64_encode("p=tls-server-end-point,," + cert_hash) + ",r="));
  }

  SECTION("mismatching binding: another certificate (a man in the middle)") {
    ScramServer server(pencil_secret(), tls);
    ScramClientOptions co;
    co.channel_binding = ScramChannelBindingFlag::required;
    co.tls_server_end_point = std::string(32, '\x5b');
    ScramClient client("pencil", co);
    auto o = exchange(server, client);
    check_error(o.final.error, "28000", "SCRAM channel binding check failed");
    CHECK_FALSE(server.authenticated());
  }

  SECTION("PLUS chosen but the server has no certificate hash") {
    ScramServerOptions no_hash = tls;
    no_hash.channel_binding.tls_server_end_point.clear();
    ScramServer server(pencil_secret(), no_hash);
    ScramClientOptions co;
    co.channel_binding = ScramChannelBindingFlag::required;
    co.tls_server_end_point = cert_hash;
    ScramClient client("pencil", co);
    auto o = exchange(server, client);
    check_error(o.final.error, "XX000", "could not get server certificate hash");
  }

  SECTION("downgrade: 'y' refused when PLUS was offered") {
    ScramServer server(pencil_secret(), tls);
    ScramClientOptions co;
    co.channel_binding = ScramChannelBindingFlag::server_lacks;
    ScramClient client("pencil", co);
    auto o = exchange(server, client);
    check_error(o.first.error, "28000", "SCRAM channel binding negotiation error",
                "The client supports SCRAM channel binding but thinks the server does not.  "
                "However, this server does support channel binding.");
  }

  SECTION("'y' accepted when PLUS was not offered") {
    ScramServer server(pencil_secret(), server_options());
    ScramClientOptions co;
    co.channel_binding = ScramChannelBindingFlag::server_lacks;
    ScramClient client("pencil", co);
    auto o = exchange(server, client);
    REQUIRE_FALSE(o.server_error());
    CHECK(server.authenticated());
    CHECK_FALSE(server.channel_binding_used());
    CHECK(o.client_final_message.starts_with("c=eSws,"));
  }

  SECTION("'n' on TLS with SCRAM-SHA-256 is fine (channel_binding=disable)") {
    ScramServer server(pencil_secret(), tls);
    ScramClient client("pencil");
    auto o = exchange(server, client);
    REQUIRE_FALSE(o.server_error());
    CHECK(server.authenticated());
  }

  SECTION("'p' with SCRAM-SHA-256 refused") {
    ScramServer server(pencil_secret(), tls);
    check_error(server.handle_client_first("SCRAM-SHA-256", "p=tls-server-end-point,,n=,r=abc")
                    .error,
                "08P01", "malformed SCRAM message",
                "The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message "
                "includes channel binding data.");
  }

  SECTION("SCRAM-SHA-256-PLUS without 'p'") {
    for (std::string_view msg : {"n,,n=,r=abc", "y,,n=,r=abc"}) {
      ScramServer server(pencil_secret(), tls);
      check_error(server.handle_client_first("SCRAM-SHA-256-PLUS", msg).error, "08P01",
                  "malformed SCRAM message",
                  "The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not "
                  "include channel binding data.");
    }
  }

  SECTION("SCRAM-SHA-256-PLUS when it was not offered") {
    ScramServer server(pencil_secret(), server_options());
    check_error(
        server.handle_client_first("SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=abc").error,
        "08P01", "client selected an invalid SASL authentication mechanism");
  }

  SECTION("unsupported channel binding types") {
    ScramServer a(pencil_secret(), tls);
    check_error(a.handle_client_first("SCRAM-SHA-256-PLUS", "p=tls-unique,,n=,r=abc").error,
                "08P01", "unsupported SCRAM channel-binding type \"tls-unique\"");
    ScramServer b(pencil_secret(), tls);
    check_error(b.handle_client_first("SCRAM-SHA-256-PLUS", "p=,,n=,r=abc").error, "08P01",
                "unsupported SCRAM channel-binding type \"\"");
    ScramServer c(pencil_secret(), tls);
    check_error(c.handle_client_first("SCRAM-SHA-256-PLUS", "p,,n=,r=abc").error, "08P01",
                "malformed SCRAM message", "Expected character \"=\" for attribute \"p\".");
  }

  SECTION("cbind-data must repeat the gs2 header without PLUS") {
    // 'n' in the first message, but "y,," in c=: and the other way round.
    for (auto [first, c] : {std::pair{"n,,n=,r=abc", "eSws"}, std::pair{"y,,n=,r=abc", "biws"},
                            std::pair{"n,,n=,r=abc", "cD10bHMtc2VydmVyLWVuZC1wb2ludCws"}}) {
      ScramServerOptions so = server_options();
      so.server_nonce = "SERVER";
      ScramServer server(pencil_secret(), so);
      REQUIRE(server.handle_client_first("SCRAM-SHA-256", first));
      check_error(server
                      .handle_client_final(std::string("c=") + c + ",r=abcSERVER,p=" +
                                           base64_encode(std::string(32, 'p')))
                      .error,
                  "08P01", "unexpected SCRAM channel-binding attribute in client-final-message");
    }
  }
}

TEST_CASE("auth: SCRAM mechanism selection") {
  for (std::string_view mech : {"", "SCRAM-SHA-1", "scram-sha-256", "SCRAM-SHA-256 ", "PLAIN"}) {
    INFO(mech);
    ScramServer server(pencil_secret(), server_options());
    check_error(server.handle_client_first(mech, "n,,n=,r=abc").error, "08P01",
                "client selected an invalid SASL authentication mechanism");
  }
}

TEST_CASE("auth: SCRAM malformed client-first-message, field by field") {
  struct Case {
    std::string message;
    std::string_view sqlstate;
    std::string_view text;
    std::string_view detail;
  };
  const Case cases[] = {
      {"", "08P01", "malformed SCRAM message", "The message is empty."},
      {std::string("n,,n=,r=abc\0def", 15), "08P01", "malformed SCRAM message",
       "Message length does not match input length."},
      {"x,,n=,r=abc", "08P01", "malformed SCRAM message",
       "Unexpected channel-binding flag \"'x'\"."},
      {"\x80,,n=,r=abc", "08P01", "malformed SCRAM message",
       "Unexpected channel-binding flag \"0x80\"."},
      {"n", "08P01", "malformed SCRAM message", "Comma expected, but found character \"0x00\"."},
      {"n;,n=,r=abc", "08P01", "malformed SCRAM message",
       "Comma expected, but found character \"';'\"."},
      {"n,", "08P01", "malformed SCRAM message",
       "Unexpected attribute \"0x00\" in client-first-message."},
      {"n,a=bob,n=,r=abc", "0A000", "client uses authorization identity, but it is not supported",
       ""},
      {"n,x,n=,r=abc", "08P01", "malformed SCRAM message",
       "Unexpected attribute \"'x'\" in client-first-message."},
      {"n,,m=ext,n=,r=abc", "0A000", "client requires an unsupported SCRAM extension", ""},
      {"n,,", "08P01", "malformed SCRAM message", "Expected attribute \"n\" but found \"0x00\"."},
      {"n,,r=abc", "08P01", "malformed SCRAM message",
       "Expected attribute \"n\" but found \"'r'\"."},
      {"n,,n,r=abc", "08P01", "malformed SCRAM message",
       "Expected character \"=\" for attribute \"n\"."},
      {"n,,n=", "08P01", "malformed SCRAM message", "Expected attribute \"r\" but found \"0x00\"."},
      {"n,,n=,x=abc", "08P01", "malformed SCRAM message",
       "Expected attribute \"r\" but found \"'x'\"."},
      {"n,,n=,r", "08P01", "malformed SCRAM message",
       "Expected character \"=\" for attribute \"r\"."},
      {"n,,n=,r=ab c", "08P01", "non-printable characters in SCRAM nonce", ""},
      {"n,,n=,r=ab\x7f", "08P01", "non-printable characters in SCRAM nonce", ""},
      {"n,,n=,r=abc,1=x", "08P01", "malformed SCRAM message",
       "Attribute expected, but found invalid character \"'1'\"."},
      {"n,,n=,r=abc,x", "08P01", "malformed SCRAM message",
       "Expected character \"=\" for attribute \"x\"."},
      {"n,,n=,r=abc,,", "08P01", "malformed SCRAM message",
       "Attribute expected, but found invalid character \"','\"."},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    ScramServer server(pencil_secret(), server_options());
    check_error(server.handle_client_first("SCRAM-SHA-256", c.message).error, c.sqlstate, c.text,
                c.detail);
    CHECK_FALSE(server.authenticated());
  }

  // Accepted as PostgreSQL accepts them: a user name (ignored), optional
  // extensions, a trailing comma.
  for (std::string_view ok :
       {"n,,n=someone,r=abc", "n,,n=,r=abc,x=1,y=2", "n,,n=,r=abc,", "y,,n=,r=abc"}) {
    INFO(ok);
    ScramServerOptions so = server_options();
    so.server_nonce = "SERVER";
    ScramServer server(pencil_secret(), so);
    ScramStep s = server.handle_client_first("SCRAM-SHA-256", ok);
    REQUIRE(s);
    CHECK(s.message == "r=abcSERVER,s=MDEyMzQ1Njc4OWFiY2RlZg==,i=16");
  }
}

TEST_CASE("auth: SCRAM malformed client-final-message, field by field") {
  const std::string proof = base64_encode(std::string(32, 'p'));
  struct Case {
    std::string message;
    std::string_view sqlstate;
    std::string_view text;
    std::string_view detail;
  };
  const Case cases[] = {
      {"", "08P01", "malformed SCRAM message", "The message is empty."},
      {std::string("c=biws,r=abcSERVER,p=\0", 22), "08P01", "malformed SCRAM message",
       "Message length does not match input length."},
      {"r=abcSERVER,p=" + proof, "08P01", "malformed SCRAM message",
       "Expected attribute \"c\" but found \"'r'\"."},
      {"c", "08P01", "malformed SCRAM message", "Expected character \"=\" for attribute \"c\"."},
      {"c=biws", "08P01", "malformed SCRAM message",
       "Expected attribute \"r\" but found \"0x00\"."},
      {"c=biws,p=" + proof, "08P01", "malformed SCRAM message",
       "Expected attribute \"r\" but found \"'p'\"."},
      {"c=biws,r=abcSERVER", "08P01", "malformed SCRAM message",
       "Attribute expected, but found end of string."},
      {"c=biws,r=abcSERVER,x=1", "08P01", "malformed SCRAM message",
       "Attribute expected, but found end of string."},
      {"c=biws,r=abcSERVER,p", "08P01", "malformed SCRAM message",
       "Expected character \"=\" for attribute \"p\"."},
      {"c=biws,r=abcSERVER,p=", "08P01", "malformed SCRAM message",
       "Malformed proof in client-final-message."},
      {"c=biws,r=abcSERVER,p=!!!!", "08P01", "malformed SCRAM message",
       "Malformed proof in client-final-message."},
      {"c=biws,r=abcSERVER,p=" + proof.substr(0, 43), "08P01", "malformed SCRAM message",
       "Malformed proof in client-final-message."},
      {"c=biws,r=abcSERVER,p=" + base64_encode(std::string(31, 'p')), "08P01",
       "malformed SCRAM message", "Malformed proof in client-final-message."},
      {"c=biws,r=abcSERVER,p=" + base64_encode(std::string(33, 'p')), "08P01",
       "malformed SCRAM message", "Malformed proof in client-final-message."},
      {"c=biws,r=abcSERVER,p=" + proof + ",x=1", "08P01", "malformed SCRAM message",
       "Garbage found at the end of client-final-message."},
      {"c=biws,r=abcSERVER,1=x,p=" + proof, "08P01", "malformed SCRAM message",
       "Attribute expected, but found invalid character \"'1'\"."},
      // Nonce tampering.
      {"c=biws,r=abcSERVEX,p=" + proof, "08P01", "invalid SCRAM response",
       "Nonce does not match."},
      {"c=biws,r=abcSERVER2,p=" + proof, "08P01", "invalid SCRAM response",
       "Nonce does not match."},
      {"c=biws,r=abcSERVE,p=" + proof, "08P01", "invalid SCRAM response",
       "Nonce does not match."},
      {"c=biws,r=SERVER,p=" + proof, "08P01", "invalid SCRAM response", "Nonce does not match."},
      {"c=biws,r=xbcSERVER,p=" + proof, "08P01", "invalid SCRAM response",
       "Nonce does not match."},
      // Well formed, but a made-up proof.
      {"c=biws,r=abcSERVER,p=" + proof, "28P01",
       "password authentication failed for user \"alice\"", ""},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    ScramServerOptions so = server_options();
    so.server_nonce = "SERVER";
    ScramServer server(pencil_secret(), so);
    REQUIRE(server.handle_client_first("SCRAM-SHA-256", "n,,n=,r=abc"));
    check_error(server.handle_client_final(c.message).error, c.sqlstate, c.text, c.detail);
    CHECK_FALSE(server.authenticated());
  }
}

TEST_CASE("auth: SCRAM client-final extensions are covered by the proof") {
  ScramServerOptions so = server_options();
  so.server_nonce = "SERVER";
  const std::string first_bare = "n=,r=abc";
  const std::string server_first = "r=abcSERVER,s=MDEyMzQ1Njc4OWFiY2RlZg==,i=16";
  for (std::string without_proof : {"c=biws,r=abcSERVER", "c=biws,r=abcSERVER,x=ext,y=2"}) {
    INFO(without_proof);
    ScramServer server(pencil_secret(), so);
    REQUIRE(server.handle_client_first("SCRAM-SHA-256", "n,," + first_bare).message ==
            server_first);
    std::string p = proof_for("pencil", pencil_secret(), first_bare, server_first, without_proof);
    // A trailing comma after the proof is tolerated, as in PostgreSQL.
    ScramStep s = server.handle_client_final(without_proof + ",p=" + p + ",");
    REQUIRE(s);
    CHECK(server.authenticated());
  }
  // The proof for one extension set does not pass with another.
  ScramServer server(pencil_secret(), so);
  REQUIRE(server.handle_client_first("SCRAM-SHA-256", "n,," + first_bare));
  std::string p =
      proof_for("pencil", pencil_secret(), first_bare, server_first, "c=biws,r=abcSERVER,x=ext");
  CHECK(server.handle_client_final("c=biws,r=abcSERVER,x=other,p=" + p).error->sqlstate == "28P01");
}

TEST_CASE("auth: SCRAM calls out of order") {
  ScramServer server(pencil_secret(), server_options());
  check_error(server.handle_client_final("c=biws,r=abc,p=x").error, "XX000",
              "invalid SCRAM exchange state");
  ScramServer twice(pencil_secret(), server_options());
  REQUIRE(twice.handle_client_first("SCRAM-SHA-256", "n,,n=,r=abc"));
  check_error(twice.handle_client_first("SCRAM-SHA-256", "n,,n=,r=abc").error, "XX000",
              "invalid SCRAM exchange state");
  // After an error, the exchange stays failed.
  ScramServer failed(pencil_secret(), server_options());
  REQUIRE_FALSE(failed.handle_client_first("SCRAM-SHA-256", "x"));
  check_error(failed.handle_client_first("SCRAM-SHA-256", "n,,n=,r=abc").error, "XX000",
              "invalid SCRAM exchange state");

  ScramClient client("pencil");
  CHECK(client.handle_server_first("r=x,s=c2FsdA==,i=1").error->message ==
        "invalid SCRAM exchange state");
  CHECK(client.verify_server_final("v=x")->message == "invalid SCRAM exchange state");
}

TEST_CASE("auth: SCRAM client checks the server's messages") {
  auto client_with_nonce = [] {
    ScramClientOptions co;
    co.client_nonce = "abc";
    auto c = std::make_unique<ScramClient>("pencil", co);
    CHECK(c->client_first_message() == "n,,n=,r=abc");
    return c;
  };
  struct Case {
    std::string_view server_first;
    std::string_view error;
  };
  const Case cases[] = {
      {"r=xyzSERVER,s=c2FsdA==,i=16", "invalid SCRAM response (nonce mismatch)"},
      {"r=abc,s=c2FsdA==,i=16", "invalid SCRAM response (nonce mismatch)"},
      {"r=ab,s=c2FsdA==,i=16", "invalid SCRAM response (nonce mismatch)"},
      {"s=c2FsdA==,i=16", "malformed SCRAM message (attribute \"r\" expected)"},
      {"r=abcS,i=16", "malformed SCRAM message (attribute \"s\" expected)"},
      {"r=abcS,s=c2FsdA=,i=16", "malformed SCRAM message (invalid salt)"},
      {"r=abcS,s=,i=16", "malformed SCRAM message (invalid salt)"},
      {"r=abcS,s=c2FsdA==", "malformed SCRAM message (attribute \"i\" expected)"},
      {"r=abcS,s=c2FsdA==,i=0", "malformed SCRAM message (invalid iteration count)"},
      {"r=abcS,s=c2FsdA==,i=-1", "malformed SCRAM message (invalid iteration count)"},
      {"r=abcS,s=c2FsdA==,i=1x", "malformed SCRAM message (invalid iteration count)"},
      {"r=abcS,s=c2FsdA==,i=16,x=1",
       "malformed SCRAM message (garbage at end of server-first-message)"},
  };
  for (const Case& c : cases) {
    INFO(c.server_first);
    auto client = client_with_nonce();
    auto step = client->handle_server_first(c.server_first);
    REQUIRE(step.error);
    CHECK(step.error->message == c.error);
  }

  auto client = client_with_nonce();
  REQUIRE(client->handle_server_first("r=abcS,s=c2FsdA==,i=16"));
  auto e = client->verify_server_final("e=invalid-proof");
  REQUIRE(e);
  CHECK(e->message == "error received from server in SCRAM exchange: invalid-proof");
  for (std::string_view bad : {"v=", "v=!!!!", "x=1", "v=c2FsdA=="}) {
    auto c = client_with_nonce();
    REQUIRE(c->handle_server_first("r=abcS,s=c2FsdA==,i=16"));
    INFO(bad);
    CHECK(c->verify_server_final(bad));
    CHECK_FALSE(c->server_verified());
  }
}

TEST_CASE("auth: SCRAM client first messages") {
  ScramClientOptions co;
  co.client_nonce = "N";
  co.user = "a,b=c";
  CHECK(ScramClient("pw", co).client_first_message() == "n,,n=a=2Cb=3Dc,r=N");
  co.user.clear();
  co.channel_binding = ScramChannelBindingFlag::required;
  CHECK(ScramClient("pw", co).client_first_message() == "p=tls-server-end-point,,n=,r=N");
  co.channel_binding = ScramChannelBindingFlag::server_lacks;
  CHECK(ScramClient("pw", co).client_first_message() == "y,,n=,r=N");
  // libpq's nonce: base64 of 18 random bytes.
  std::string first = ScramClient("pw").client_first_message();
  CHECK(first.size() == std::string_view("n,,n=,r=").size() + 24);
}
