#pragma once
// Frontend (client -> server) messages of protocol 3.0 and 3.2.

#include <cstdint>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/common.hpp"

namespace pgwire {

struct Frame;

using StartupParameter = std::pair<std::string_view, std::string_view>;

// Untyped startup-phase packets ----------------------------------------------

struct StartupMessage {
  ProtocolVersion version = protocol_3_0;
  // Ordinary parameters (user, database, options, application_name, ...), in
  // the order sent.
  std::vector<StartupParameter> parameters;
  // Protocol options: parameters whose name starts with "_pq_." (name kept
  // whole). Kept apart because the server must list unknown ones back in
  // NegotiateProtocolVersion instead of treating them as GUCs.
  std::vector<StartupParameter> protocol_options;
  // Wire order, so that a message re-encodes byte for byte: for each protocol
  // option, how many ordinary parameters came before it. Empty (what a
  // client building a message leaves it): every option after the parameters.
  std::vector<std::uint32_t> option_positions;

  // Value of an ordinary parameter, or nullopt. Later duplicates win, as in
  // PostgreSQL.
  std::optional<std::string_view> parameter(std::string_view name) const noexcept;
  friend bool operator==(const StartupMessage&, const StartupMessage&) = default;
};

struct SSLRequest {
  friend bool operator==(const SSLRequest&, const SSLRequest&) = default;
};
struct GSSENCRequest {
  friend bool operator==(const GSSENCRequest&, const GSSENCRequest&) = default;
};
struct CancelRequest {
  std::int32_t process_id = 0;
  // 4 bytes in protocol 3.0, 4..256 bytes in 3.2.
  std::string_view secret_key;
  friend bool operator==(const CancelRequest&, const CancelRequest&) = default;
};

// Authentication responses: all use type byte 'p'; which one a frame holds
// depends on what the server asked for (see AuthResponseKind).

struct PasswordMessage {
  std::string_view password;  // cleartext, or "md5" + 32 hex digits
  friend bool operator==(const PasswordMessage&, const PasswordMessage&) = default;
};
struct SASLInitialResponse {
  std::string_view mechanism;
  Value data;  // nullopt when the client sent length -1
  friend bool operator==(const SASLInitialResponse&, const SASLInitialResponse&) = default;
};
struct SASLResponse {
  std::string_view data;
  friend bool operator==(const SASLResponse&, const SASLResponse&) = default;
};
struct GSSResponse {
  std::string_view data;
  friend bool operator==(const GSSResponse&, const GSSResponse&) = default;
};

// Typed messages ----------------------------------------------------------

struct Query {
  std::string_view query;
  friend bool operator==(const Query&, const Query&) = default;
};
struct Parse {
  std::string_view statement;  // empty: the unnamed statement
  std::string_view query;
  std::vector<Oid> parameter_types;  // 0 = let the server infer
  friend bool operator==(const Parse&, const Parse&) = default;
};
struct Bind {
  std::string_view portal;
  std::string_view statement;
  std::vector<FormatCode> parameter_formats;  // none: all text; one: all; else one each
  std::vector<Value> parameters;
  std::vector<FormatCode> result_formats;
  friend bool operator==(const Bind&, const Bind&) = default;
};
struct Describe {
  TargetKind target = TargetKind::statement;
  std::string_view name;
  friend bool operator==(const Describe&, const Describe&) = default;
};
struct Execute {
  std::string_view portal;
  std::int32_t max_rows = 0;  // 0: no limit
  friend bool operator==(const Execute&, const Execute&) = default;
};
struct Sync {
  friend bool operator==(const Sync&, const Sync&) = default;
};
struct Flush {
  friend bool operator==(const Flush&, const Flush&) = default;
};
struct Close {
  TargetKind target = TargetKind::statement;
  std::string_view name;
  friend bool operator==(const Close&, const Close&) = default;
};
struct CopyFail {
  std::string_view message;
  friend bool operator==(const CopyFail&, const CopyFail&) = default;
};
struct FunctionCall {
  Oid function = 0;
  std::vector<FormatCode> argument_formats;
  std::vector<Value> arguments;
  FormatCode result_format = format_text;
  friend bool operator==(const FunctionCall&, const FunctionCall&) = default;
};
struct Terminate {
  friend bool operator==(const Terminate&, const Terminate&) = default;
};

using FrontendMessage =
    std::variant<StartupMessage, SSLRequest, GSSENCRequest, CancelRequest, PasswordMessage,
                 SASLInitialResponse, SASLResponse, GSSResponse, Query, Parse, Bind, Describe,
                 Execute, Sync, Flush, Close, CopyData, CopyDone, CopyFail, FunctionCall,
                 Terminate>;

// What a 'p' message means; the connection knows from the authentication
// request it sent.
enum class AuthResponseKind { password, sasl_initial, sasl, gss };

// Decoding ---------------------------------------------------------------
// Each function decodes one message body (the bytes after type and length)
// and checks that every byte is accounted for. On error `out` is unspecified.

std::error_code decode_startup_packet(std::string_view body, FrontendMessage& out);
std::error_code decode_frontend(const Frame& frame, FrontendMessage& out,
                                AuthResponseKind auth = AuthResponseKind::password);

std::error_code decode_body(std::string_view body, PasswordMessage& out);
std::error_code decode_body(std::string_view body, SASLInitialResponse& out);
std::error_code decode_body(std::string_view body, SASLResponse& out);
std::error_code decode_body(std::string_view body, GSSResponse& out);
std::error_code decode_body(std::string_view body, Query& out);
std::error_code decode_body(std::string_view body, Parse& out);
std::error_code decode_body(std::string_view body, Bind& out);
std::error_code decode_body(std::string_view body, Describe& out);
std::error_code decode_body(std::string_view body, Execute& out);
std::error_code decode_body(std::string_view body, Close& out);
std::error_code decode_body(std::string_view body, CopyData& out);
std::error_code decode_body(std::string_view body, CopyFail& out);
std::error_code decode_body(std::string_view body, FunctionCall& out);

// Encoding ---------------------------------------------------------------
// Each appends one complete message (header included) to `out`. Field errors
// (embedded NUL, too many values) set out.error().

void encode(const StartupMessage& m, Buffer& out);
void encode(const SSLRequest& m, Buffer& out);
void encode(const GSSENCRequest& m, Buffer& out);
void encode(const CancelRequest& m, Buffer& out);
void encode(const PasswordMessage& m, Buffer& out);
void encode(const SASLInitialResponse& m, Buffer& out);
void encode(const SASLResponse& m, Buffer& out);
void encode(const GSSResponse& m, Buffer& out);
void encode(const Query& m, Buffer& out);
void encode(const Parse& m, Buffer& out);
void encode(const Bind& m, Buffer& out);
void encode(const Describe& m, Buffer& out);
void encode(const Execute& m, Buffer& out);
void encode(const Sync& m, Buffer& out);
void encode(const Flush& m, Buffer& out);
void encode(const Close& m, Buffer& out);
void encode(const CopyFail& m, Buffer& out);
void encode(const FunctionCall& m, Buffer& out);
void encode(const Terminate& m, Buffer& out);
// Any frontend message. A template so that nothing converts to the variant
// implicitly (a missing overload must not compile into a recursive call).
void encode_frontend(const FrontendMessage& m, Buffer& out);
template <std::same_as<FrontendMessage> M>
void encode(const M& m, Buffer& out) {
  encode_frontend(m, out);
}

// Type byte of a typed frontend message; 0 for startup-phase packets.
char message_type(const FrontendMessage& m) noexcept;

}  // namespace pgwire
