// fuzz_frontend: the input is a client -> server byte stream, read the way a
// server reads it.
//
//  1. Startup phase: parse_startup_frame + decode_startup_packet until a
//     StartupMessage is decoded. SSLRequest/GSSENCRequest are followed by more
//     startup packets; a CancelRequest or a decode error ends the stream.
//  2. Typed phase: parse_frontend_frame + decode_frontend. A 'p' frame is
//     decoded as every AuthResponseKind. A decode error does not end the
//     stream (the frame boundaries are still known); a framing error or an
//     incomplete frame does.
//
// Checked for every input:
//  - every successfully decoded message re-encodes to exactly its frame bytes
//    (encode is the inverse of decode), through the FrontendMessage overload;
//  - CopyData payloads that decode as replication messages re-encode to the
//    whole CopyData frame;
//  - decode_frontend on a startup frame (type 0) agrees with
//    decode_startup_packet; the per-type decode_body overloads, decoding into
//    a struct reused across frames, agree with decode_frontend;
//  - framing invariants (see check_frame_result), and feeding the input to a
//    FrameBuffer in chunks (size from the first input byte) yields the same
//    frames and the same final state as parsing it in one piece.

#include <string_view>
#include <variant>

#include "fuzz_common.hpp"
#include "pgwire/codec/frontend.hpp"

namespace {

using namespace pgwire;
using pgwire_fuzz::check;
using pgwire_fuzz::check_reencode;
using pgwire_fuzz::check_replication;
using pgwire_fuzz::fail;
using pgwire_fuzz::Step;

// Decodes with the decode_body overload into a struct reused across frames
// and compares with what decode_frontend produced.
template <class T>
void check_decode_body(T& reused, std::string_view body, std::error_code expected_ec,
                       const FrontendMessage& expected) {
  std::error_code ec = decode_body(body, reused);
  check(ec == expected_ec, "decode_body and decode_frontend disagree on the error");
  if (!ec) {
    const T* want = std::get_if<T>(&expected);
    check(want != nullptr && *want == reused,
          "decode_body and decode_frontend disagree on the value");
  }
}

// StartupMessage::parameter returns the last value sent under a name.
void check_parameter_lookup(const StartupMessage& m) {
  for (const auto& [name, value] : m.parameters) {
    std::string_view last = value;
    for (const auto& [k, v] : m.parameters)
      if (k == name) last = v;
    auto got = m.parameter(name);
    check(got.has_value() && *got == last,
          "StartupMessage::parameter does not return the last value");
  }
  for (const auto& [name, value] : m.protocol_options)
    check(!m.parameter(name).has_value(), "StartupMessage::parameter returns a protocol option");
}

// Re-encodes through the overload for the alternative's own type and through
// encode(const FrontendMessage&).
void check_reencode_both(const FrontendMessage& m, std::string_view wire) {
  std::visit(
      [&](const auto& alt) {
        check_reencode(alt, wire, "frontend message does not re-encode to its bytes");
      },
      m);
  check_reencode(m, wire, "encode(FrontendMessage) does not re-encode to the bytes");
}

class FrontendStepper {
 public:
  explicit FrontendStepper(bool full_checks) : full_(full_checks) {}

  Step operator()(std::string_view in, std::size_t& used) {
    used = 0;
    Step s;
    if (phase_ == Phase::done) {
      s.kind = Step::stopped;
      return s;
    }
    const bool startup = phase_ == Phase::startup;
    FrameResult r = startup ? parse_startup_frame(in) : parse_frontend_frame(in);
    if (full_) {
      if (startup) {
        pgwire_fuzz::check_frame_result([](std::string_view v) { return parse_startup_frame(v); },
                                        in, r, 4);
      } else {
        pgwire_fuzz::check_frame_result([](std::string_view v) { return parse_frontend_frame(v); },
                                        in, r, 5);
      }
    }
    if (!startup && !in.empty()) {
      check(is_frontend_type(in[0]) == (r.error != codec_errc::unknown_message_type),
            "is_frontend_type disagrees with parse_frontend_frame");
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
    std::string_view wire = in.substr(0, r.size);
    s.kind = Step::frame;
    s.type = r.frame.type;
    s.bytes.assign(wire);
    used = r.size;
    if (startup) {
      on_startup(r.frame, wire);
    } else if (full_) {
      on_typed(r.frame, wire);
    }
    return s;
  }

 private:
  enum class Phase { startup, typed, done };

  void on_startup(const Frame& f, std::string_view wire) {
    std::error_code ec = decode_startup_packet(f.body, msg_);
    if (full_) {
      if (ec) pgwire_fuzz::check_codec_error(ec);
      FrontendMessage other;
      std::error_code ec2 = decode_frontend(f, other);
      check(ec == ec2, "decode_frontend(type 0) and decode_startup_packet disagree on the error");
      if (!ec) {
        check(other == msg_, "decode_frontend(type 0) and decode_startup_packet disagree");
        check(message_type(msg_) == 0, "startup packet has a non-zero message_type");
        check_reencode(msg_, wire, "startup packet does not re-encode to its bytes");
      }
    }
    if (full_ && !ec) {
      if (const auto* sm = std::get_if<StartupMessage>(&msg_)) check_parameter_lookup(*sm);
    }
    if (ec) {
      phase_ = Phase::done;  // a server closes the connection
    } else if (std::holds_alternative<StartupMessage>(msg_)) {
      phase_ = Phase::typed;
    } else if (std::holds_alternative<CancelRequest>(msg_)) {
      phase_ = Phase::done;  // the only packet on its connection
    }                        // SSLRequest / GSSENCRequest: more startup packets follow
  }

  void on_typed(const Frame& f, std::string_view wire) {
    if (f.type == 'p') {
      static constexpr AuthResponseKind kinds[] = {AuthResponseKind::password,
                                                   AuthResponseKind::sasl_initial,
                                                   AuthResponseKind::sasl, AuthResponseKind::gss};
      for (AuthResponseKind kind : kinds) {
        std::error_code ec = decode_frontend(f, msg_, kind);
        if (ec) pgwire_fuzz::check_codec_error(ec);
        if (!ec) {
          check(message_type(msg_) == 'p', "'p' frame decoded to a message of another type");
          check_reencode_both(msg_, wire);
        }
        switch (kind) {
          case AuthResponseKind::password:
            check_decode_body(password_, f.body, ec, msg_);
            break;
          case AuthResponseKind::sasl_initial:
            check_decode_body(sasl_initial_, f.body, ec, msg_);
            break;
          case AuthResponseKind::sasl:
            check_decode_body(sasl_, f.body, ec, msg_);
            break;
          case AuthResponseKind::gss:
            check_decode_body(gss_, f.body, ec, msg_);
            break;
        }
      }
      return;
    }
    std::error_code ec = decode_frontend(f, msg_);
    if (ec) pgwire_fuzz::check_codec_error(ec);
    if (!ec) {
      check(message_type(msg_) == f.type, "message_type differs from the frame's type byte");
      check_reencode_both(msg_, wire);
    }
    switch (f.type) {
      case 'Q':
        check_decode_body(query_, f.body, ec, msg_);
        break;
      case 'P':
        check_decode_body(parse_, f.body, ec, msg_);
        break;
      case 'B':
        check_decode_body(bind_, f.body, ec, msg_);
        break;
      case 'D':
        check_decode_body(describe_, f.body, ec, msg_);
        break;
      case 'E':
        check_decode_body(execute_, f.body, ec, msg_);
        break;
      case 'C':
        check_decode_body(close_, f.body, ec, msg_);
        break;
      case 'f':
        check_decode_body(copy_fail_, f.body, ec, msg_);
        break;
      case 'F':
        check_decode_body(function_call_, f.body, ec, msg_);
        break;
      case 'd':
        check_decode_body(copy_data_, f.body, ec, msg_);
        if (!ec) check_replication(f.body, wire);
        break;
      default:
        break;
    }
  }

  bool full_;
  Phase phase_ = Phase::startup;
  FrontendMessage msg_;  // reused across frames, as a connection would
  PasswordMessage password_;
  SASLInitialResponse sasl_initial_;
  SASLResponse sasl_;
  GSSResponse gss_;
  Query query_;
  Parse parse_;
  Bind bind_;
  Describe describe_;
  Execute execute_;
  Close close_;
  CopyData copy_data_;
  CopyFail copy_fail_;
  FunctionCall function_call_;
};

}  // namespace

extern "C" int PGWIRE_FUZZ_ENTRY(const std::uint8_t* data, std::size_t size) {
  return pgwire_fuzz::check_stream<FrontendStepper>(data, size);
}
