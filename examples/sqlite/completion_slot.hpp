#pragma once
// Memory for the completion a Worker's call posts back to the caller's io
// thread. A pool thread has none of Asio's per-thread recycling (only the
// threads running an io_context do), so each call allocated there (two
// aligned blocks per statement, both freed on the io thread: another
// thread's arena). A connection has one call outstanding at a time, so one
// block per Worker serves them all; a second one at the same time, or a
// bigger one, gets ordinary memory.
//
// Lifetime: the posted operation holds the awaiting coroutine, which keeps
// its session and so the session's Worker alive; Asio gives the block back
// before it invokes or destroys that handler.

#include <atomic>
#include <cstddef>
#include <new>

namespace sqlite_example {

class CompletionSlot {
 public:
  void* take(std::size_t n) {
    if (n <= sizeof block_ && !busy_.exchange(true, std::memory_order_acquire)) return block_;
    return ::operator new(n);
  }
  void give_back(void* p) noexcept {
    if (p == block_) {
      busy_.store(false, std::memory_order_release);
    } else {
      ::operator delete(p);
    }
  }

 private:
  alignas(std::max_align_t) unsigned char block_[256];
  std::atomic<bool> busy_{false};
};

// The slot as an allocator, for asio::bind_allocator.
template <class T>
struct SlotAllocator {
  using value_type = T;
  CompletionSlot* slot;

  explicit SlotAllocator(CompletionSlot* s) noexcept : slot(s) {}
  template <class U>
  SlotAllocator(const SlotAllocator<U>& other) noexcept : slot(other.slot) {}

  T* allocate(std::size_t n) { return static_cast<T*>(slot->take(n * sizeof(T))); }
  void deallocate(T* p, std::size_t) noexcept { slot->give_back(p); }
  template <class U>
  bool operator==(const SlotAllocator<U>& other) const noexcept {
    return slot == other.slot;
  }
};

}  // namespace sqlite_example
