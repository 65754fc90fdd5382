#pragma once
// PostgreSQL's host-based authentication rules (pg_hba.conf): the rule
// model, the file syntax and which rule a connection attempt matches. Pure:
// no sockets, no users; group membership is asked of the caller. The
// StartupHandler that acts on the matched rule is api/auth_policy.hpp.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pgwire::auth {

// An IPv4 or IPv6 address in network byte order (IPv4 in the first 4 bytes).
struct IpAddress {
  enum class Family { v4, v6 };
  Family family = Family::v4;
  std::array<std::uint8_t, 16> bytes{};

  // "10.1.2.3", "::1", "fe80::1%eth0" (the zone is ignored); nullopt otherwise.
  static std::optional<IpAddress> parse(std::string_view text);
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// An address range: an address and a mask of the same family. A client of
// the other family never matches (as in PostgreSQL, ::ffff:10.0.0.1 is not
// 10.0.0.1).
struct IpRange {
  IpAddress address;
  IpAddress mask;

  // "10.0.0.0/8", "::1/128"; throws std::invalid_argument with PostgreSQL's
  // wording for a bad address or prefix length.
  static IpRange cidr(std::string_view text);
  // "10.0.0.0" with a separate mask "255.0.0.0" (the older pg_hba.conf form).
  static IpRange with_mask(std::string_view address, std::string_view mask);
  bool contains(const IpAddress& client) const noexcept;
};

// One item of a rule's database or user list.
struct HbaName {
  enum class Kind {
    all,        // every name (a database list's `all` does not match physical replication)
    same,       // database: `sameuser` (db == user) or, with `group`, `samerole`
    name,       // a literal name (also a quoted keyword such as "all")
    group,      // user: `+group`, a member of the group (or the group itself, as PostgreSQL)
    regex,      // `/regex`, searched in the name (anchor with ^ and $)
    replication // database: `replication`, physical replication connections only
  };
  Kind kind = Kind::all;
  std::string text;  // the name, group or regular expression
  bool group = false;  // Kind::same: samerole rather than sameuser
  std::shared_ptr<const std::regex> compiled;

  static HbaName all() { return {Kind::all, "all", false, nullptr}; }
  static HbaName literal(std::string name) { return {Kind::name, std::move(name), false, nullptr}; }
  static HbaName member_of(std::string group) { return {Kind::group, std::move(group), false, nullptr}; }
  static HbaName same_user() { return {Kind::same, "sameuser", false, nullptr}; }
  static HbaName same_role() { return {Kind::same, "samerole", true, nullptr}; }
  // Throws std::invalid_argument for a bad expression (ECMAScript syntax).
  static HbaName pattern(std::string regex);
};

enum class HbaConnection { local, host, hostssl, hostnossl, hostgssenc, hostnogssenc };

// clientcert= on a hostssl rule: a verified client certificate is required
// (verify_ca), and its CN must also be the user (verify_full; what `cert` does).
enum class HbaClientCert { none, verify_ca, verify_full };

struct HbaRule {
  HbaConnection connection = HbaConnection::host;
  std::vector<HbaName> databases = {HbaName::all()};
  std::vector<HbaName> users = {HbaName::all()};
  std::optional<IpRange> address;  // host* rules; nullopt matches every address
  // trust, reject, password, md5, scram-sha-256, cert, or a method the
  // product registered (AuthPolicy::Methods).
  std::string method = "reject";
  HbaClientCert clientcert = HbaClientCert::none;
  int line = 0;      // line number in its file, 0 for a rule built in code
  std::string text;  // the line as written (or a description), for logs
};

// One connection attempt as the rules see it.
struct HbaRequest {
  bool local = false;                // Unix-domain socket
  std::optional<IpAddress> address;  // TCP client address
  bool ssl = false;
  std::string database;
  std::string user;
  bool physical_replication = false;  // replication=true (not replication=database)
};

// Whether `user` is a member of `group` (+group, samerole). PostgreSQL also
// counts a role as a member of itself; match_hba checks that first.
using GroupMembership = std::function<bool(std::string_view user, std::string_view group)>;

// Longer user or database names match no rule: a /regex searched in a
// client's name must not cost unbounded time or stack (std::regex recurses
// per character). PostgreSQL cuts names to 63 bytes before matching.
inline constexpr std::size_t hba_max_name_length = 1024;

// The first rule that matches, or nullptr (PostgreSQL's implicit reject).
const HbaRule* match_hba(const std::vector<HbaRule>& rules, const HbaRequest& request,
                         const GroupMembership& is_member);

// A bad pg_hba.conf (or users) file: what() is
// `line 3 of configuration file "pg_hba.conf": invalid CIDR mask in address "10.0.0.0/33"`.
class HbaFileError : public std::runtime_error {
 public:
  HbaFileError(int line, std::string file, std::string message);
  int line() const noexcept { return line_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  int line_;
  std::string reason_;
};

// Parses pg_hba.conf syntax: `TYPE DATABASE USER [ADDRESS [MASK]] METHOD
// [clientcert=...]`, comma-separated lists, double quotes, `#` comments.
// `is_method` says which method names exist (the built-in ones are
// builtin_hba_method()). `file_name` is only used in error messages.
std::vector<HbaRule> parse_hba(std::string_view text, std::string_view file_name,
                               const std::function<bool(std::string_view)>& is_method);
bool builtin_hba_method(std::string_view name);

// Checks what parse_hba checks of one rule built in code (cert and
// clientcert only on hostssl, ...). Throws std::invalid_argument.
void validate_hba_rule(const HbaRule& rule);

}  // namespace pgwire::auth
