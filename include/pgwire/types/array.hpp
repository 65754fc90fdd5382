#pragma once
// One-dimensional arrays of the scalar types, in text ("{1,2,NULL}") and
// binary (array_send) formats.
//
// Encoding takes an ArrayRef: a view over a contiguous run of T or of
// std::optional<T> (nullopt = NULL), plus the element type OID for the
// binary header (defaults to the natural one: text for strings, inet for
// Inet, ...; pass oid::varchar, oid::name, oid::json, oid::cidr, ... to
// change it) and the lower bound (1 unless you need "[0:2]={...}").
//
// Decoding fills a DecodedArray: elements are views into the input, or into
// the DecodedArray's own storage for elements that had to be unescaped or
// converted. Multi-dimensional input is rejected (unsupported_dimensions),
// more than 6 dimensions with too_many_dimensions, as PostgreSQL's MAXDIM.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/common.hpp"
#include "pgwire/types/oid.hpp"
#include "pgwire/types/values.hpp"

namespace pgwire {

class TimeZone;

namespace types_detail {
template <class T, class... U>
inline constexpr bool is_one_of_v = (std::is_same_v<T, U> || ...);
}  // namespace types_detail

// Element types arrays support (std::string for encoding and owned decoding).
template <class T>
concept ArrayElement =
    types_detail::is_one_of_v<T, bool, std::int16_t, std::int32_t, std::int64_t, float, double, std::string_view, std::string,
                Bytea, Char, OidValue, Numeric, Date, Time, TimeTz, Timestamp, TimestampTz, Interval, Uuid, Jsonb,
                Inet>;

template <ArrayElement T>
inline constexpr Oid default_element_oid = [] {
  if constexpr (std::is_same_v<T, bool>) return oid::bool_;
  else if constexpr (std::is_same_v<T, std::int16_t>) return oid::int2;
  else if constexpr (std::is_same_v<T, std::int32_t>) return oid::int4;
  else if constexpr (std::is_same_v<T, std::int64_t>) return oid::int8;
  else if constexpr (std::is_same_v<T, float>) return oid::float4;
  else if constexpr (std::is_same_v<T, double>) return oid::float8;
  else if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) return oid::text;
  else if constexpr (std::is_same_v<T, Bytea>) return oid::bytea;
  else if constexpr (std::is_same_v<T, Char>) return oid::char_;
  else if constexpr (std::is_same_v<T, OidValue>) return oid::oid;
  else if constexpr (std::is_same_v<T, Numeric>) return oid::numeric;
  else if constexpr (std::is_same_v<T, Date>) return oid::date;
  else if constexpr (std::is_same_v<T, Time>) return oid::time;
  else if constexpr (std::is_same_v<T, TimeTz>) return oid::timetz;
  else if constexpr (std::is_same_v<T, Timestamp>) return oid::timestamp;
  else if constexpr (std::is_same_v<T, TimestampTz>) return oid::timestamptz;
  else if constexpr (std::is_same_v<T, Interval>) return oid::interval;
  else if constexpr (std::is_same_v<T, Uuid>) return oid::uuid;
  else if constexpr (std::is_same_v<T, Jsonb>) return oid::jsonb;
  else return oid::inet;
}();

template <ArrayElement T>
class ArrayRef {
 public:
  ArrayRef(std::span<const T> values, Oid element = default_element_oid<T>, std::int32_t lower_bound = 1) noexcept
      : plain_(values.data()), size_(values.size()), element_(element), lower_bound_(lower_bound) {}
  ArrayRef(std::span<const std::optional<T>> values, Oid element = default_element_oid<T>,
           std::int32_t lower_bound = 1) noexcept
      : nullable_(values.data()), size_(values.size()), element_(element), lower_bound_(lower_bound) {}
  ArrayRef(const std::vector<T>& values, Oid element = default_element_oid<T>, std::int32_t lower_bound = 1) noexcept
      : ArrayRef(std::span<const T>(values), element, lower_bound) {}
  ArrayRef(const std::vector<std::optional<T>>& values, Oid element = default_element_oid<T>,
           std::int32_t lower_bound = 1) noexcept
      : ArrayRef(std::span<const std::optional<T>>(values), element, lower_bound) {}

  std::size_t size() const noexcept { return size_; }
  // nullptr for a NULL element.
  const T* get(std::size_t i) const noexcept {
    if (plain_ != nullptr) return plain_ + i;
    return nullable_[i] ? &*nullable_[i] : nullptr;
  }
  bool has_nulls() const noexcept {
    if (nullable_ == nullptr) return false;
    for (std::size_t i = 0; i < size_; ++i) {
      if (!nullable_[i]) return true;
    }
    return false;
  }
  Oid element_oid() const noexcept { return element_; }
  std::int32_t lower_bound() const noexcept { return lower_bound_; }

 private:
  const T* plain_ = nullptr;
  const std::optional<T>* nullable_ = nullptr;
  std::size_t size_ = 0;
  Oid element_ = 0;
  std::int32_t lower_bound_ = 1;
};

template <class T>
ArrayRef(const std::vector<T>&) -> ArrayRef<T>;
template <class T>
ArrayRef(const std::vector<std::optional<T>>&) -> ArrayRef<T>;
template <class T>
ArrayRef(const std::vector<T>&, Oid) -> ArrayRef<T>;
template <class T>
ArrayRef(const std::vector<std::optional<T>>&, Oid) -> ArrayRef<T>;

// "{1,2,NULL}", "{"a b","c\"d",NULL,"NULL"}", "[0:1]={1,2}" (array_out).
template <ArrayElement T>
void encode_text(const ArrayRef<T>& a, Buffer& out);
// timestamptz[] in a session's TimeZone (time_zone.hpp).
void encode_text(const ArrayRef<TimestampTz>& a, Buffer& out, const TimeZone& zone);
// ndim, has-null flag, element OID, (size, lower bound), then each element
// as Int32 length (-1 = NULL) and its binary value (array_send). An empty
// array has ndim 0.
template <ArrayElement T>
void encode_binary(const ArrayRef<T>& a, Buffer& out);

template <ArrayElement T>
struct DecodedArray {
  std::vector<std::optional<T>> elements;
  std::int32_t lower_bound = 1;
  // Backing bytes of elements that are not views into the input. A vector
  // keeps its buffer when moved (a short std::string would not), so moving
  // a DecodedArray keeps the views valid; copying would not, hence no copy.
  std::vector<char> storage;

  DecodedArray() = default;
  DecodedArray(DecodedArray&&) noexcept = default;
  DecodedArray& operator=(DecodedArray&&) noexcept = default;
  DecodedArray(const DecodedArray&) = delete;
  DecodedArray& operator=(const DecodedArray&) = delete;
};

// Text input (array_in, one dimension): "{...}" with optional "[lb:ub]="
// decoration, double-quoted elements with backslash escapes, backslash
// escapes in unquoted elements, unquoted NULL (any case) for SQL NULL,
// whitespace around elements ignored. `element` selects the element's
// decoder variant (e.g. oid::cidr for Inet, oid::name / oid::json for
// strings).
template <ArrayElement T>
std::error_code decode_text(std::string_view in, DecodedArray<T>& out, Oid element = default_element_oid<T>);
// Binary input (array_recv): the element OID on the wire must equal
// `element`; counts and lengths are checked against the bytes present.
template <ArrayElement T>
std::error_code decode_binary(std::string_view in, DecodedArray<T>& out, Oid element = default_element_oid<T>);

}  // namespace pgwire
