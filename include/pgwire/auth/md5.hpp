#pragma once
// MD5 password authentication (AuthenticationMD5Password, request code 5).
//
// PostgreSQL stores "md5" + md5hex(password + user) in pg_authid.rolpassword.
// Per connection the server sends a random 4-byte salt; the client answers
// "md5" + md5hex(md5hex(password + user) + salt), where the inner md5hex is
// the stored hash without its "md5" prefix. The server can therefore verify
// the answer from the stored hash alone. MD5 is deprecated in PostgreSQL 18;
// prefer SCRAM (pgwire/auth/scram.hpp).

#include <array>
#include <string>
#include <string_view>

namespace pgwire::auth {

// "md5" followed by 32 lowercase hex digits: what PostgreSQL stores.
std::string md5_password_hash(std::string_view user, std::string_view password);

// A fresh random salt for one AuthenticationMD5Password request.
std::array<char, 4> md5_random_salt();

// What a client sends in its PasswordMessage, from the stored hash (or from
// md5_password_hash(user, password)) and the salt the server sent.
std::string md5_salted_response(std::string_view stored, std::array<char, 4> salt);

// True when client_response is the correct answer for the stored hash and
// salt. The comparison is constant-time (CRYPTO_memcmp). False when stored is
// not an "md5" hash (e.g. a SCRAM secret: PostgreSQL then uses SCRAM even if
// the configured method is md5) or the response has the wrong length.
bool md5_verify(std::string_view stored, std::array<char, 4> salt,
                std::string_view client_response);

}  // namespace pgwire::auth
