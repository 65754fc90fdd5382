#pragma once
// Framing: cutting a byte stream into messages, before any decoding.
//
// Two shapes exist on the wire. Startup-phase packets (StartupMessage,
// SSLRequest, GSSENCRequest, CancelRequest) are untyped: Int32 length + body.
// Everything after is typed: Byte1 type + Int32 length + body. The parse_*
// functions are pure and stateless: they look at the start of whatever bytes
// have arrived and say "complete frame of N bytes", "need N bytes in total",
// or "error". The caller keeps the bytes (FrameBuffer does), so any split of
// the stream works.
//
// Limits follow PostgreSQL: the type byte is checked before the length is
// trusted, the length is checked against a per-type limit before the body is
// awaited, and nothing is ever sized by an unchecked length.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <system_error>

namespace pgwire {

struct Frame {
  char type = 0;          // 0 for an untyped startup-phase packet
  std::string_view body;  // bytes after the header
  friend bool operator==(const Frame&, const Frame&) = default;
};

struct FrameLimits {
  // Startup packet body (length - 4): PostgreSQL's MAX_STARTUP_PACKET_LENGTH.
  std::uint32_t max_startup_packet = 10000;
  // Length field (which counts itself) of ordinary typed messages:
  // PQ_SMALL_MESSAGE_LIMIT for a server, 30000 for what libpq accepts.
  std::uint32_t max_message = 10000;
  // Length field of the messages allowed to be large: Q P B F d from a client;
  // T D d V E N A from a server (PQ_LARGE_MESSAGE_LIMIT, 1 GiB - 2).
  std::uint32_t max_large_message = 0x3FFFFFFE;
  // Length field of 'p' (password / SASL / GSS responses): PG_MAX_AUTH_TOKEN_LENGTH.
  std::uint32_t max_auth_message = 65535;

  static constexpr FrameLimits server_defaults() noexcept { return {}; }
  static constexpr FrameLimits client_defaults() noexcept {
    FrameLimits l;
    l.max_message = 30000;
    return l;
  }
  friend constexpr bool operator==(const FrameLimits&, const FrameLimits&) = default;
};

struct FrameResult {
  std::error_code error;
  // Non-zero when a frame is complete: its size on the wire, to consume.
  std::size_t size = 0;
  // When incomplete: the total number of bytes needed to make progress (the
  // header first, then the whole frame once its length has been checked).
  std::size_t needed = 0;
  Frame frame;

  bool complete() const noexcept { return size != 0; }
};

// Startup-phase packet, as read by a server before the StartupMessage.
FrameResult parse_startup_frame(std::string_view input, const FrameLimits& limits = {});
// Typed message from a client.
FrameResult parse_frontend_frame(std::string_view input, const FrameLimits& limits = {});
// Typed message from a server.
FrameResult parse_backend_frame(std::string_view input,
                                const FrameLimits& limits = FrameLimits::client_defaults());

bool is_frontend_type(char type) noexcept;
bool is_backend_type(char type) noexcept;

// Accumulates received bytes. Frames returned by the parse functions point
// into pending(); they stay valid until the next prepare()/append(), so a
// batch of pipelined messages can be handled without copying.
class FrameBuffer {
 public:
  FrameBuffer() = default;

  // Writable space of at least min_free bytes (for a socket read). Moves the
  // unconsumed bytes to the front first, so the buffer never grows past what
  // one frame plus one read needs.
  std::span<char> prepare(std::size_t min_free);
  void commit(std::size_t n) noexcept { end_ += n; }
  void append(std::string_view bytes);

  std::string_view pending() const noexcept { return {data_.get() + begin_, end_ - begin_}; }
  void consume(std::size_t n) noexcept;
  std::size_t capacity() const noexcept { return capacity_; }
  // Frees the storage if nothing is pending and it grew past max_idle bytes
  // (after one huge message, do not keep a huge buffer per idle connection).
  void shrink_if_idle(std::size_t max_idle) noexcept;

  // The storage itself, lent out while nothing is pending: a connection
  // waiting for its client holds no read buffer (the server keeps a few for
  // the next connection that wakes up).
  struct Storage {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0;
  };
  // Gives the storage away when nothing is pending (else returns none).
  Storage release_storage() noexcept;
  // Takes `s` as its storage when it has none (else drops it).
  void adopt_storage(Storage s) noexcept;

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace pgwire
