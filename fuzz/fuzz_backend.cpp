// fuzz_backend: the input is a server -> client byte stream, read the way a
// client reads it.
//
//  1. Negotiation answers: a server answers each SSLRequest/GSSENCRequest with
//     one unframed byte ('N', 'S' or 'G') before any typed message. A client
//     knows how many to expect from what it sent; the fuzzer does not, so it
//     uses this rule: while no typed message has been framed yet, a leading
//     'N'/'S'/'G' byte is taken as a negotiation answer exactly when
//     parse_backend_frame rejects the bytes from there as a typed message (the
//     next type byte, read as the top byte of the length, makes the length
//     implausible: every real first message 'R'/'E'/'v'/'N' does). It is
//     decoded with decode_ssl_response / decode_gssenc_response and re-encoded.
//     Otherwise ("NoticeResponse first", e.g. a single-message seed) the bytes
//     are framed as a typed message.
//  2. Typed messages: parse_backend_frame + decode_backend. A decode error
//     does not end the stream; a framing error or an incomplete frame does.
//
// Checked for every input:
//  - every decoded message re-encodes to exactly its frame bytes, through the
//    BackendMessage overload; a DataRow also through DataRowWriter (add() and
//    begin_value()/end_value());
//  - CopyData payloads that decode as replication messages re-encode to the
//    whole CopyData frame;
//  - framing invariants, and FrameBuffer-chunked framing == one-shot framing.

#include <string_view>
#include <variant>

#include "fuzz_common.hpp"
#include "pgwire/codec/backend.hpp"
#include "pgwire/codec/common.hpp"

namespace {

using namespace pgwire;
using pgwire_fuzz::check;
using pgwire_fuzz::check_reencode;
using pgwire_fuzz::check_replication;
using pgwire_fuzz::fail;
using pgwire_fuzz::Step;

void check_negotiation_byte(char byte) {
  std::string_view wire(&byte, 1);
  SSLResponse ssl;
  if (!decode_ssl_response(byte, ssl))
    check_reencode(ssl, wire, "SSLResponse does not re-encode to its byte");
  GSSENCResponse gss;
  if (!decode_gssenc_response(byte, gss))
    check_reencode(gss, wire, "GSSENCResponse does not re-encode to its byte");
}

void check_data_row(const DataRow& row, std::string_view wire) {
  Buffer a;
  {
    DataRowWriter w(a);
    for (const auto& v : row.values) w.add(v);
    w.finish();
  }
  if (a.error() || a.view() != wire)
    fail("DataRowWriter::add does not reproduce the DataRow", wire, a.view());

  // Values written in place, as a server formatting numbers would.
  Buffer b;
  b.put_bytes("xy");  // the writer must not assume it starts at offset 0
  {
    DataRowWriter w(b);
    for (const auto& v : row.values) {
      if (!v) {
        w.add_null();
        continue;
      }
      w.begin_value();
      if (!v->empty()) std::memcpy(b.extend(v->size()), v->data(), v->size());
      w.end_value();
    }
    w.finish();
  }
  if (b.error() || b.view().substr(2) != wire)
    fail("DataRowWriter::begin_value/end_value does not reproduce the DataRow", wire,
         b.view().substr(2));
}

class BackendStepper {
 public:
  explicit BackendStepper(bool full_checks) : full_(full_checks) {}

  Step operator()(std::string_view in, std::size_t& used) {
    used = 0;
    Step s;
    FrameResult r = parse_backend_frame(in);
    if (full_) {
      pgwire_fuzz::check_frame_result([](std::string_view v) { return parse_backend_frame(v); }, in,
                                      r, 5);
    }
    if (!in.empty()) {
      check(is_backend_type(in[0]) == (r.error != codec_errc::unknown_message_type),
            "is_backend_type disagrees with parse_backend_frame");
    }
    if (at_start_ && r.error && (in[0] == 'N' || in[0] == 'S' || in[0] == 'G')) {
      // Not a typed message: a single-byte negotiation answer.
      s.kind = Step::frame;
      s.bytes.assign(in.substr(0, 1));
      used = 1;
      if (full_) check_negotiation_byte(in[0]);
      return s;
    }
    if (r.error) {
      s.kind = Step::failed;
      s.error = r.error;
      return s;
    }
    if (!r.complete()) {
      s.kind = Step::incomplete;
      s.needed = r.needed;
      return s;
    }
    at_start_ = false;
    std::string_view wire = in.substr(0, r.size);
    s.kind = Step::frame;
    s.type = r.frame.type;
    s.bytes.assign(wire);
    used = r.size;
    if (full_) on_typed(r.frame, wire);
    return s;
  }

 private:
  void on_typed(const Frame& f, std::string_view wire) {
    if (std::error_code ec = decode_backend(f, msg_)) {
      pgwire_fuzz::check_codec_error(ec);
      return;
    }
    check_extra(wire);
    check(message_type(msg_) == f.type, "message_type differs from the frame's type byte");
    // Through the overload for the alternative's own type ...
    std::visit(
        [&](const auto& m) {
          check_reencode(m, wire, "backend message does not re-encode to its bytes");
        },
        msg_);
    // ... and through encode(const BackendMessage&).
    // (Regression: for CopyData/CopyDone this once recursed until the stack
    // overflowed; see corpus/backend/regress-copy*-variant-encode.)
    check_reencode(msg_, wire, "encode(BackendMessage) does not re-encode to the bytes");
  }

  static void check_field_lookup(const ErrorFields& m) {
    for (const auto& f : m.fields) {
      std::string_view first;
      for (const auto& g : m.fields) {
        if (g.code == f.code) {
          first = g.value;
          break;
        }
      }
      check(m.get(f.code) == first, "ErrorFields::get does not return the first value");
    }
  }

  void check_extra(std::string_view wire) {
    if (const auto* e = std::get_if<ErrorResponse>(&msg_)) check_field_lookup(*e);
    if (const auto* n = std::get_if<NoticeResponse>(&msg_)) check_field_lookup(*n);
    if (const auto* row = std::get_if<DataRow>(&msg_)) check_data_row(*row, wire);
    if (const auto* cd = std::get_if<CopyData>(&msg_)) check_replication(cd->data, wire);
  }

  bool full_;
  bool at_start_ = true;  // no typed message framed yet
  BackendMessage msg_;    // reused across frames, as a connection would
};

}  // namespace

extern "C" int PGWIRE_FUZZ_ENTRY(const std::uint8_t* data, std::size_t size) {
  return pgwire_fuzz::check_stream<BackendStepper>(data, size);
}
