// fuzz_replication: the replication command language, fed hostile text.
//
// Input: the command text, as a client sends it in a Query message.
// Checked:
//  - is_replication_command and parse_replication_command only ever throw
//    PgError, with 42601 (the grammar has no other error);
//  - what parses starts with a replication command keyword
//    (is_replication_command agrees), its names are at most 63 bytes, and
//    its LSN survives format_lsn/parse_lsn;
//  - the options of what parses go through create_slot_options,
//    parse_test_decoding_options and parse_pgoutput_options with nothing but
//    a PgError with a 5-character SQLSTATE and a message.

#include <string_view>

#include "fuzz_common.hpp"
#include "pgwire/codec/error_info.hpp"
#include "pgwire/replication/command.hpp"
#include "pgwire/replication/lsn.hpp"
#include "pgwire/replication/pgoutput_options.hpp"
#include "pgwire/replication/test_decoding.hpp"

namespace {

using namespace pgwire;
using namespace pgwire::replication;
using pgwire_fuzz::check;

void check_error(const PgError& e) {
  check(e.info().code.size() == 5 && !e.info().message.empty(), "error without SQLSTATE or message");
}

template <class F>
void options_checked(F&& f) {
  try {
    f();
  } catch (const PgError& e) {
    check_error(e);
  }
}

void check_name(const std::string& name) { check(name.size() <= 63, "identifier longer than 63 bytes"); }

void check_command(const ReplicationCommand& command) {
  if (auto* create = std::get_if<CreateSlot>(&command)) {
    check_name(create->slot);
    check_name(create->plugin);
    options_checked([&] { create_slot_options(*create); });
  } else if (auto* drop = std::get_if<DropSlot>(&command)) {
    check_name(drop->slot);
  } else if (auto* start = std::get_if<StartReplication>(&command)) {
    if (start->slot) check_name(*start->slot);
    check(parse_lsn(format_lsn(start->start)) == start->start, "LSN text does not round-trip");
    check(start->logical || start->options.empty(), "physical START_REPLICATION with plugin options");
    options_checked([&] { parse_test_decoding_options(start->options); });
    options_checked([&] { parse_pgoutput_options(start->options); });
  } else if (auto* history = std::get_if<TimelineHistory>(&command)) {
    check(history->timeline != 0, "timeline 0 accepted");
  }
}

}  // namespace

extern "C" int PGWIRE_FUZZ_ENTRY(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bool replication = false;
  try {
    replication = is_replication_command(text);
  } catch (const PgError& e) {
    check(e.info().code == sqlstate::syntax_error, "scanner error other than 42601");
  }
  try {
    ParsedReplicationCommand parsed = parse_replication_command(text);
    check(replication, "parsed, yet not a replication command");
    check_command(parsed.command);
  } catch (const PgError& e) {
    check(e.info().code == sqlstate::syntax_error, "grammar error other than 42601");
    check_error(e);
  }
  return 0;
}
