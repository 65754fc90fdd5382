#include "idle_buffers.hpp"

#include <array>
#include <memory>
#include <utility>

namespace pgwire::detail {

namespace {

constexpr std::size_t read_buffer_capacity = read_size + idle_read_size;
// Output buffers above this (left by a large result) are freed between
// statements.
constexpr std::size_t kept_output_capacity = 16 * 1024;

template <class Storage>
struct Stock {
  static constexpr std::size_t kept = 64;
  std::array<Storage, kept> items;
  std::size_t count = 0;

  Storage take() noexcept {
    if (count == 0) return {};
    return std::move(items[--count]);
  }
  void give(Storage s) noexcept {
    if (count < kept) items[count++] = std::move(s);
  }
};

// Per io thread, no lock. A connection may park on another thread than it
// unparked on (embedding on a multi-threaded io_context): each thread's
// stock then drifts, bounded by `kept`, and an empty stock only costs an
// allocation. As many as a thread's connections usually wake up at once:
// beyond it, buffers are freed.
struct Stocks {
  Stock<FrameBuffer::Storage> reads;
  Stock<Buffer::Storage> outputs;
};

Stocks& stocks() noexcept {
  thread_local Stocks s;
  return s;
}

}  // namespace

void park_buffers(FrameBuffer& in, Buffer& out) noexcept {
  Stocks& s = stocks();
  FrameBuffer::Storage r = in.release_storage();
  if (r.data && r.capacity == read_buffer_capacity) s.reads.give(std::move(r));  // a grown one is freed
  Buffer::Storage o = out.release_storage();
  if (o.data && o.capacity <= kept_output_capacity) s.outputs.give(std::move(o));
}

void unpark_buffers(FrameBuffer& in, Buffer& out) {
  Stocks& s = stocks();
  if (in.capacity() == 0) {
    FrameBuffer::Storage r = s.reads.take();
    if (!r.data) r = {std::unique_ptr<char[]>(new char[read_buffer_capacity]), read_buffer_capacity};
    in.adopt_storage(std::move(r));
  }
  if (out.capacity() == 0) out.adopt_storage(s.outputs.take());
}

}  // namespace pgwire::detail
