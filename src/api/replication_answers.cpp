// The replication commands of a walsender session, answered with
// PostgreSQL 15's result shapes, tags and errors (walsender.c; recorded in
// tests/replication/data/sessions/). Physical replication needs a WAL and a
// data directory a product does not have: its commands get 0A000.

#include <fmt/format.h>

#include "pgwire/api/results.hpp"
#include "pgwire/codec/error_info.hpp"
#include "pgwire/replication/command.hpp"
#include "pgwire/replication/lsn.hpp"
#include "replication_state.hpp"

namespace pgwire {

namespace {

using namespace replication;
using Row = std::vector<std::optional<std::string>>;

Response one_row(std::vector<pgwire::Column> columns, Row row, std::string tag) {
  return Response::rows(make_schema(std::move(columns)), make_text_rows({std::move(row)}), std::move(tag));
}

PgError not_supported(std::string message) { return PgError(sqlstate::feature_not_supported, std::move(message)); }

// Settings a walsender client asks for that a product's session has no
// reason to hold: what PostgreSQL 15 reports by default.
std::optional<std::string> walsender_default(std::string_view name) {
  if (name == "data_directory_mode") return "0700";  // pg_recvlogical, pg_receivewal
  if (name == "wal_segment_size") return "16MB";
  if (name == "wal_block_size") return "8192";
  if (name == "max_replication_slots" || name == "max_wal_senders") return "10";
  if (name == "wal_level") return "logical";
  return std::nullopt;
}

// The session's wal_sender_timeout ("60s", "2000", "1min"; PostgreSQL's
// default unit is milliseconds), else the hub's.
std::int64_t sender_timeout_ms(const Session& session, std::chrono::milliseconds fallback) {
  auto text = session.parameter("wal_sender_timeout");
  if (!text) return fallback.count();
  std::size_t i = 0;
  std::int64_t n = 0;
  while (i < text->size() && (*text)[i] >= '0' && (*text)[i] <= '9' && n < (1LL << 40)) n = n * 10 + ((*text)[i++] - '0');
  if (i == 0) return fallback.count();
  std::string unit = text->substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  if (unit.empty() || unit == "ms") return n;
  if (unit == "s") return n * 1000;
  if (unit == "min") return n * 60'000;
  if (unit == "h") return n * 3'600'000;
  return fallback.count();
}

}  // namespace

std::optional<Response> ReplicationHub::answer(Session& session, std::string_view query) {
  const ClientInfo& client = session.client();
  if (client.replication == ReplicationMode::none) return std::nullopt;
  State& s = *state_;
  try {
    if (!is_replication_command(query)) return std::nullopt;  // SQL: the product's
    ParsedReplicationCommand parsed = parse_replication_command(query);
    for (const auto& text : parsed.notices) {
      ErrorInfo notice = ErrorInfo::notice(text);
      notice.code = "42622";  // name_too_long: an identifier was truncated
      session.send_notice(notice);
    }
    bool physical = client.replication == ReplicationMode::physical;

    if (std::holds_alternative<IdentifySystem>(parsed.command)) {
      std::optional<std::string> dbname;
      if (!physical) dbname = client.database;
      return one_row({{"systemid"}, {"timeline", oid::int4}, {"xlogpos"}, {"dbname"}},
                     {std::to_string(s.system_identifier), "1", format_lsn(current_lsn()), dbname},
                     "IDENTIFY_SYSTEM");
    }
    if (auto* show = std::get_if<ShowSetting>(&parsed.command)) {
      auto value = session.parameter(show->name);
      if (!value) value = walsender_default(show->name);
      if (!value)
        throw PgError(sqlstate::undefined_object,
                      fmt::format("unrecognized configuration parameter \"{}\"", show->name));
      return one_row({{show->name}}, {*value}, "SHOW");
    }
    if (auto* history = std::get_if<TimelineHistory>(&parsed.command)) {
      // Timeline 1 has no history file, in PostgreSQL too.
      throw PgError("58P01", fmt::format("could not open file \"pg_wal/{:08X}.history\": No such file or directory",
                                         history->timeline));
    }
    if (auto* create = std::get_if<CreateSlot>(&parsed.command)) {
      auto options = create_slot_options(*create);
      if (!create->logical) throw not_supported("physical replication slots are not supported by this server");
      if (physical) throw not_supported("logical decoding requires a database connection");
      ReplicationSlot slot;
      {
        std::lock_guard lock(s.mutex);
        slot = s.create_slot(create->slot, create->plugin, create->temporary, client.database,
                             create->temporary ? session.handle() : nullptr);
      }
      // No snapshot is exported: a product has no MVCC snapshot to share
      // (snapshot_name NULL, as with NOEXPORT_SNAPSHOT).
      (void)options;
      return one_row({{"slot_name"}, {"consistent_point"}, {"snapshot_name"}, {"output_plugin"}},
                     {slot.name, format_lsn(slot.confirmed_flush), std::nullopt, slot.plugin},
                     "CREATE_REPLICATION_SLOT");
    }
    if (auto* drop = std::get_if<DropSlot>(&parsed.command)) {
      drop_slot(drop->slot);
      return Response::command("DROP_REPLICATION_SLOT");
    }
    if (auto* read = std::get_if<ReadSlot>(&parsed.command)) {
      auto slot = this->slot(read->slot);
      if (slot) throw not_supported("cannot use READ_REPLICATION_SLOT with a logical replication slot");
      // A slot that does not exist: one row of NULLs, as PostgreSQL.
      return one_row({{"slot_type"}, {"restart_lsn"}, {"restart_tli", oid::int8}},
                     {std::nullopt, std::nullopt, std::nullopt}, "READ_REPLICATION_SLOT");
    }
    if (auto* start = std::get_if<StartReplication>(&parsed.command)) {
      if (!start->logical) throw not_supported("physical replication is not supported by this server");
      if (physical) throw not_supported("logical decoding requires a database connection");
      auto handle = session.handle();
      auto stream = std::make_shared<WalStream>(sender_timeout_ms(session, s.options.wal_sender_timeout), now());
      stream->session = handle;
      stream->slot = *start->slot;
      {
        std::lock_guard lock(s.mutex);
        s.sweep();
        auto& entry = s.find_slot(stream->slot);
        if (entry.slot.active_pid)
          throw PgError("55006", fmt::format("replication slot \"{}\" is active for PID {}", stream->slot,
                                             entry.slot.active_pid));
        stream->encoder = make_plugin_encoder(entry.slot.plugin, start->options, s.options);
        stream->start_point = entry.slot.confirmed_flush > start->start ? entry.slot.confirmed_flush : start->start;
        stream->next_seq = s.log.empty() ? s.next_seq : s.log.front().seq;
        entry.slot.active_pid = session.process_id();
        s.streams.push_back(stream);
      }
      s.wake();
      return Response::copy_both(make_wal_sender_target(state_, std::move(stream)), CopyFormat{}, 0);
    }
    throw not_supported("BASE_BACKUP is not supported by this server: it has no data directory to copy");
  } catch (const PgError& e) {
    // PostgreSQL 15 drops a walsender's temporary slots at any error.
    std::lock_guard lock(s.mutex);
    s.drop_temporary_slots_of(session.handle().get());
    return Response::error(e.info());
  }
}

}  // namespace pgwire
