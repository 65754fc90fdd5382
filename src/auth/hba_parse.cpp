// pg_hba.conf syntax to rules, with PostgreSQL's messages (parse_hba_line)
// and line numbers.

#include "config_tokens.hpp"
#include "pgwire/auth/hba.hpp"

namespace pgwire::auth {

namespace {

using detail::ConfigField;
using detail::ConfigLine;
using detail::ConfigToken;

std::invalid_argument bad(std::string message) { return std::invalid_argument(std::move(message)); }

const ConfigToken& single(const ConfigField& f, const char* what) {
  if (f.size() != 1) throw bad(std::string("multiple values specified for ") + what);
  return f.front();
}

HbaConnection connection_type(const ConfigField& f) {
  const auto& t = single(f, "connection type");
  if (t.is("local")) return HbaConnection::local;
  if (t.is("host")) return HbaConnection::host;
  if (t.is("hostssl")) return HbaConnection::hostssl;
  if (t.is("hostnossl")) return HbaConnection::hostnossl;
  if (t.is("hostgssenc")) return HbaConnection::hostgssenc;
  if (t.is("hostnogssenc")) return HbaConnection::hostnogssenc;
  throw bad("invalid connection type \"" + t.text + "\"");
}

void refuse_inclusion(const ConfigToken& t) {
  if (!t.quoted && t.text.starts_with("@"))
    throw bad("\"@file\" inclusion is not supported: \"" + t.text + "\"");
}

std::vector<HbaName> databases(const ConfigField& f) {
  std::vector<HbaName> out;
  for (const auto& t : f) {
    refuse_inclusion(t);
    if (t.is("all")) out.push_back(HbaName::all());
    else if (t.is("sameuser")) out.push_back(HbaName::same_user());
    else if (t.is("samerole") || t.is("samegroup")) out.push_back(HbaName::same_role());
    else if (t.is("replication")) out.push_back({HbaName::Kind::replication, t.text, false, nullptr});
    else if (!t.quoted && t.text.starts_with("/")) out.push_back(HbaName::pattern(t.text.substr(1)));
    else out.push_back(HbaName::literal(t.text));
  }
  return out;
}

std::vector<HbaName> users(const ConfigField& f) {
  std::vector<HbaName> out;
  for (const auto& t : f) {
    refuse_inclusion(t);
    if (t.is("all")) out.push_back(HbaName::all());
    else if (!t.quoted && t.text.starts_with("+")) out.push_back(HbaName::member_of(t.text.substr(1)));
    else if (!t.quoted && t.text.starts_with("/")) out.push_back(HbaName::pattern(t.text.substr(1)));
    else out.push_back(HbaName::literal(t.text));
  }
  return out;
}

// The ADDRESS field (and, for an address without a prefix length, the MASK
// field after it); returns the index of the next field.
std::size_t address(const ConfigLine& line, std::size_t i, HbaRule& rule) {
  if (i >= line.fields.size()) throw bad("end-of-line before IP address specification");
  const auto& t = single(line.fields[i], "host address");
  if (t.is("all")) return i + 1;
  if (t.is("samehost") || t.is("samenet"))
    throw bad("\"" + t.text + "\" is not supported: write the address range in CIDR notation");
  if (t.text.find('/') != std::string::npos || !IpAddress::parse(t.text)) {
    if (t.text.find('/') == std::string::npos)
      throw bad("host names are not supported, write an IP address range: \"" + t.text + "\"");
    rule.address = IpRange::cidr(t.text);
    return i + 1;
  }
  if (i + 1 >= line.fields.size() || line.fields.size() - (i + 1) < 2) {
    // An address without /len needs a MASK field before the METHOD.
    throw bad("end-of-line before netmask specification (specify an address range in CIDR "
              "notation, or provide a separate netmask)");
  }
  rule.address = IpRange::with_mask(t.text, single(line.fields[i + 1], "netmask").text);
  return i + 2;
}

void option(const ConfigToken& t, HbaRule& rule) {
  auto eq = t.text.find('=');
  if (eq == std::string::npos) throw bad("authentication option not in name=value format: " + t.text);
  std::string name = t.text.substr(0, eq), value = t.text.substr(eq + 1);
  if (name != "clientcert") {
    if (name == "map")
      throw bad("user name maps (map=, pg_ident.conf) are not supported");
    throw bad("unrecognized authentication option name: \"" + name + "\"");
  }
  if (rule.connection != HbaConnection::hostssl)
    throw bad("clientcert can only be configured for \"hostssl\" rows");
  if (value == "verify-full") rule.clientcert = HbaClientCert::verify_full;
  else if (value == "verify-ca") {
    if (rule.method == "cert")
      throw bad("clientcert only accepts \"verify-full\" when using \"cert\" authentication");
    rule.clientcert = HbaClientCert::verify_ca;
  } else {
    throw bad("invalid value for clientcert: \"" + value + "\"");
  }
}

HbaRule parse_line(const ConfigLine& line, const std::function<bool(std::string_view)>& is_method) {
  HbaRule rule;
  rule.line = line.number;
  rule.text = line.raw;
  rule.connection = connection_type(line.fields[0]);
  if (line.fields.size() < 2) throw bad("end-of-line before database specification");
  rule.databases = databases(line.fields[1]);
  if (line.fields.size() < 3) throw bad("end-of-line before role specification");
  rule.users = users(line.fields[2]);
  std::size_t i = 3;
  if (rule.connection != HbaConnection::local) i = address(line, i, rule);
  if (i >= line.fields.size()) throw bad("end-of-line before authentication method");
  const auto& m = single(line.fields[i], "authentication type");
  if (!is_method(m.text)) throw bad("invalid authentication method \"" + m.text + "\"");
  rule.method = m.text;
  if (rule.method == "cert") {
    if (rule.connection != HbaConnection::hostssl)
      throw bad("cert authentication is only supported on hostssl connections");
    rule.clientcert = HbaClientCert::verify_full;
  }
  for (++i; i < line.fields.size(); ++i)
    for (const auto& t : line.fields[i]) option(t, rule);
  validate_hba_rule(rule);
  return rule;
}

}  // namespace

std::vector<HbaRule> parse_hba(std::string_view text, std::string_view file_name,
                               const std::function<bool(std::string_view)>& is_method) {
  std::vector<HbaRule> rules;
  for (const auto& line : detail::tokenize_config(text, file_name)) {
    try {
      rules.push_back(parse_line(line, is_method));
    } catch (const std::invalid_argument& e) {
      throw HbaFileError(line.number, std::string(file_name), e.what());
    }
  }
  return rules;
}

}  // namespace pgwire::auth
