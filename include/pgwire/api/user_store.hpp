#pragma once
// Users held in memory for the ready-made handlers and AuthPolicy: per user a
// secret in one of PostgreSQL's rolpassword forms (plaintext, "md5" + 32 hex
// digits, "SCRAM-SHA-256$...") and the groups it belongs to (+group and
// samerole in pg_hba.conf rules). Built in code or from a users file
// (auth/user_file.hpp). Fill it before sharing it: once handlers use it, it
// is only read (AuthPolicy::reload swaps in a new one).

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/api/auth.hpp"

namespace pgwire {

class UserStore final : public AuthSource {
 public:
  UserStore() = default;

  // Replaces an earlier entry of the same name.
  void add(std::string name, std::string secret, std::vector<std::string> groups = {});

  // From the users file's text; throws auth::HbaFileError (line-numbered,
  // without the secret).
  static std::shared_ptr<UserStore> parse(std::string_view text, std::string_view file_name = "users");
  // Reads and parses a file; std::runtime_error when it cannot be read.
  static std::shared_ptr<UserStore> load(const std::string& path);

  std::optional<StoredPassword> find(std::string_view user) const;
  // PostgreSQL's membership for +group and samerole: the role itself, or a
  // member of the group.
  bool is_member(std::string_view user, std::string_view group) const;
  std::size_t size() const noexcept { return users_.size(); }

  asio::awaitable<std::optional<StoredPassword>> lookup(const ClientInfo& client) override;

 private:
  struct Entry {
    StoredPassword secret;
    std::set<std::string, std::less<>> groups;
  };
  std::map<std::string, Entry, std::less<>> users_;
};

}  // namespace pgwire
