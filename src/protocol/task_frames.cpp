// The frame cache of the session machine's Tasks (detail/task.hpp).
//
// Why: one prepared SELECT 1 (Bind, Describe, Execute, Sync) ran twelve
// Task frames through malloc and free, about a tenth of the server's
// instructions for it. Frames freed on a thread are kept, by size class,
// for the next Task of the same size on that thread; the number kept is
// bounded, so a thread holds at most max_cached frames of at most
// max_cached_size bytes. A frame may be freed on another thread than the
// one that allocated it (a machine handed between threads): it is plain
// heap memory and simply joins that thread's cache.

#include <cstdlib>
#include <new>
#include <utility>

#include "pgwire/protocol/detail/task.hpp"

namespace pgwire::protocol::detail {

namespace {

// Under AddressSanitizer every frame goes to malloc and free, so that a use
// of a destroyed frame is still reported rather than hidden by the cache.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool cache_frames = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool cache_frames = false;
#else
constexpr bool cache_frames = true;
#endif
#else
constexpr bool cache_frames = true;
#endif

constexpr std::size_t granule = 64;
constexpr std::size_t classes = 32;  // frames up to 2 KiB are cached
constexpr std::size_t max_cached_size = granule * classes;
constexpr std::size_t max_cached = 32;

struct FreeFrame {
  FreeFrame* next;
};

// Trivially destructible, so thread-local access needs no guard; the
// frames it holds are given back by Drain when the thread ends.
struct FrameCache {
  FreeFrame* free[classes];
  std::size_t cached;
  bool draining;  // the thread is ending: free at once
  bool drain_registered;
};

thread_local FrameCache cache{};

struct Drain {
  ~Drain() {
    cache.draining = true;
    for (auto& head : cache.free)
      while (head) std::free(std::exchange(head, head->next));
    cache.cached = 0;
  }
};

void register_drain() {
  static thread_local Drain drain;
  (void)drain;
  cache.drain_registered = true;
}

std::size_t size_class(std::size_t size) noexcept { return (size + granule - 1) / granule - 1; }

}  // namespace

void* allocate_task_frame(std::size_t size) {
  if (cache_frames && size <= max_cached_size) {
    std::size_t c = size_class(size);
    if (FreeFrame* f = cache.free[c]) {
      cache.free[c] = f->next;
      --cache.cached;
      return f;
    }
    size = (c + 1) * granule;  // so that it may serve any frame of its class later
  }
  if (void* p = std::malloc(size)) return p;
  throw std::bad_alloc();
}

void free_task_frame(void* frame, std::size_t size) noexcept {
  if (!cache_frames || size > max_cached_size || cache.cached == max_cached || cache.draining) {
    std::free(frame);
    return;
  }
  if (!cache.drain_registered) register_drain();
  std::size_t c = size_class(size);
  auto* f = static_cast<FreeFrame*>(frame);
  f->next = cache.free[c];
  cache.free[c] = f;
  ++cache.cached;
}

}  // namespace pgwire::protocol::detail
