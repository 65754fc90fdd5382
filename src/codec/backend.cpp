#include "pgwire/codec/backend.hpp"

#include "pgwire/codec/framing.hpp"
#include "reader.hpp"

namespace pgwire {

using detail::Reader;

std::string_view ErrorFields::get(char code) const noexcept {
  for (const auto& f : fields)
    if (f.code == code) return f.value;
  return {};
}

namespace {

template <class T>
T& fresh(BackendMessage& out) {
  return out.emplace<T>();
}

void read_copy_response(Reader& r, CopyResponse& m) {
  m.format = static_cast<std::int8_t>(r.u8());
  std::size_t n = r.count16(2);
  m.column_formats.clear();
  m.column_formats.reserve(n);
  for (std::size_t i = 0; i < n; ++i) m.column_formats.push_back(r.i16());
}

void read_error_fields(Reader& r, ErrorFields& m) {
  m.fields.clear();
  for (;;) {
    char code = static_cast<char>(r.u8());
    if (!r.ok() || code == 0) break;
    m.fields.push_back({code, r.cstring()});
  }
}

std::error_code decode_auth(Reader& r, BackendMessage& out) {
  std::int32_t code = r.i32();
  if (!r.ok()) return r.finish();
  switch (code) {
    case auth_code::ok: fresh<AuthenticationOk>(out); break;
    case auth_code::kerberos_v5: fresh<AuthenticationKerberosV5>(out); break;
    case auth_code::cleartext_password: fresh<AuthenticationCleartextPassword>(out); break;
    case auth_code::md5_password: {
      auto& m = fresh<AuthenticationMD5Password>(out);
      auto salt = r.bytes(4);
      if (r.ok()) std::copy(salt.begin(), salt.end(), m.salt.begin());
      break;
    }
    case auth_code::gss: fresh<AuthenticationGSS>(out); break;
    case auth_code::gss_continue: fresh<AuthenticationGSSContinue>(out).data = r.rest(); break;
    case auth_code::sspi: fresh<AuthenticationSSPI>(out); break;
    case auth_code::sasl: {
      auto& m = fresh<AuthenticationSASL>(out);
      for (;;) {
        auto name = r.cstring();
        if (!r.ok() || name.empty()) break;
        m.mechanisms.push_back(name);
      }
      break;
    }
    case auth_code::sasl_continue: fresh<AuthenticationSASLContinue>(out).data = r.rest(); break;
    case auth_code::sasl_final: fresh<AuthenticationSASLFinal>(out).data = r.rest(); break;
    default: return codec_errc::unknown_request_code;
  }
  return r.finish();
}

void put_copy_response(char type, const CopyResponse& m, Buffer& out) {
  auto at = out.begin_message(type);
  out.put_u8(static_cast<std::uint8_t>(m.format));
  out.put_count16(m.column_formats.size());
  for (FormatCode f : m.column_formats) out.put_i16(f);
  out.end_message(at);
}

void put_error_fields(char type, const ErrorFields& m, Buffer& out) {
  auto at = out.begin_message(type);
  for (const auto& f : m.fields) {
    if (f.code == 0) out.set_error(codec_errc::invalid_value);
    out.put_char(f.code);
    out.put_cstring(f.value);
  }
  out.put_char('\0');
  out.end_message(at);
}

void put_auth(std::int32_t code, std::string_view data, Buffer& out) {
  auto at = out.begin_message('R');
  out.put_i32(code);
  out.put_bytes(data);
  out.end_message(at);
}

void encode_empty(char type, Buffer& out) { out.end_message(out.begin_message(type)); }

std::error_code read_data_row(Reader& r, std::vector<Value>& values) {
  values.clear();
  std::size_t n = r.count16(4);  // (each value takes at least its length)
  values.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) values.push_back(r.value());
  return r.finish();
}

}  // namespace

std::error_code decode_backend(const Frame& f, BackendMessage& out) {
  Reader r(f.body);
  switch (f.type) {
    case 'R': return decode_auth(r, out);
    case 'K': {
      auto& m = fresh<BackendKeyData>(out);
      m.process_id = r.i32();
      m.secret_key = r.rest();
      if (r.ok() && (m.secret_key.size() < 4 || m.secret_key.size() > 256))
        r.fail(codec_errc::invalid_value);
      break;
    }
    case '2': fresh<BindComplete>(out); break;
    case '3': fresh<CloseComplete>(out); break;
    case 'C': fresh<CommandComplete>(out).tag = r.cstring(); break;
    case 'G': read_copy_response(r, fresh<CopyInResponse>(out)); break;
    case 'H': read_copy_response(r, fresh<CopyOutResponse>(out)); break;
    case 'W': read_copy_response(r, fresh<CopyBothResponse>(out)); break;
    case 'd': fresh<CopyData>(out).data = r.rest(); break;
    case 'c': fresh<CopyDone>(out); break;
    case 'D': return read_data_row(r, fresh<DataRow>(out).values);
    case 'I': fresh<EmptyQueryResponse>(out); break;
    case 'E': read_error_fields(r, fresh<ErrorResponse>(out)); break;
    case 'N': read_error_fields(r, fresh<NoticeResponse>(out)); break;
    case 'V': fresh<FunctionCallResponse>(out).result = r.value(); break;
    case 'v': {
      auto& m = fresh<NegotiateProtocolVersion>(out);
      std::uint32_t code = r.u32();
      m.newest = {static_cast<std::uint16_t>(code >> 16), static_cast<std::uint16_t>(code & 0xFFFF)};
      std::int32_t n = r.i32();
      // Each option name takes at least its NUL.
      if (r.ok() && (n < 0 || static_cast<std::size_t>(n) > r.remaining()))
        r.fail(codec_errc::invalid_count);
      for (std::int32_t i = 0; i < n && r.ok(); ++i) m.unrecognized_options.push_back(r.cstring());
      break;
    }
    case 'n': fresh<NoData>(out); break;
    case 'A': {
      auto& m = fresh<NotificationResponse>(out);
      m.process_id = r.i32();
      m.channel = r.cstring();
      m.payload = r.cstring();
      break;
    }
    case 't': {
      auto& m = fresh<ParameterDescription>(out);
      std::size_t n = r.count16(4);
      m.types.reserve(n);
      for (std::size_t i = 0; i < n; ++i) m.types.push_back(r.u32());
      break;
    }
    case 'S': {
      auto& m = fresh<ParameterStatus>(out);
      m.name = r.cstring();
      m.value = r.cstring();
      break;
    }
    case '1': fresh<ParseComplete>(out); break;
    case 's': fresh<PortalSuspended>(out); break;
    case 'Z': {
      char s = static_cast<char>(r.u8());
      if (r.ok() && s != 'I' && s != 'T' && s != 'E') r.fail(codec_errc::invalid_value);
      fresh<ReadyForQuery>(out).status = static_cast<TransactionStatus>(s);
      break;
    }
    case 'T': {
      auto& m = fresh<RowDescription>(out);
      // Name (at least its NUL) + 18 bytes of fixed fields.
      std::size_t n = r.count16(19);
      m.fields.reserve(n);
      for (std::size_t i = 0; i < n && r.ok(); ++i) {
        FieldDescription fd;
        fd.name = r.cstring();
        fd.table_oid = r.u32();
        fd.column_id = r.i16();
        fd.type_oid = r.u32();
        fd.type_size = r.i16();
        fd.type_modifier = r.i32();
        fd.format = r.i16();
        m.fields.push_back(fd);
      }
      break;
    }
    default: return codec_errc::unknown_message_type;
  }
  return r.finish();
}

std::error_code decode_data_row(std::string_view body, std::vector<Value>& out) {
  Reader r(body);
  return read_data_row(r, out);
}

std::optional<std::uint16_t> data_row_width(std::string_view body) noexcept {
  Reader r(body);
  std::uint16_t n = r.u16();
  if (!r.ok()) return std::nullopt;
  return n;
}

std::error_code decode_ssl_response(char byte, SSLResponse& out) {
  if (byte != 'S' && byte != 'N') return codec_errc::invalid_value;
  out.accepted = byte == 'S';
  return {};
}

std::error_code decode_gssenc_response(char byte, GSSENCResponse& out) {
  if (byte != 'G' && byte != 'N') return codec_errc::invalid_value;
  out.accepted = byte == 'G';
  return {};
}

// Encoding -----------------------------------------------------------------

void encode(const AuthenticationOk&, Buffer& out) { put_auth(auth_code::ok, {}, out); }
void encode(const AuthenticationKerberosV5&, Buffer& out) {
  put_auth(auth_code::kerberos_v5, {}, out);
}
void encode(const AuthenticationCleartextPassword&, Buffer& out) {
  put_auth(auth_code::cleartext_password, {}, out);
}
void encode(const AuthenticationMD5Password& m, Buffer& out) {
  put_auth(auth_code::md5_password, {m.salt.data(), m.salt.size()}, out);
}
void encode(const AuthenticationGSS&, Buffer& out) { put_auth(auth_code::gss, {}, out); }
void encode(const AuthenticationGSSContinue& m, Buffer& out) {
  put_auth(auth_code::gss_continue, m.data, out);
}
void encode(const AuthenticationSSPI&, Buffer& out) { put_auth(auth_code::sspi, {}, out); }
void encode(const AuthenticationSASL& m, Buffer& out) {
  auto at = out.begin_message('R');
  out.put_i32(auth_code::sasl);
  for (auto name : m.mechanisms) out.put_cstring(name);
  out.put_char('\0');
  out.end_message(at);
}
void encode(const AuthenticationSASLContinue& m, Buffer& out) {
  put_auth(auth_code::sasl_continue, m.data, out);
}
void encode(const AuthenticationSASLFinal& m, Buffer& out) {
  put_auth(auth_code::sasl_final, m.data, out);
}

void encode(const BackendKeyData& m, Buffer& out) {
  auto at = out.begin_message('K');
  out.put_i32(m.process_id);
  out.put_bytes(m.secret_key);
  out.end_message(at);
}

void encode(const BindComplete&, Buffer& out) { encode_empty('2', out); }
void encode(const CloseComplete&, Buffer& out) { encode_empty('3', out); }
void encode(const EmptyQueryResponse&, Buffer& out) { encode_empty('I', out); }
void encode(const NoData&, Buffer& out) { encode_empty('n', out); }
void encode(const ParseComplete&, Buffer& out) { encode_empty('1', out); }
void encode(const PortalSuspended&, Buffer& out) { encode_empty('s', out); }

void encode(const CommandComplete& m, Buffer& out) {
  auto at = out.begin_message('C');
  out.put_cstring(m.tag);
  out.end_message(at);
}

void encode(const CopyInResponse& m, Buffer& out) { put_copy_response('G', m, out); }
void encode(const CopyOutResponse& m, Buffer& out) { put_copy_response('H', m, out); }
void encode(const CopyBothResponse& m, Buffer& out) { put_copy_response('W', m, out); }

void encode(const DataRow& m, Buffer& out) {
  DataRowWriter w(out);
  for (const auto& v : m.values) w.add(v);
  w.finish();
}

void encode(const ErrorResponse& m, Buffer& out) { put_error_fields('E', m, out); }
void encode(const NoticeResponse& m, Buffer& out) { put_error_fields('N', m, out); }

void encode(const FunctionCallResponse& m, Buffer& out) {
  auto at = out.begin_message('V');
  if (m.result) {
    out.put_i32(static_cast<std::int32_t>(m.result->size()));
    out.put_bytes(*m.result);
  } else {
    out.put_i32(-1);
  }
  out.end_message(at);
}

void encode(const NegotiateProtocolVersion& m, Buffer& out) {
  auto at = out.begin_message('v');
  out.put_i32(m.newest.code());
  out.put_i32(static_cast<std::int32_t>(m.unrecognized_options.size()));
  for (auto name : m.unrecognized_options) out.put_cstring(name);
  out.end_message(at);
}

void encode(const NotificationResponse& m, Buffer& out) {
  auto at = out.begin_message('A');
  out.put_i32(m.process_id);
  out.put_cstring(m.channel);
  out.put_cstring(m.payload);
  out.end_message(at);
}

void encode(const ParameterDescription& m, Buffer& out) {
  auto at = out.begin_message('t');
  out.put_count16(m.types.size());
  for (Oid t : m.types) out.put_u32(t);
  out.end_message(at);
}

void encode(const ParameterStatus& m, Buffer& out) {
  auto at = out.begin_message('S');
  out.put_cstring(m.name);
  out.put_cstring(m.value);
  out.end_message(at);
}

void encode(const ReadyForQuery& m, Buffer& out) {
  auto at = out.begin_message('Z');
  out.put_char(static_cast<char>(m.status));
  out.end_message(at);
}

RowDescriptionWriter::RowDescriptionWriter(Buffer& out, std::size_t count) : out_(out) {
  length_at_ = out_.begin_message('T');
  out_.put_count16(count);
}

void RowDescriptionWriter::add(const FieldDescription& f) {
  out_.put_cstring(f.name);
  out_.put_u32(f.table_oid);
  out_.put_i16(f.column_id);
  out_.put_u32(f.type_oid);
  out_.put_i16(f.type_size);
  out_.put_i32(f.type_modifier);
  out_.put_i16(f.format);
}

void RowDescriptionWriter::finish() { out_.end_message(length_at_); }

void encode(const RowDescription& m, Buffer& out) {
  RowDescriptionWriter w(out, m.fields.size());
  for (const auto& f : m.fields) w.add(f);
  w.finish();
}

void encode(const SSLResponse& m, Buffer& out) { out.put_char(m.accepted ? 'S' : 'N'); }
void encode(const GSSENCResponse& m, Buffer& out) { out.put_char(m.accepted ? 'G' : 'N'); }

void encode_backend(const BackendMessage& m, Buffer& out) {
  std::visit([&out](const auto& msg) { encode(msg, out); }, m);
}

char message_type(const BackendMessage& m) noexcept {
  struct V {
    char operator()(const AuthenticationOk&) const { return 'R'; }
    char operator()(const AuthenticationKerberosV5&) const { return 'R'; }
    char operator()(const AuthenticationCleartextPassword&) const { return 'R'; }
    char operator()(const AuthenticationMD5Password&) const { return 'R'; }
    char operator()(const AuthenticationGSS&) const { return 'R'; }
    char operator()(const AuthenticationGSSContinue&) const { return 'R'; }
    char operator()(const AuthenticationSSPI&) const { return 'R'; }
    char operator()(const AuthenticationSASL&) const { return 'R'; }
    char operator()(const AuthenticationSASLContinue&) const { return 'R'; }
    char operator()(const AuthenticationSASLFinal&) const { return 'R'; }
    char operator()(const BackendKeyData&) const { return 'K'; }
    char operator()(const BindComplete&) const { return '2'; }
    char operator()(const CloseComplete&) const { return '3'; }
    char operator()(const CommandComplete&) const { return 'C'; }
    char operator()(const CopyInResponse&) const { return 'G'; }
    char operator()(const CopyOutResponse&) const { return 'H'; }
    char operator()(const CopyBothResponse&) const { return 'W'; }
    char operator()(const CopyData&) const { return 'd'; }
    char operator()(const CopyDone&) const { return 'c'; }
    char operator()(const DataRow&) const { return 'D'; }
    char operator()(const EmptyQueryResponse&) const { return 'I'; }
    char operator()(const ErrorResponse&) const { return 'E'; }
    char operator()(const NoticeResponse&) const { return 'N'; }
    char operator()(const FunctionCallResponse&) const { return 'V'; }
    char operator()(const NegotiateProtocolVersion&) const { return 'v'; }
    char operator()(const NoData&) const { return 'n'; }
    char operator()(const NotificationResponse&) const { return 'A'; }
    char operator()(const ParameterDescription&) const { return 't'; }
    char operator()(const ParameterStatus&) const { return 'S'; }
    char operator()(const ParseComplete&) const { return '1'; }
    char operator()(const PortalSuspended&) const { return 's'; }
    char operator()(const ReadyForQuery&) const { return 'Z'; }
    char operator()(const RowDescription&) const { return 'T'; }
  };
  return std::visit(V{}, m);
}

}  // namespace pgwire
