#pragma once
// Bounded cursor over a message body. The first failure sticks: later reads
// return zero values, so decoders read straight through and check once.

#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

#include "pgwire/codec/common.hpp"
#include "pgwire/codec/error.hpp"

namespace pgwire::detail {

class Reader {
 public:
  explicit Reader(std::string_view body) noexcept : p_(body.data()), end_(body.data() + body.size()) {}

  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - p_); }
  bool ok() const noexcept { return !error_; }

  std::uint8_t u8() noexcept {
    if (!have(1)) return 0;
    return static_cast<std::uint8_t>(*p_++);
  }
  std::uint16_t u16() noexcept {
    if (!have(2)) return 0;
    auto b = reinterpret_cast<const unsigned char*>(p_);
    p_ += 2;
    return static_cast<std::uint16_t>((b[0] << 8) | b[1]);
  }
  std::int16_t i16() noexcept { return static_cast<std::int16_t>(u16()); }
  std::uint32_t u32() noexcept {
    if (!have(4)) return 0;
    auto b = reinterpret_cast<const unsigned char*>(p_);
    p_ += 4;
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           std::uint32_t{b[3]};
  }
  std::int32_t i32() noexcept { return static_cast<std::int32_t>(u32()); }
  std::uint64_t u64() noexcept {
    std::uint64_t hi = u32();
    return (hi << 32) | u32();
  }
  std::int64_t i64() noexcept { return static_cast<std::int64_t>(u64()); }

  std::string_view bytes(std::size_t n) noexcept {
    if (!have(n)) return {};
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  std::string_view rest() noexcept { return bytes(remaining()); }

  std::string_view cstring() noexcept {
    if (error_) return {};
    const void* nul = std::memchr(p_, 0, remaining());
    if (nul == nullptr) {
      fail(codec_errc::missing_terminator);
      return {};
    }
    std::string_view s(p_, static_cast<const char*>(nul) - p_);
    p_ += s.size() + 1;
    return s;
  }

  // Int32 length-prefixed value, -1 = NULL.
  Value value() noexcept {
    std::int32_t len = i32();
    if (error_) return std::nullopt;
    if (len == -1) return std::nullopt;
    if (len < -1) {
      fail(codec_errc::invalid_count);
      return std::nullopt;
    }
    return bytes(static_cast<std::size_t>(len));
  }

  // An Int16 count of items each at least `min_item_size` bytes: checked
  // against what remains, so a vector is never sized by an unchecked count.
  std::size_t count16(std::size_t min_item_size) noexcept {
    std::size_t n = u16();
    if (error_) return 0;
    if (n * min_item_size > remaining()) {
      fail(codec_errc::invalid_count);
      return 0;
    }
    return n;
  }

  void fail(codec_errc e) noexcept {
    if (!error_) error_ = e;
    p_ = end_;
  }

  // Final check: everything consumed, nothing failed.
  std::error_code finish() noexcept {
    if (!error_ && p_ != end_) error_ = codec_errc::trailing_bytes;
    return error_;
  }

 private:
  bool have(std::size_t n) noexcept {
    if (error_) return false;
    if (remaining() < n) {
      fail(codec_errc::truncated);
      return false;
    }
    return true;
  }

  const char* p_;
  const char* end_;
  std::error_code error_;
};

}  // namespace pgwire::detail
