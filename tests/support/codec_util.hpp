#pragma once
// Helpers shared by the codec tests: byte literals and encode->frame->decode.

#include <string>
#include <string_view>
#include <variant>

#include "pgwire/codec.hpp"
#include "support/catch.hpp"

namespace pgwire::test {

// Raw bytes that Catch prints as hex when a comparison fails.
struct Bytes {
  std::string s;
  Bytes() = default;
  Bytes(std::string v) : s(std::move(v)) {}
  Bytes(const char* v) : s(v) {}
  operator std::string() const { return s; }
  operator std::string_view() const { return s; }
  std::size_t size() const { return s.size(); }
  friend bool operator==(const Bytes& a, const Bytes& b) { return a.s == b.s; }
  friend Bytes operator+(Bytes a, const Bytes& b) { return Bytes(a.s + b.s); }
};

// "51 00 00 00 05 00" -> bytes. Spaces ignored.
inline Bytes hex(std::string_view h) {
  std::string out;
  int hi = -1;
  for (char c : h) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

inline std::string to_hex(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

template <class M>
Bytes encoded(const M& m) {
  Buffer b;
  encode(m, b);
  REQUIRE_FALSE(b.error());
  return std::string(b.view());
}

inline bool is_startup_phase(const FrontendMessage& m) { return message_type(m) == 0; }

// Encodes m, frames the bytes as a server would, decodes, and checks equality
// and that the frame consumed exactly the encoded bytes. Returns the bytes.
template <class M>
Bytes frontend_round_trip(const M& m, AuthResponseKind auth = AuthResponseKind::password) {
  std::string bytes = encoded(m).s;
  FrontendMessage fm = m;
  FrameResult fr = is_startup_phase(fm) ? parse_startup_frame(bytes) : parse_frontend_frame(bytes);
  REQUIRE_FALSE(fr.error);
  REQUIRE(fr.size == bytes.size());
  FrontendMessage decoded;
  REQUIRE_FALSE(decode_frontend(fr.frame, decoded, auth));
  REQUIRE(std::holds_alternative<M>(decoded));
  CHECK(std::get<M>(decoded) == m);
  return bytes;
}

template <class M>
Bytes backend_round_trip(const M& m) {
  std::string bytes = encoded(m).s;
  FrameResult fr = parse_backend_frame(bytes);
  REQUIRE_FALSE(fr.error);
  REQUIRE(fr.size == bytes.size());
  BackendMessage decoded;
  REQUIRE_FALSE(decode_backend(fr.frame, decoded));
  REQUIRE(std::holds_alternative<M>(decoded));
  CHECK(std::get<M>(decoded) == m);
  return bytes;
}

}  // namespace pgwire::test

template <>
struct Catch::StringMaker<pgwire::test::Bytes> {
  static std::string convert(const pgwire::test::Bytes& b) { return pgwire::test::to_hex(b.s); }
};
