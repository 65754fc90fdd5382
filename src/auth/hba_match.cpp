// Which pg_hba.conf rule a connection attempt matches: PostgreSQL's
// check_hba, first match wins.

#include "pgwire/auth/hba.hpp"

namespace pgwire::auth {

HbaFileError::HbaFileError(int line, std::string file, std::string message)
    : std::runtime_error("line " + std::to_string(line) + " of configuration file \"" + file + "\": " + message),
      line_(line),
      reason_(std::move(message)) {}

HbaName HbaName::pattern(std::string regex) {
  HbaName n{Kind::regex, std::move(regex), false, nullptr};
  try {
    n.compiled = std::make_shared<const std::regex>(n.text, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument("invalid regular expression \"" + n.text + "\": " + e.what());
  }
  return n;
}

bool builtin_hba_method(std::string_view name) {
  for (std::string_view m : {"trust", "reject", "password", "md5", "scram-sha-256", "cert"})
    if (name == m) return true;
  return false;
}

void validate_hba_rule(const HbaRule& rule) {
  bool ssl = rule.connection == HbaConnection::hostssl;
  if (rule.method == "cert" && !ssl)
    throw std::invalid_argument("cert authentication is only supported on hostssl connections");
  if (rule.clientcert != HbaClientCert::none && !ssl)
    throw std::invalid_argument("clientcert can only be configured for \"hostssl\" rows");
  if (rule.method == "cert" && rule.clientcert == HbaClientCert::verify_ca)
    throw std::invalid_argument("clientcert only accepts \"verify-full\" when using \"cert\" authentication");
  if (rule.connection == HbaConnection::local && rule.address)
    throw std::invalid_argument("a local rule has no address");
  if (rule.databases.empty() || rule.users.empty())
    throw std::invalid_argument("a rule needs at least one database and one user");
}

namespace {

bool member(const GroupMembership& is_member, std::string_view user, std::string_view group) {
  return user == group || (is_member && is_member(user, group));
}

bool search(const HbaName& n, const std::string& s) {
  return n.compiled && std::regex_search(s, *n.compiled);
}

bool database_matches(const HbaName& n, const HbaRequest& r, const GroupMembership& is_member) {
  // A physical replication connection names no database: only the
  // `replication` keyword matches it, as in PostgreSQL.
  if (r.physical_replication) return n.kind == HbaName::Kind::replication;
  switch (n.kind) {
    case HbaName::Kind::all: return true;
    case HbaName::Kind::same: return n.group ? member(is_member, r.user, r.database) : r.database == r.user;
    case HbaName::Kind::name: return n.text == r.database;
    case HbaName::Kind::regex: return search(n, r.database);
    case HbaName::Kind::group: return false;  // +group is a user-list item
    case HbaName::Kind::replication: return false;
  }
  return false;
}

bool user_matches(const HbaName& n, const HbaRequest& r, const GroupMembership& is_member) {
  switch (n.kind) {
    case HbaName::Kind::all: return true;
    case HbaName::Kind::group: return member(is_member, r.user, n.text);
    case HbaName::Kind::name: return n.text == r.user;
    case HbaName::Kind::regex: return search(n, r.user);
    case HbaName::Kind::same:
    case HbaName::Kind::replication: return false;  // database-list items
  }
  return false;
}

bool connection_matches(const HbaRule& rule, const HbaRequest& r) {
  if (rule.connection == HbaConnection::local) return r.local;
  if (r.local) return false;
  switch (rule.connection) {
    case HbaConnection::hostssl: if (!r.ssl) return false; break;
    case HbaConnection::hostnossl: if (r.ssl) return false; break;
    case HbaConnection::hostgssenc: return false;  // no GSSAPI encryption here
    default: break;
  }
  if (!rule.address) return true;
  return r.address && rule.address->contains(*r.address);
}

template <class Match>
bool any_of(const std::vector<HbaName>& names, Match match) {
  for (const auto& n : names)
    if (match(n)) return true;
  return false;
}

}  // namespace

const HbaRule* match_hba(const std::vector<HbaRule>& rules, const HbaRequest& request,
                         const GroupMembership& is_member) {
  if (request.user.size() > hba_max_name_length || request.database.size() > hba_max_name_length)
    return nullptr;
  for (const auto& rule : rules) {
    if (!connection_matches(rule, request)) continue;
    if (!any_of(rule.databases, [&](const HbaName& n) { return database_matches(n, request, is_member); }))
      continue;
    if (!any_of(rule.users, [&](const HbaName& n) { return user_matches(n, request, is_member); }))
      continue;
    return &rule;
  }
  return nullptr;
}

}  // namespace pgwire::auth
