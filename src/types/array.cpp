// One-dimensional arrays: array_out/array_send and array_in/array_recv.
// The templates are instantiated here, once, for every ArrayElement type.

#include <algorithm>
#include <cstring>
#include <limits>

#include "pgwire/types/array.hpp"
#include "pgwire/types/time_zone.hpp"
#include "pgwire/types/convert.hpp"
#include "pgwire/types/scalar.hpp"
#include "util.hpp"

namespace pgwire {

using namespace types_detail;

namespace {

constexpr std::int64_t kMaxArraySize = 134217727;  // MaxArraySize: MaxAllocSize / sizeof(Datum)

// array_out quotes an element that is empty, spells NULL, or contains
// a quote, backslash, brace, delimiter or whitespace; '"' and '\' get a
// backslash. Done in place on the element text just appended at `start`.
void quote_in_place(Buffer& out, std::size_t start) {
  std::string_view v(out.data() + start, out.size() - start);
  bool need = v.empty() || iequals(v, "NULL");
  std::size_t extra = 0;
  for (char c : v) {
    if (c == '"' || c == '\\') {
      need = true;
      ++extra;
    } else if (c == '{' || c == '}' || c == ',' || is_space(c)) {
      need = true;
    }
  }
  if (!need) return;
  std::size_t len = v.size();
  out.extend(extra + 2);  // may move the buffer: take pointers afterwards
  char* base = out.data() + start;
  char* dst = base + len + extra + 2;
  *--dst = '"';
  for (std::size_t i = len; i-- > 0;) {  // back to front, so nothing is overwritten before it is read
    char c = base[i];
    *--dst = c;
    if (c == '"' || c == '\\') *--dst = '\\';
  }
  *--dst = '"';
}

// Element decoders with a uniform signature: the Oid picks the variant
// (name/json/cidr), `scratch` backs converted values.
template <class T>
std::error_code elem_text(std::string_view s, T& out, Oid, std::string&) {
  return decode_text(s, out);
}
std::error_code elem_text(std::string_view s, std::string_view& out, Oid type, std::string&) {
  return decode_text(s, out, type);
}
std::error_code elem_text(std::string_view s, std::string& out, Oid type, std::string&) {
  std::string_view v;
  if (auto ec = decode_text(s, v, type)) return ec;
  out.assign(v);
  return {};
}
std::error_code elem_text(std::string_view s, Bytea& out, Oid, std::string& scratch) {
  return decode_text(s, out, scratch);
}
std::error_code elem_text(std::string_view s, Numeric& out, Oid, std::string& scratch) {
  return decode_text(s, out, scratch);
}
std::error_code elem_text(std::string_view s, Jsonb& out, Oid, std::string& scratch) {
  return decode_text(s, out, scratch);
}
std::error_code elem_text(std::string_view s, Inet& out, Oid type, std::string&) {
  return decode_text(s, out, type);
}

template <class T>
std::error_code elem_binary(std::string_view s, T& out, Oid, std::string&) {
  return decode_binary(s, out);
}
std::error_code elem_binary(std::string_view s, std::string_view& out, Oid type, std::string&) {
  return decode_binary(s, out, type);
}
std::error_code elem_binary(std::string_view s, std::string& out, Oid type, std::string&) {
  std::string_view v;
  if (auto ec = decode_binary(s, v, type)) return ec;
  out.assign(v);
  return {};
}
std::error_code elem_binary(std::string_view s, Numeric& out, Oid, std::string& scratch) {
  return decode_binary(s, out, scratch);
}
std::error_code elem_binary(std::string_view s, Jsonb& out, Oid, std::string& scratch) {
  return decode_binary(s, out, scratch);
}
std::error_code elem_binary(std::string_view s, Inet& out, Oid type, std::string&) {
  return decode_binary(s, out, type);
}

// The view inside a decoded element, for the types that hold one.
template <class T>
std::string_view* view_of(T&) {
  return nullptr;
}
std::string_view* view_of(std::string_view& v) { return &v; }
std::string_view* view_of(Bytea& v) { return &v.data; }
std::string_view* view_of(Numeric& v) { return &v.text; }
std::string_view* view_of(Jsonb& v) { return &v.text; }

// Keeps decoded elements valid: views that point outside the input (into a
// scratch string about to be reused) are copied into the array's storage,
// and re-pointed once the storage has stopped growing.
template <class T>
class Relocator {
 public:
  Relocator(std::string_view in, DecodedArray<T>& out) : in_(in), out_(out) {}
  void keep(std::size_t index) {
    std::string_view* v = view_of(*out_.elements[index]);
    if (v == nullptr) return;
    if (v->data() >= in_.data() && v->data() + v->size() <= in_.data() + in_.size()) return;
    moves_.push_back({index, out_.storage.size(), v->size()});
    out_.storage.insert(out_.storage.end(), v->begin(), v->end());
  }
  void finish() {
    for (const Move& m : moves_) {
      *view_of(*out_.elements[m.index]) = std::string_view(out_.storage.data() + m.offset, m.size);
    }
  }

 private:
  struct Move {
    std::size_t index, offset, size;
  };
  std::string_view in_;
  DecodedArray<T>& out_;
  std::vector<Move> moves_;
};

std::int32_t read_i32(const char* p) {
  auto b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::int32_t>((std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                                   (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]});
}

// Optional "[lb:ub]" / "[ub]" decorations of array_in, up to the "=".
// `ndim` counts them (0: none); lb and ub are the first one's.
std::error_code parse_dims(std::string_view s, std::size_t& i, int& ndim, std::int64_t& lb, std::int64_t& ub) {
  ndim = 0;
  while (i < s.size() && s[i] == '[') {
    if (++ndim > 6) return fail(type_errc::too_many_dimensions);
    ++i;
    // array_in takes a run of digits and signs (no spaces) and reads it with
    // atoi: the leading [+-]digits count, the rest of the run is ignored.
    auto number = [&](std::int64_t& v) {
      std::size_t run = i;
      bool neg = false;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
      v = 0;
      while (i < s.size() && is_digit(s[i])) {
        if (v < 1'000'000'000'000) v = v * 10 + (s[i] - '0');
        ++i;
      }
      if (neg) v = -v;
      while (i < s.size() && (is_digit(s[i]) || s[i] == '+' || s[i] == '-')) ++i;
      return i > run;
    };
    std::int64_t a, b;
    if (!number(a)) return fail(type_errc::malformed_array);
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!number(b)) return fail(type_errc::malformed_array);
    } else {
      b = a;
      a = 1;
    }
    if (i >= s.size() || s[i] != ']') return fail(type_errc::malformed_array);
    ++i;
    if (b < a) return fail(type_errc::array_bounds);
    // Bounds beyond int32 cannot match any contents.
    if (a < std::numeric_limits<std::int32_t>::min() || b > std::numeric_limits<std::int32_t>::max()) {
      return fail(type_errc::malformed_array);
    }
    if (ndim == 1) {
      lb = a;
      ub = b;
    }
  }
  if (ndim > 0) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size() || s[i] != '=') return fail(type_errc::malformed_array);
    ++i;
    while (i < s.size() && is_space(s[i])) ++i;
  }
  return {};
}

// ArrayCount's checks of braces, quotes and delimiters over the whole
// literal from the '{' at `i`, before any element is read: the server
// reports a malformed literal (22P02) rather than a bad element, and only
// then looks at the elements. Every list at one depth must have the same
// length, and elements sit at one depth only. Gives the number of
// dimensions (0 for "{}") and the length of the outermost list.
std::error_code check_shape(std::string_view s, std::size_t i, int& ndim, std::int64_t& n) {
  enum Kind : char { unknown, lists, elements };
  Kind kind[8] = {};
  std::int64_t count[8] = {}, length[8];
  std::fill(std::begin(length), std::end(length), -1);
  enum { first, after_item, after_delim } state = first;
  int depth = 0;
  ndim = 0;
  const auto malformed = fail(type_errc::malformed_array);
  while (true) {
    if (i >= s.size()) return malformed;  // unexpected end of input
    char c = s[i];
    if (is_space(c)) {
      ++i;
    } else if (c == '{') {
      if (state == after_item || kind[depth] == elements) return malformed;
      if (depth == 6) return fail(type_errc::too_many_dimensions);
      kind[depth] = lists;
      count[++depth] = 0;
      ndim = std::max(ndim, depth);
      state = first;
      ++i;
    } else if (c == '}') {
      // "{}" is the empty array; empty lists inside one are not allowed.
      if (state == after_delim || (state == first && depth > 1)) return malformed;
      if (length[depth] >= 0 && length[depth] != count[depth]) return malformed;  // ragged
      length[depth] = count[depth];
      ++i;
      if (--depth == 0) break;
      ++count[depth];
      state = after_item;
    } else if (c == ',') {
      if (state != after_item) return malformed;
      state = after_delim;
      ++i;
    } else {
      // An element: quoted, or up to the next unescaped ',' or '}'.
      if (state == after_item || kind[depth] == lists) return malformed;
      kind[depth] = elements;
      if (c == '"') {
        for (++i; i < s.size() && s[i] != '"'; ++i) {
          if (s[i] == '\\') ++i;
        }
        if (i >= s.size()) return malformed;
        ++i;
      } else {
        for (; i < s.size() && s[i] != ',' && s[i] != '}'; ++i) {
          if (s[i] == '"' || s[i] == '{') return malformed;
          if (s[i] == '\\' && ++i >= s.size()) return malformed;
        }
      }
      ++count[depth];
      state = after_item;
    }
  }
  while (i < s.size() && is_space(s[i])) ++i;
  n = length[1];
  return i == s.size() ? std::error_code{} : malformed;  // junk after the closing brace
}

// A text literal up to its elements, checked as array_in does before it
// reads any: dimensions, the shape of the braces, and that they agree.
struct ArrayTextHeader {
  std::size_t body = 0;  // just after the opening '{'
  std::int64_t lb = 1;
};
std::error_code read_array_header(std::string_view s, ArrayTextHeader& h) {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  std::int64_t lb = 1, ub = 0, n = 0;
  int dims = 0, ndim = 0;
  if (auto ec = parse_dims(s, i, dims, lb, ub)) return ec;
  if (i >= s.size() || s[i] != '{') return fail(type_errc::malformed_array);
  if (auto ec = check_shape(s, i, ndim, n)) return ec;
  if (dims > 0 && dims != ndim && ndim != 0) return fail(type_errc::malformed_array);  // "[1:1]={{1}}"
  if (ndim > 1) return fail(type_errc::unsupported_dimensions);
  if (dims > 0) {
    if (n != ub - lb + 1) return fail(type_errc::malformed_array);
    // ArrayCheckBounds: lower bound plus length must fit int32.
    if (lb + n > std::numeric_limits<std::int32_t>::max()) return fail(type_errc::array_limit);
    h.lb = lb;
  }
  h.body = i + 1;
  return {};
}

// Calls each(element, is_null) for the elements of a one-dimensional body
// that check_shape accepted, unescaped (into `unescaped` when needed);
// stops at the first error `each` returns.
template <class F>
std::error_code for_each_element(std::string_view s, std::size_t i, std::string& unescaped, F&& each) {
  while (i < s.size() && is_space(s[i])) ++i;
  if (i < s.size() && s[i] == '}') return {};  // "{}"
  while (true) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) return fail(type_errc::malformed_array);
    std::string_view token;
    bool is_null = false;
    if (s[i] == '"') {
      std::size_t start = ++i;
      bool escaped = false;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\') {
          escaped = true;
          ++i;
        }
        ++i;
      }
      if (i >= s.size()) return fail(type_errc::malformed_array);
      token = s.substr(start, i - start);
      ++i;  // closing quote
      if (escaped) {
        unescaped.clear();
        for (std::size_t k = 0; k < token.size(); ++k) {
          if (token[k] == '\\') ++k;
          unescaped.push_back(token[k]);
        }
        token = unescaped;
      }
      while (i < s.size() && is_space(s[i])) ++i;
    } else {
      // Unquoted: up to an unescaped ',' or '}'; trailing unescaped spaces dropped.
      std::size_t start = i;
      bool escaped = false;
      std::size_t keep = 0;  // length up to the last significant character
      unescaped.clear();
      while (i < s.size() && s[i] != ',' && s[i] != '}') {
        char c = s[i];
        if (c == '"' || c == '{') return fail(type_errc::malformed_array);
        if (c == '\\') {
          if (++i >= s.size()) return fail(type_errc::malformed_array);
          escaped = true;
          unescaped.push_back(s[i++]);
          keep = unescaped.size();
          continue;
        }
        unescaped.push_back(c);
        if (!is_space(c)) keep = unescaped.size();
        ++i;
      }
      if (i >= s.size() || keep == 0) return fail(type_errc::malformed_array);  // "{a,,b}"
      if (escaped) {
        unescaped.resize(keep);
        token = unescaped;
      } else {
        token = s.substr(start, keep);  // no escapes: same bytes as the input
        is_null = iequals(token, "NULL");
      }
    }
    if (auto ec = each(token, is_null)) return ec;
    if (i >= s.size() || (s[i] != ',' && s[i] != '}')) return fail(type_errc::malformed_array);
    if (s[i++] == '}') return {};
  }
}

}  // namespace

// array_out: `put` writes one element's text.
template <ArrayElement T, class Put>
void put_array_text(const ArrayRef<T>& a, Buffer& out, Put put) {
  if (a.size() > 0 && a.lower_bound() != 1) {
    std::int64_t ub = std::int64_t{a.lower_bound()} + static_cast<std::int64_t>(a.size()) - 1;
    if (ub > std::numeric_limits<std::int32_t>::max()) return out.set_error(type_errc::out_of_range);
    out.put_char('[');
    encode_text(a.lower_bound(), out);
    out.put_char(':');
    encode_text(static_cast<std::int32_t>(ub), out);
    out.put_bytes("]=");
  }
  out.put_char('{');
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (i > 0) out.put_char(',');
    const T* e = a.get(i);
    if (e == nullptr) {
      out.put_bytes("NULL");
      continue;
    }
    std::size_t start = out.size();
    put(*e, out);
    quote_in_place(out, start);
  }
  out.put_char('}');
}

template <ArrayElement T>
void encode_text(const ArrayRef<T>& a, Buffer& out) {
  put_array_text(a, out, [](const T& e, Buffer& o) { encode_text(e, o); });
}

void encode_text(const ArrayRef<TimestampTz>& a, Buffer& out, const TimeZone& zone) {
  put_array_text(a, out, [&](TimestampTz e, Buffer& o) { encode_text(e, o, zone); });
}

template <ArrayElement T>
void encode_binary(const ArrayRef<T>& a, Buffer& out) {
  if (a.size() == 0) {
    out.put_i32(0);
    out.put_i32(0);
    out.put_u32(a.element_oid());
    return;
  }
  if (static_cast<std::int64_t>(a.size()) > kMaxArraySize ||
      std::int64_t{a.lower_bound()} + static_cast<std::int64_t>(a.size()) - 1 > std::numeric_limits<std::int32_t>::max()) {
    return out.set_error(type_errc::out_of_range);
  }
  out.put_i32(1);
  out.put_i32(a.has_nulls() ? 1 : 0);
  out.put_u32(a.element_oid());
  out.put_i32(static_cast<std::int32_t>(a.size()));
  out.put_i32(a.lower_bound());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const T* e = a.get(i);
    if (e == nullptr) {
      out.put_i32(-1);
      continue;
    }
    std::size_t at = out.size();
    out.extend(4);
    encode_binary(*e, out);
    out.patch_i32(at, static_cast<std::int32_t>(out.size() - at - 4));
  }
}

template <ArrayElement T>
std::error_code decode_binary(std::string_view in, DecodedArray<T>& out, Oid element) {
  out.elements.clear();
  out.storage.clear();
  out.lower_bound = 1;
  // array_recv reads and checks each header field in turn: running out of
  // bytes is 08P01, a bad field its own code.
  if (in.size() < 4) return fail(type_errc::insufficient_data);
  std::int32_t ndim = read_i32(in.data());
  if (ndim < 0) return fail(type_errc::invalid_binary);
  if (ndim > 6) return fail(type_errc::too_many_dimensions);
  if (in.size() < 8) return fail(type_errc::insufficient_data);
  std::int32_t flags = read_i32(in.data() + 4);
  if (flags != 0 && flags != 1) return fail(type_errc::invalid_binary);
  if (in.size() < 12) return fail(type_errc::insufficient_data);
  auto elem_type = static_cast<Oid>(read_i32(in.data() + 8));
  if (elem_type != element) return fail(type_errc::wrong_element_type);
  std::size_t pos = 12;
  if (in.size() - pos < 8 * static_cast<std::size_t>(ndim)) return fail(type_errc::insufficient_data);
  // ArrayGetNItems over every dimension, then ArrayCheckBounds (54000 both).
  std::int64_t nitems = ndim > 0 ? 1 : 0;
  for (std::int32_t d = 0; d < ndim; ++d) {
    std::int32_t dim = read_i32(in.data() + pos + 8 * static_cast<std::size_t>(d));
    if (dim < 0) return fail(type_errc::array_limit);
    nitems *= dim;
    if (nitems > kMaxArraySize) return fail(type_errc::array_limit);
  }
  std::int32_t lb = 1;
  for (std::int32_t d = 0; d < ndim; ++d, pos += 8) {
    std::int32_t dim = read_i32(in.data() + pos);
    std::int32_t lbound = read_i32(in.data() + pos + 4);
    if (std::int64_t{lbound} + dim > std::numeric_limits<std::int32_t>::max()) return fail(type_errc::array_limit);
    if (d == 0) lb = lbound;
  }
  if (nitems > 0 && ndim > 1) return fail(type_errc::unsupported_dimensions);
  // Every element has at least its 4-byte length: check before reserving.
  if (static_cast<std::uint64_t>(nitems) * 4 > in.size() - pos) return fail(type_errc::insufficient_data);
  if (nitems > 0) out.lower_bound = lb;
  out.elements.reserve(static_cast<std::size_t>(nitems));
  Relocator<T> relocate(in, out);
  std::string scratch;
  for (std::int64_t k = 0; k < nitems; ++k) {
    if (in.size() - pos < 4) return fail(type_errc::insufficient_data);
    std::int32_t len = read_i32(in.data() + pos);
    pos += 4;
    if (len == -1) {
      out.elements.emplace_back();
      continue;
    }
    if (len < -1 || static_cast<std::size_t>(len) > in.size() - pos) return fail(type_errc::invalid_binary);
    T value{};
    if (auto ec = elem_binary(in.substr(pos, static_cast<std::size_t>(len)), value, element, scratch)) return ec;
    pos += static_cast<std::size_t>(len);
    out.elements.emplace_back(std::move(value));
    relocate.keep(out.elements.size() - 1);
  }
  if (pos != in.size()) return fail(type_errc::invalid_binary);
  relocate.finish();
  return {};
}

template <ArrayElement T>
std::error_code decode_text(std::string_view in, DecodedArray<T>& out, Oid element) {
  out.elements.clear();
  out.storage.clear();
  out.lower_bound = 1;
  ArrayTextHeader h;
  if (auto ec = read_array_header(in, h)) return ec;
  Relocator<T> relocate(in, out);
  std::string unescaped, scratch;
  auto ec = for_each_element(in, h.body, unescaped, [&](std::string_view token, bool is_null) -> std::error_code {
    if (is_null) {
      out.elements.emplace_back();
      return {};
    }
    T value{};
    if (auto e = elem_text(token, value, element, scratch)) return e;
    out.elements.emplace_back(std::move(value));
    relocate.keep(out.elements.size() - 1);
    return {};
  });
  if (ec) return ec;
  if (!out.elements.empty()) out.lower_bound = static_cast<std::int32_t>(h.lb);
  relocate.finish();
  return {};
}

namespace types_detail {

std::string_view malformed_array_text(std::string_view in) {
  std::size_t i = 0;
  while (i < in.size() && is_space(in[i])) ++i;
  int dims = 0, ndim = 0;
  std::int64_t lb = 1, ub = 0, n = 0;
  // array_in hands ArrayCount the text after the dimensions, and ArrayCount
  // quotes what it was given; the other complaints quote the whole value.
  if (parse_dims(in, i, dims, lb, ub) || dims == 0 || i >= in.size() || in[i] != '{') return in;
  return check_shape(in, i, ndim, n) ? in.substr(i) : in;
}

std::string failing_array_element(std::string_view in, Oid element, std::error_code ec) {
  ArrayTextHeader h;
  if (read_array_header(in, h)) return {};
  std::string unescaped, found;
  Buffer scratch;
  for_each_element(in, h.body, unescaped, [&](std::string_view token, bool is_null) -> std::error_code {
    scratch.clear();
    if (is_null || convert_format(element, token, format_text, format_binary, scratch) != ec) return {};
    found.assign(token);
    return ec;  // stop here
  });
  return found;
}

}  // namespace types_detail

#define PGWIRE_INSTANTIATE_ARRAY(T)                                                         \
  template void encode_text<T>(const ArrayRef<T>&, Buffer&);                                \
  template void encode_binary<T>(const ArrayRef<T>&, Buffer&);                              \
  template std::error_code decode_text<T>(std::string_view, DecodedArray<T>&, Oid);         \
  template std::error_code decode_binary<T>(std::string_view, DecodedArray<T>&, Oid);

PGWIRE_INSTANTIATE_ARRAY(bool)
PGWIRE_INSTANTIATE_ARRAY(std::int16_t)
PGWIRE_INSTANTIATE_ARRAY(std::int32_t)
PGWIRE_INSTANTIATE_ARRAY(std::int64_t)
PGWIRE_INSTANTIATE_ARRAY(float)
PGWIRE_INSTANTIATE_ARRAY(double)
PGWIRE_INSTANTIATE_ARRAY(std::string_view)
PGWIRE_INSTANTIATE_ARRAY(std::string)
PGWIRE_INSTANTIATE_ARRAY(Bytea)
PGWIRE_INSTANTIATE_ARRAY(Char)
PGWIRE_INSTANTIATE_ARRAY(OidValue)
PGWIRE_INSTANTIATE_ARRAY(Numeric)
PGWIRE_INSTANTIATE_ARRAY(Date)
PGWIRE_INSTANTIATE_ARRAY(Time)
PGWIRE_INSTANTIATE_ARRAY(TimeTz)
PGWIRE_INSTANTIATE_ARRAY(Timestamp)
PGWIRE_INSTANTIATE_ARRAY(TimestampTz)
PGWIRE_INSTANTIATE_ARRAY(Interval)
PGWIRE_INSTANTIATE_ARRAY(Uuid)
PGWIRE_INSTANTIATE_ARRAY(Jsonb)
PGWIRE_INSTANTIATE_ARRAY(Inet)

#undef PGWIRE_INSTANTIATE_ARRAY

}  // namespace pgwire
