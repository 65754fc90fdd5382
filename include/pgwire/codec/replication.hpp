#pragma once
// Streaming-replication messages. They travel inside CopyData during
// START_REPLICATION (a CopyBoth exchange); the first byte of the CopyData
// payload tells them apart. Times are microseconds since 2000-01-01 UTC.

#include <concepts>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <variant>

#include "pgwire/codec/buffer.hpp"

namespace pgwire {

using Lsn = std::uint64_t;

// Server -> client ('w'): a chunk of WAL.
struct XLogData {
  Lsn wal_start = 0;
  Lsn wal_end = 0;  // current end of WAL on the server
  std::int64_t send_time = 0;
  std::string_view data;
  friend bool operator==(const XLogData&, const XLogData&) = default;
};

// Server -> client ('k').
struct PrimaryKeepalive {
  Lsn wal_end = 0;
  std::int64_t send_time = 0;
  // Non-zero: the sender asks for a reply. The byte is kept as sent, so the
  // message re-encodes byte for byte.
  std::uint8_t reply_requested = 0;
  friend bool operator==(const PrimaryKeepalive&, const PrimaryKeepalive&) = default;
};

// Client -> server ('r').
struct StandbyStatusUpdate {
  Lsn written = 0;  // last WAL byte + 1 received and written to disk
  Lsn flushed = 0;
  Lsn applied = 0;
  std::int64_t client_time = 0;
  std::uint8_t reply_requested = 0;  // non-zero: asks for a reply (as sent)
  friend bool operator==(const StandbyStatusUpdate&, const StandbyStatusUpdate&) = default;
};

// Client -> server ('h').
struct HotStandbyFeedback {
  std::int64_t client_time = 0;
  std::uint32_t xmin = 0;
  std::uint32_t xmin_epoch = 0;
  std::uint32_t catalog_xmin = 0;
  std::uint32_t catalog_xmin_epoch = 0;
  friend bool operator==(const HotStandbyFeedback&, const HotStandbyFeedback&) = default;
};

using ReplicationMessage =
    std::variant<XLogData, PrimaryKeepalive, StandbyStatusUpdate, HotStandbyFeedback>;

// Decodes a CopyData payload.
std::error_code decode_replication(std::string_view copy_data, ReplicationMessage& out);

// Each appends a complete CopyData message ('d' + length + payload).
void encode(const XLogData& m, Buffer& out);
void encode(const PrimaryKeepalive& m, Buffer& out);
void encode(const StandbyStatusUpdate& m, Buffer& out);
void encode(const HotStandbyFeedback& m, Buffer& out);
void encode_replication(const ReplicationMessage& m, Buffer& out);
template <std::same_as<ReplicationMessage> M>
void encode(const M& m, Buffer& out) {
  encode_replication(m, out);
}

}  // namespace pgwire
