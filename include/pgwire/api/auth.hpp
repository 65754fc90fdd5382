#pragma once
// Ready-made StartupHandlers: trust, cleartext password, MD5 and
// SCRAM-SHA-256(-PLUS), all fed by an AuthSource, so a product only says
// where credentials live. A source may return the plaintext password, the
// MD5 hash PostgreSQL stores ("md5" + 32 hex digits) or a SCRAM secret
// ("SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>"), so plaintext never
// has to be kept.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <asio/awaitable.hpp>

#include "pgwire/api/handlers.hpp"

namespace pgwire {

struct StoredPassword {
  enum class Kind { plaintext, md5, scram_sha_256 };
  Kind kind = Kind::plaintext;
  std::string value;

  static StoredPassword plaintext(std::string pw) { return {Kind::plaintext, std::move(pw)}; }
  // Recognises PostgreSQL's stored forms: "md5...", "SCRAM-SHA-256$...", else plaintext.
  static StoredPassword parse(std::string stored);
};

class AuthSource {
 public:
  virtual ~AuthSource() = default;
  // The stored password of client.user, or nullopt for an unknown role. May
  // throw PgError (e.g. 3D000 for a database the product does not have).
  virtual asio::awaitable<std::optional<StoredPassword>> lookup(const ClientInfo& client) = 0;
};

// Users and passwords held in memory (plaintext or stored forms, see
// StoredPassword::parse).
class StaticAuthSource final : public AuthSource {
 public:
  StaticAuthSource() = default;
  explicit StaticAuthSource(std::map<std::string, std::string> users);
  void add(std::string user, std::string password);
  asio::awaitable<std::optional<StoredPassword>> lookup(const ClientInfo& client) override;

 private:
  std::map<std::string, StoredPassword> users_;
};

struct ScramOptions {
  int iterations = 4096;          // for secrets derived from plaintext passwords
  bool offer_plus = true;         // offer SCRAM-SHA-256-PLUS when the session has TLS
};

// Changes or extends the ParameterStatus set of a ready-made handler (e.g. a
// different server_version). Starts from StartupHandler's defaults.
class ParameterProvider {
 public:
  virtual ~ParameterProvider() = default;
  virtual void adjust(const ClientInfo& client,
                      std::vector<std::pair<std::string, std::string>>& parameters) = 0;
};
using ParameterProviderPtr = std::shared_ptr<ParameterProvider>;

std::shared_ptr<StartupHandler> make_trust_auth(ParameterProviderPtr parameters = nullptr);
std::shared_ptr<StartupHandler> make_cleartext_auth(std::shared_ptr<AuthSource> source,
                                                    ParameterProviderPtr parameters = nullptr);
std::shared_ptr<StartupHandler> make_md5_auth(std::shared_ptr<AuthSource> source,
                                              ParameterProviderPtr parameters = nullptr);
// PostgreSQL's `cert` method: the client's certificate, verified by the TLS
// handshake (TlsOptions::client_certificates, ca_file), must carry the user
// name as its CN; no password is asked. FATAL 28000 otherwise, as PostgreSQL.
std::shared_ptr<StartupHandler> make_cert_auth(ParameterProviderPtr parameters = nullptr);
std::shared_ptr<StartupHandler> make_scram_auth(std::shared_ptr<AuthSource> source,
                                                ScramOptions options = {},
                                                ParameterProviderPtr parameters = nullptr);

}  // namespace pgwire
