#pragma once
// Shared helpers of the pgwire fuzz targets (fuzz_frontend.cpp, fuzz_backend.cpp).
//
// The targets are ordinary libFuzzer entry points. For the corpus replay
// (pgwire_fuzz_replay, built with the normal compiler and no libFuzzer)
// replay_frontend.cpp / replay_backend.cpp include the target sources with
// PGWIRE_FUZZ_ENTRY_NAME set to distinct names, so that both targets fit in
// one executable; see replay_main.cpp.
//
// Every check failure prints what was expected and what was produced, then
// calls std::abort(): libFuzzer records the input as a crash, and the replay
// test fails.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/error.hpp"
#include "pgwire/codec/framing.hpp"
#include "pgwire/codec/replication.hpp"

#ifdef PGWIRE_FUZZ_ENTRY_NAME
#define PGWIRE_FUZZ_ENTRY PGWIRE_FUZZ_ENTRY_NAME
#else
#define PGWIRE_FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

namespace pgwire_fuzz {

inline void print_hex(const char* label, std::string_view bytes) {
  std::fprintf(stderr, "  %s (%zu bytes):", label, bytes.size());
  std::size_t shown = bytes.size() < 512 ? bytes.size() : 512;
  for (std::size_t i = 0; i < shown; ++i)
    std::fprintf(stderr, "%s%02x", i % 32 == 0 ? "\n    " : " ",
                 static_cast<unsigned>(static_cast<unsigned char>(bytes[i])));
  if (shown < bytes.size()) std::fprintf(stderr, "\n    ...");
  std::fprintf(stderr, "\n");
}

[[noreturn]] inline void fail(const char* what, std::string_view expected = {},
                              std::string_view actual = {}) {
  std::fprintf(stderr, "pgwire fuzz check failed: %s\n", what);
  if (!expected.empty() || !actual.empty()) {
    print_hex("expected", expected);
    print_hex("actual", actual);
  }
  std::fflush(stderr);
  std::abort();
}

inline void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

// Every error the codec reports is a codec_errc with a message.
inline void check_codec_error(std::error_code ec) {
  check(ec.category() == pgwire::codec_category(), "error outside the codec category");
  check(ec.message() != "unknown codec error", "error code without a message");
}

// Re-encodes with encode(msg, buf) and requires the exact wire bytes back:
// every message the codec decodes re-encodes byte for byte (the StartupMessage
// keeps its option order, replication flags keep their byte).
template <class Msg>
void check_reencode(const Msg& msg, std::string_view wire, const char* what) {
  pgwire::Buffer buf;
  encode(msg, buf);
  if (buf.error()) fail(what, wire, buf.view());
  if (buf.view() != wire) fail(what, wire, buf.view());
}

// CopyData payloads that decode as replication messages must re-encode to
// the whole CopyData frame (replication encode() writes 'd' + length + payload).
inline void check_replication(std::string_view copy_data, std::string_view wire) {
  pgwire::ReplicationMessage rm;
  if (pgwire::decode_replication(copy_data, rm)) return;
  check_reencode(rm, wire, "replication message does not re-encode to its CopyData frame");
}

// One framing step's outcome, copied out of the input so that the one-shot
// parse and the FrameBuffer parse can be compared.
struct Step {
  enum Kind { frame, incomplete, failed, stopped } kind = incomplete;
  char type = 0;
  std::string bytes;  // whole frame (header included), for kind == frame
  std::size_t needed = 0;
  std::error_code error;
  friend bool operator==(const Step&, const Step&) = default;
};

// Properties every parse_*_frame result must have, whatever the input:
// a complete frame lies inside the input and starts where the header says;
// an incomplete result asks for more than is there; a prefix of a complete
// frame is incomplete (never an error, never a different frame).
template <class Parse>
void check_frame_result(Parse parse, std::string_view in, const pgwire::FrameResult& r,
                        std::size_t header) {
  if (r.error) {
    check(!r.complete(), "framing: error and complete at once");
    check_codec_error(r.error);
    return;
  }
  if (!r.complete()) {
    check(r.needed > in.size(), "framing: incomplete result does not ask for more bytes");
    return;
  }
  check(r.size <= in.size(), "framing: frame larger than the input");
  check(r.size == header + r.frame.body.size(), "framing: size != header + body");
  check(r.frame.body.data() == in.data() + header, "framing: body does not follow the header");
  check(r.frame.type == (header == 5 ? in[0] : 0), "framing: wrong type byte");
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, header - 1, header, r.size - 1}) {
    if (cut >= r.size) continue;
    auto p = parse(in.substr(0, cut));
    check(!p.error && !p.complete(), "framing: prefix of a valid frame is not incomplete");
    check(p.needed > cut && p.needed <= r.size, "framing: prefix asks for a wrong byte count");
  }
}

// Chunk size for feeding a FrameBuffer, from the first input byte: 1..17
// bytes, or 64..1088 when the high bit is set.
inline std::size_t chunk_size(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 1;
  std::size_t c = data[0] % 17 + 1;
  return (data[0] & 0x80) ? c * 64 : c;
}

// Feeds `in` to a FrameBuffer in chunks (alternating append() and
// prepare()/commit(), as a socket read would) and lets `step` take frames off
// its pending bytes. `step(pending)` returns the Step for the front of the
// pending bytes and the number of bytes it consumed (0 unless a frame or a
// single negotiation byte was taken). Returns the steps in order; the last one
// is the final incomplete/failed/stopped state.
template <class StepFn>
std::vector<Step> frame_chunked(std::string_view in, std::size_t chunk, StepFn step) {
  std::vector<Step> steps;
  pgwire::FrameBuffer fb;
  std::size_t off = 0;
  bool use_prepare = false;
  for (;;) {
    // Take every complete frame off what has arrived.
    Step s;
    std::size_t used = 0;
    for (;;) {
      s = step(fb.pending(), used);
      if (s.kind != Step::frame) break;
      steps.push_back(s);
      fb.consume(used);
      if (fb.pending().empty()) fb.shrink_if_idle(256);
    }
    if (s.kind != Step::incomplete || off == in.size()) {
      steps.push_back(s);
      return steps;
    }
    std::size_t n = in.size() - off < chunk ? in.size() - off : chunk;
    if (use_prepare) {
      auto space = fb.prepare(n);
      check(space.size() >= n, "FrameBuffer::prepare returned too little space");
      std::memcpy(space.data(), in.data() + off, n);
      fb.commit(n);
    } else {
      fb.append(in.substr(off, n));
    }
    use_prepare = !use_prepare;
    off += n;
  }
}

// The same steps over the whole input at once.
template <class StepFn>
std::vector<Step> frame_oneshot(std::string_view in, StepFn step) {
  std::vector<Step> steps;
  std::size_t off = 0;
  for (;;) {
    std::size_t used = 0;
    Step s = step(in.substr(off), used);
    steps.push_back(s);
    if (s.kind != Step::frame) return steps;
    off += used;
  }
}

// The body of both stream targets: frames `data` in one piece with a full
// Stepper (decoding and checking every message) and in chunks with a light
// one; both must see the same steps.
template <class Stepper>
int check_stream(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Stepper full(true);
  auto oneshot = frame_oneshot(in, [&](std::string_view v, std::size_t& used) { return full(v, used); });
  Stepper light(false);
  auto chunked = frame_chunked(in, chunk_size(data, size),
                               [&](std::string_view v, std::size_t& used) { return light(v, used); });
  if (oneshot != chunked) {
    std::fprintf(stderr, "one-shot: %zu steps, chunked (chunk %zu): %zu steps\n", oneshot.size(),
                 chunk_size(data, size), chunked.size());
    fail("FrameBuffer framing differs from one-shot framing");
  }
  return 0;
}

}  // namespace pgwire_fuzz
