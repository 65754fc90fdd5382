#include "pgwire/codec/framing.hpp"

#include <algorithm>
#include <cstring>

#include "pgwire/codec/error.hpp"

namespace pgwire {
namespace {

std::uint32_t load32(const char* p) noexcept {
  auto b = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

FrameResult fail(codec_errc e) {
  FrameResult r;
  r.error = e;
  return r;
}

FrameResult need(std::size_t n) {
  FrameResult r;
  r.needed = n;
  return r;
}

enum class Class { invalid, small, large, auth };

Class frontend_class(char t) noexcept {
  switch (t) {
    case 'Q': case 'P': case 'B': case 'F': case 'd':
      return Class::large;
    case 'D': case 'E': case 'S': case 'H': case 'C': case 'c': case 'f': case 'X':
      return Class::small;
    case 'p':
      return Class::auth;
    default:
      return Class::invalid;
  }
}

Class backend_class(char t) noexcept {
  switch (t) {
    case 'T': case 'D': case 'd': case 'V': case 'E': case 'N': case 'A':
      return Class::large;
    case 'R': case 'K': case '1': case '2': case '3': case 'C': case 'G': case 'H':
    case 'W': case 'c': case 'I': case 'v': case 'n': case 't': case 'S': case 's':
    case 'Z':
      return Class::small;
    default:
      return Class::invalid;
  }
}

FrameResult parse_typed(std::string_view in, Class cls, const FrameLimits& limits) {
  if (in.empty()) return need(5);
  // The type byte is judged before the length: after an unknown type the
  // stream cannot be trusted to resynchronise.
  if (cls == Class::invalid) return fail(codec_errc::unknown_message_type);
  if (in.size() < 5) return need(5);
  std::uint32_t len = load32(in.data() + 1);
  std::uint32_t max = cls == Class::large  ? limits.max_large_message
                      : cls == Class::auth ? limits.max_auth_message
                                           : limits.max_message;
  if (len < 4) return fail(codec_errc::invalid_length);
  if (len > max) return fail(codec_errc::message_too_large);
  std::size_t total = std::size_t{len} + 1;
  if (in.size() < total) return need(total);
  FrameResult r;
  r.size = total;
  r.frame.type = in[0];
  r.frame.body = in.substr(5, len - 4);
  return r;
}

}  // namespace

bool is_frontend_type(char type) noexcept { return frontend_class(type) != Class::invalid; }
bool is_backend_type(char type) noexcept { return backend_class(type) != Class::invalid; }

FrameResult parse_startup_frame(std::string_view in, const FrameLimits& limits) {
  if (in.size() < 4) return need(4);
  std::uint32_t len = load32(in.data());
  // Body must at least hold the Int32 request code / protocol version.
  if (len < 8) return fail(codec_errc::invalid_length);
  if (len - 4 > limits.max_startup_packet) return fail(codec_errc::message_too_large);
  if (in.size() < len) return need(len);
  FrameResult r;
  r.size = len;
  r.frame.body = in.substr(4, len - 4);
  return r;
}

FrameResult parse_frontend_frame(std::string_view in, const FrameLimits& limits) {
  return parse_typed(in, in.empty() ? Class::small : frontend_class(in[0]), limits);
}

FrameResult parse_backend_frame(std::string_view in, const FrameLimits& limits) {
  return parse_typed(in, in.empty() ? Class::small : backend_class(in[0]), limits);
}

std::span<char> FrameBuffer::prepare(std::size_t min_free) {
  std::size_t used = end_ - begin_;
  if (capacity_ - end_ < min_free) {
    if (capacity_ - used >= min_free) {
      std::memmove(data_.get(), data_.get() + begin_, used);
    } else {
      std::size_t cap = std::max(used + min_free, capacity_ + capacity_ / 2);
      std::unique_ptr<char[]> fresh(new char[cap]);
      if (used != 0) std::memcpy(fresh.get(), data_.get() + begin_, used);
      data_ = std::move(fresh);
      capacity_ = cap;
    }
    begin_ = 0;
    end_ = used;
  }
  return {data_.get() + end_, capacity_ - end_};
}

void FrameBuffer::append(std::string_view bytes) {
  if (bytes.empty()) return;
  auto space = prepare(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  commit(bytes.size());
}

void FrameBuffer::consume(std::size_t n) noexcept {
  begin_ += std::min(n, end_ - begin_);
  if (begin_ == end_) begin_ = end_ = 0;
}

void FrameBuffer::shrink_if_idle(std::size_t max_idle) noexcept {
  if (begin_ == end_ && capacity_ > max_idle) {
    data_.reset();
    capacity_ = begin_ = end_ = 0;
  }
}

FrameBuffer::Storage FrameBuffer::release_storage() noexcept {
  if (begin_ != end_) return {};
  Storage s{std::move(data_), capacity_};
  capacity_ = begin_ = end_ = 0;
  return s;
}

void FrameBuffer::adopt_storage(Storage s) noexcept {
  if (capacity_ != 0 || !s.data) return;
  data_ = std::move(s.data);
  capacity_ = s.capacity;
  begin_ = end_ = 0;
}

}  // namespace pgwire
