#pragma once
// The session machine's own coroutine type: lazily started, awaitable by
// another Task (symmetric transfer), no executor and no I/O. It lets the
// protocol rules read top to bottom while every wait for the driver (bytes,
// a handler's answer) is a plain suspension that returns control to
// SessionMachine::next(). Not for products.

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <utility>

namespace pgwire::protocol::detail {

template <class T>
class Task;

// Frames of Tasks come from a small per-thread cache (task_frames.cpp):
// every message runs a few of them (dispatch, extended, bind, execute, ...)
// and would otherwise cost a malloc/free pair each.
void* allocate_task_frame(std::size_t size);
void free_task_frame(void* frame, std::size_t size) noexcept;

struct TaskPromiseBase {
  std::coroutine_handle<> continuation;
  std::exception_ptr error;

  static void* operator new(std::size_t size) { return allocate_task_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { free_task_frame(frame, size); }

  std::suspend_always initial_suspend() noexcept { return {}; }
  auto final_suspend() noexcept {
    struct ResumeParent {
      std::coroutine_handle<> parent;
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<>) noexcept {
        return parent ? parent : std::noop_coroutine();
      }
      void await_resume() noexcept {}
    };
    return ResumeParent{continuation};
  }
  void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <class T>
struct TaskPromise : TaskPromiseBase {
  std::optional<T> value;
  Task<T> get_return_object() noexcept;
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T take() {
    if (error) std::rethrow_exception(error);
    return std::move(*value);
  }
};

template <>
struct TaskPromise<void> : TaskPromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() {
    if (error) std::rethrow_exception(error);
  }
};

template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = TaskPromise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) noexcept : h_(h) {}
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  ~Task() {
    if (h_) h_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> parent) noexcept {
    h_.promise().continuation = parent;
    return h_;
  }
  T await_resume() { return h_.promise().take(); }

  // For the owner of a root task.
  Handle handle() const noexcept { return h_; }
  bool done() const noexcept { return !h_ || h_.done(); }
  std::exception_ptr error() const noexcept { return h_ ? h_.promise().error : nullptr; }

 private:
  Handle h_;
};

template <class T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(Task<T>::Handle::from_promise(*this));
}
inline Task<void> TaskPromise<void>::get_return_object() noexcept {
  return Task<void>(Task<void>::Handle::from_promise(*this));
}

}  // namespace pgwire::protocol::detail
