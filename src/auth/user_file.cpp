#include "pgwire/auth/user_file.hpp"

#include <set>

#include "config_tokens.hpp"
#include "pgwire/auth/hba.hpp"
#include "pgwire/auth/scram.hpp"

namespace pgwire::auth {

bool is_md5_secret(std::string_view s) {
  if (s.size() != 35 || !s.starts_with("md5")) return false;
  for (char c : s.substr(3))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

namespace {

// Why a secret is refused, without its text.
const char* secret_problem(std::string_view secret) {
  if (secret.empty()) return "has an empty secret";
  if (secret.starts_with("SCRAM-SHA-256$") && !ScramSecret::parse(secret))
    return "has a secret that starts like a SCRAM secret but is not a valid one";
  if (secret.starts_with("md5") && secret.size() == 35 && !is_md5_secret(secret))
    return "has a secret that starts like an md5 hash but is not 32 lower-case hex digits";
  return nullptr;
}

}  // namespace

std::vector<UserFileEntry> parse_user_file(std::string_view text, std::string_view file_name) {
  std::vector<UserFileEntry> out;
  std::set<std::string, std::less<>> seen;
  for (const auto& line : detail::tokenize_config(text, file_name)) {
    auto fail = [&](const std::string& why) { throw HbaFileError(line.number, std::string(file_name), why); };
    const auto& f = line.fields;
    if (f[0].size() != 1) fail("a user name cannot be a list");
    UserFileEntry e;
    e.line = line.number;
    e.name = f[0][0].text;
    if (e.name.empty()) fail("empty user name");
    std::string who = "user \"" + e.name + "\"";
    if (f.size() < 2) fail(who + " has no secret");
    if (f.size() > 3) fail(who + ": too many fields (expected name, secret and groups)");
    // Commas separate list items in these files: a password that holds one
    // must be quoted, or it would be split silently.
    if (f[1].size() != 1) fail(who + ": a secret holding a comma must be written in double quotes");
    e.secret = f[1][0].text;
    if (const char* why = secret_problem(e.secret)) fail(who + " " + why);
    if (f.size() == 3)
      for (const auto& g : f[2]) {
        if (g.text.empty()) fail(who + ": empty group name");
        e.groups.push_back(g.text);
      }
    if (!seen.insert(e.name).second) fail(who + " is listed twice");
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace pgwire::auth
