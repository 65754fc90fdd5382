#pragma once
// SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677), server side as
// PostgreSQL implements it (src/backend/libpq/auth-scram.c), plus a client
// for tests and test clients. Pure: no I/O; the connection state machine
// carries the messages.
//
// Exchange, as the server sees it:
//   AuthenticationSASL (mechanisms())                      -> client
//   SASLInitialResponse (mechanism, client-first-message)  <- client
//       handle_client_first() -> AuthenticationSASLContinue (server-first)
//   SASLResponse (client-final-message)                    <- client
//       handle_client_final() -> AuthenticationSASLFinal (server-final),
//                                then AuthenticationOk
// Any error ends the exchange: send it as a FATAL ErrorResponse and close.
// A SASLInitialResponse without initial data (length -1) is answered, as
// PostgreSQL does, with an empty AuthenticationSASLContinue; the next
// SASLResponse then goes to handle_client_first with the mechanism chosen.
//
// PostgreSQL differences from RFC 5802 that are kept here: the user name
// inside the SCRAM messages is ignored (libpq sends "n=,"; the startup
// packet's user counts), authzid ("a=") and mandatory extensions ("m=") are
// refused, the only channel binding type is tls-server-end-point, and
// passwords that fail SASLprep are hashed as raw bytes.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgwire::auth {

inline constexpr std::string_view scram_sha_256 = "SCRAM-SHA-256";
inline constexpr std::string_view scram_sha_256_plus = "SCRAM-SHA-256-PLUS";
// PostgreSQL's defaults: SCRAM_DEFAULT_ITERATIONS, SCRAM_DEFAULT_SALT_LEN,
// SCRAM_RAW_NONCE_LEN.
inline constexpr int scram_default_iterations = 4096;
inline constexpr std::size_t scram_default_salt_length = 16;
inline constexpr std::size_t scram_raw_nonce_length = 18;

// What the server stores per user instead of the password: PostgreSQL's
// pg_authid.rolpassword for password_encryption = 'scram-sha-256'.
struct ScramSecret {
  std::string salt;  // raw bytes (base64 only in the stored form)
  int iterations = scram_default_iterations;
  std::array<unsigned char, 32> stored_key{};  // H(HMAC(SaltedPassword, "Client Key"))
  std::array<unsigned char, 32> server_key{};  // HMAC(SaltedPassword, "Server Key")

  // Derives the keys; SASLprep is applied first (scram_prepare_password).
  // salt is raw bytes; iterations must be >= 1.
  static ScramSecret from_password(std::string_view password, std::string_view salt,
                                   int iterations = scram_default_iterations);
  // Same with a fresh random 16-byte salt, like CREATE ROLE ... PASSWORD.
  static ScramSecret generate(std::string_view password,
                              int iterations = scram_default_iterations);

  // Parses "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>" (salt
  // and keys in base64, keys of 32 bytes). nullopt when malformed, including
  // a non-positive iteration count (which PostgreSQL would store but no
  // client could use).
  static std::optional<ScramSecret> parse(std::string_view stored);
  // The stored form above.
  std::string to_string() const;

  friend bool operator==(const ScramSecret&, const ScramSecret&) = default;
};

// An error to report to the client, as PostgreSQL reports it.
struct ScramError {
  // "08P01" protocol violation (malformed messages, nonce mismatch, invalid
  // mechanism), "28P01" invalid password (wrong proof, unknown user),
  // "28000" invalid authorization specification (channel binding),
  // "0A000" feature not supported (authzid, mandatory extensions),
  // "XX000" internal error (misuse: call out of order, missing certificate hash).
  std::string_view sqlstate;
  std::string message;
  std::string detail;  // errdetail; empty when PostgreSQL sends none

  bool password_failed() const noexcept { return sqlstate == "28P01"; }
  friend bool operator==(const ScramError&, const ScramError&) = default;
};

// One step of an exchange: the message to send, or an error.
struct ScramStep {
  std::string message;
  std::optional<ScramError> error;

  explicit operator bool() const noexcept { return !error.has_value(); }
};

// Channel binding as the server sees this connection.
struct ScramChannelBinding {
  // True on a TLS connection: SCRAM-SHA-256-PLUS is advertised, clients that
  // say 'y' are refused (downgrade), and 'p' is accepted.
  bool plus_offered = false;
  // tls_server_end_point() of the certificate the server presented in this
  // TLS session (pgwire/auth/channel_binding.hpp). Required when
  // plus_offered; if it is empty, a PLUS exchange fails with XX000, like
  // PostgreSQL when it cannot hash its certificate.
  std::string tls_server_end_point;
};

struct ScramServerOptions {
  // The user name from the startup packet: error messages and the mock salt.
  std::string user;
  // Iteration count advertised in a mock exchange (unknown user); values
  // below 1 mean scram_default_iterations.
  int iterations = scram_default_iterations;
  ScramChannelBinding channel_binding;
  // Secret from which mock salts are derived: SHA-256(user + key), first 16
  // bytes, like PostgreSQL's mock_auth_nonce. Empty: a random 32-byte key
  // made once per process. Configure a persistent key so that the fake salt
  // of an unknown user stays the same across restarts, as a real one does.
  std::string mock_auth_key;
  // Tests only: the server's part of the nonce (printable ASCII, no ',').
  // Empty: base64 of 18 random bytes, as PostgreSQL.
  std::string server_nonce;
};

class ScramServer {
 public:
  // secret == nullopt runs a mock exchange (unknown user, or a user without a
  // SCRAM secret): a deterministic fake salt, the same messages, and at the
  // end the same 28P01 error as a wrong password, with the same work done.
  ScramServer(std::optional<ScramSecret> secret, ScramServerOptions options);

  // For AuthenticationSASL: PLUS first when offered, as PostgreSQL.
  static std::vector<std::string_view> mechanisms(bool plus_offered);
  std::vector<std::string_view> mechanisms() const {
    return mechanisms(options_.channel_binding.plus_offered);
  }

  // mechanism: from SASLInitialResponse. Returns the server-first-message
  // "r=<client nonce><server nonce>,s=<salt>,i=<iterations>".
  ScramStep handle_client_first(std::string_view mechanism,
                                std::string_view client_first_message);
  // Returns the server-final-message "v=<ServerSignature>". On success the
  // client is authenticated.
  ScramStep handle_client_final(std::string_view client_final_message);

  bool authenticated() const noexcept { return state_ == State::authenticated; }
  // True when the client chose SCRAM-SHA-256-PLUS and its binding matched.
  bool channel_binding_used() const noexcept { return authenticated() && cbind_in_use_; }

 private:
  enum class State { initial, salt_sent, authenticated, failed };
  ScramStep fail(ScramError e);

  ScramServerOptions options_;
  ScramSecret secret_;
  bool doomed_ = false;
  State state_ = State::initial;
  bool cbind_in_use_ = false;
  char cbind_flag_ = 0;
  std::string client_nonce_;
  std::string server_nonce_;
  std::string client_first_bare_;
  std::string server_first_;
};

// The gs2-cbind-flag a client sends.
enum class ScramChannelBindingFlag : char {
  none = 'n',           // the client does not support channel binding
  server_lacks = 'y',   // supported, but the server did not offer PLUS
  required = 'p',       // p=tls-server-end-point: mechanism SCRAM-SHA-256-PLUS
};

struct ScramClientOptions {
  ScramChannelBindingFlag channel_binding = ScramChannelBindingFlag::none;
  // With required: tls_server_end_point() of the certificate the server sent.
  std::string tls_server_end_point;
  // Sent as "n=" (escaped); PostgreSQL ignores it and libpq sends "".
  std::string user;
  // Tests only: the client nonce (printable ASCII, no ','). Empty: base64 of
  // 18 random bytes, as libpq.
  std::string client_nonce;
};

// The client side, following libpq (src/interfaces/libpq/fe-auth-scram.c).
// Its errors carry libpq's messages; sqlstate is 08P01 for malformed or
// inconsistent server messages and 28000 for a server error ("e=") or a
// wrong server signature.
class ScramClient {
 public:
  explicit ScramClient(std::string_view password, ScramClientOptions options = {});

  // The mechanism to name in SASLInitialResponse.
  std::string_view mechanism() const noexcept;
  // gs2-header + client-first-message-bare, e.g. "n,,n=,r=<nonce>".
  std::string client_first_message();
  // Parses server-first-message, computes the proof; returns the
  // client-final-message.
  ScramStep handle_server_first(std::string_view server_first_message);
  // Checks the server-final-message ("v=..." or "e=..."): nullopt when the
  // server proved it knows the secret.
  std::optional<ScramError> verify_server_final(std::string_view server_final_message);

  bool server_verified() const noexcept { return verified_; }

 private:
  std::string password_;  // after SASLprep
  ScramClientOptions options_;
  std::string gs2_header_;
  std::string client_nonce_;
  std::string client_first_bare_;
  std::string auth_message_;
  std::array<unsigned char, 32> server_key_{};
  int step_ = 0;
  bool verified_ = false;
};

}  // namespace pgwire::auth
