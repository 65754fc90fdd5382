// MD5 password authentication and the small crypto helpers under it.

#include <set>

#include "pgwire/auth/base64.hpp"
#include "pgwire/auth/md5.hpp"
#include "pgwire/auth/random.hpp"
#include "support/catch.hpp"

using namespace pgwire::auth;

TEST_CASE("auth: MD5 stored hash matches PostgreSQL") {
  // From PostgreSQL 15.18: SET password_encryption = 'md5';
  // CREATE ROLE m PASSWORD 'pencil'; SELECT rolpassword FROM pg_authid;
  CHECK(md5_password_hash("m", "pencil") == "md58bbf3f45673bf67d02e4214911f3417f");
  // Password first, then user.
  CHECK(md5_password_hash("pencil", "m") != md5_password_hash("m", "pencil"));
  CHECK(md5_password_hash("", "").size() == 35);
}

TEST_CASE("auth: MD5 challenge and response") {
  const std::string stored = md5_password_hash("alice", "s3cret");
  const std::array<char, 4> salt{'\x01', '\x80', '\xff', '\x00'};
  // What libpq computes: md5(md5hex(password + user) + salt).
  const std::string response = md5_salted_response(md5_password_hash("alice", "s3cret"), salt);
  CHECK(response.size() == 35);
  CHECK(response.starts_with("md5"));
  CHECK(md5_verify(stored, salt, response));

  // Known value: stored "md5" + md5hex("pencil" + "m") with salt 01 02 03 04,
  // cross-checked with Python's hashlib.
  CHECK(md5_salted_response("md58bbf3f45673bf67d02e4214911f3417f", {'\x01', '\x02', '\x03', '\x04'}) ==
        "md5b102d64f0a7f8aa6cc98d60d13b48b72");

  CHECK_FALSE(md5_verify(stored, {'\x01', '\x80', '\xff', '\x01'}, response));
  CHECK_FALSE(md5_verify(md5_password_hash("alice", "s3cre"), salt, response));
  CHECK_FALSE(md5_verify(md5_password_hash("bob", "s3cret"), salt, response));
  CHECK_FALSE(md5_verify(stored, salt, response.substr(0, 34)));
  CHECK_FALSE(md5_verify(stored, salt, response + "0"));
  CHECK_FALSE(md5_verify(stored, salt, ""));
  std::string upper = response;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK_FALSE(md5_verify(stored, salt, upper));
  // A stored value that is not an MD5 hash never verifies.
  CHECK_FALSE(md5_verify("s3cret", salt, response));
  CHECK_FALSE(md5_verify("SCRAM-SHA-256$4096:abc$def:ghi", salt, response));
  CHECK_FALSE(md5_verify(stored.substr(3), salt, response));
  std::string upper_stored = "md5" + std::string(32, 'A');
  CHECK_FALSE(md5_verify(upper_stored, salt, md5_salted_response(upper_stored, salt)));
}

TEST_CASE("auth: random salts and bytes") {
  std::set<std::string> salts;
  for (int i = 0; i < 64; ++i) {
    auto s = md5_random_salt();
    salts.insert(std::string(s.data(), s.size()));
  }
  CHECK(salts.size() > 60);  // 32-bit salts: a collision among 64 is ~5e-7

  std::array<std::byte, 64> a{}, b{};
  random_bytes(a);
  random_bytes(b);
  CHECK(a != b);
  std::array<std::byte, 64> zero{};
  CHECK(a != zero);
  std::string s(100, '\0');
  random_bytes(std::span<char>(s));
  CHECK(s != std::string(100, '\0'));
  std::array<unsigned char, 0> none{};
  random_bytes(none);
}

TEST_CASE("auth: base64 as RFC 4648 and PostgreSQL") {
  // RFC 4648 section 10.
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_decode(encoded) == std::string(plain));
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  CHECK(base64_decode(base64_encode(all)) == all);
  CHECK(base64_encode("\xfb\xff") == "+/8=");

  for (std::string_view bad : {"Zg", "Zg=", "Zm9", "Z===", "=Zm9", "Zm=v", "Zg==Zg==", "Zm 9v",
                               "Zm9v\n", "Zm9-", "Zm9_", "Zm9\x80"}) {
    INFO(bad);
    CHECK_FALSE(base64_decode(bad));
  }
  // Non-zero padding bits are accepted, as PostgreSQL's decoder does.
  CHECK(base64_decode("Zh==") == std::string("f"));
}
