// The session's login, as PostgreSQL's backend runs it before the query
// phase (ProcessStartupPacket, ClientAuthentication): what the engine's
// negotiation leads to (TLS, a cancel, the StartupMessage), and the rounds
// of authentication the product's StartupHandler asks for. The rules of the messages themselves are the
// engine's (engine.cpp); what follows login is session_machine.cpp's.

#include "pgwire/protocol/session_machine.hpp"
#include "pgwire/protocol/walsender_rules.hpp"
#include "pgwire/types/encoding.hpp"
#include "pgwire/types/time_zone.hpp"

namespace pgwire::protocol {

using EK = EventKind;

// Negotiation, startup and authentication. True once logged in.
SessionMachine::Task<bool> SessionMachine::login() {
  for (;;) {
    EK k = engine_.next();
    if (k == EK::need_input) {
      before_read();
      co_await ask(Need::read);
    } else if (k == EK::write) {
      co_await ask(Need::write);
    } else if (k == EK::start_tls) {
      bool ok = co_await start_tls();
      if (!ok) co_return false;
    } else if (k == EK::cancel) {
      co_await ask(Need::cancel);
      co_return false;
    } else if (k == EK::startup) {
      bool ok = co_await authenticate();
      co_return ok;
    } else {
      co_return false;  // close: the engine's FATAL, if any, is in output()
    }
  }
}

SessionMachine::Task<bool> SessionMachine::start_tls() {
  login_->tls_facts.reset();
  co_await ask(Need::start_tls);  // a failed handshake never comes back
  std::optional<TlsFacts>& facts = login_->tls_facts;
  if (!facts) co_return false;
  bool direct = engine_.direct_tls();
  // Direct SSL is only PostgreSQL's when ALPN says so (PostgreSQL 17).
  if (direct && facts->alpn != "postgresql") co_return false;
  engine_.tls_established();
  client_.tls = true;
  client_.direct_tls = direct;
  client_.alpn = facts->alpn;
  client_.tls_version = facts->version;
  if (facts->client_certificate)
    client_.client_certificate = std::make_shared<const TlsClientCertificate>(std::move(*facts->client_certificate));
  // Empty when the certificate has no usable hash (Ed25519): PLUS is then not offered.
  login_->tls_end_point = facts->server_end_point;
  facts.reset();  // handed over
  co_return true;
}

SessionMachine::Task<bool> SessionMachine::authenticate() {
  auth_started_ = true;
  const StartupMessage& m = engine_.startup_message();
  client_.protocol = engine_.protocol();
  client_.startup_parameters.reserve(m.parameters.size());  // held as long as the session
  for (const auto& [k, v] : m.parameters) client_.startup_parameters.emplace_back(k, v);
  client_.user = std::string(*m.parameter("user"));
  client_.database = std::string(m.parameter("database").value_or(client_.user));
  client_.application_name = std::string(m.parameter("application_name").value_or(""));
  if (client_.database.empty()) client_.database = client_.user;
  // A NegotiateProtocolVersion the engine may have queued goes first.
  if (!engine_.output().empty()) co_await ask(Need::write);
  if (too_many_clients_) {  // before any authentication work (session_limits.cpp)
    engine_.error(ErrorInfo::fatal(sqlstate::too_many_connections, "sorry, too many clients already"));
    co_return false;
  }
  std::optional<ErrorInfo> refused;
  try {
    // Deliberately stricter than PostgreSQL 15, which passes such bytes on
    // to its role lookup and settings: handlers, logs and ParameterStatus
    // (echoed to drivers that decode strictly) only ever see UTF-8.
    client_.replication = replication_mode(client_);  // walsender_rules.cpp
    for (auto& [k, v] : client_.startup_parameters) {
      v = Settings::checked_value(k, std::move(v));
      if (k == "application_name") client_.application_name = v;
      if (!valid_utf8(k) || !valid_utf8(v)) throw PgError(invalid_utf8_error(valid_utf8(k) ? v : k));
    }
    co_await ask(Need::authenticate);
  } catch (...) {
    refused = failure_info(std::current_exception());
  }
  if (refused) {
    refused->severity = "FATAL";  // a refused login always ends the connection
    engine_.error(*refused);
    co_return false;
  }
  // The session defaults, which RESET restores: what the product set while
  // authenticating, server_version, its server parameters, then the
  // client's: the -c switches of `options` first, then the other startup
  // parameters (PostgreSQL's process_startup_options order).
  ParameterMap login = settings_.values();
  login.insert_or_assign("server_version", options_->server_version);
  for (const auto& [k, v] : login_->server_parameters) login.insert_or_assign(k, v);
  if (auto options = client_.startup_parameter("options"))
    for (auto& [k, v] : Settings::from_startup_options(*options)) login.insert_or_assign(std::move(k), std::move(v));
  for (const auto& [k, v] : client_.startup_parameters)
    if (k != "user" && k != "database" && k != "options" && k != "replication")
      login.insert_or_assign(k, v);
  // A TimeZone PostgreSQL knows, under its canonical name (pgjdbc sends the
  // JVM's); another is FATAL, as process_startup_options' check says.
  if (auto zone_setting = login.find(std::string_view("TimeZone")); zone_setting != login.end()) {
    auto zone = TimeZone::find(zone_setting->second);
    if (!zone) {  // (after AuthenticationOk, as PostgreSQL's InitPostgres refuses it)
      encode(AuthenticationOk{}, engine_.output());
      engine_.error(ErrorInfo("FATAL", sqlstate::invalid_parameter_value,
                              "invalid value for parameter \"TimeZone\": \"" + zone_setting->second + "\""));
      co_return false;
    }
    zone_setting->second = zone->name();
  }
  engine_.accept(settings_.start(login), pid_, login_->secret);
  login_.reset();  // logged in: an idle session keeps nothing of its login
  co_return true;
}

void SessionMachine::begin_auth_round(const BackendMessage& request) {
  if (std::holds_alternative<AuthenticationSASL>(request)) {
    engine_.expect_sasl_responses(true);  // through SASLContinue/SASLFinal
  } else if (!std::holds_alternative<AuthenticationSASLContinue>(request)) {
    engine_.expect_sasl_responses(false);
  }
  push_level(auth_round(), Need::auth_response, Need::authenticate);
  encode(request, engine_.output());
}

void SessionMachine::auth_send(const BackendMessage& message) { encode(message, engine_.output()); }

// One AuthExchange::exchange(): the request out, the client's 'p' back.
SessionMachine::Task<void> SessionMachine::auth_round() {
  co_await ask(Need::write);
  for (;;) {
    EK k = engine_.next();
    if (k == EK::auth_response) {
      login_->auth_response.assign(engine_.frame().body);
      co_return;
    }
    if (k == EK::need_input) {
      before_read();
      co_await ask(Need::read);
    } else if (k == EK::write) {
      co_await ask(Need::write);
    } else {
      // A protocol violation or EOF during authentication: the FATAL, if
      // any, goes out and the session ends.
      co_await ask(Need::close);
    }
  }
}

}  // namespace pgwire::protocol
