#pragma once
// Backend (server -> client) messages of protocol 3.0 and 3.2.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/common.hpp"

namespace pgwire {

struct Frame;

// Authentication requests ('R', told apart by an Int32 subtype) -------------

struct AuthenticationOk {
  friend bool operator==(const AuthenticationOk&, const AuthenticationOk&) = default;
};
struct AuthenticationKerberosV5 {
  friend bool operator==(const AuthenticationKerberosV5&, const AuthenticationKerberosV5&) = default;
};
struct AuthenticationCleartextPassword {
  friend bool operator==(const AuthenticationCleartextPassword&,
                         const AuthenticationCleartextPassword&) = default;
};
struct AuthenticationMD5Password {
  std::array<char, 4> salt{};
  friend bool operator==(const AuthenticationMD5Password&, const AuthenticationMD5Password&) = default;
};
struct AuthenticationGSS {
  friend bool operator==(const AuthenticationGSS&, const AuthenticationGSS&) = default;
};
struct AuthenticationGSSContinue {
  std::string_view data;
  friend bool operator==(const AuthenticationGSSContinue&, const AuthenticationGSSContinue&) = default;
};
struct AuthenticationSSPI {
  friend bool operator==(const AuthenticationSSPI&, const AuthenticationSSPI&) = default;
};
struct AuthenticationSASL {
  std::vector<std::string_view> mechanisms;  // e.g. SCRAM-SHA-256-PLUS, SCRAM-SHA-256
  friend bool operator==(const AuthenticationSASL&, const AuthenticationSASL&) = default;
};
struct AuthenticationSASLContinue {
  std::string_view data;
  friend bool operator==(const AuthenticationSASLContinue&, const AuthenticationSASLContinue&) = default;
};
struct AuthenticationSASLFinal {
  std::string_view data;
  friend bool operator==(const AuthenticationSASLFinal&, const AuthenticationSASLFinal&) = default;
};

// Authentication subtypes (Int32 after the 'R').
namespace auth_code {
inline constexpr std::int32_t ok = 0;
inline constexpr std::int32_t kerberos_v5 = 2;
inline constexpr std::int32_t cleartext_password = 3;
inline constexpr std::int32_t md5_password = 5;
inline constexpr std::int32_t gss = 7;
inline constexpr std::int32_t gss_continue = 8;
inline constexpr std::int32_t sspi = 9;
inline constexpr std::int32_t sasl = 10;
inline constexpr std::int32_t sasl_continue = 11;
inline constexpr std::int32_t sasl_final = 12;
}  // namespace auth_code

// Other messages ----------------------------------------------------------

struct BackendKeyData {
  std::int32_t process_id = 0;
  std::string_view secret_key;  // 4 bytes in 3.0; 4..256 in 3.2 (PostgreSQL 18 sends 32)
  friend bool operator==(const BackendKeyData&, const BackendKeyData&) = default;
};
struct BindComplete {
  friend bool operator==(const BindComplete&, const BindComplete&) = default;
};
struct CloseComplete {
  friend bool operator==(const CloseComplete&, const CloseComplete&) = default;
};
struct CommandComplete {
  std::string_view tag;  // "SELECT 3", "INSERT 0 1", ...
  friend bool operator==(const CommandComplete&, const CommandComplete&) = default;
};

// CopyInResponse, CopyOutResponse and CopyBothResponse share a layout.
struct CopyResponse {
  std::int8_t format = 0;  // overall: 0 text, 1 binary
  std::vector<FormatCode> column_formats;
  friend bool operator==(const CopyResponse&, const CopyResponse&) = default;
};
struct CopyInResponse : CopyResponse {};
struct CopyOutResponse : CopyResponse {};
struct CopyBothResponse : CopyResponse {};

struct DataRow {
  std::vector<Value> values;
  friend bool operator==(const DataRow&, const DataRow&) = default;
};
struct EmptyQueryResponse {
  friend bool operator==(const EmptyQueryResponse&, const EmptyQueryResponse&) = default;
};

// Field codes of ErrorResponse / NoticeResponse.
namespace field {
inline constexpr char severity = 'S';  // localized
inline constexpr char severity_nonlocalized = 'V';
inline constexpr char sqlstate = 'C';
inline constexpr char message = 'M';
inline constexpr char detail = 'D';
inline constexpr char hint = 'H';
inline constexpr char position = 'P';
inline constexpr char internal_position = 'p';
inline constexpr char internal_query = 'q';
inline constexpr char where = 'W';
inline constexpr char schema_name = 's';
inline constexpr char table_name = 't';
inline constexpr char column_name = 'c';
inline constexpr char data_type_name = 'd';
inline constexpr char constraint_name = 'n';
inline constexpr char file = 'F';
inline constexpr char line = 'L';
inline constexpr char routine = 'R';
}  // namespace field

struct ErrorField {
  char code = 0;
  std::string_view value;
  friend bool operator==(const ErrorField&, const ErrorField&) = default;
};
struct ErrorFields {
  std::vector<ErrorField> fields;
  // First value of the given field code, or empty.
  std::string_view get(char code) const noexcept;
  friend bool operator==(const ErrorFields&, const ErrorFields&) = default;
};
struct ErrorResponse : ErrorFields {};
struct NoticeResponse : ErrorFields {};

struct FunctionCallResponse {
  Value result;
  friend bool operator==(const FunctionCallResponse&, const FunctionCallResponse&) = default;
};
struct NegotiateProtocolVersion {
  // Newest version the server supports for the major the client asked for.
  // The docs call it "minor version", but PostgreSQL sends the whole version
  // code (196608 for 3.0), as the golden captures show.
  ProtocolVersion newest = protocol_3_0;
  std::vector<std::string_view> unrecognized_options;  // "_pq_.*" names
  friend bool operator==(const NegotiateProtocolVersion&, const NegotiateProtocolVersion&) = default;
};
struct NoData {
  friend bool operator==(const NoData&, const NoData&) = default;
};
struct NotificationResponse {
  std::int32_t process_id = 0;
  std::string_view channel;
  std::string_view payload;
  friend bool operator==(const NotificationResponse&, const NotificationResponse&) = default;
};
struct ParameterDescription {
  std::vector<Oid> types;
  friend bool operator==(const ParameterDescription&, const ParameterDescription&) = default;
};
struct ParameterStatus {
  std::string_view name;
  std::string_view value;
  friend bool operator==(const ParameterStatus&, const ParameterStatus&) = default;
};
struct ParseComplete {
  friend bool operator==(const ParseComplete&, const ParseComplete&) = default;
};
struct PortalSuspended {
  friend bool operator==(const PortalSuspended&, const PortalSuspended&) = default;
};
struct ReadyForQuery {
  TransactionStatus status = TransactionStatus::idle;
  friend bool operator==(const ReadyForQuery&, const ReadyForQuery&) = default;
};

struct FieldDescription {
  std::string_view name;
  Oid table_oid = 0;         // 0 when not a table column
  std::int16_t column_id = 0;  // attribute number, 0 when not a table column
  Oid type_oid = 0;
  std::int16_t type_size = -1;  // pg_type.typlen: -1 varlena, -2 cstring
  std::int32_t type_modifier = -1;
  FormatCode format = format_text;
  friend bool operator==(const FieldDescription&, const FieldDescription&) = default;
};
struct RowDescription {
  std::vector<FieldDescription> fields;
  friend bool operator==(const RowDescription&, const RowDescription&) = default;
};

using BackendMessage =
    std::variant<AuthenticationOk, AuthenticationKerberosV5, AuthenticationCleartextPassword,
                 AuthenticationMD5Password, AuthenticationGSS, AuthenticationGSSContinue,
                 AuthenticationSSPI, AuthenticationSASL, AuthenticationSASLContinue,
                 AuthenticationSASLFinal, BackendKeyData, BindComplete, CloseComplete,
                 CommandComplete, CopyInResponse, CopyOutResponse, CopyBothResponse, CopyData,
                 CopyDone, DataRow, EmptyQueryResponse, ErrorResponse, NoticeResponse,
                 FunctionCallResponse, NegotiateProtocolVersion, NoData, NotificationResponse,
                 ParameterDescription, ParameterStatus, ParseComplete, PortalSuspended,
                 ReadyForQuery, RowDescription>;

// The single unframed byte answering SSLRequest ('S'/'N') or GSSENCRequest ('G'/'N').
struct SSLResponse {
  bool accepted = false;
  friend bool operator==(const SSLResponse&, const SSLResponse&) = default;
};
struct GSSENCResponse {
  bool accepted = false;
  friend bool operator==(const GSSENCResponse&, const GSSENCResponse&) = default;
};

// Decoding ---------------------------------------------------------------

std::error_code decode_backend(const Frame& frame, BackendMessage& out);
// A DataRow's body: its values into `out`, whose capacity is reused (a
// reader of many rows allocates once).
std::error_code decode_data_row(std::string_view body, std::vector<Value>& out);
// The column count a DataRow body announces, without reading the values;
// none when the body is too short to hold it.
std::optional<std::uint16_t> data_row_width(std::string_view body) noexcept;
std::error_code decode_ssl_response(char byte, SSLResponse& out);
std::error_code decode_gssenc_response(char byte, GSSENCResponse& out);

// Encoding: each appends one complete message to `out` --------------------

void encode(const AuthenticationOk& m, Buffer& out);
void encode(const AuthenticationKerberosV5& m, Buffer& out);
void encode(const AuthenticationCleartextPassword& m, Buffer& out);
void encode(const AuthenticationMD5Password& m, Buffer& out);
void encode(const AuthenticationGSS& m, Buffer& out);
void encode(const AuthenticationGSSContinue& m, Buffer& out);
void encode(const AuthenticationSSPI& m, Buffer& out);
void encode(const AuthenticationSASL& m, Buffer& out);
void encode(const AuthenticationSASLContinue& m, Buffer& out);
void encode(const AuthenticationSASLFinal& m, Buffer& out);
void encode(const BackendKeyData& m, Buffer& out);
void encode(const BindComplete& m, Buffer& out);
void encode(const CloseComplete& m, Buffer& out);
void encode(const CommandComplete& m, Buffer& out);
void encode(const CopyInResponse& m, Buffer& out);
void encode(const CopyOutResponse& m, Buffer& out);
void encode(const CopyBothResponse& m, Buffer& out);
void encode(const DataRow& m, Buffer& out);
void encode(const EmptyQueryResponse& m, Buffer& out);
void encode(const ErrorResponse& m, Buffer& out);
void encode(const NoticeResponse& m, Buffer& out);
void encode(const FunctionCallResponse& m, Buffer& out);
void encode(const NegotiateProtocolVersion& m, Buffer& out);
void encode(const NoData& m, Buffer& out);
void encode(const NotificationResponse& m, Buffer& out);
void encode(const ParameterDescription& m, Buffer& out);
void encode(const ParameterStatus& m, Buffer& out);
void encode(const ParseComplete& m, Buffer& out);
void encode(const PortalSuspended& m, Buffer& out);
void encode(const ReadyForQuery& m, Buffer& out);
void encode(const RowDescription& m, Buffer& out);
void encode(const SSLResponse& m, Buffer& out);
void encode(const GSSENCResponse& m, Buffer& out);
// Any backend message (see encode_frontend for why this is a template).
void encode_backend(const BackendMessage& m, Buffer& out);
template <std::same_as<BackendMessage> M>
void encode(const M& m, Buffer& out) {
  encode_backend(m, out);
}

char message_type(const BackendMessage& m) noexcept;

// Writes a RowDescription field by field, without building the vector of
// RowDescription (what both encode(RowDescription) and the session's result
// columns use: the one place the layout of 'T' lives).
class RowDescriptionWriter {
 public:
  RowDescriptionWriter(Buffer& out, std::size_t count);
  RowDescriptionWriter(const RowDescriptionWriter&) = delete;
  RowDescriptionWriter& operator=(const RowDescriptionWriter&) = delete;
  void add(const FieldDescription& field);
  void finish();

 private:
  Buffer& out_;
  std::size_t length_at_ = 0;
};

// Streams a DataRow straight into a buffer: no intermediate vector, and no
// allocation once the buffer has grown. Values can be appended whole, or
// written in place between begin_value() and end_value() (e.g. formatting a
// number directly into the buffer).
class DataRowWriter {
 public:
  explicit DataRowWriter(Buffer& out) : out_(out) {
    length_at_ = out_.begin_message('D');
    count_at_ = out_.size();
    out_.extend(2);
  }
  DataRowWriter(const DataRowWriter&) = delete;
  DataRowWriter& operator=(const DataRowWriter&) = delete;

  void add(std::string_view value) {
    out_.put_i32(static_cast<std::int32_t>(value.size()));
    out_.put_bytes(value);
    ++count_;
  }
  void add(const Value& value) {
    if (value) {
      add(*value);
    } else {
      add_null();
    }
  }
  void add_null() {
    out_.put_i32(-1);
    ++count_;
  }
  void begin_value() {
    value_at_ = out_.size();
    out_.extend(4);
  }
  void end_value() {
    out_.patch_i32(value_at_, static_cast<std::int32_t>(out_.size() - value_at_ - 4));
    ++count_;
  }
  // Back-patches length and column count. Must be called exactly once.
  void finish() {
    if (count_ > 0xFFFF) out_.set_error(codec_errc::value_too_large);
    out_.patch_i16(count_at_, static_cast<std::int16_t>(count_));
    out_.end_message(length_at_);
  }

 private:
  Buffer& out_;
  std::size_t length_at_ = 0;
  std::size_t count_at_ = 0;
  std::size_t value_at_ = 0;
  std::size_t count_ = 0;
};

}  // namespace pgwire
