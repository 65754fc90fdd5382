#pragma once
// An allocator for the operations of a session waiting without frames
// (internal). Asio gives a handler without an allocator of its own (or
// with std::allocator) a block from its thread's recycling cache, which
// may be any larger block freed before (an accept's 336 bytes for a read
// of 120): fine for an operation that completes soon, not for one that
// an idle connection holds for hours. This one allocates the operation's
// own size. Bound with asio::bind_allocator.

#include <cstddef>
#include <new>

namespace pgwire::detail {

template <class T>
struct ExactAllocator {
  using value_type = T;
  ExactAllocator() noexcept = default;
  template <class U>
  ExactAllocator(const ExactAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{alignof(T)})); }
  void deallocate(T* p, std::size_t n) noexcept { ::operator delete(p, n * sizeof(T), std::align_val_t{alignof(T)}); }
  template <class U>
  bool operator==(const ExactAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace pgwire::detail
