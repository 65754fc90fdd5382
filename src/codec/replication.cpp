#include "pgwire/codec/replication.hpp"

#include "reader.hpp"

namespace pgwire {

using detail::Reader;

std::error_code decode_replication(std::string_view payload, ReplicationMessage& out) {
  Reader r(payload);
  char kind = static_cast<char>(r.u8());
  if (!r.ok()) return r.finish();
  switch (kind) {
    case 'w': {
      auto& m = out.emplace<XLogData>();
      m.wal_start = r.u64();
      m.wal_end = r.u64();
      m.send_time = r.i64();
      m.data = r.rest();
      break;
    }
    case 'k': {
      auto& m = out.emplace<PrimaryKeepalive>();
      m.wal_end = r.u64();
      m.send_time = r.i64();
      m.reply_requested = r.u8();
      break;
    }
    case 'r': {
      auto& m = out.emplace<StandbyStatusUpdate>();
      m.written = r.u64();
      m.flushed = r.u64();
      m.applied = r.u64();
      m.client_time = r.i64();
      m.reply_requested = r.u8();
      break;
    }
    case 'h': {
      auto& m = out.emplace<HotStandbyFeedback>();
      m.client_time = r.i64();
      m.xmin = r.u32();
      m.xmin_epoch = r.u32();
      m.catalog_xmin = r.u32();
      m.catalog_xmin_epoch = r.u32();
      break;
    }
    default: return codec_errc::unknown_message_type;
  }
  return r.finish();
}

void encode(const XLogData& m, Buffer& out) {
  auto at = out.begin_message('d');
  out.put_char('w');
  out.put_u64(m.wal_start);
  out.put_u64(m.wal_end);
  out.put_i64(m.send_time);
  out.put_bytes(m.data);
  out.end_message(at);
}

void encode(const PrimaryKeepalive& m, Buffer& out) {
  auto at = out.begin_message('d');
  out.put_char('k');
  out.put_u64(m.wal_end);
  out.put_i64(m.send_time);
  out.put_u8(m.reply_requested);
  out.end_message(at);
}

void encode(const StandbyStatusUpdate& m, Buffer& out) {
  auto at = out.begin_message('d');
  out.put_char('r');
  out.put_u64(m.written);
  out.put_u64(m.flushed);
  out.put_u64(m.applied);
  out.put_i64(m.client_time);
  out.put_u8(m.reply_requested);
  out.end_message(at);
}

void encode(const HotStandbyFeedback& m, Buffer& out) {
  auto at = out.begin_message('d');
  out.put_char('h');
  out.put_i64(m.client_time);
  out.put_u32(m.xmin);
  out.put_u32(m.xmin_epoch);
  out.put_u32(m.catalog_xmin);
  out.put_u32(m.catalog_xmin_epoch);
  out.end_message(at);
}

void encode_replication(const ReplicationMessage& m, Buffer& out) {
  std::visit([&out](const auto& msg) { encode(msg, out); }, m);
}

}  // namespace pgwire
