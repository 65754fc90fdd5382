#include "pgwire/codec/error.hpp"

#include <string>

namespace pgwire {
namespace {

class CodecCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "pgwire.codec"; }
  std::string message(int ev) const override {
    switch (static_cast<codec_errc>(ev)) {
      case codec_errc::invalid_length: return "invalid message length";
      case codec_errc::message_too_large: return "message length exceeds the limit";
      case codec_errc::unknown_message_type: return "invalid message type";
      case codec_errc::truncated: return "message is truncated";
      case codec_errc::trailing_bytes: return "message has trailing bytes";
      case codec_errc::missing_terminator: return "missing string terminator";
      case codec_errc::invalid_count: return "invalid count in message";
      case codec_errc::invalid_value: return "invalid value in message";
      case codec_errc::unsupported_protocol: return "unsupported frontend protocol";
      case codec_errc::unknown_request_code: return "unknown request code";
      case codec_errc::embedded_nul: return "string field contains a NUL byte";
      case codec_errc::value_too_large: return "value does not fit its wire field";
    }
    return "unknown codec error";
  }
};

}  // namespace

const std::error_category& codec_category() noexcept {
  static const CodecCategory cat;
  return cat;
}

}  // namespace pgwire
