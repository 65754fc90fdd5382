#include "pgwire/api/user_store.hpp"

#include "pgwire/auth/user_file.hpp"
#include "config_file.hpp"

namespace pgwire {

void UserStore::add(std::string name, std::string secret, std::vector<std::string> groups) {
  Entry e{StoredPassword::parse(std::move(secret)), {}};
  for (auto& g : groups) e.groups.insert(std::move(g));
  users_.insert_or_assign(std::move(name), std::move(e));
}

std::shared_ptr<UserStore> UserStore::parse(std::string_view text, std::string_view file_name) {
  auto store = std::make_shared<UserStore>();
  for (auto& e : auth::parse_user_file(text, file_name))
    store->add(std::move(e.name), std::move(e.secret), std::move(e.groups));
  return store;
}

std::shared_ptr<UserStore> UserStore::load(const std::string& path) {
  return parse(detail::read_config_file(path), path);
}

std::optional<StoredPassword> UserStore::find(std::string_view user) const {
  auto it = users_.find(user);
  if (it == users_.end()) return std::nullopt;
  return it->second.secret;
}

bool UserStore::is_member(std::string_view user, std::string_view group) const {
  if (user == group) return true;
  auto it = users_.find(user);
  return it != users_.end() && it->second.groups.contains(group);
}

asio::awaitable<std::optional<StoredPassword>> UserStore::lookup(const ClientInfo& client) {
  co_return find(client.user);
}

}  // namespace pgwire
