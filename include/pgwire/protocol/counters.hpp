#pragma once
// Counters of a server's traffic that a product can read or export
// (docs/OPERATIONS.md): plain relaxed atomics, added to once per socket
// write or read, never per row. OutputTally derives the message counts from
// the bytes a session writes, so no rule of the session machine has to
// count anything.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace pgwire {

struct Counters {
  using Count = std::atomic<std::uint64_t>;
  Count connections_open{0};       // sessions now open (accepted, not yet closed)
  Count connections_total{0};      // sessions accepted since start
  Count connections_refused{0};    // beyond max_connections (53300)
  Count authentications_failed{0};  // the StartupHandler refused, or authentication_timeout
  Count statements{0};             // statements completed (CommandComplete sent)
  Count errors{0};                 // ErrorResponse sent (ERROR and FATAL)
  Count bytes_in{0};               // read from clients (TLS: decrypted bytes)
  Count bytes_out{0};              // written to clients
  Count copy_rows_in{0};           // rows of COPY FROM STDIN completed ("COPY n")
  Count copy_rows_out{0};          // rows of COPY TO STDOUT completed

  // ErrorResponse sent by SQLSTATE class (its first two characters, "42"
  // for 42601); 0 for a malformed class.
  std::uint64_t errors_in_class(std::string_view sqlstate_class) const noexcept;
  // Calls f(class, count) for each class with a count, in order.
  template <class F>
  void for_each_error_class(F&& f) const {
    for (std::size_t i = 0; i < by_class_.size(); ++i)
      if (auto n = by_class_[i].load(std::memory_order_relaxed)) f(class_name(i), n);
  }

  // For the driver.
  void add_error(std::string_view sqlstate) noexcept;

 private:
  static constexpr std::size_t symbols = 36;  // SQLSTATE characters: 0-9, A-Z
  static int index(std::string_view sqlstate_class) noexcept;
  static std::string class_name(std::size_t index);
  std::array<Count, symbols * symbols> by_class_{};
};

namespace protocol {

// Reads what one session writes (whole backend messages, after the
// one-byte SSL/GSS answers of the negotiation) and adds it to Counters.
// Keeps the little state that spans writes: the direction of the COPY under
// way, and the SQLSTATE of the last FATAL (why the session ended).
class OutputTally {
 public:
  void written(std::string_view bytes, Counters& counters);
  // The SQLSTATE of the FATAL this session sent, if any.
  const std::string& fatal_sqlstate() const noexcept { return fatal_; }

 private:
  char copy_ = 0;  // 'G' copy-in, 'H' copy-out, 0 none
  std::string fatal_;
};

}  // namespace protocol
}  // namespace pgwire
