// The replication command language: what PostgreSQL 15 accepts, what it
// makes of it, and its errors for what it refuses.

#include "pgwire/replication/command.hpp"

#include "pgwire/codec/error_info.hpp"
#include "pgwire/replication/lsn.hpp"
#include "pgwire/replication/slot_name.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using namespace pgwire::replication;

namespace {

ReplicationCommand parsed(std::string_view text) { return parse_replication_command(text).command; }

std::string error_of(std::string_view text) {
  try {
    parse_replication_command(text);
  } catch (const PgError& e) {
    return e.info().code + " " + e.info().message;
  }
  return "no error";
}

using Opt = CommandOption;
constexpr auto kText = CommandOption::Kind::text;
constexpr auto kNone = CommandOption::Kind::none;
constexpr auto kNumber = CommandOption::Kind::number;

}  // namespace

TEST_CASE("replication grammar: IDENTIFY_SYSTEM, SHOW, TIMELINE_HISTORY, READ_REPLICATION_SLOT") {
  CHECK(parsed("IDENTIFY_SYSTEM") == ReplicationCommand{IdentifySystem{}});
  CHECK(parsed("  IDENTIFY_SYSTEM ;") == ReplicationCommand{IdentifySystem{}});
  CHECK(parsed("SHOW wal_segment_size") == ReplicationCommand{ShowSetting{"wal_segment_size"}});
  CHECK(parsed("SHOW Data_Directory_Mode") == ReplicationCommand{ShowSetting{"data_directory_mode"}});
  CHECK(parsed("SHOW a.\"B c\" . d") == ReplicationCommand{ShowSetting{"a.B c.d"}});
  CHECK(parsed("TIMELINE_HISTORY 2") == ReplicationCommand{TimelineHistory{2}});
  CHECK(parsed("READ_REPLICATION_SLOT s1") == ReplicationCommand{ReadSlot{"s1"}});
}

TEST_CASE("replication grammar: CREATE_REPLICATION_SLOT, new and old option spellings") {
  CHECK(parsed("CREATE_REPLICATION_SLOT s LOGICAL test_decoding") ==
        ReplicationCommand{CreateSlot{"s", false, true, "test_decoding", {}}});
  CHECK(parsed("CREATE_REPLICATION_SLOT \"My Slot\" TEMPORARY LOGICAL pgoutput (SNAPSHOT 'nothing', TWO_PHASE)") ==
        ReplicationCommand{CreateSlot{"My Slot", true, true, "pgoutput",
                                      {Opt{"snapshot", kText, "nothing"}, Opt{"two_phase", kNone, ""}}}});
  CHECK(parsed("CREATE_REPLICATION_SLOT s LOGICAL p (snapshot use, x 1)") ==
        ReplicationCommand{CreateSlot{"s", false, true, "p", {Opt{"snapshot", kText, "use"}, Opt{"x", kNumber, "1"}}}});
  CHECK(parsed("CREATE_REPLICATION_SLOT s LOGICAL p EXPORT_SNAPSHOT") ==
        ReplicationCommand{CreateSlot{"s", false, true, "p", {Opt{"snapshot", kText, "export"}}}});
  CHECK(parsed("CREATE_REPLICATION_SLOT s LOGICAL p NOEXPORT_SNAPSHOT TWO_PHASE") ==
        ReplicationCommand{CreateSlot{"s", false, true, "p",
                                      {Opt{"snapshot", kText, "nothing"}, Opt{"two_phase", kText, "true"}}}});
  CHECK(parsed("CREATE_REPLICATION_SLOT s LOGICAL p USE_SNAPSHOT") ==
        ReplicationCommand{CreateSlot{"s", false, true, "p", {Opt{"snapshot", kText, "use"}}}});
  CHECK(parsed("CREATE_REPLICATION_SLOT s PHYSICAL RESERVE_WAL") ==
        ReplicationCommand{CreateSlot{"s", false, false, "", {Opt{"reserve_wal", kText, "true"}}}});
}

TEST_CASE("replication grammar: DROP_REPLICATION_SLOT and START_REPLICATION") {
  CHECK(parsed("DROP_REPLICATION_SLOT s") == ReplicationCommand{DropSlot{"s", false}});
  CHECK(parsed("DROP_REPLICATION_SLOT s WAIT") == ReplicationCommand{DropSlot{"s", true}});
  CHECK(parsed("START_REPLICATION SLOT s LOGICAL 0/0") ==
        ReplicationCommand{StartReplication{"s", true, 0, 0, {}}});
  CHECK(parsed("START_REPLICATION SLOT \"s\" LOGICAL 16/B374D848 (\"include-xids\" '0', skip_empty_xacts)") ==
        ReplicationCommand{StartReplication{"s", true, 0x16B374D848, 0,
                                            {{"include-xids", "0"}, {"skip_empty_xacts", std::nullopt}}}});
  CHECK(parsed("START_REPLICATION SLOT s LOGICAL 0/1 (proto_version '1', publication_names '\"p\",q')") ==
        ReplicationCommand{StartReplication{"s", true, 1, 0,
                                            {{"proto_version", "1"}, {"publication_names", "\"p\",q"}}}});
  CHECK(parsed("START_REPLICATION 0/1000000 TIMELINE 1") ==
        ReplicationCommand{StartReplication{std::nullopt, false, 0x1000000, 1, {}}});
  CHECK(parsed("START_REPLICATION SLOT s PHYSICAL A/B") ==
        ReplicationCommand{StartReplication{"s", false, 0xA0000000B, 0, {}}});
}

TEST_CASE("replication grammar: BASE_BACKUP options are parsed for a 0A000 answer") {
  CHECK(parsed("BASE_BACKUP") == ReplicationCommand{BaseBackup{}});
  CHECK(parsed("BASE_BACKUP (LABEL 'x', PROGRESS, MAX_RATE 32768, WAIT 0)") ==
        ReplicationCommand{BaseBackup{{Opt{"label", kText, "x"}, Opt{"progress", kNone, ""},
                                       Opt{"max_rate", kNumber, "32768"}, Opt{"wait", kNumber, "0"}}}});
}

TEST_CASE("replication grammar: PostgreSQL's errors, all 42601") {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"", "42601 syntax error"},
      {"IDENTIFY_SYSTEM IDENTIFY_SYSTEM", "42601 syntax error"},
      {"IDENTIFY_SYSTEM; IDENTIFY_SYSTEM", "42601 syntax error"},
      // Keywords are upper case: a session sends this to SQL (is_replication_command).
      {"identify_system", "42601 syntax error"},
      {"SHOW", "42601 syntax error"},
      {"SHOW 'x'", "42601 syntax error"},
      {"TIMELINE_HISTORY", "42601 syntax error"},
      {"TIMELINE_HISTORY 0", "42601 invalid timeline 0"},
      {"TIMELINE_HISTORY 0 junk", "42601 invalid timeline 0"},
      {"TIMELINE_HISTORY 4294967296", "42601 invalid timeline 0"},  // strtoul kept in 32 bits
      {"CREATE_REPLICATION_SLOT s", "42601 syntax error"},
      {"CREATE_REPLICATION_SLOT s LOGICAL", "42601 syntax error"},
      {"CREATE_REPLICATION_SLOT 's' LOGICAL p", "42601 syntax error"},
      {"CREATE_REPLICATION_SLOT s TEMPORARY TEMPORARY LOGICAL p", "42601 syntax error"},
      {"CREATE_REPLICATION_SLOT s LOGICAL p ()", "42601 syntax error"},
      {"CREATE_REPLICATION_SLOT s LOGICAL p (SNAPSHOT 'x' 'y')", "42601 syntax error"},
      {"CREATE_REPLICATION_SLOT s LOGICAL p EXPORT_SNAPSHOT (TWO_PHASE)", "42601 syntax error"},
      {"DROP_REPLICATION_SLOT", "42601 syntax error"},
      {"DROP_REPLICATION_SLOT s NOWAIT", "42601 syntax error"},
      {"READ_REPLICATION_SLOT", "42601 syntax error"},
      {"START_REPLICATION SLOT s LOGICAL", "42601 syntax error"},
      {"START_REPLICATION SLOT s LOGICAL 0/0 ()", "42601 syntax error"},
      {"START_REPLICATION SLOT s LOGICAL 0/0 (a 'b' c)", "42601 syntax error"},
      {"START_REPLICATION SLOT s LOGICAL 0/0 (a b)", "42601 syntax error"},
      {"START_REPLICATION SLOT s LOGICAL 0/0 ('a')", "42601 syntax error"},
      {"START_REPLICATION SLOT s LOGICAL 0/0 (a 'b'", "42601 syntax error"},
      {"START_REPLICATION SLOT s LOGICAL 0/", "42601 syntax error"},
      {"START_REPLICATION SLOT s LOGICAL 0 (a 'b')", "42601 syntax error"},
      {"START_REPLICATION SLOT s LOGICAL 0/0 (a 'b)", "42601 unterminated quoted string"},
      {"START_REPLICATION SLOT \"s LOGICAL 0/0", "42601 unterminated quoted string"},
      {"START_REPLICATION 0/0 TIMELINE 0", "42601 invalid timeline 0"},
      {"IDENTIFY_SYSTEM x 'unterminated", "42601 syntax error"},  // the parser fails first
      {"BASE_BACKUP LABEL 'x'", "42601 syntax error"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(error_of(c.text) == c.error);
  }
}

TEST_CASE("replication grammar: identifiers are down-cased, quoted ones kept, both cut to 63 bytes") {
  auto drop = std::get<DropSlot>(parsed("DROP_REPLICATION_SLOT MySlot"));
  CHECK(drop.slot == "myslot");
  CHECK(std::get<DropSlot>(parsed("DROP_REPLICATION_SLOT \"MySlot\"")).slot == "MySlot");
  // "" is no escape inside a quoted identifier: "a""b" is two identifiers.
  CHECK(error_of("DROP_REPLICATION_SLOT \"a\"\"b\"") == "42601 syntax error");
  std::string long_name(70, 'x');
  auto result = parse_replication_command("DROP_REPLICATION_SLOT " + long_name);
  CHECK(std::get<DropSlot>(result.command).slot == std::string(63, 'x'));
  REQUIRE(result.notices.size() == 1);
  CHECK(result.notices[0] == "identifier \"" + long_name + "\" will be truncated to \"" + std::string(63, 'x') + "\"");
  // A multi-byte character is never cut in half.
  std::string wide(62, 'a');
  wide += "\xC3\xA9";
  CHECK(std::get<DropSlot>(parsed("DROP_REPLICATION_SLOT " + wide)).slot == std::string(62, 'a'));
}

TEST_CASE("replication grammar: string literals double their quotes and LSNs are hex halves") {
  auto start = std::get<StartReplication>(parsed("START_REPLICATION SLOT s LOGICAL ffffffff/FFFFFFFF (a 'it''s')"));
  CHECK(start.start == 0xFFFFFFFFFFFFFFFF);
  CHECK(start.options == PluginOptions{{"a", "it's"}});
  // A hex run that starts like a word is still an LSN (flex's longest match).
  CHECK(std::get<StartReplication>(parsed("START_REPLICATION SLOT s LOGICAL DEAD/BEEF")).start == 0xDEAD0000BEEF);
}

TEST_CASE("replication grammar: which texts are replication commands") {
  for (auto yes : {"IDENTIFY_SYSTEM", "SHOW x", " BASE_BACKUP", "START_REPLICATION", "CREATE_REPLICATION_SLOT",
                   "DROP_REPLICATION_SLOT x", "READ_REPLICATION_SLOT x", "TIMELINE_HISTORY 1", "SHOW"})
    CHECK(is_replication_command(yes));
  for (auto no : {"", "show x", "SELECT 1", "Identify_System", "SLOT", "TIMELINE 1", "IDENTIFY_SYSTEMS", "(IDENTIFY_SYSTEM)",
                  "ALTER_REPLICATION_SLOT s (TWO_PHASE)", "0/0"})
    CHECK_FALSE(is_replication_command(no));
  CHECK_THROWS_AS(is_replication_command("'abc"), PgError);
}

TEST_CASE("CREATE_REPLICATION_SLOT options as walsender reads them") {
  auto options_of = [](std::string_view text) { return create_slot_options(std::get<CreateSlot>(parsed(text))); };
  auto error = [&](std::string_view text) -> std::string {
    try {
      options_of(text);
    } catch (const PgError& e) {
      return e.info().code + " " + e.info().message;
    }
    return "no error";
  };
  CHECK(options_of("CREATE_REPLICATION_SLOT s LOGICAL p").snapshot == CreateSlotOptions::Snapshot::export_);
  CHECK(options_of("CREATE_REPLICATION_SLOT s LOGICAL p NOEXPORT_SNAPSHOT").snapshot ==
        CreateSlotOptions::Snapshot::nothing);
  CHECK(options_of("CREATE_REPLICATION_SLOT s LOGICAL p (SNAPSHOT use)").snapshot == CreateSlotOptions::Snapshot::use);
  CHECK(options_of("CREATE_REPLICATION_SLOT s LOGICAL p (TWO_PHASE)").two_phase);
  CHECK(options_of("CREATE_REPLICATION_SLOT s LOGICAL p (TWO_PHASE 'On')").two_phase);
  CHECK_FALSE(options_of("CREATE_REPLICATION_SLOT s LOGICAL p (TWO_PHASE 0)").two_phase);
  CHECK(options_of("CREATE_REPLICATION_SLOT s PHYSICAL RESERVE_WAL").reserve_wal);
  CHECK(error("CREATE_REPLICATION_SLOT s LOGICAL p (TWO_PHASE 2)") == "42601 two_phase requires a Boolean value");
  CHECK(error("CREATE_REPLICATION_SLOT s LOGICAL p (TWO_PHASE 'yes')") == "42601 two_phase requires a Boolean value");
  CHECK(error("CREATE_REPLICATION_SLOT s LOGICAL p (SNAPSHOT)") == "42601 snapshot requires a parameter");
  CHECK(error("CREATE_REPLICATION_SLOT s LOGICAL p (SNAPSHOT 'x')") ==
        "22023 unrecognized value for CREATE_REPLICATION_SLOT option \"snapshot\": \"x\"");
  CHECK(error("CREATE_REPLICATION_SLOT s LOGICAL p EXPORT_SNAPSHOT USE_SNAPSHOT") ==
        "42601 conflicting or redundant options");
  CHECK(error("CREATE_REPLICATION_SLOT s LOGICAL p RESERVE_WAL") == "42601 conflicting or redundant options");
  CHECK(error("CREATE_REPLICATION_SLOT s PHYSICAL TWO_PHASE") == "42601 conflicting or redundant options");
  CHECK(error("CREATE_REPLICATION_SLOT s LOGICAL p (FOO)") == "XX000 unrecognized option: foo");
}

TEST_CASE("LSN text form") {
  CHECK(format_lsn(0) == "0/0");
  CHECK(format_lsn(0x16B374D848) == "16/B374D848");
  CHECK(format_lsn(0xFFFFFFFFFFFFFFFF) == "FFFFFFFF/FFFFFFFF");
  CHECK(parse_lsn("16/b374d848") == std::optional<Lsn>(0x16B374D848));
  CHECK(parse_lsn("0/0") == std::optional<Lsn>(0));
  for (auto bad : {"", "/", "0/", "/0", "123456789/0", "0/123456789", "g/0", "0/0 ", "0x1/0", "1"})
    CHECK_FALSE(parse_lsn(bad).has_value());
  for (Lsn lsn : {Lsn{1}, Lsn{0x100000000}, Lsn{0xABCDEF0123456789}}) CHECK(parse_lsn(format_lsn(lsn)) == lsn);
}

TEST_CASE("replication slot names as PostgreSQL validates them") {
  auto error = [](std::string_view name) -> std::string {
    try {
      validate_slot_name(name);
    } catch (const PgError& e) {
      return e.info().code + " " + e.info().message + (e.info().hint.empty() ? "" : " / " + e.info().hint);
    }
    return "no error";
  };
  CHECK(error("my_slot_1") == "no error");
  CHECK(error(std::string(63, 'a')) == "no error");
  CHECK(error("") == "42602 replication slot name \"\" is too short");
  CHECK(error(std::string(64, 'a')) == "42622 replication slot name \"" + std::string(64, 'a') + "\" is too long");
  CHECK(error("My Slot") ==
        "42602 replication slot name \"My Slot\" contains invalid character / Replication slot names may only "
        "contain lower case letters, numbers, and the underscore character.");
}
