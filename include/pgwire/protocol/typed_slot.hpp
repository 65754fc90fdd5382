#pragma once
// A slot for one object of a type only the product knows (a compiled
// statement, a per-connection storage handle), checked on the way out: asking
// for another type than the one stored gives nullptr instead of a bad cast.

#include <memory>
#include <typeinfo>

namespace pgwire {

class TypedSlot {
 public:
  template <class T>
  T& set(std::shared_ptr<T> value) {
    T& ref = *value;
    type_ = &typeid(T);
    value_ = std::move(value);
    return ref;
  }
  template <class T>
  T* get() const noexcept {
    if (!value_ || *type_ != typeid(T)) return nullptr;
    return static_cast<T*>(value_.get());
  }
  // Shares ownership (the object may outlive the slot's owner).
  template <class T>
  std::shared_ptr<T> share() const noexcept {
    if (!get<T>()) return nullptr;
    return std::static_pointer_cast<T>(value_);
  }
  void reset() noexcept {
    value_.reset();
    type_ = nullptr;
  }
  explicit operator bool() const noexcept { return value_ != nullptr; }

 private:
  std::shared_ptr<void> value_;
  const std::type_info* type_ = nullptr;
};

}  // namespace pgwire
