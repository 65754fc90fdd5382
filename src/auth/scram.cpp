#include "pgwire/auth/scram.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>
#include <utility>

#include "crypto.hpp"
#include "pgwire/auth/base64.hpp"
#include "pgwire/auth/random.hpp"
#include "pgwire/auth/saslprep.hpp"

namespace pgwire::auth {
namespace {

using detail::Key;

constexpr std::string_view sqlstate_protocol_violation = "08P01";
constexpr std::string_view sqlstate_invalid_password = "28P01";
constexpr std::string_view sqlstate_invalid_authorization = "28000";
constexpr std::string_view sqlstate_not_supported = "0A000";
constexpr std::string_view sqlstate_internal = "XX000";

constexpr std::string_view cbind_header_plus = "p=tls-server-end-point,,";

ScramError malformed(std::string detail) {
  return {sqlstate_protocol_violation, "malformed SCRAM message", std::move(detail)};
}

// PostgreSQL's sanitize_char: never echo raw client bytes into messages.
std::string sanitize_char(char c) {
  if (c >= 0x21 && c <= 0x7E) return fmt::format("'{}'", c);
  return fmt::format("0x{:02x}", static_cast<unsigned char>(c));
}

// PostgreSQL's sanitize_str: printable ASCII, others '?', at most 30 chars.
std::string sanitize_str(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 30)) out += (c >= 0x21 && c <= 0x7E) ? c : '?';
  return out;
}

bool is_printable(std::string_view s) {
  for (char c : s)
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  return true;
}

std::string random_nonce() {
  std::array<char, scram_raw_nonce_length> raw{};
  random_bytes(std::span<char>(raw));
  return base64_encode({raw.data(), raw.size()});
}

const std::string& process_mock_key() {
  static const std::string key = [] {
    std::string k(32, '\0');
    random_bytes(std::span<char>(k));
    return k;
  }();
  return key;
}

// A cursor over a SCRAM message with PostgreSQL's attribute rules. The
// message has no NUL bytes (checked first), so "end of string" plays the
// role of PostgreSQL's terminating NUL.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  bool at_end() const noexcept { return pos_ >= s_.size(); }
  char peek() const noexcept { return at_end() ? '\0' : s_[pos_]; }
  void skip() noexcept { ++pos_; }
  std::size_t pos() const noexcept { return pos_; }
  std::string_view rest() const noexcept { return s_.substr(std::min(pos_, s_.size())); }

  // read_attr_value: "<attr>=<value>" up to ',' (consumed) or the end.
  std::optional<ScramError> value_of(char attr, std::string_view& value) {
    if (peek() != attr)
      return malformed(fmt::format("Expected attribute \"{}\" but found \"{}\".", attr,
                                   sanitize_char(peek())));
    skip();
    if (peek() != '=')
      return malformed(fmt::format("Expected character \"=\" for attribute \"{}\".", attr));
    skip();
    value = take_value();
    return std::nullopt;
  }

  // read_any_attr: any "<ALPHA>=<value>".
  std::optional<ScramError> any(char& attr, std::string_view& value) {
    char c = peek();
    if (at_end()) return malformed("Attribute expected, but found end of string.");
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
      return malformed(fmt::format("Attribute expected, but found invalid character \"{}\".",
                                   sanitize_char(c)));
    attr = c;
    skip();
    if (peek() != '=')
      return malformed(fmt::format("Expected character \"=\" for attribute \"{}\".", c));
    skip();
    value = take_value();
    return std::nullopt;
  }

 private:
  std::string_view take_value() {
    std::size_t end = s_.find(',', pos_);
    if (end == std::string_view::npos) end = s_.size();
    std::string_view v = s_.substr(pos_, end - pos_);
    pos_ = end < s_.size() ? end + 1 : end;
    return v;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

std::optional<ScramError> check_input(std::string_view msg) {
  if (msg.empty()) return malformed("The message is empty.");
  if (msg.find('\0') != std::string_view::npos)
    return malformed("Message length does not match input length.");
  return std::nullopt;
}

std::string auth_message(std::string_view client_first_bare, std::string_view server_first,
                         std::string_view client_final_without_proof) {
  std::string m;
  m.reserve(client_first_bare.size() + server_first.size() + client_final_without_proof.size() + 2);
  m.append(client_first_bare).append(",").append(server_first).append(",");
  m.append(client_final_without_proof);
  return m;
}

bool parse_positive_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && out > 0;
}

}  // namespace

// ---- ScramSecret --------------------------------------------------------

ScramSecret ScramSecret::from_password(std::string_view password, std::string_view salt,
                                       int iterations) {
  if (iterations < 1) throw std::invalid_argument("pgwire: SCRAM iteration count must be >= 1");
  std::string prepared = scram_prepare_password(password);
  Key salted = detail::salted_password(prepared, salt, iterations);
  ScramSecret s;
  s.salt.assign(salt);
  s.iterations = iterations;
  s.stored_key = detail::sha256(detail::as_view(detail::hmac_sha256(detail::as_view(salted), "Client Key")));
  s.server_key = detail::hmac_sha256(detail::as_view(salted), "Server Key");
  return s;
}

ScramSecret ScramSecret::generate(std::string_view password, int iterations) {
  std::array<char, scram_default_salt_length> salt{};
  random_bytes(std::span<char>(salt));
  return from_password(password, {salt.data(), salt.size()}, iterations);
}

std::optional<ScramSecret> ScramSecret::parse(std::string_view stored) {
  constexpr std::string_view scheme = "SCRAM-SHA-256$";
  if (stored.substr(0, scheme.size()) != scheme) return std::nullopt;
  stored.remove_prefix(scheme.size());
  std::size_t colon1 = stored.find(':');
  std::size_t dollar = stored.find('$');
  if (colon1 == std::string_view::npos || dollar == std::string_view::npos || dollar < colon1)
    return std::nullopt;
  std::size_t colon2 = stored.find(':', dollar);
  if (colon2 == std::string_view::npos) return std::nullopt;
  ScramSecret s;
  if (!parse_positive_int(stored.substr(0, colon1), s.iterations)) return std::nullopt;
  std::string_view salt_b64 = stored.substr(colon1 + 1, dollar - colon1 - 1);
  std::string_view stored_b64 = stored.substr(dollar + 1, colon2 - dollar - 1);
  std::string_view server_b64 = stored.substr(colon2 + 1);
  auto salt = base64_decode(salt_b64);
  auto stored_key = base64_decode(stored_b64);
  auto server_key = base64_decode(server_b64);
  if (!salt || salt->empty() || !stored_key || stored_key->size() != 32 || !server_key ||
      server_key->size() != 32)
    return std::nullopt;
  s.salt = std::move(*salt);
  std::copy(stored_key->begin(), stored_key->end(), s.stored_key.begin());
  std::copy(server_key->begin(), server_key->end(), s.server_key.begin());
  return s;
}

std::string ScramSecret::to_string() const {
  return fmt::format("SCRAM-SHA-256${}:{}${}:{}", iterations, base64_encode(salt),
                     base64_encode(detail::as_view(stored_key)),
                     base64_encode(detail::as_view(server_key)));
}

// ---- ScramServer --------------------------------------------------------

ScramServer::ScramServer(std::optional<ScramSecret> secret, ScramServerOptions options)
    : options_(std::move(options)) {
  if (secret) {
    secret_ = std::move(*secret);
    return;
  }
  // Mock exchange: a salt that is stable per user name but reveals nothing,
  // and keys that no proof can match (the exchange is doomed anyway).
  doomed_ = true;
  const std::string& key =
      options_.mock_auth_key.empty() ? process_mock_key() : options_.mock_auth_key;
  Key digest = detail::sha256(options_.user + key);
  secret_.salt.assign(reinterpret_cast<const char*>(digest.data()), scram_default_salt_length);
  secret_.iterations =
      options_.iterations > 0 ? options_.iterations : scram_default_iterations;
}

std::vector<std::string_view> ScramServer::mechanisms(bool plus_offered) {
  if (plus_offered) return {scram_sha_256_plus, scram_sha_256};
  return {scram_sha_256};
}

ScramStep ScramServer::fail(ScramError e) {
  state_ = State::failed;
  return {{}, std::move(e)};
}

ScramStep ScramServer::handle_client_first(std::string_view mechanism,
                                           std::string_view client_first_message) {
  if (state_ != State::initial)
    return fail({sqlstate_internal, "invalid SCRAM exchange state", {}});

  // scram_init(): the mechanism first. PLUS without TLS is as unknown as any
  // other name, since it was not advertised.
  if (mechanism == scram_sha_256_plus && options_.channel_binding.plus_offered)
    cbind_in_use_ = true;
  else if (mechanism == scram_sha_256)
    cbind_in_use_ = false;
  else
    return fail({sqlstate_protocol_violation,
                 "client selected an invalid SASL authentication mechanism", {}});

  if (auto e = check_input(client_first_message)) return fail(std::move(*e));
  Reader r(client_first_message);

  // gs2-cbind-flag
  cbind_flag_ = r.peek();
  switch (cbind_flag_) {
    case 'n':
    case 'y':
      if (cbind_in_use_)
        return fail(malformed(
            "The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not include "
            "channel binding data."));
      if (cbind_flag_ == 'y' && options_.channel_binding.plus_offered)
        return fail({sqlstate_invalid_authorization, "SCRAM channel binding negotiation error",
                     "The client supports SCRAM channel binding but thinks the server does not.  "
                     "However, this server does support channel binding."});
      r.skip();
      if (r.peek() != ',')
        return fail(malformed(
            fmt::format("Comma expected, but found character \"{}\".", sanitize_char(r.peek()))));
      r.skip();
      break;
    case 'p': {
      if (!cbind_in_use_)
        return fail(malformed(
            "The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message "
            "includes channel binding data."));
      std::string_view type;
      if (auto e = r.value_of('p', type)) return fail(std::move(*e));
      if (type != "tls-server-end-point")
        return fail({sqlstate_protocol_violation,
                     fmt::format("unsupported SCRAM channel-binding type \"{}\"", sanitize_str(type)),
                     {}});
      break;
    }
    default:
      return fail(malformed(
          fmt::format("Unexpected channel-binding flag \"{}\".", sanitize_char(r.peek()))));
  }

  // authzid
  if (r.peek() == 'a')
    return fail({sqlstate_not_supported,
                 "client uses authorization identity, but it is not supported", {}});
  if (r.peek() != ',')
    return fail(malformed(fmt::format("Unexpected attribute \"{}\" in client-first-message.",
                                      sanitize_char(r.peek()))));
  r.skip();

  client_first_bare_.assign(r.rest());

  // Mandatory extensions: refused at once, as PostgreSQL (RFC 5802 allows it).
  if (r.peek() == 'm')
    return fail({sqlstate_not_supported, "client requires an unsupported SCRAM extension", {}});

  std::string_view user;  // ignored: the startup packet's user counts
  if (auto e = r.value_of('n', user)) return fail(std::move(*e));
  std::string_view nonce;
  if (auto e = r.value_of('r', nonce)) return fail(std::move(*e));
  if (!is_printable(nonce))
    return fail({sqlstate_protocol_violation, "non-printable characters in SCRAM nonce", {}});
  client_nonce_.assign(nonce);

  // Optional extensions: syntax-checked and ignored.
  while (!r.at_end()) {
    char attr = 0;
    std::string_view value;
    if (auto e = r.any(attr, value)) return fail(std::move(*e));
  }

  server_nonce_ = options_.server_nonce.empty() ? random_nonce() : options_.server_nonce;
  server_first_ = fmt::format("r={}{},s={},i={}", client_nonce_, server_nonce_,
                              base64_encode(secret_.salt), secret_.iterations);
  state_ = State::salt_sent;
  return {server_first_, std::nullopt};
}

ScramStep ScramServer::handle_client_final(std::string_view client_final_message) {
  if (state_ != State::salt_sent)
    return fail({sqlstate_internal, "invalid SCRAM exchange state", {}});
  if (auto e = check_input(client_final_message)) return fail(std::move(*e));
  Reader r(client_final_message);

  std::string_view cbind;
  if (auto e = r.value_of('c', cbind)) return fail(std::move(*e));
  if (cbind_in_use_) {
    const std::string& hash = options_.channel_binding.tls_server_end_point;
    if (hash.empty())
      return fail({sqlstate_internal, "could not get server certificate hash", {}});
    std::string expected = base64_encode(std::string(cbind_header_plus) + hash);
    if (cbind != expected)
      return fail({sqlstate_invalid_authorization, "SCRAM channel binding check failed", {}});
  } else if (!(cbind == "biws" && cbind_flag_ == 'n') && !(cbind == "eSws" && cbind_flag_ == 'y')) {
    // base64 of "n,," and "y,,": the gs2 header repeated, without data.
    return fail({sqlstate_protocol_violation,
                 "unexpected SCRAM channel-binding attribute in client-final-message", {}});
  }

  std::string_view final_nonce;
  if (auto e = r.value_of('r', final_nonce)) return fail(std::move(*e));

  // Extensions are skipped up to the proof, which must come last.
  std::size_t proof_start = 0;
  std::string_view proof_b64;
  for (char attr = 0; attr != 'p';) {
    proof_start = r.pos() - 1;  // the ',' before the attribute
    if (auto e = r.any(attr, proof_b64)) return fail(std::move(*e));
  }
  auto proof = base64_decode(proof_b64);
  if (!proof || proof->size() != 32)
    return fail(malformed("Malformed proof in client-final-message."));
  if (!r.at_end()) return fail(malformed("Garbage found at the end of client-final-message."));

  if (final_nonce.size() != client_nonce_.size() + server_nonce_.size() ||
      final_nonce.substr(0, client_nonce_.size()) != client_nonce_ ||
      final_nonce.substr(client_nonce_.size()) != server_nonce_)
    return fail({sqlstate_protocol_violation, "invalid SCRAM response", "Nonce does not match."});

  std::string auth = auth_message(client_first_bare_, server_first_,
                                  client_final_message.substr(0, proof_start));
  // The proof is checked in a mock exchange too, so that timing does not
  // tell whether the user exists.
  Key client_signature = detail::hmac_sha256(detail::as_view(secret_.stored_key), auth);
  Key client_key{};
  for (std::size_t i = 0; i < client_key.size(); ++i)
    client_key[i] = static_cast<unsigned char>(static_cast<unsigned char>((*proof)[i]) ^
                                               client_signature[i]);
  Key computed = detail::sha256(detail::as_view(client_key));
  bool ok = detail::constant_time_equal(detail::as_view(computed),
                                        detail::as_view(secret_.stored_key));
  if (!ok || doomed_)
    return fail({sqlstate_invalid_password,
                 fmt::format("password authentication failed for user \"{}\"", options_.user),
                 {}});

  Key server_signature = detail::hmac_sha256(detail::as_view(secret_.server_key), auth);
  state_ = State::authenticated;
  return {"v=" + base64_encode(detail::as_view(server_signature)), std::nullopt};
}

// ---- ScramClient --------------------------------------------------------

namespace {

ScramError client_error(std::string message) {
  return {sqlstate_protocol_violation, std::move(message), {}};
}

// saslname escaping of RFC 5802: ',' -> "=2C", '=' -> "=3D".
std::string escape_saslname(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ',')
      out += "=2C";
    else if (c == '=')
      out += "=3D";
    else
      out += c;
  }
  return out;
}

}  // namespace

ScramClient::ScramClient(std::string_view password, ScramClientOptions options)
    : password_(scram_prepare_password(password)), options_(std::move(options)) {}

std::string_view ScramClient::mechanism() const noexcept {
  return options_.channel_binding == ScramChannelBindingFlag::required ? scram_sha_256_plus
                                                                       : scram_sha_256;
}

std::string ScramClient::client_first_message() {
  switch (options_.channel_binding) {
    case ScramChannelBindingFlag::required: gs2_header_ = std::string(cbind_header_plus); break;
    case ScramChannelBindingFlag::server_lacks: gs2_header_ = "y,,"; break;
    case ScramChannelBindingFlag::none: gs2_header_ = "n,,"; break;
  }
  client_nonce_ = options_.client_nonce.empty() ? random_nonce() : options_.client_nonce;
  client_first_bare_ = fmt::format("n={},r={}", escape_saslname(options_.user), client_nonce_);
  step_ = 1;
  return gs2_header_ + client_first_bare_;
}

ScramStep ScramClient::handle_server_first(std::string_view server_first_message) {
  if (step_ != 1) return {{}, client_error("invalid SCRAM exchange state")};
  step_ = -1;  // until success
  if (server_first_message.find('\0') != std::string_view::npos)
    return {{}, client_error("malformed SCRAM message (embedded NUL)")};
  Reader r(server_first_message);
  std::string_view nonce, salt_b64, iter_text;
  if (r.value_of('r', nonce))
    return {{}, client_error("malformed SCRAM message (attribute \"r\" expected)")};
  if (nonce.size() <= client_nonce_.size() || nonce.substr(0, client_nonce_.size()) != client_nonce_ ||
      !is_printable(nonce))
    return {{}, client_error("invalid SCRAM response (nonce mismatch)")};
  if (r.value_of('s', salt_b64))
    return {{}, client_error("malformed SCRAM message (attribute \"s\" expected)")};
  auto salt = base64_decode(salt_b64);
  if (!salt || salt->empty()) return {{}, client_error("malformed SCRAM message (invalid salt)")};
  if (r.value_of('i', iter_text))
    return {{}, client_error("malformed SCRAM message (attribute \"i\" expected)")};
  int iterations = 0;
  if (!parse_positive_int(iter_text, iterations))
    return {{}, client_error("malformed SCRAM message (invalid iteration count)")};
  if (!r.at_end())
    return {{}, client_error("malformed SCRAM message (garbage at end of server-first-message)")};

  std::string cbind_input = gs2_header_;
  if (options_.channel_binding == ScramChannelBindingFlag::required)
    cbind_input += options_.tls_server_end_point;
  std::string without_proof = fmt::format("c={},r={}", base64_encode(cbind_input), nonce);
  auth_message_ = auth_message(client_first_bare_, server_first_message, without_proof);

  Key salted = detail::salted_password(password_, *salt, iterations);
  Key client_key = detail::hmac_sha256(detail::as_view(salted), "Client Key");
  Key stored_key = detail::sha256(detail::as_view(client_key));
  server_key_ = detail::hmac_sha256(detail::as_view(salted), "Server Key");
  Key client_signature = detail::hmac_sha256(detail::as_view(stored_key), auth_message_);
  Key proof{};
  for (std::size_t i = 0; i < proof.size(); ++i)
    proof[i] = static_cast<unsigned char>(client_key[i] ^ client_signature[i]);
  step_ = 2;
  return {without_proof + ",p=" + base64_encode(detail::as_view(proof)), std::nullopt};
}

std::optional<ScramError> ScramClient::verify_server_final(std::string_view server_final_message) {
  if (step_ != 2) return client_error("invalid SCRAM exchange state");
  step_ = -1;
  if (server_final_message.find('\0') != std::string_view::npos)
    return client_error("malformed SCRAM message (embedded NUL)");
  Reader r(server_final_message);
  std::string_view value;
  if (r.peek() == 'e') {
    r.value_of('e', value);
    return ScramError{sqlstate_invalid_authorization,
                      fmt::format("error received from server in SCRAM exchange: {}",
                                  sanitize_str(value)),
                      {}};
  }
  if (r.value_of('v', value))
    return client_error("malformed SCRAM message (attribute \"v\" expected)");
  auto signature = base64_decode(value);
  if (!signature || signature->size() != 32)
    return client_error("malformed SCRAM message (malformed server signature)");
  if (!r.at_end())
    return client_error("malformed SCRAM message (garbage at end of server-final-message)");
  Key expected = detail::hmac_sha256(detail::as_view(server_key_), auth_message_);
  if (!detail::constant_time_equal(detail::as_view(expected), *signature))
    return ScramError{sqlstate_invalid_authorization, "incorrect server signature", {}};
  verified_ = true;
  step_ = 3;
  return std::nullopt;
}

}  // namespace pgwire::auth
