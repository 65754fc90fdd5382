#include "read_buffers.hpp"

#include <array>
#include <utility>

namespace pgwire::detail {

namespace {

// Per io thread, no lock. A connection may give on another thread than it
// took on (a strand moves between threads): each thread's stock then drifts,
// bounded by kept_per_thread, and an empty stock only costs an allocation.
// As many as a thread's connections usually wake up at once between their
// gives: beyond it, buffers are freed.
constexpr std::size_t kept_per_thread = 64;

struct Stock {
  std::array<FrameBuffer::Storage, kept_per_thread> buffers;
  std::size_t count = 0;
};

Stock& stock() noexcept {
  thread_local Stock s;
  return s;
}

}  // namespace

FrameBuffer::Storage take_read_buffer() noexcept {
  Stock& s = stock();
  if (s.count == 0) return {};
  return std::move(s.buffers[--s.count]);
}

void give_read_buffer(FrameBuffer::Storage buffer) noexcept {
  if (!buffer.data || buffer.capacity != read_size) return;  // a grown one is freed
  Stock& s = stock();
  if (s.count < kept_per_thread) s.buffers[s.count++] = std::move(buffer);
}

}  // namespace pgwire::detail
