#pragma once
// Command-line handling shared by the examples: the common flags and the
// auth handler they select.

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <functional>
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <pgwire/api/auth.hpp>
#include <pgwire/api/auth_policy.hpp>
#include <pgwire/api/user_store.hpp>
#include <pgwire/server/server.hpp>

namespace example {

struct Flags {
  std::string listen = "127.0.0.1:5432";
  std::string unix_socket;
  std::string auth = "trust";
  std::string user = "postgres";
  std::string password = "postgres";
  std::string hba_file;    // pg_hba.conf rules instead of one --auth method
  std::string users_file;  // users instead of the one --user/--password
  std::string tls_cert, tls_key;
  std::string tls_ca, tls_client_cert = "none", tls_min_version = "TLSv1.2", tls_ciphers, tls_ciphersuites;
  std::size_t threads = 1;
  // Operations (ServerOptions; 0: no limit). Durations in seconds.
  std::chrono::milliseconds auth_timeout{60000};
  std::chrono::milliseconds idle_session_timeout{0};
  std::chrono::milliseconds idle_in_transaction_timeout{0};
  std::size_t max_connections = 0;
  std::chrono::milliseconds shutdown_grace{5000};
  std::string log = "off";
  std::vector<std::pair<std::string, std::string>> extra;  // example-specific --key value
};

inline void usage(const char* prog, const std::string& what, const std::string& extra_help) {
  std::cout << "usage: " << prog << " [options]\n"
            << what << "\n\n"
            << "  --listen HOST:PORT     TCP address (default 127.0.0.1:5432)\n"
            << "  --unix PATH            also listen on a Unix-domain socket\n"
            << "  --auth METHOD          trust | cleartext | md5 | scram | cert (default trust)\n"
            << "  --user NAME            user for password methods (default postgres)\n"
            << "  --password PW          its password (default postgres)\n"
            << "  --users FILE           users instead of --user/--password: one per line,\n"
            << "                         `name secret [group,...]`, the secret plaintext, md5...\n"
            << "                         or SCRAM-SHA-256$... (examples/auth/users.txt)\n"
            << "  --hba FILE             pg_hba.conf rules instead of --auth: the first rule that\n"
            << "                         matches the connection picks the method\n"
            << "                         (examples/auth/pg_hba.conf; SIGHUP rereads both files)\n"
            << "  --tls-cert FILE        PEM certificate: enables TLS (SSLRequest and direct SSL)\n"
            << "  --tls-key FILE         PEM private key\n"
            << "  --tls-min-version V    TLSv1.2 (default) or TLSv1.3\n"
            << "  --tls-ciphers LIST     OpenSSL cipher list for TLS 1.2\n"
            << "  --tls-ciphersuites L   TLS 1.3 ciphersuites\n"
            << "  --tls-ca FILE          CA certificates that sign client certificates\n"
            << "  --tls-client-cert M    none | optional | required (default none); with\n"
            << "                         --auth cert the certificate's CN must be the user\n"
            << "                         (SIGHUP reloads the TLS files for new connections)\n"
            << "  --threads N            io threads (default 1)\n"
            << "  --max-connections N    refuse more sessions with 53300 (default 0: no limit)\n"
            << "  --auth-timeout S       seconds to log in (default 60)\n"
            << "  --idle-session-timeout S          end sessions idle this long (57P05; default 0: never)\n"
            << "  --idle-in-transaction-timeout S   end sessions idle in a transaction block (25P03)\n"
            << "  --log LEVEL            off (default) | debug | info | warning | error, to stderr\n"
            << "  --shutdown-grace S     on SIGTERM/SIGINT, seconds for running work before 57P01\n"
            << "                         (default 5; a second signal stops at once)\n"
            << extra_help << "  --help                 this text\n";
}

// Parses argv; `extra_keys` are example-specific options taking a value.
// "1.5" seconds -> 1500 ms; exits with status 2 on anything else.
inline std::chrono::milliseconds seconds_flag(const std::string& name, const std::string& text) {
  char* end = nullptr;
  double s = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(s >= 0) || s > 1e9) {
    std::cerr << name << " needs a number of seconds, not '" << text << "'\n";
    std::exit(2);
  }
  return std::chrono::milliseconds(static_cast<long long>(s * 1000));
}

inline std::size_t count_flag(const std::string& name, const std::string& text) {
  char* end = nullptr;
  unsigned long long n = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || text[0] == '-') {
    std::cerr << name << " needs a whole number, not '" << text << "'\n";
    std::exit(2);
  }
  return static_cast<std::size_t>(n);
}

inline Flags parse(int argc, char** argv, const std::string& what,
                   const std::vector<std::string>& extra_keys = {},
                   const std::string& extra_help = "") {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      usage(argv[0], what, extra_help);
      std::exit(0);
    } else if (a == "--listen") f.listen = value();
    else if (a == "--unix") f.unix_socket = value();
    else if (a == "--auth") f.auth = value();
    else if (a == "--user") f.user = value();
    else if (a == "--password") f.password = value();
    else if (a == "--hba") f.hba_file = value();
    else if (a == "--users") f.users_file = value();
    else if (a == "--tls-cert") f.tls_cert = value();
    else if (a == "--tls-key") f.tls_key = value();
    else if (a == "--tls-ca") f.tls_ca = value();
    else if (a == "--tls-client-cert") f.tls_client_cert = value();
    else if (a == "--tls-min-version") f.tls_min_version = value();
    else if (a == "--tls-ciphers") f.tls_ciphers = value();
    else if (a == "--tls-ciphersuites") f.tls_ciphersuites = value();
    else if (a == "--threads") f.threads = count_flag(a, value());
    else if (a == "--max-connections") f.max_connections = count_flag(a, value());
    else if (a == "--auth-timeout") f.auth_timeout = seconds_flag(a, value());
    else if (a == "--idle-session-timeout") f.idle_session_timeout = seconds_flag(a, value());
    else if (a == "--idle-in-transaction-timeout") f.idle_in_transaction_timeout = seconds_flag(a, value());
    else if (a == "--shutdown-grace") f.shutdown_grace = seconds_flag(a, value());
    else if (a == "--log") f.log = value();
    else {
      bool known = false;
      for (const auto& k : extra_keys)
        if (a == k) {
          f.extra.emplace_back(k, value());
          known = true;
        }
      if (!known) {
        std::cerr << "unknown option " << a << " (see --help)\n";
        std::exit(2);
      }
    }
  }
  return f;
}

inline std::string extra(const Flags& f, const std::string& key, std::string fallback = "") {
  for (const auto& [k, v] : f.extra)
    if (k == key) return v;
  return fallback;
}

// --replication-roles A,B: the roles that may open replication connections
// (PostgreSQL's REPLICATION attribute); without the flag, every role may
// (null). For pgwire::require_replication_role and ReplicationHub::Options.
inline std::function<bool(const pgwire::ClientInfo&)> replication_roles(const Flags& f) {
  bool given = false;
  for (const auto& [k, v] : f.extra) given = given || k == "--replication-roles";
  if (!given) return nullptr;
  std::set<std::string, std::less<>> roles;
  std::string list = extra(f, "--replication-roles");
  for (std::size_t at = 0; at <= list.size();) {
    auto comma = std::min(list.find(',', at), list.size());
    if (comma > at) roles.insert(list.substr(at, comma - at));
    at = comma + 1;
  }
  return [roles](const pgwire::ClientInfo& client) { return roles.count(client.user) > 0; };
}

// The policy made from --hba, kept for SIGHUP (serve()).
inline std::shared_ptr<pgwire::AuthPolicy>& hba_policy() {
  static std::shared_ptr<pgwire::AuthPolicy> policy;
  return policy;
}

// --users FILE, or the one --user/--password.
inline std::shared_ptr<pgwire::UserStore> user_store(const Flags& f) {
  if (!f.users_file.empty()) return pgwire::UserStore::load(f.users_file);
  auto users = std::make_shared<pgwire::UserStore>();
  users->add(f.user, f.password);
  return users;
}

// The same, or exit with status 2 and the file's line and reason (never a secret).
inline std::shared_ptr<pgwire::UserStore> user_store_or_exit(const Flags& f) {
  try {
    return user_store(f);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    std::exit(2);
  }
}

inline void reload_policy(const Flags& f) {
  auto rules = pgwire::AuthPolicy::load_rules(f.hba_file);
  hba_policy()->reload(std::move(rules), user_store(f));
}

inline std::shared_ptr<pgwire::StartupHandler> auth_handler(const Flags& f) {
  std::shared_ptr<pgwire::UserStore> source;
  try {
    source = user_store(f);
    if (!f.hba_file.empty()) {
      auto rules = pgwire::AuthPolicy::load_rules(f.hba_file);
      hba_policy() = std::make_shared<pgwire::AuthPolicy>(std::move(rules), source);
      return hba_policy();
    }
  } catch (const std::exception& e) {  // a bad file: its line and reason, never a secret
    std::cerr << e.what() << "\n";
    std::exit(2);
  }
  if (f.auth == "trust") return pgwire::make_trust_auth();
  if (f.auth == "cleartext") return pgwire::make_cleartext_auth(source);
  if (f.auth == "md5") return pgwire::make_md5_auth(source);
  if (f.auth == "scram") return pgwire::make_scram_auth(source);
  if (f.auth == "cert") return pgwire::make_cert_auth();
  std::cerr << "unknown --auth " << f.auth << "\n";
  std::exit(2);
}

// The library's log lines on stderr, one per line (docs/OPERATIONS.md shows
// how a product routes them to its own logging instead).
class StderrLogger final : public pgwire::Logger {
 public:
  explicit StderrLogger(pgwire::LogLevel least) : least_(least) {}
  bool enabled(pgwire::LogLevel level) const noexcept override { return level >= least_; }
  void write(pgwire::LogLevel level, std::string_view message) override {
    std::lock_guard lock(mutex_);
    std::cerr << pgwire::to_string(level) << ": " << message << std::endl;
  }

 private:
  pgwire::LogLevel least_;
  std::mutex mutex_;
};

inline std::shared_ptr<pgwire::Logger> logger(const Flags& f) {
  if (f.log == "off") return nullptr;
  for (auto level : {pgwire::LogLevel::debug, pgwire::LogLevel::info, pgwire::LogLevel::warning,
                     pgwire::LogLevel::error}) {
    std::string name = pgwire::to_string(level);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == f.log) return std::make_shared<StderrLogger>(level);
  }
  std::cerr << "unknown --log " << f.log << "\n";
  std::exit(2);
}

inline pgwire::TlsOptions tls_options(const Flags& f) {
  pgwire::TlsOptions t;
  t.cert_file = f.tls_cert;
  t.key_file = f.tls_key;
  t.min_protocol_version = f.tls_min_version;
  t.ciphers = f.tls_ciphers;
  t.ciphersuites = f.tls_ciphersuites;
  t.ca_file = f.tls_ca;
  using CC = pgwire::TlsOptions::ClientCertificates;
  if (f.tls_client_cert == "none") t.client_certificates = CC::none;
  else if (f.tls_client_cert == "optional") t.client_certificates = CC::optional;
  else if (f.tls_client_cert == "required") t.client_certificates = CC::required;
  else {
    std::cerr << "unknown --tls-client-cert " << f.tls_client_cert << "\n";
    std::exit(2);
  }
  return t;
}

inline pgwire::ServerOptions server_options(const Flags& f) {
  pgwire::ServerOptions o;
  o.listen = {f.listen};
  o.unix_socket = f.unix_socket;
  o.threads = f.threads;
  o.max_connections = f.max_connections;
  o.authentication_timeout = f.auth_timeout;
  o.idle_session_timeout = f.idle_session_timeout;
  o.idle_in_transaction_session_timeout = f.idle_in_transaction_timeout;
  o.logger = logger(f);
  if (!f.tls_cert.empty()) o.tls = tls_options(f);
  return o;
}

inline void announce(const pgwire::Server& server, const Flags& f) {
  auto ports = server.ports();
  auto host = f.listen.substr(0, f.listen.rfind(':'));
  std::cout << "listening on " << host << ":" << (ports.empty() ? 0 : ports[0]) << std::endl;
  std::cout << "connect with: psql \"host=" << host << " port=" << (ports.empty() ? 0 : ports[0])
            << " user=" << f.user << (f.tls_cert.empty() ? "" : " sslmode=require") << "\""
            << std::endl;
}

// Name of the thread that waits for SIGTERM/SIGINT (see serve()); the
// integration tests tell it apart from the io threads by this name.
inline constexpr const char* signal_thread_name = "example-signals";

// Prints "listening on" and serves until SIGTERM or SIGINT, then shuts the
// server down gracefully (Server::shutdown with --shutdown-grace: sessions
// end with 57P01 once their work is done, or at the grace's end); a second
// signal stops it at once. SIGHUP reloads the TLS files (for connections
// accepted from then on), as PostgreSQL does. Then joins its threads, destroys nothing early,
// and returns 0: a clean exit, so that a test can require status 0 after
// SIGTERM and LeakSanitizer checks the whole shutdown.
//
// The signals are blocked here, before any io thread exists, so every thread
// inherits the mask and only the waiting thread takes them (sigwait): nothing
// runs in a signal handler. Call before anything else starts threads.
inline int serve(pgwire::Server& server, const Flags& f) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  server.start();
  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    bool shutting_down = false;
    for (;;) {
      int sig = 0;
      sigwait(&stop_signals, &sig);
      if (finished.load()) return;  // run() returned
      if (sig == SIGHUP) {
        if (hba_policy()) {
          try {
            reload_policy(f);
            std::cout << "reloaded " << f.hba_file << std::endl;
          } catch (const std::exception& e) {
            std::cerr << "authentication files not reloaded, keeping the previous ones: " << e.what() << std::endl;
          }
        }
        if (f.tls_cert.empty()) continue;
        try {
          server.reload_tls(tls_options(f));
          std::cout << "reloaded TLS files" << std::endl;
        } catch (const std::exception& e) {
          std::cerr << "TLS reload failed, keeping the previous files: " << e.what() << std::endl;
        }
      } else if (!shutting_down) {
        shutting_down = true;
        server.shutdown(f.shutdown_grace);
      } else {
        server.stop();  // a second SIGTERM/SIGINT
        return;
      }
    }
  });
  // Named by this thread before "listening on" is printed, so a test that
  // saw that line sees the name too (naming inside the thread would race).
  pthread_setname_np(waiter.native_handle(), signal_thread_name);
  announce(server, f);
  int status = 0;
  try {
    server.run();
  } catch (const std::exception& e) {
    std::cerr << "server stopped: " << e.what() << "\n";
    status = 1;
  }
  // run() also returns when it fails: wake the waiter with the signal it waits for.
  finished.store(true);
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return status;
}

}  // namespace example
