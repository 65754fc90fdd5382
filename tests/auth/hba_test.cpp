// pg_hba.conf rules as tables: addresses and CIDR edges, connection types,
// database and user lists, first match wins, and the file parser's
// line-numbered errors; the users file parser.

#include <map>
#include <set>

#include <pgwire/auth/hba.hpp>
#include <pgwire/auth/scram.hpp>
#include <pgwire/auth/user_file.hpp>

#include "support/catch.hpp"

using namespace pgwire::auth;

namespace {

std::vector<HbaRule> rules(std::string_view text) { return parse_hba(text, "pg_hba.conf", builtin_hba_method); }

HbaRequest tcp(std::string address, std::string user = "u", std::string db = "d", bool ssl = false) {
  HbaRequest r;
  r.address = IpAddress::parse(address);
  REQUIRE(r.address);
  r.ssl = ssl;
  r.user = std::move(user);
  r.database = std::move(db);
  return r;
}

HbaRequest unix_socket(std::string user = "u", std::string db = "d") {
  HbaRequest r;
  r.local = true;
  r.user = std::move(user);
  r.database = std::move(db);
  return r;
}

// Groups: admins = {root}, staff = {alice, root}.
bool in_group(std::string_view user, std::string_view group) {
  static const std::map<std::string, std::set<std::string>, std::less<>> groups{
      {"admins", {"root"}}, {"staff", {"alice", "root"}}};
  auto it = groups.find(group);
  return it != groups.end() && it->second.contains(std::string(user));
}

// The line of the first matching rule, 0 for none.
int matched_line(const std::vector<HbaRule>& rs, const HbaRequest& r) {
  const HbaRule* rule = match_hba(rs, r, in_group);
  return rule ? rule->line : 0;
}

std::string parse_error(std::string_view text) {
  try {
    rules(text);
  } catch (const HbaFileError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("hba: CIDR ranges, their edges, and the two address families") {
  struct Row {
    const char* range;
    const char* client;
    bool matches;
  };
  const Row table[] = {
      {"0.0.0.0/0", "203.0.113.9", true},
      {"0.0.0.0/0", "::1", false},  // v4 and v6 never match each other
      {"::/0", "::1", true},
      {"::/0", "127.0.0.1", false},
      {"::/0", "::ffff:127.0.0.1", true},
      {"127.0.0.1/32", "127.0.0.1", true},
      {"127.0.0.1/32", "127.0.0.2", false},
      {"127.0.0.1", "127.0.0.1", true},  // no prefix: the one address
      {"10.0.0.0/8", "10.255.255.255", true},
      {"10.0.0.0/8", "11.0.0.0", false},
      {"10.1.2.3/8", "10.9.9.9", true},  // host bits of the rule are ignored
      {"192.168.1.0/25", "192.168.1.127", true},
      {"192.168.1.0/25", "192.168.1.128", false},
      {"192.168.1.0/31", "192.168.1.1", true},
      {"::1/128", "::1", true},
      {"::1/128", "::2", false},
      {"::1/128", "127.0.0.1", false},
      {"fe80::/10", "fe80::1%eth0", true},
      {"fe80::/10", "fec0::1", false},
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/33", "2001:db8:8000::1", false},
      {"127.0.0.0/8", "::ffff:127.0.0.1", false},  // a mapped v4 address is v6
  };
  for (const auto& row : table) {
    INFO(row.range << " vs " << row.client);
    auto client = IpAddress::parse(row.client);
    REQUIRE(client);
    CHECK(IpRange::cidr(row.range).contains(*client) == row.matches);
  }
  CHECK(IpRange::with_mask("10.0.0.0", "255.0.0.0").contains(*IpAddress::parse("10.2.3.4")));
  CHECK_FALSE(IpRange::with_mask("10.0.0.0", "255.255.0.0").contains(*IpAddress::parse("10.2.3.4")));
  CHECK_THROWS_WITH(IpRange::with_mask("10.0.0.0", "ffff::"), "IP address and mask do not match");
  CHECK_FALSE(IpAddress::parse("example.com"));
  CHECK_FALSE(IpAddress::parse("1.2.3"));
  CHECK_FALSE(IpAddress::parse("::1::2"));
}

TEST_CASE("hba: local, host, hostssl, hostnossl, hostgssenc") {
  auto rs = rules(
      "local all all trust\n"
      "hostssl all all 0.0.0.0/0 scram-sha-256\n"
      "hostnossl all all 127.0.0.1/32 md5\n"
      "hostgssenc all all all trust\n"
      "host all all ::/0 password\n"
      "hostnogssenc all all all reject\n");
  CHECK(matched_line(rs, unix_socket()) == 1);
  CHECK(matched_line(rs, tcp("127.0.0.1", "u", "d", true)) == 2);
  CHECK(matched_line(rs, tcp("127.0.0.1", "u", "d", false)) == 3);
  CHECK(matched_line(rs, tcp("10.0.0.1", "u", "d", false)) == 6);  // not 4: no GSS encryption here
  CHECK(matched_line(rs, tcp("::1", "u", "d", true)) == 5);
  CHECK(matched_line(rs, tcp("::1", "u", "d", false)) == 5);
  // A Unix socket matches only local rules, TCP never matches them.
  auto host_only = rules("host all all all trust\n");
  CHECK(matched_line(host_only, unix_socket()) == 0);
  CHECK(matched_line(rules("local all all trust\n"), tcp("127.0.0.1")) == 0);
}

TEST_CASE("hba: database and user lists, keywords, groups, regular expressions") {
  auto rs = rules(
      "host sales,\"all\" alice all md5\n"        // 1: a quoted keyword is a name
      "host sameuser all all md5\n"               // 2
      "host samerole all all md5\n"               // 3
      "host all +admins all scram-sha-256\n"      // 4
      "host all \"+staff\" all password\n"        // 5: a quoted +name is a name
      "host /^tenant_[0-9]+$ /^app_ all trust\n"  // 6
      "host replication all all trust\n"          // 7
      "host all bob,carol all md5\n");            // 8
  struct Row {
    const char* user;
    const char* db;
    int line;
  };
  const Row table[] = {
      {"alice", "sales", 1}, {"alice", "all", 1},     {"alice", "other", 0},
      {"dave", "dave", 2},   {"alice", "staff", 3},   {"root", "admins", 3},
      {"root", "x", 4},      {"admins", "x", 4},  // a role is a member of itself
      {"alice", "x", 0},     {"+staff", "x", 5},      {"app_1", "tenant_42", 6},
      {"app_1", "tenant_4x", 0},                      {"myapp_1", "tenant_1", 0},
      {"bob", "replication", 8},  // `replication` matches only replication connections
      {"carol", "db", 8},    {"erin", "db", 0},
  };
  for (const auto& row : table) {
    INFO(row.user << "@" << row.db);
    CHECK(matched_line(rs, tcp("192.0.2.1", row.user, row.db)) == row.line);
  }
  HbaRequest repl = tcp("192.0.2.1", "erin", "");
  repl.physical_replication = true;
  CHECK(matched_line(rs, repl) == 7);  // `all` does not cover physical replication
  CHECK(matched_line(rules("host all all all trust\n"), repl) == 0);
  // Over-long names match nothing, not even `all` (bounded regex work).
  std::string long_name(hba_max_name_length + 1, 'a');
  auto any = rules("host all /^(a|b)*$ all trust\nhost all all all trust\n");
  CHECK(matched_line(any, tcp("192.0.2.1", std::string(hba_max_name_length, 'a'))) == 1);
  CHECK(matched_line(any, tcp("192.0.2.1", long_name)) == 0);
  CHECK(matched_line(any, tcp("192.0.2.1", "u", long_name)) == 0);
}

TEST_CASE("hba: the first matching rule wins, later ones are not looked at") {
  auto rs = rules(
      "host all alice 127.0.0.1/32 reject\n"
      "host all all 127.0.0.0/8 md5\n"
      "host all alice all trust\n");
  CHECK(rs[matched_line(rs, tcp("127.0.0.1", "alice")) - 1].method == "reject");
  CHECK(rs[matched_line(rs, tcp("127.0.0.2", "alice")) - 1].method == "md5");
  CHECK(rs[matched_line(rs, tcp("10.0.0.1", "alice")) - 1].method == "trust");
  CHECK(matched_line(rs, tcp("10.0.0.1", "bob")) == 0);
  CHECK(matched_line({}, tcp("10.0.0.1")) == 0);
}

TEST_CASE("hba: rules built in code") {
  HbaRule admins;
  admins.connection = HbaConnection::hostssl;
  admins.users = {HbaName::member_of("admins")};
  admins.address = IpRange::cidr("10.0.0.0/8");
  admins.method = "cert";
  HbaRule apps;
  apps.users = {HbaName::pattern("^app_")};
  apps.method = "scram-sha-256";
  std::vector<HbaRule> rs{admins, apps};
  CHECK(match_hba(rs, tcp("10.1.1.1", "root", "d", true), in_group) == &rs[0]);
  CHECK(match_hba(rs, tcp("10.1.1.1", "app_x", "d", true), in_group) == &rs[1]);
  CHECK(match_hba(rs, tcp("10.1.1.1", "bob", "d", true), in_group) == nullptr);
  HbaRule bad = admins;
  bad.connection = HbaConnection::host;
  CHECK_THROWS_WITH(validate_hba_rule(bad), "cert authentication is only supported on hostssl connections");
  CHECK_THROWS_AS(HbaName::pattern("(unclosed"), std::invalid_argument);
}

TEST_CASE("hba: options") {
  auto rs = rules(
      "hostssl all all all md5 clientcert=verify-ca\n"
      "hostssl all all all scram-sha-256 clientcert=verify-full\n"
      "hostssl all all all cert\n"
      "hostssl all all all cert clientcert=verify-full\n");
  CHECK(rs[0].clientcert == HbaClientCert::verify_ca);
  CHECK(rs[1].clientcert == HbaClientCert::verify_full);
  CHECK(rs[2].clientcert == HbaClientCert::verify_full);  // what cert means
  CHECK(rs[3].clientcert == HbaClientCert::verify_full);
}

TEST_CASE("hba: a bad file is refused with the line and PostgreSQL's reason") {
  struct Row {
    const char* text;
    const char* error;
  };
  const Row table[] = {
      {"# comment\n\nhost all all 10.0.0.0/33 md5\n",
       "line 3 of configuration file \"pg_hba.conf\": invalid CIDR mask in address \"10.0.0.0/33\""},
      {"host all all ::1/129 md5\n", "line 1 of configuration file \"pg_hba.conf\": invalid CIDR mask in address \"::1/129\""},
      {"host all all 10.0.0.0/x md5\n", "line 1 of configuration file \"pg_hba.conf\": invalid CIDR mask in address \"10.0.0.0/x\""},
      {"local all all trust\nhosts all all all md5\n",
       "line 2 of configuration file \"pg_hba.conf\": invalid connection type \"hosts\""},
      {"host\n", "line 1 of configuration file \"pg_hba.conf\": end-of-line before database specification"},
      {"host all\n", "line 1 of configuration file \"pg_hba.conf\": end-of-line before role specification"},
      {"host all all\n", "line 1 of configuration file \"pg_hba.conf\": end-of-line before IP address specification"},
      {"host all all all\n", "line 1 of configuration file \"pg_hba.conf\": end-of-line before authentication method"},
      {"local all all\n", "line 1 of configuration file \"pg_hba.conf\": end-of-line before authentication method"},
      {"host all all all peer\n", "line 1 of configuration file \"pg_hba.conf\": invalid authentication method \"peer\""},
      {"host all all all md5,trust\n",
       "line 1 of configuration file \"pg_hba.conf\": multiple values specified for authentication type"},
      {"host all all 10.0.0.1,10.0.0.2 md5\n",
       "line 1 of configuration file \"pg_hba.conf\": multiple values specified for host address"},
      {"host,local all all all md5\n",
       "line 1 of configuration file \"pg_hba.conf\": multiple values specified for connection type"},
      {"host all all example.com/24 md5\n",
       "line 1 of configuration file \"pg_hba.conf\": specifying both host name and CIDR mask is invalid: \"example.com/24\""},
      {"host all all db.example.com md5\n",
       "line 1 of configuration file \"pg_hba.conf\": host names are not supported, write an IP address range: \"db.example.com\""},
      {"host all all samenet md5\n",
       "line 1 of configuration file \"pg_hba.conf\": \"samenet\" is not supported: write the address range in CIDR notation"},
      {"host all all 10.0.0.0 md5\n",
       "line 1 of configuration file \"pg_hba.conf\": end-of-line before netmask specification (specify an address "
       "range in CIDR notation, or provide a separate netmask)"},
      {"host all all 10.0.0.0 255.0.0.x md5\n", "line 1 of configuration file \"pg_hba.conf\": invalid IP mask \"255.0.0.x\""},
      {"host all all all cert\n",
       "line 1 of configuration file \"pg_hba.conf\": cert authentication is only supported on hostssl connections"},
      {"host all all all md5 clientcert=verify-ca\n",
       "line 1 of configuration file \"pg_hba.conf\": clientcert can only be configured for \"hostssl\" rows"},
      {"hostssl all all all cert clientcert=verify-ca\n",
       "line 1 of configuration file \"pg_hba.conf\": clientcert only accepts \"verify-full\" when using \"cert\" "
       "authentication"},
      {"hostssl all all all md5 clientcert=1\n",
       "line 1 of configuration file \"pg_hba.conf\": invalid value for clientcert: \"1\""},
      {"host all all all md5 foo=bar\n",
       "line 1 of configuration file \"pg_hba.conf\": unrecognized authentication option name: \"foo\""},
      {"host all all all md5 clientcert\n",
       "line 1 of configuration file \"pg_hba.conf\": authentication option not in name=value format: clientcert"},
      {"host all @admins.txt all md5\n",
       "line 1 of configuration file \"pg_hba.conf\": \"@file\" inclusion is not supported: \"@admins.txt\""},
      {"host all /(oops all md5\n", "regular expression"},
      {"host \"all all all md5\n", "line 1 of configuration file \"pg_hba.conf\": unterminated quoted string"},
  };
  for (const auto& row : table) {
    INFO(row.text);
    std::string error = parse_error(row.text);
    if (std::string_view(row.error).starts_with("line")) CHECK(error == row.error);
    else CHECK(error.find(row.error) != std::string::npos);
  }
  try {
    rules("\n\nlocal all all nope\n");
    FAIL("no error");
  } catch (const HbaFileError& e) {
    CHECK(e.line() == 3);
    CHECK(e.reason() == "invalid authentication method \"nope\"");
  }
}

TEST_CASE("hba: comments, quoting, lists and the raw line") {
  auto rs = rules(
      "  # a comment\n"
      "host  \"my db\",other   alice , bob,carol   127.0.0.1/32   md5   # trailing comment\n"
      "local all \"x#y\" trust\n");
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].line == 2);
  CHECK(rs[0].text == "host  \"my db\",other   alice , bob,carol   127.0.0.1/32   md5");
  REQUIRE(rs[0].databases.size() == 2);
  CHECK(rs[0].databases[0].text == "my db");
  REQUIRE(rs[0].users.size() == 3);
  CHECK(rs[0].users[1].text == "bob");
  CHECK(rs[0].users[2].text == "carol");
  CHECK(rs[1].users[0].text == "x#y");
  CHECK(rules("").empty());
}

TEST_CASE("users file: secrets in PostgreSQL's forms, groups, errors without secrets") {
  std::string scram = ScramSecret::generate("pw", 4096).to_string();
  auto users = parse_user_file(
      "# name secret groups\n"
      "alice " + scram + " staff,admins\n"
      "bob md5" + std::string(32, 'a') + "\n"
      "carol \"two words\"   # cleartext\n"
      "dave plain staff\n",
      "users");
  REQUIRE(users.size() == 4);
  CHECK(users[0].line == 2);
  CHECK(users[0].secret == scram);
  CHECK(users[0].groups == std::vector<std::string>{"staff", "admins"});
  CHECK(users[1].secret == "md5" + std::string(32, 'a'));
  CHECK(users[2].secret == "two words");
  CHECK(users[3].groups == std::vector<std::string>{"staff"});

  struct Row {
    std::string text;
    std::string error;
  };
  const Row table[] = {
      {"alice\n", "line 1 of configuration file \"users\": user \"alice\" has no secret"},
      {"\nalice SCRAM-SHA-256$4096:c2FsdA==$broken\n",
       "line 2 of configuration file \"users\": user \"alice\" has a secret that starts like a SCRAM secret but is not a "
       "valid one"},
      {"bob md5" + std::string(32, 'G') + "\n",
       "line 1 of configuration file \"users\": user \"bob\" has a secret that starts like an md5 hash but is not 32 "
       "lower-case hex digits"},
      {"a x\nb y\na z\n", "line 3 of configuration file \"users\": user \"a\" is listed twice"},
      {"a x g h\n", "line 1 of configuration file \"users\": user \"a\": too many fields (expected name, secret and groups)"},
      {"a,b x\n", "line 1 of configuration file \"users\": a user name cannot be a list"},
      {"a se,cret\n", "line 1 of configuration file \"users\": user \"a\": a secret holding a comma must be written in "
                      "double quotes"},
      {"a \"\"\n", "line 1 of configuration file \"users\": user \"a\" has an empty secret"},
  };
  for (const auto& row : table) {
    INFO(row.text);
    try {
      parse_user_file(row.text, "users");
      FAIL("no error");
    } catch (const HbaFileError& e) {
      CHECK(std::string(e.what()) == row.error);
    }
  }
  CHECK(is_md5_secret("md5" + std::string(32, 'f')));
  CHECK_FALSE(is_md5_secret("md5" + std::string(32, 'F')));
  CHECK_FALSE(is_md5_secret("md5" + std::string(31, 'f')));
}
