// AuthPolicy: the matched pg_hba.conf rule picks the handler, with
// PostgreSQL's messages for no match, reject and clientcert (auth.c's
// ClientAuthentication and auth_failed).

#include "pgwire/api/auth_policy.hpp"

#include <fmt/format.h>

#include "config_file.hpp"

namespace pgwire {

// Everything one connection authenticates with: a reload makes a new one.
struct AuthPolicy::Generation {
  std::vector<auth::HbaRule> rules;
  std::shared_ptr<const UserStore> users;
  std::map<std::string, std::shared_ptr<StartupHandler>, std::less<>> handlers;
};

namespace {

bool known_method(const AuthPolicyOptions& o, std::string_view name) {
  return auth::builtin_hba_method(name) || o.methods.contains(name);
}

std::shared_ptr<const AuthPolicy::Generation> make_generation(std::vector<auth::HbaRule> rules,
                                                              std::shared_ptr<const UserStore> users,
                                                              const AuthPolicyOptions& o) {
  if (!users) users = std::make_shared<UserStore>();
  for (const auto& r : rules) {
    auto where = [&] { return r.line ? fmt::format("pg_hba rule of line {}", r.line) : std::string("pg_hba rule"); };
    if (!known_method(o, r.method))
      throw std::invalid_argument(fmt::format("{}: invalid authentication method \"{}\"", where(), r.method));
    try {
      auth::validate_hba_rule(r);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where() + ": " + e.what());
    }
  }
  auto g = std::make_shared<AuthPolicy::Generation>();
  g->rules = std::move(rules);
  g->users = users;
  // The handlers read this generation's users; they keep no state of a
  // connection, so one set serves every session. (A const store is only
  // read: AuthSource::lookup is not const for sources that fetch.)
  auto source = std::const_pointer_cast<UserStore>(users);
  g->handlers["trust"] = make_trust_auth();
  g->handlers["password"] = make_cleartext_auth(source);
  g->handlers["md5"] = make_md5_auth(source);
  g->handlers["scram-sha-256"] = make_scram_auth(source, o.scram);
  g->handlers["cert"] = make_cert_auth();
  for (const auto& [name, handler] : o.methods) g->handlers[name] = handler;
  return g;
}

PgError refused(std::string message) {
  return PgError(ErrorInfo::fatal(sqlstate::invalid_authorization, std::move(message)));
}

std::string host_of(const auth::HbaRequest& r, const ClientInfo& client) {
  if (r.local) return "[local]";
  auto colon = client.remote_address.rfind(':');
  return client.remote_address.substr(0, colon);
}

// PostgreSQL 14 and later: "SSL encryption" / "no encryption" (13 said "SSL on/off").
const char* encryption(const auth::HbaRequest& r) { return r.ssl ? "SSL encryption" : "no encryption"; }

PgError no_entry(const auth::HbaRequest& r, const ClientInfo& c) {
  if (r.physical_replication)
    return refused(fmt::format("no pg_hba.conf entry for replication connection from host \"{}\", user \"{}\", {}",
                               host_of(r, c), c.user, encryption(r)));
  return refused(fmt::format("no pg_hba.conf entry for host \"{}\", user \"{}\", database \"{}\", {}",
                             host_of(r, c), c.user, c.database, encryption(r)));
}

PgError rejects(const auth::HbaRequest& r, const ClientInfo& c) {
  if (r.physical_replication)
    return refused(fmt::format("pg_hba.conf rejects replication connection for host \"{}\", user \"{}\", {}",
                               host_of(r, c), c.user, encryption(r)));
  return refused(fmt::format("pg_hba.conf rejects connection for host \"{}\", user \"{}\", database \"{}\", {}",
                             host_of(r, c), c.user, c.database, encryption(r)));
}

// The method's own failure, which PostgreSQL reports when clientcert=verify-full
// finds the wrong CN after the method succeeded (the CN is only logged).
PgError method_failed(const std::string& method, const ClientInfo& c) {
  if (method == "password" || method == "md5" || method == "scram-sha-256")
    return PgError(ErrorInfo::fatal(sqlstate::invalid_password,
                                    fmt::format("password authentication failed for user \"{}\"", c.user)));
  if (method == "trust") return refused(fmt::format("\"trust\" authentication failed for user \"{}\"", c.user));
  return refused(fmt::format("authentication failed for user \"{}\"", c.user));
}

bool truthy(std::string_view v) {
  return v == "1" || v == "true" || v == "on" || v == "yes" || v == "t" || v == "y";
}

}  // namespace

auth::HbaRequest hba_request(const ClientInfo& client) {
  auth::HbaRequest r;
  r.local = client.remote_address == "unix";
  if (!r.local) {
    auto colon = client.remote_address.rfind(':');
    r.address = auth::IpAddress::parse(std::string_view(client.remote_address).substr(0, colon));
  }
  r.ssl = client.tls;
  r.database = client.database;
  r.user = client.user;
  // replication=database is a logical replication connection to a database,
  // matched like any other; a true value is physical replication.
  if (auto repl = client.startup_parameter("replication")) r.physical_replication = truthy(*repl);
  return r;
}

AuthPolicy::AuthPolicy(std::vector<auth::HbaRule> rules, std::shared_ptr<const UserStore> users,
                       AuthPolicyOptions options)
    : options_(std::move(options)), generation_(make_generation(std::move(rules), std::move(users), options_)) {}

std::vector<auth::HbaRule> AuthPolicy::parse_rules(std::string_view text, std::string_view file_name,
                                                   const AuthPolicyOptions& options) {
  return auth::parse_hba(text, file_name, [&](std::string_view m) { return known_method(options, m); });
}

std::vector<auth::HbaRule> AuthPolicy::load_rules(const std::string& path, const AuthPolicyOptions& options) {
  return parse_rules(detail::read_config_file(path), path, options);
}

std::shared_ptr<AuthPolicy> AuthPolicy::from_files(const std::string& hba_path, const std::string& users_path,
                                                   AuthPolicyOptions options) {
  auto rules = load_rules(hba_path, options);
  auto users = users_path.empty() ? std::make_shared<UserStore>() : UserStore::load(users_path);
  return std::make_shared<AuthPolicy>(std::move(rules), std::move(users), std::move(options));
}

void AuthPolicy::reload(std::vector<auth::HbaRule> rules, std::shared_ptr<const UserStore> users) {
  auto next = make_generation(std::move(rules), std::move(users), options_);
  std::lock_guard lock(mutex_);
  generation_ = std::move(next);
}

void AuthPolicy::reload_files(const std::string& hba_path, const std::string& users_path) {
  auto rules = load_rules(hba_path, options_);
  auto users = users_path.empty() ? std::make_shared<UserStore>() : UserStore::load(users_path);
  reload(std::move(rules), std::move(users));
}

std::shared_ptr<const AuthPolicy::Generation> AuthPolicy::current() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

std::shared_ptr<const auth::HbaRule> AuthPolicy::match(const ClientInfo& client) const {
  auto g = current();
  const auto& users = *g->users;
  auto member = [&users](std::string_view u, std::string_view grp) { return users.is_member(u, grp); };
  const auth::HbaRule* rule = auth::match_hba(g->rules, hba_request(client), member);
  if (!rule) return nullptr;
  return std::shared_ptr<const auth::HbaRule>(g, rule);  // keeps its generation alive
}

asio::awaitable<void> AuthPolicy::authenticate(AuthExchange& ex) {
  const ClientInfo& client = ex.client();
  auto g = current();  // this connection's rules and users, whatever a reload does meanwhile
  const auto& users = *g->users;
  auto member = [&users](std::string_view u, std::string_view grp) { return users.is_member(u, grp); };
  auth::HbaRequest request = hba_request(client);
  const auth::HbaRule* rule = auth::match_hba(g->rules, request, member);
  if (!rule) throw no_entry(request, client);
  if (rule->method == "reject") throw rejects(request, client);
  // clientcert: a verified certificate before anything else, as PostgreSQL.
  if (rule->clientcert != auth::HbaClientCert::none && !client.client_certificate)
    throw refused("connection requires a valid client certificate");
  std::shared_ptr<StartupHandler> handler = g->handlers.at(rule->method);
  co_await handler->authenticate(ex);
  if (rule->clientcert == auth::HbaClientCert::verify_full && rule->method != "cert" &&
      client.client_certificate->subject_cn != client.user)
    throw method_failed(rule->method, client);
}

std::vector<std::pair<std::string, std::string>> AuthPolicy::server_parameters(const ClientInfo& client) {
  auto params = StartupHandler::server_parameters(client);
  if (options_.parameters) options_.parameters->adjust(client, params);
  return params;
}

}  // namespace pgwire
