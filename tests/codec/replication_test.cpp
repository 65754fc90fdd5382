// Streaming-replication payloads inside CopyData.

#include "support/codec_util.hpp"

using namespace pgwire;
using pgwire::test::hex;

namespace {
template <class M>
std::string replication_round_trip(const M& m) {
  std::string bytes = test::encoded(m);
  FrameResult fr = parse_backend_frame(bytes);
  REQUIRE(fr.complete());
  REQUIRE(fr.frame.type == 'd');
  ReplicationMessage out;
  REQUIRE_FALSE(decode_replication(fr.frame.body, out));
  CHECK(std::get<M>(out) == m);
  return bytes;
}
}  // namespace

TEST_CASE("XLogData") {
  CHECK(replication_round_trip(XLogData{0x16B3748, 0x16B3800, 12345, "wal"}) ==
        hex("64 00 00 00 20 77 00 00 00 00 01 6b 37 48 00 00 00 00 01 6b 38 00 "
            "00 00 00 00 00 00 30 39 77 61 6c"));
}

TEST_CASE("PrimaryKeepalive") {
  CHECK(replication_round_trip(PrimaryKeepalive{0x10, -1, true}) ==
        hex("64 00 00 00 16 6b 00 00 00 00 00 00 00 10 ff ff ff ff ff ff ff ff 01"));
}

TEST_CASE("StandbyStatusUpdate") {
  CHECK(replication_round_trip(StandbyStatusUpdate{1, 2, 3, 4, false}).size() == 1 + 4 + 34);
}

TEST_CASE("HotStandbyFeedback") {
  CHECK(replication_round_trip(HotStandbyFeedback{5, 6, 7, 8, 9}).size() == 1 + 4 + 25);
}

TEST_CASE("Malformed replication payloads") {
  ReplicationMessage out;
  CHECK(decode_replication("", out) == codec_errc::truncated);
  CHECK(decode_replication("z", out) == codec_errc::unknown_message_type);
  CHECK(decode_replication(hex("6b 00 00"), out) == codec_errc::truncated);
  CHECK(decode_replication(hex("6b") + std::string(17, '\0') + "x", out) ==
        codec_errc::trailing_bytes);
}
