#include "pgwire/api/auth.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "pgwire/auth/md5.hpp"
#include "pgwire/auth/user_file.hpp"
#include "pgwire/auth/scram.hpp"

namespace pgwire {

StoredPassword StoredPassword::parse(std::string stored) {
  // PostgreSQL's get_password_type: an md5 hash is "md5" and 32 hex digits.
  if (auth::is_md5_secret(stored)) return {Kind::md5, std::move(stored)};
  if (stored.starts_with("SCRAM-SHA-256$")) return {Kind::scram_sha_256, std::move(stored)};
  return {Kind::plaintext, std::move(stored)};
}

StaticAuthSource::StaticAuthSource(std::map<std::string, std::string> users) {
  for (auto& [u, p] : users) add(u, p);
}

void StaticAuthSource::add(std::string user, std::string password) {
  users_.insert_or_assign(std::move(user), StoredPassword::parse(std::move(password)));
}

asio::awaitable<std::optional<StoredPassword>> StaticAuthSource::lookup(const ClientInfo& client) {
  auto it = users_.find(client.user);
  if (it == users_.end()) co_return std::nullopt;
  co_return it->second;
}

namespace detail {

PgError password_failed(const ClientInfo& client) {
  return PgError(ErrorInfo::fatal(sqlstate::invalid_password,
                                  fmt::format("password authentication failed for user \"{}\"",
                                              client.user)));
}

// Shared by the ready-made handlers: the ParameterStatus hook.
class AuthBase : public StartupHandler {
 public:
  explicit AuthBase(ParameterProviderPtr p) : provider_(std::move(p)) {}
  std::vector<std::pair<std::string, std::string>> server_parameters(
      const ClientInfo& client) override {
    auto params = StartupHandler::server_parameters(client);
    if (provider_) provider_->adjust(client, params);
    return params;
  }

 private:
  ParameterProviderPtr provider_;
};

}  // namespace detail

namespace {

class TrustAuth final : public detail::AuthBase {
 public:
  using AuthBase::AuthBase;
  asio::awaitable<void> authenticate(AuthExchange&) override { co_return; }
};

class CertAuth final : public detail::AuthBase {
 public:
  using AuthBase::AuthBase;
  asio::awaitable<void> authenticate(AuthExchange& ex) override {
    const ClientInfo& client = ex.client();
    if (!client.client_certificate)
      throw PgError(ErrorInfo::fatal(sqlstate::invalid_authorization, "connection requires a valid client certificate"));
    if (client.client_certificate->subject_cn != client.user)
      throw PgError(ErrorInfo::fatal(sqlstate::invalid_authorization,
                                     fmt::format("certificate authentication failed for user \"{}\"", client.user)));
    co_return;
  }
};

class CleartextAuth final : public detail::AuthBase {
 public:
  CleartextAuth(std::shared_ptr<AuthSource> s, ParameterProviderPtr p)
      : AuthBase(std::move(p)), source_(std::move(s)) {}

  asio::awaitable<void> authenticate(AuthExchange& ex) override {
    // Named, not a temporary: GCC 12 destroys non-trivial temporaries of a
    // co_await full-expression twice.
    const BackendMessage request = AuthenticationCleartextPassword{};
    std::string body = co_await ex.exchange(request);
    PasswordMessage pm;
    if (decode_body(body, pm))
      throw PgError(ErrorInfo::fatal(sqlstate::protocol_violation, "invalid password packet size"));
    auto stored = co_await source_->lookup(ex.client());
    if (!stored || !verify(*stored, ex.client(), pm.password)) throw detail::password_failed(ex.client());
  }

 private:
  static bool verify(const StoredPassword& stored, const ClientInfo& client, std::string_view pw);
  std::shared_ptr<AuthSource> source_;
};

class Md5Auth;

class ScramAuth final : public detail::AuthBase {
 public:
  ScramAuth(std::shared_ptr<AuthSource> s, ScramOptions o, ParameterProviderPtr p)
      : AuthBase(std::move(p)), source_(std::move(s)), options_(o) {}

  asio::awaitable<void> authenticate(AuthExchange& ex) override {
    auto stored = co_await source_->lookup(ex.client());
    co_await run(ex, stored, source_, options_);
  }

  // Also used by MD5 auth for roles whose stored password is a SCRAM secret.
  static asio::awaitable<void> run(AuthExchange& ex, const std::optional<StoredPassword>& stored,
                                   const std::shared_ptr<AuthSource>&, const ScramOptions& options) {
    const ClientInfo& client = ex.client();
    std::optional<auth::ScramSecret> secret;
    if (stored && stored->kind == StoredPassword::Kind::scram_sha_256)
      secret = auth::ScramSecret::parse(stored->value);
    else if (stored && stored->kind == StoredPassword::Kind::plaintext)
      secret = auth::ScramSecret::generate(stored->value, options.iterations);
    // An MD5 hash cannot be used for SCRAM: a mock exchange that fails, as
    // PostgreSQL does for a role without a SCRAM secret.
    auth::ScramServerOptions so;
    so.user = client.user;
    so.iterations = options.iterations;
    so.channel_binding.plus_offered =
        client.tls && options.offer_plus && !ex.tls_server_end_point().empty();
    so.channel_binding.tls_server_end_point = std::string(ex.tls_server_end_point());
    auth::ScramServer scram(secret, so);

    std::vector<std::string_view> mechs = scram.mechanisms();
    const BackendMessage request = AuthenticationSASL{mechs};  // named: see CleartextAuth
    std::string body = co_await ex.exchange(request);
    SASLInitialResponse init;
    if (decode_body(body, init)) {
      // PostgreSQL reads the mechanism name before the rest: a body that is
      // no SASLInitialResponse at all (a cleartext password) names none.
      std::string_view mechanism(body.data(), std::min(body.find('\0'), body.size()));
      bool known = std::find(mechs.begin(), mechs.end(), mechanism) != mechs.end();
      throw PgError(ErrorInfo::fatal(sqlstate::protocol_violation,
                                     known ? "malformed SASL message"
                                           : "client selected an invalid SASL authentication mechanism"));
    }
    std::string first;
    if (init.data) {
      first = std::string(*init.data);
    } else {
      // No initial data: ask for it with an empty challenge, as PostgreSQL.
      const BackendMessage empty_challenge = AuthenticationSASLContinue{""};
      first = co_await ex.exchange(empty_challenge);
    }
    auto step = scram.handle_client_first(init.mechanism, first);
    if (!step) fail(client, *step.error);
    const BackendMessage challenge = AuthenticationSASLContinue{step.message};
    std::string final_msg = co_await ex.exchange(challenge);
    step = scram.handle_client_final(final_msg);
    if (!step) fail(client, *step.error);
    const BackendMessage final_message = AuthenticationSASLFinal{step.message};
    ex.send(final_message);
  }

 private:
  [[noreturn]] static void fail(const ClientInfo& client, const auth::ScramError& e) {
    if (e.password_failed()) throw detail::password_failed(client);
    ErrorInfo info = ErrorInfo::fatal(std::string(e.sqlstate), e.message);
    info.detail = e.detail;
    throw PgError(std::move(info));
  }

  std::shared_ptr<AuthSource> source_;
  ScramOptions options_;
};

class Md5Auth final : public detail::AuthBase {
 public:
  Md5Auth(std::shared_ptr<AuthSource> s, ParameterProviderPtr p)
      : AuthBase(std::move(p)), source_(std::move(s)) {}

  asio::awaitable<void> authenticate(AuthExchange& ex) override {
    const ClientInfo& client = ex.client();
    auto stored = co_await source_->lookup(client);
    // PostgreSQL upgrades md5 to SCRAM for roles that have a SCRAM secret,
    // and gives an unknown role the exchange of its default
    // password_encryption (scram-sha-256 since 14): a SCRAM exchange that
    // fails.
    if (!stored || stored->kind == StoredPassword::Kind::scram_sha_256) {
      co_await ScramAuth::run(ex, stored, source_, ScramOptions{});
      co_return;
    }
    auto salt = auth::md5_random_salt();
    const BackendMessage request = AuthenticationMD5Password{salt};
    std::string body = co_await ex.exchange(request);
    PasswordMessage pm;
    if (decode_body(body, pm))
      throw PgError(ErrorInfo::fatal(sqlstate::protocol_violation, "invalid password packet size"));
    std::string hash = stored->kind == StoredPassword::Kind::md5
                           ? stored->value
                           : auth::md5_password_hash(client.user, stored->value);
    if (!auth::md5_verify(hash, salt, pm.password)) throw detail::password_failed(client);
  }

 private:
  std::shared_ptr<AuthSource> source_;
};

}  // namespace

std::shared_ptr<StartupHandler> make_md5_auth(std::shared_ptr<AuthSource> source,
                                              ParameterProviderPtr parameters) {
  return std::make_shared<Md5Auth>(std::move(source), std::move(parameters));
}

std::shared_ptr<StartupHandler> make_scram_auth(std::shared_ptr<AuthSource> source,
                                                ScramOptions options,
                                                ParameterProviderPtr parameters) {
  return std::make_shared<ScramAuth>(std::move(source), options, std::move(parameters));
}

bool CleartextAuth::verify(const StoredPassword& stored, const ClientInfo& client,
                           std::string_view pw) {
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
  };
  switch (stored.kind) {
    case StoredPassword::Kind::plaintext:
      return same(stored.value, pw);
    case StoredPassword::Kind::md5:
      return same(stored.value, auth::md5_password_hash(client.user, pw));
    case StoredPassword::Kind::scram_sha_256: {
      auto secret = auth::ScramSecret::parse(stored.value);
      if (!secret) return false;
      auto mine = auth::ScramSecret::from_password(pw, secret->salt, secret->iterations);
      return CRYPTO_memcmp(mine.server_key.data(), secret->server_key.data(), 32) == 0 &&
             CRYPTO_memcmp(mine.stored_key.data(), secret->stored_key.data(), 32) == 0;
    }
  }
  return false;
}

std::shared_ptr<StartupHandler> make_trust_auth(ParameterProviderPtr parameters) {
  return std::make_shared<TrustAuth>(std::move(parameters));
}

std::shared_ptr<StartupHandler> make_cert_auth(ParameterProviderPtr parameters) {
  return std::make_shared<CertAuth>(std::move(parameters));
}

std::shared_ptr<StartupHandler> make_cleartext_auth(std::shared_ptr<AuthSource> source,
                                                    ParameterProviderPtr parameters) {
  return std::make_shared<CleartextAuth>(std::move(source), std::move(parameters));
}

}  // namespace pgwire
