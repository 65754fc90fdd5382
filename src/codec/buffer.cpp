#include "pgwire/codec/buffer.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace pgwire {

void Buffer::reserve(std::size_t capacity) {
  if (capacity <= capacity_) return;
  // No value-initialisation: the bytes are always written before they are read.
  std::unique_ptr<char[]> fresh(new char[capacity]);
  if (size_ != 0) std::memcpy(fresh.get(), data_.get(), size_);
  data_ = std::move(fresh);
  capacity_ = capacity;
}

void Buffer::grow(std::size_t extra) {
  std::size_t want = size_ + extra;
  reserve(std::max({want, capacity_ * 2, std::size_t{256}}));
}

void Buffer::consume(std::size_t n) noexcept {
  if (n >= size_) {
    size_ = 0;
    return;
  }
  std::memmove(data_.get(), data_.get() + n, size_ - n);
  size_ -= n;
}

void Buffer::put_cstring(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) set_error(codec_errc::embedded_nul);
  put_bytes(s);
  put_char('\0');
}

void Buffer::put_count16(std::size_t n) {
  // Counts are read as unsigned 16-bit by PostgreSQL.
  if (n > std::numeric_limits<std::uint16_t>::max()) set_error(codec_errc::value_too_large);
  put_u16(static_cast<std::uint16_t>(n));
}

void Buffer::end_message(std::size_t length_offset) {
  std::size_t len = size_ - length_offset;
  if (len > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    set_error(codec_errc::value_too_large);
    return;
  }
  store32(data_.get() + length_offset, static_cast<std::uint32_t>(len));
}

}  // namespace pgwire
