// walsender's parseCreateReplSlotOptions and the defGetString/defGetBoolean
// rules it applies to each option.

#include <fmt/format.h>

#include "pgwire/codec/error_info.hpp"
#include "pgwire/replication/command.hpp"

namespace pgwire::replication {
namespace {

[[noreturn]] void conflicting() { throw PgError(sqlstate::syntax_error, "conflicting or redundant options"); }

std::string string_value(const CommandOption& opt) {
  if (opt.kind == CommandOption::Kind::none)
    throw PgError(sqlstate::syntax_error, fmt::format("{} requires a parameter", opt.name));
  return opt.value;
}

bool bool_value(const CommandOption& opt) {
  auto is = [&](std::string_view word) {
    if (opt.value.size() != word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i)
      if ((opt.value[i] | 0x20) != word[i]) return false;
    return true;
  };
  switch (opt.kind) {
    case CommandOption::Kind::none: return true;
    case CommandOption::Kind::number:
      if (opt.value == "0" || opt.value == "1") return opt.value == "1";
      break;
    case CommandOption::Kind::text:
      if (is("true") || is("on")) return true;
      if (is("false") || is("off")) return false;
      break;
  }
  throw PgError(sqlstate::syntax_error, fmt::format("{} requires a Boolean value", opt.name));
}

}  // namespace

CreateSlotOptions create_slot_options(const CreateSlot& command) {
  CreateSlotOptions out;
  bool snapshot_given = false, reserve_wal_given = false, two_phase_given = false;
  for (const auto& opt : command.options) {
    if (opt.name == "snapshot") {
      if (snapshot_given || !command.logical) conflicting();
      std::string action = string_value(opt);
      snapshot_given = true;
      if (action == "export") out.snapshot = CreateSlotOptions::Snapshot::export_;
      else if (action == "nothing") out.snapshot = CreateSlotOptions::Snapshot::nothing;
      else if (action == "use") out.snapshot = CreateSlotOptions::Snapshot::use;
      else
        throw PgError(sqlstate::invalid_parameter_value,
                      fmt::format("unrecognized value for CREATE_REPLICATION_SLOT option \"{}\": \"{}\"", opt.name, action));
    } else if (opt.name == "reserve_wal") {
      if (reserve_wal_given || command.logical) conflicting();
      reserve_wal_given = true;
      out.reserve_wal = bool_value(opt);
    } else if (opt.name == "two_phase") {
      if (two_phase_given || !command.logical) conflicting();
      two_phase_given = true;
      out.two_phase = bool_value(opt);
    } else {
      throw PgError(sqlstate::internal_error, fmt::format("unrecognized option: {}", opt.name));
    }
  }
  return out;
}

}  // namespace pgwire::replication
