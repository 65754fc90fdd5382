#pragma once
// Buffer: the reusable output buffer every encoder appends to.
//
// Integers are written in network byte order. Message lengths are written as a
// placeholder and back-patched by end_message(), so encoders never compute
// sizes twice. Errors are sticky (as in Boost.MySQL's serialization context):
// encoders keep appending, and the caller checks error() once at the end.
// clear() keeps the capacity, so a buffer reused across responses stops
// allocating once it has grown to the largest batch.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <system_error>

#include "pgwire/codec/error.hpp"

namespace pgwire {

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(std::size_t capacity) { reserve(capacity); }
  Buffer(Buffer&&) noexcept = default;
  Buffer& operator=(Buffer&&) noexcept = default;

  const char* data() const noexcept { return data_.get(); }
  char* data() noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  std::string_view view() const noexcept { return {data_.get(), size_}; }

  // Drops the contents and the sticky error; keeps the capacity.
  void clear() noexcept {
    size_ = 0;
    error_ = {};
  }
  // Removes the first n bytes (what a partial socket write already sent).
  void consume(std::size_t n) noexcept;
  // Shrinks back to n bytes (n <= size()), e.g. to drop a half-encoded message.
  void truncate(std::size_t n) noexcept { size_ = n < size_ ? n : size_; }
  void reserve(std::size_t capacity);
  // Frees the storage when empty and larger than max_capacity (after one
  // huge result, an idle connection should not keep a huge buffer).
  void shrink_if_empty(std::size_t max_capacity) noexcept {
    if (size_ == 0 && capacity_ > max_capacity) {
      data_.reset();
      capacity_ = 0;
    }
  }

  // The storage itself, lent out while empty: a connection waiting for its
  // client holds no output buffer (the server keeps a few for the next
  // connection that wakes up).
  struct Storage {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0;
  };
  // Gives the storage away when empty (else returns none).
  Storage release_storage() noexcept {
    if (size_ != 0) return {};
    Storage s{std::move(data_), capacity_};
    capacity_ = 0;
    error_ = {};
    return s;
  }
  // Takes `s` as its storage when it has none (else drops it).
  void adopt_storage(Storage s) noexcept {
    if (capacity_ != 0 || !s.data) return;
    data_ = std::move(s.data);
    capacity_ = s.capacity;
  }

  // Appends n bytes and returns a pointer to them for the caller to fill.
  char* extend(std::size_t n) {
    if (capacity_ - size_ < n) grow(n);
    char* p = data_.get() + size_;
    size_ += n;
    return p;
  }

  void put_u8(std::uint8_t v) { *extend(1) = static_cast<char>(v); }
  void put_char(char c) { *extend(1) = c; }
  void put_i16(std::int16_t v) { store16(extend(2), static_cast<std::uint16_t>(v)); }
  void put_u16(std::uint16_t v) { store16(extend(2), v); }
  void put_i32(std::int32_t v) { store32(extend(4), static_cast<std::uint32_t>(v)); }
  void put_u32(std::uint32_t v) { store32(extend(4), v); }
  void put_i64(std::int64_t v) { store64(extend(8), static_cast<std::uint64_t>(v)); }
  void put_u64(std::uint64_t v) { store64(extend(8), v); }
  void put_bytes(std::string_view s) {
    if (!s.empty()) std::memcpy(extend(s.size()), s.data(), s.size());
  }
  // A NUL-terminated string. An embedded NUL would shift every later field,
  // so it sets the sticky error instead.
  void put_cstring(std::string_view s);
  // A count in an Int16 field (parameter counts, format codes, ...).
  void put_count16(std::size_t n);

  // Typed message: writes the type byte and a length placeholder; returns the
  // offset to hand to end_message().
  std::size_t begin_message(char type) {
    put_char(type);
    std::size_t at = size_;
    extend(4);
    return at;
  }
  // Untyped startup-phase packet (StartupMessage, SSLRequest, ...).
  std::size_t begin_packet() {
    std::size_t at = size_;
    extend(4);
    return at;
  }
  // Back-patches the length (which counts itself but not the type byte).
  void end_message(std::size_t length_offset);

  // Overwrites 2 or 4 bytes at an earlier offset (counts known only at the end).
  void patch_i16(std::size_t at, std::int16_t v) noexcept {
    store16(data_.get() + at, static_cast<std::uint16_t>(v));
  }
  void patch_i32(std::size_t at, std::int32_t v) noexcept {
    store32(data_.get() + at, static_cast<std::uint32_t>(v));
  }

  std::error_code error() const noexcept { return error_; }
  void set_error(std::error_code ec) noexcept {
    if (!error_) error_ = ec;
  }

  static void store16(char* p, std::uint16_t v) noexcept {
    p[0] = static_cast<char>(v >> 8);
    p[1] = static_cast<char>(v);
  }
  static void store32(char* p, std::uint32_t v) noexcept {
    p[0] = static_cast<char>(v >> 24);
    p[1] = static_cast<char>(v >> 16);
    p[2] = static_cast<char>(v >> 8);
    p[3] = static_cast<char>(v);
  }
  static void store64(char* p, std::uint64_t v) noexcept {
    store32(p, static_cast<std::uint32_t>(v >> 32));
    store32(p + 4, static_cast<std::uint32_t>(v));
  }

 private:
  void grow(std::size_t extra);

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::error_code error_;
};

}  // namespace pgwire
