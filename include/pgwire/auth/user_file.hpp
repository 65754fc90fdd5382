#pragma once
// The users file: one user per line, `name secret [group,group...]`,
// whitespace-separated, `#` comments, double quotes around a token that holds
// spaces. The secret is one of PostgreSQL's rolpassword forms, so it can be
// copied out of pg_authid: a plaintext password, "md5" + 32 hex digits, or
// "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>". Errors name
// the line and the user, never the secret.

#include <string>
#include <string_view>
#include <vector>

namespace pgwire::auth {

struct UserFileEntry {
  int line = 0;
  std::string name;
  std::string secret;
  std::vector<std::string> groups;
};

// Throws HbaFileError (hba.hpp) for a line without a secret, a duplicate
// user, or a secret that starts like an md5 hash or a SCRAM secret but is
// not a valid one (a truncated copy would otherwise become a plaintext
// password).
std::vector<UserFileEntry> parse_user_file(std::string_view text, std::string_view file_name);

// PostgreSQL's test (get_password_type): "md5" followed by 32 lower-case hex digits.
bool is_md5_secret(std::string_view secret);

}  // namespace pgwire::auth
