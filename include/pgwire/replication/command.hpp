#pragma once
// The replication command language a walsender session speaks (PostgreSQL
// 15's repl_gram.y and repl_scanner.l): what a replication=database or
// replication=true connection may send instead of SQL.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pgwire/codec/replication.hpp"
#include "pgwire/replication/plugin_option.hpp"

namespace pgwire::replication {

// An option in parentheses: CREATE_REPLICATION_SLOT ... (SNAPSHOT 'use'),
// BASE_BACKUP (LABEL 'x'). Names are lower case; the value is an
// identifier, a string, a number, or absent.
struct CommandOption {
  enum class Kind { none, text, number };
  std::string name;
  Kind kind = Kind::none;
  std::string value;
  friend bool operator==(const CommandOption&, const CommandOption&) = default;
};

struct IdentifySystem {
  friend bool operator==(const IdentifySystem&, const IdentifySystem&) = default;
};
struct ShowSetting {
  std::string name;  // "a.b" for a dotted name
  friend bool operator==(const ShowSetting&, const ShowSetting&) = default;
};
struct TimelineHistory {
  std::uint32_t timeline = 0;
  friend bool operator==(const TimelineHistory&, const TimelineHistory&) = default;
};
struct CreateSlot {
  std::string slot;
  bool temporary = false;
  bool logical = true;
  std::string plugin;  // empty for a physical slot
  // EXPORT_SNAPSHOT / NOEXPORT_SNAPSHOT / USE_SNAPSHOT / RESERVE_WAL /
  // TWO_PHASE arrive here as the options PostgreSQL makes of them
  // (snapshot 'export' ...).
  std::vector<CommandOption> options;
  friend bool operator==(const CreateSlot&, const CreateSlot&) = default;
};
struct DropSlot {
  std::string slot;
  bool wait = false;
  friend bool operator==(const DropSlot&, const DropSlot&) = default;
};
struct ReadSlot {
  std::string slot;
  friend bool operator==(const ReadSlot&, const ReadSlot&) = default;
};
struct StartReplication {
  std::optional<std::string> slot;  // always set for logical replication
  bool logical = true;
  Lsn start = 0;
  std::uint32_t timeline = 0;  // physical only; 0 when not given
  PluginOptions options;       // logical only
  friend bool operator==(const StartReplication&, const StartReplication&) = default;
};
struct BaseBackup {
  std::vector<CommandOption> options;
  friend bool operator==(const BaseBackup&, const BaseBackup&) = default;
};

using ReplicationCommand = std::variant<IdentifySystem, ShowSetting, TimelineHistory, CreateSlot, DropSlot,
                                        ReadSlot, StartReplication, BaseBackup>;

struct ParsedReplicationCommand {
  ReplicationCommand command;
  // NOTICE 42622 messages for identifiers truncated to 63 bytes.
  std::vector<std::string> notices;
};

// Whether the first token is a replication command keyword (upper case, as
// PostgreSQL's scanner matches them). Otherwise the text is SQL: a
// replication=database session runs it as such. A scanner error in the
// first token (an unterminated quote) throws PgError 42601 as in PostgreSQL.
bool is_replication_command(std::string_view text);

// Throws PgError 42601: "syntax error", "unterminated quoted string",
// "invalid streaming start location", "invalid timeline %u".
ParsedReplicationCommand parse_replication_command(std::string_view text);

// What CREATE_REPLICATION_SLOT's options ask for (walsender's
// parseCreateReplSlotOptions): 42601 for a repeated option or one that does
// not fit the slot kind, 22023 for an unknown snapshot action, XX000 for an
// unknown option.
struct CreateSlotOptions {
  enum class Snapshot { export_, nothing, use };
  Snapshot snapshot = Snapshot::export_;
  bool reserve_wal = false;  // physical slots
  bool two_phase = false;    // logical slots
};
CreateSlotOptions create_slot_options(const CreateSlot& command);

}  // namespace pgwire::replication
