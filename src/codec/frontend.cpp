#include "pgwire/codec/frontend.hpp"

#include <limits>

#include "pgwire/codec/framing.hpp"
#include "reader.hpp"

namespace pgwire {

using detail::Reader;

std::optional<std::string_view> StartupMessage::parameter(std::string_view name) const noexcept {
  std::optional<std::string_view> found;
  for (const auto& [k, v] : parameters)
    if (k == name) found = v;
  return found;
}

namespace {

bool is_protocol_option(std::string_view name) noexcept { return name.starts_with("_pq_."); }

template <class T>
std::error_code decode_empty(std::string_view body, FrontendMessage& out) {
  out.emplace<T>();
  return body.empty() ? std::error_code{} : make_error_code(codec_errc::trailing_bytes);
}

template <class T>
std::error_code decode_into(std::string_view body, FrontendMessage& out) {
  return decode_body(body, out.emplace<T>());
}

TargetKind read_target(Reader& r) {
  char k = static_cast<char>(r.u8());
  if (r.ok() && k != 'S' && k != 'P') r.fail(codec_errc::invalid_value);
  return static_cast<TargetKind>(k);
}

void read_formats(Reader& r, std::vector<FormatCode>& out) {
  std::size_t n = r.count16(2);
  out.clear();
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(r.i16());
}

void read_values(Reader& r, std::vector<Value>& out) {
  std::size_t n = r.count16(4);
  out.clear();
  out.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) out.push_back(r.value());
}

void put_value(Buffer& out, const Value& v) {
  if (!v) {
    out.put_i32(-1);
    return;
  }
  if (v->size() > 0x7FFFFFFF) out.set_error(codec_errc::value_too_large);
  out.put_i32(static_cast<std::int32_t>(v->size()));
  out.put_bytes(*v);
}

void put_formats(Buffer& out, const std::vector<FormatCode>& formats) {
  out.put_count16(formats.size());
  for (FormatCode f : formats) out.put_i16(f);
}

void put_values(Buffer& out, const std::vector<Value>& values) {
  out.put_count16(values.size());
  for (const auto& v : values) put_value(out, v);
}

void encode_empty(char type, Buffer& out) { out.end_message(out.begin_message(type)); }

}  // namespace

std::error_code decode_startup_packet(std::string_view body, FrontendMessage& out) {
  Reader r(body);
  std::int32_t code = r.i32();
  if (!r.ok()) return r.finish();
  switch (code) {
    case ssl_request_code:
      out.emplace<SSLRequest>();
      return r.finish();
    case gssenc_request_code:
      out.emplace<GSSENCRequest>();
      return r.finish();
    case cancel_request_code: {
      auto& m = out.emplace<CancelRequest>();
      m.process_id = r.i32();
      m.secret_key = r.rest();
      if (r.ok() && (m.secret_key.size() < 4 || m.secret_key.size() > 256))
        r.fail(codec_errc::invalid_value);
      return r.finish();
    }
    default:
      break;
  }
  auto& m = out.emplace<StartupMessage>();
  auto ucode = static_cast<std::uint32_t>(code);
  m.version = {static_cast<std::uint16_t>(ucode >> 16), static_cast<std::uint16_t>(ucode & 0xFFFF)};
  // Other majors have other layouts; the version is still reported so the
  // server can name it in its FATAL.
  if (m.version.major != 3) return codec_errc::unsupported_protocol;
  for (;;) {
    std::string_view name = r.cstring();
    if (!r.ok() || name.empty()) break;
    std::string_view value = r.cstring();
    if (is_protocol_option(name)) {
      m.protocol_options.emplace_back(name, value);
      m.option_positions.push_back(static_cast<std::uint32_t>(m.parameters.size()));
    } else {
      m.parameters.emplace_back(name, value);
    }
  }
  // Options after every parameter are the encoder's default order.
  bool all_last = true;
  for (std::uint32_t p : m.option_positions) all_last = all_last && p == m.parameters.size();
  if (all_last) m.option_positions.clear();
  return r.finish();
}

std::error_code decode_frontend(const Frame& f, FrontendMessage& out, AuthResponseKind auth) {
  if (f.type == 0) return decode_startup_packet(f.body, out);
  switch (f.type) {
    case 'p':
      switch (auth) {
        case AuthResponseKind::password: return decode_into<PasswordMessage>(f.body, out);
        case AuthResponseKind::sasl_initial: return decode_into<SASLInitialResponse>(f.body, out);
        case AuthResponseKind::sasl: return decode_into<SASLResponse>(f.body, out);
        case AuthResponseKind::gss: return decode_into<GSSResponse>(f.body, out);
      }
      break;
    case 'Q': return decode_into<Query>(f.body, out);
    case 'P': return decode_into<Parse>(f.body, out);
    case 'B': {
      // Decoded into a Bind already there (every field is rewritten), so
      // that its vectors' capacity serves again (the session's engine keeps one).
      auto* bind = std::get_if<Bind>(&out);
      return bind ? decode_body(f.body, *bind) : decode_into<Bind>(f.body, out);
    }
    case 'D': return decode_into<Describe>(f.body, out);
    case 'E': return decode_into<Execute>(f.body, out);
    case 'S': return decode_empty<Sync>(f.body, out);
    case 'H': return decode_empty<Flush>(f.body, out);
    case 'C': return decode_into<Close>(f.body, out);
    case 'd': return decode_into<CopyData>(f.body, out);
    case 'c': return decode_empty<CopyDone>(f.body, out);
    case 'f': return decode_into<CopyFail>(f.body, out);
    case 'F': return decode_into<FunctionCall>(f.body, out);
    case 'X': return decode_empty<Terminate>(f.body, out);
    default: break;
  }
  return codec_errc::unknown_message_type;
}

std::error_code decode_body(std::string_view body, PasswordMessage& out) {
  Reader r(body);
  out.password = r.cstring();
  return r.finish();
}

std::error_code decode_body(std::string_view body, SASLInitialResponse& out) {
  Reader r(body);
  out.mechanism = r.cstring();
  out.data = r.value();
  return r.finish();
}

std::error_code decode_body(std::string_view body, SASLResponse& out) {
  out.data = body;
  return {};
}

std::error_code decode_body(std::string_view body, GSSResponse& out) {
  out.data = body;
  return {};
}

std::error_code decode_body(std::string_view body, Query& out) {
  Reader r(body);
  out.query = r.cstring();
  return r.finish();
}

std::error_code decode_body(std::string_view body, Parse& out) {
  Reader r(body);
  out.statement = r.cstring();
  out.query = r.cstring();
  std::size_t n = r.count16(4);
  out.parameter_types.clear();
  out.parameter_types.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.parameter_types.push_back(r.u32());
  return r.finish();
}

std::error_code decode_body(std::string_view body, Bind& out) {
  Reader r(body);
  out.portal = r.cstring();
  out.statement = r.cstring();
  read_formats(r, out.parameter_formats);
  read_values(r, out.parameters);
  read_formats(r, out.result_formats);
  return r.finish();
}

std::error_code decode_body(std::string_view body, Describe& out) {
  Reader r(body);
  out.target = read_target(r);
  out.name = r.cstring();
  return r.finish();
}

std::error_code decode_body(std::string_view body, Execute& out) {
  Reader r(body);
  out.portal = r.cstring();
  out.max_rows = r.i32();
  return r.finish();
}

std::error_code decode_body(std::string_view body, Close& out) {
  Reader r(body);
  out.target = read_target(r);
  out.name = r.cstring();
  return r.finish();
}

std::error_code decode_body(std::string_view body, CopyData& out) {
  out.data = body;
  return {};
}

std::error_code decode_body(std::string_view body, CopyFail& out) {
  Reader r(body);
  out.message = r.cstring();
  return r.finish();
}

std::error_code decode_body(std::string_view body, FunctionCall& out) {
  Reader r(body);
  out.function = r.u32();
  read_formats(r, out.argument_formats);
  read_values(r, out.arguments);
  out.result_format = r.i16();
  return r.finish();
}

// Encoding -----------------------------------------------------------------

void encode(const StartupMessage& m, Buffer& out) {
  auto at = out.begin_packet();
  out.put_i32(m.version.code());
  // Interleaved as received (option_positions), else options last.
  std::size_t option = 0;
  auto options_before = [&](std::size_t parameter) {
    for (; option < m.protocol_options.size(); ++option) {
      std::size_t at = option < m.option_positions.size() ? m.option_positions[option] : m.parameters.size();
      if (at > parameter) break;
      out.put_cstring(m.protocol_options[option].first);
      out.put_cstring(m.protocol_options[option].second);
    }
  };
  for (std::size_t i = 0; i < m.parameters.size(); ++i) {
    options_before(i);
    out.put_cstring(m.parameters[i].first);
    out.put_cstring(m.parameters[i].second);
  }
  options_before(std::numeric_limits<std::size_t>::max());
  out.put_char('\0');
  out.end_message(at);
}

void encode(const SSLRequest&, Buffer& out) {
  auto at = out.begin_packet();
  out.put_i32(ssl_request_code);
  out.end_message(at);
}

void encode(const GSSENCRequest&, Buffer& out) {
  auto at = out.begin_packet();
  out.put_i32(gssenc_request_code);
  out.end_message(at);
}

void encode(const CancelRequest& m, Buffer& out) {
  auto at = out.begin_packet();
  out.put_i32(cancel_request_code);
  out.put_i32(m.process_id);
  out.put_bytes(m.secret_key);
  out.end_message(at);
}

void encode(const PasswordMessage& m, Buffer& out) {
  auto at = out.begin_message('p');
  out.put_cstring(m.password);
  out.end_message(at);
}

void encode(const SASLInitialResponse& m, Buffer& out) {
  auto at = out.begin_message('p');
  out.put_cstring(m.mechanism);
  put_value(out, m.data);
  out.end_message(at);
}

void encode(const SASLResponse& m, Buffer& out) {
  auto at = out.begin_message('p');
  out.put_bytes(m.data);
  out.end_message(at);
}

void encode(const GSSResponse& m, Buffer& out) {
  auto at = out.begin_message('p');
  out.put_bytes(m.data);
  out.end_message(at);
}

void encode(const Query& m, Buffer& out) {
  auto at = out.begin_message('Q');
  out.put_cstring(m.query);
  out.end_message(at);
}

void encode(const Parse& m, Buffer& out) {
  auto at = out.begin_message('P');
  out.put_cstring(m.statement);
  out.put_cstring(m.query);
  out.put_count16(m.parameter_types.size());
  for (Oid t : m.parameter_types) out.put_u32(t);
  out.end_message(at);
}

void encode(const Bind& m, Buffer& out) {
  auto at = out.begin_message('B');
  out.put_cstring(m.portal);
  out.put_cstring(m.statement);
  put_formats(out, m.parameter_formats);
  put_values(out, m.parameters);
  put_formats(out, m.result_formats);
  out.end_message(at);
}

void encode(const Describe& m, Buffer& out) {
  auto at = out.begin_message('D');
  out.put_char(static_cast<char>(m.target));
  out.put_cstring(m.name);
  out.end_message(at);
}

void encode(const Execute& m, Buffer& out) {
  auto at = out.begin_message('E');
  out.put_cstring(m.portal);
  out.put_i32(m.max_rows);
  out.end_message(at);
}

void encode(const Sync&, Buffer& out) { encode_empty('S', out); }
void encode(const Flush&, Buffer& out) { encode_empty('H', out); }
void encode(const Terminate&, Buffer& out) { encode_empty('X', out); }
void encode(const CopyDone&, Buffer& out) { encode_empty('c', out); }

void encode(const Close& m, Buffer& out) {
  auto at = out.begin_message('C');
  out.put_char(static_cast<char>(m.target));
  out.put_cstring(m.name);
  out.end_message(at);
}

void encode(const CopyData& m, Buffer& out) {
  auto at = out.begin_message('d');
  out.put_bytes(m.data);
  out.end_message(at);
}

void encode(const CopyFail& m, Buffer& out) {
  auto at = out.begin_message('f');
  out.put_cstring(m.message);
  out.end_message(at);
}

void encode(const FunctionCall& m, Buffer& out) {
  auto at = out.begin_message('F');
  out.put_u32(m.function);
  put_formats(out, m.argument_formats);
  put_values(out, m.arguments);
  out.put_i16(m.result_format);
  out.end_message(at);
}

void encode_frontend(const FrontendMessage& m, Buffer& out) {
  std::visit([&out](const auto& msg) { encode(msg, out); }, m);
}

char message_type(const FrontendMessage& m) noexcept {
  struct V {
    char operator()(const StartupMessage&) const { return 0; }
    char operator()(const SSLRequest&) const { return 0; }
    char operator()(const GSSENCRequest&) const { return 0; }
    char operator()(const CancelRequest&) const { return 0; }
    char operator()(const PasswordMessage&) const { return 'p'; }
    char operator()(const SASLInitialResponse&) const { return 'p'; }
    char operator()(const SASLResponse&) const { return 'p'; }
    char operator()(const GSSResponse&) const { return 'p'; }
    char operator()(const Query&) const { return 'Q'; }
    char operator()(const Parse&) const { return 'P'; }
    char operator()(const Bind&) const { return 'B'; }
    char operator()(const Describe&) const { return 'D'; }
    char operator()(const Execute&) const { return 'E'; }
    char operator()(const Sync&) const { return 'S'; }
    char operator()(const Flush&) const { return 'H'; }
    char operator()(const Close&) const { return 'C'; }
    char operator()(const CopyData&) const { return 'd'; }
    char operator()(const CopyDone&) const { return 'c'; }
    char operator()(const CopyFail&) const { return 'f'; }
    char operator()(const FunctionCall&) const { return 'F'; }
    char operator()(const Terminate&) const { return 'X'; }
  };
  return std::visit(V{}, m);
}

}  // namespace pgwire
