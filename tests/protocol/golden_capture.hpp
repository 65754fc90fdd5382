#pragma once
// One golden scenario of tests/golden/data (README.md there): the client's
// bytes, and PostgreSQL's answer split into messages. Framing only; the
// codec tests (tests/codec/golden_test.cpp) check that every message
// decodes and re-encodes exactly.

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/codec.hpp"

namespace pgwire::test {

// One message of a stream. The single-byte answers to SSLRequest and
// GSSENCRequest have type 0 in `negotiation` form: their byte is the body.
struct WireMessage {
  char type = 0;
  std::string_view body;   // after the length word
  std::string_view bytes;  // the whole message as on the wire
  bool negotiation = false;
};

struct Capture {
  std::string name;
  std::string fe, be;
  std::vector<WireMessage> client;  // startup packets have type 0
  std::vector<WireMessage> server;
  std::size_t negotiations = 0;  // SSLRequest/GSSENCRequest packets, each answered by one byte
};

inline std::filesystem::path golden_dir() { return PGWIRE_GOLDEN_DIR; }

inline std::vector<std::string> golden_scenarios() {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(golden_dir())) {
    std::string f = e.path().filename().string();
    if (f.size() > 7 && f.ends_with(".fe.bin")) names.insert(f.substr(0, f.size() - 7));
  }
  return {names.begin(), names.end()};
}

// Backend messages of `wire`, after `negotiations` single-byte answers.
// Throws when the bytes do not split into whole messages.
inline std::vector<WireMessage> split_backend(std::string_view wire, std::size_t negotiations) {
  std::vector<WireMessage> out;
  for (std::size_t i = 0; i < negotiations && !wire.empty(); ++i) {
    out.push_back({0, wire.substr(0, 1), wire.substr(0, 1), true});
    wire.remove_prefix(1);
  }
  while (!wire.empty()) {
    FrameResult r = parse_backend_frame(wire);
    if (r.error || !r.complete()) throw std::runtime_error("backend bytes do not split into messages");
    out.push_back({r.frame.type, r.frame.body, wire.substr(0, r.size)});
    wire.remove_prefix(r.size);
  }
  return out;
}

inline std::string read_golden_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Capture load_capture(const std::string& name) {
  Capture c;
  c.name = name;
  c.fe = read_golden_file(golden_dir() / (name + ".fe.bin"));
  c.be = read_golden_file(golden_dir() / (name + ".be.bin"));
  std::string_view in = c.fe;
  bool typed = false;
  while (!in.empty() && !typed) {  // untyped startup packets
    FrameResult r = parse_startup_frame(in);
    if (r.error || !r.complete()) throw std::runtime_error("bad startup packet in " + name);
    std::string_view code = r.frame.body.substr(0, 4);
    if (code == std::string_view("\x04\xd2\x16\x2f", 4) || code == std::string_view("\x04\xd2\x16\x30", 4))
      ++c.negotiations;
    else
      typed = true;  // StartupMessage or CancelRequest
    c.client.push_back({0, r.frame.body, in.substr(0, r.size)});
    in.remove_prefix(r.size);
  }
  while (!in.empty()) {
    FrameResult r = parse_frontend_frame(in);
    if (r.error || !r.complete()) throw std::runtime_error("bad frontend message in " + name);
    c.client.push_back({r.frame.type, r.frame.body, in.substr(0, r.size)});
    in.remove_prefix(r.size);
  }
  c.server = split_backend(c.be, c.negotiations);
  return c;
}

}  // namespace pgwire::test
