#pragma once
// PostgreSQL's pg_hba.conf as a StartupHandler: ordered rules, the first that
// matches the connection (Unix socket or TCP, TLS or not, client address,
// database, user) names the method, and the ready-made handlers (auth.hpp)
// run it against a UserStore. A product adds methods of its own by name.
//
//   auto policy = pgwire::AuthPolicy::from_files("pg_hba.conf", "users.txt");
//   pgwire::Server server(options, {policy, handler});
//   ... on SIGHUP: policy->reload_files("pg_hba.conf", "users.txt");
//
// or in code:
//   auto users = std::make_shared<pgwire::UserStore>();
//   users->add("app", "SCRAM-SHA-256$4096:...", {"apps"});
//   pgwire::auth::HbaRule rule;  // host all +apps 10.0.0.0/8 scram-sha-256
//   rule.users = {pgwire::auth::HbaName::member_of("apps")};
//   rule.address = pgwire::auth::IpRange::cidr("10.0.0.0/8");
//   rule.method = "scram-sha-256";
//   auto policy = std::make_shared<pgwire::AuthPolicy>(std::vector{rule}, users);

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/api/auth.hpp"
#include "pgwire/api/user_store.hpp"
#include "pgwire/auth/hba.hpp"

namespace pgwire {

struct AuthPolicyOptions {
  ScramOptions scram;  // for scram-sha-256 rules
  ParameterProviderPtr parameters;
  // Methods of the product's own (an LDAP or token check), by the name a
  // rule gives in its METHOD field. They see the same AuthExchange; after
  // them, clientcert=verify-full still applies.
  std::map<std::string, std::shared_ptr<StartupHandler>, std::less<>> methods;
};

class AuthPolicy final : public StartupHandler {
 public:
  // Throws std::invalid_argument naming the rule (its line) when a rule is
  // inconsistent or names a method that does not exist.
  AuthPolicy(std::vector<auth::HbaRule> rules, std::shared_ptr<const UserStore> users,
             AuthPolicyOptions options = {});

  // Rules from pg_hba.conf text, knowing the product's methods; throws
  // auth::HbaFileError.
  static std::vector<auth::HbaRule> parse_rules(std::string_view text, std::string_view file_name,
                                                const AuthPolicyOptions& options = {});
  // The same from a file; std::runtime_error when it cannot be read.
  static std::vector<auth::HbaRule> load_rules(const std::string& path, const AuthPolicyOptions& options = {});
  // Reads both files (no users file: no users); throws auth::HbaFileError or
  // std::runtime_error.
  static std::shared_ptr<AuthPolicy> from_files(const std::string& hba_path, const std::string& users_path,
                                                AuthPolicyOptions options = {});

  // New rules and users for connections that start authenticating from now
  // on; a connection already authenticating keeps the ones it started with.
  // Thread-safe. On error nothing changes.
  void reload(std::vector<auth::HbaRule> rules, std::shared_ptr<const UserStore> users);
  void reload_files(const std::string& hba_path, const std::string& users_path);

  asio::awaitable<void> authenticate(AuthExchange& exchange) override;
  std::vector<std::pair<std::string, std::string>> server_parameters(const ClientInfo& client) override;

  // The rule a client would be given (nullptr: none). For tests and logs.
  std::shared_ptr<const auth::HbaRule> match(const ClientInfo& client) const;

  struct Generation;

 private:
  std::shared_ptr<const Generation> current() const;

  AuthPolicyOptions options_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Generation> generation_;
};

// What a rule sees of a client: Unix socket or TCP address
// (ClientInfo::remote_address "unix" or "host:port"), TLS, database, user,
// physical replication.
auth::HbaRequest hba_request(const ClientInfo& client);

}  // namespace pgwire
