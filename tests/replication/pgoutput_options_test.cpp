// pgoutput's START_REPLICATION options: the values and the errors a
// PostgreSQL 15 pgoutput slot gave for the same options.

#include "pgwire/replication/pgoutput_options.hpp"

#include "pgwire/codec/error_info.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using namespace pgwire::replication;

namespace {

std::string error_of(const PluginOptions& options) {
  try {
    parse_pgoutput_options(options);
  } catch (const PgError& e) {
    return e.info().code + " " + e.info().message;
  }
  return "no error";
}

PluginOptions with_version(std::string version, PluginOptions more = {}) {
  PluginOptions out{{"proto_version", std::move(version)}, {"publication_names", "p"}};
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

}  // namespace

TEST_CASE("pgoutput options: values") {
  auto o = parse_pgoutput_options(
      {{"proto_version", " 1"}, {"publication_names", " Pub1 , \"My \"\"Pub\"\"\",x"}, {"binary", "off"},
       {"messages", std::nullopt}});
  CHECK(o.proto_version == 1);
  CHECK(o.publication_names == std::vector<std::string>{"pub1", "My \"Pub\"", "x"});
  CHECK_FALSE(o.binary);
  CHECK(o.messages);
  CHECK(parse_pgoutput_options(with_version("2", {{"streaming", "on"}})).streaming);
  CHECK(parse_pgoutput_options(with_version("3", {{"two_phase", "TRUE"}})).two_phase);
  CHECK(parse_pgoutput_options({{"proto_version", "1"}, {"publication_names", std::string(70, 'p')}})
            .publication_names == std::vector<std::string>{std::string(63, 'p')});
}

TEST_CASE("pgoutput options: PostgreSQL 15's errors") {
  CHECK(error_of({}) == "0A000 client sent proto_version=0 but we only support protocol 1 or higher");
  CHECK(error_of({{"publication_names", "p"}}) ==
        "0A000 client sent proto_version=0 but we only support protocol 1 or higher");
  CHECK(error_of({{"proto_version", "1"}}) == "22023 publication_names parameter missing");
  for (auto blank : {"", "  "})
    CHECK(error_of({{"proto_version", "1"}, {"publication_names", blank}}) == "22023 publication_names parameter missing");
  CHECK(error_of(with_version("x")) == "22023 invalid proto_version");
  CHECK(error_of(with_version("1x")) == "22023 invalid proto_version");
  CHECK(error_of(with_version("99999999999999999999")) == "22023 invalid proto_version");
  CHECK(error_of(with_version("99")) == "0A000 client sent proto_version=99 but we only support protocol 3 or lower");
  CHECK(error_of(with_version("0")) == "0A000 client sent proto_version=0 but we only support protocol 1 or higher");
  CHECK(error_of(with_version("-1")) == "22023 proto_version \"-1\" out of range");
  CHECK(error_of(with_version("4294967296")) == "22023 proto_version \"4294967296\" out of range");
  CHECK(error_of({{"proto_version", "1"}, {"proto_version", "1"}, {"publication_names", "p"}}) ==
        "42601 conflicting or redundant options");
  for (auto bad : {"a b", "\"unterminated", "p,,q", "p,"})
    CHECK(error_of({{"proto_version", "1"}, {"publication_names", bad}}) == "42602 invalid publication_names syntax");
  CHECK(error_of(with_version("1", {{"binary", "maybe"}})) == "42601 binary requires a Boolean value");
  CHECK(error_of(with_version("1", {{"binary", "1"}})) == "42601 binary requires a Boolean value");
  CHECK(error_of(with_version("1", {{"foo", "1"}})) == "XX000 unrecognized pgoutput option: foo");
  CHECK(error_of(with_version("1", {{"streaming", "on"}})) ==
        "22023 requested proto_version=1 does not support streaming, need 2 or higher");
  CHECK(error_of(with_version("1", {{"two_phase", "on"}})) ==
        "22023 requested proto_version=1 does not support two-phase commit, need 3 or higher");
}
