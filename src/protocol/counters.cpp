// Counters and the tally of a session's output (counters.hpp).

#include "pgwire/protocol/counters.hpp"

#include <charconv>
#include <cstring>

namespace pgwire {

namespace {

int symbol(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return 10 + (c - 'A');
  return -1;
}

std::uint32_t read_length(const char* p) noexcept {
  return (std::uint32_t(static_cast<unsigned char>(p[0])) << 24) |
         (std::uint32_t(static_cast<unsigned char>(p[1])) << 16) |
         (std::uint32_t(static_cast<unsigned char>(p[2])) << 8) | std::uint32_t(static_cast<unsigned char>(p[3]));
}

// The value of one field of an ErrorResponse body ('C' SQLSTATE, 'V' severity).
std::string_view error_field(std::string_view body, char code) noexcept {
  while (!body.empty() && body[0] != '\0') {
    char type = body[0];
    body.remove_prefix(1);
    auto end = body.find('\0');
    if (end == std::string_view::npos) return {};
    if (type == code) return body.substr(0, end);
    body.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace

int Counters::index(std::string_view cls) noexcept {
  if (cls.size() < 2) return -1;
  int a = symbol(cls[0]), b = symbol(cls[1]);
  if (a < 0 || b < 0) return -1;
  return a * static_cast<int>(symbols) + b;
}

std::string Counters::class_name(std::size_t i) {
  const char* digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return {digits[i / symbols], digits[i % symbols]};
}

std::uint64_t Counters::errors_in_class(std::string_view cls) const noexcept {
  int i = index(cls);
  return i < 0 ? 0 : by_class_[static_cast<std::size_t>(i)].load(std::memory_order_relaxed);
}

void Counters::add_error(std::string_view sqlstate) noexcept {
  errors.fetch_add(1, std::memory_order_relaxed);
  int i = index(sqlstate);
  if (i >= 0) by_class_[static_cast<std::size_t>(i)].fetch_add(1, std::memory_order_relaxed);
}

namespace protocol {

void OutputTally::written(std::string_view bytes, Counters& counters) {
  counters.bytes_out.fetch_add(bytes.size(), std::memory_order_relaxed);
  // Every write but the one-byte answers to SSLRequest / GSSENCRequest is
  // whole messages: a type byte and a length.
  if (bytes.size() < 5) return;
  std::uint64_t statements = 0;
  while (bytes.size() >= 5) {
    char type = bytes[0];
    std::uint32_t length = read_length(bytes.data() + 1);
    if (length < 4 || length - 4 > bytes.size() - 5) break;  // not ours to judge: stop counting
    std::string_view body = bytes.substr(5, length - 4);
    bytes.remove_prefix(1 + length);
    switch (type) {
      case 'C': {
        ++statements;
        // "COPY n" ends a COPY; its direction came earlier (G or H).
        if (copy_ && body.size() > 5 && body.substr(0, 5) == "COPY ") {
          std::uint64_t rows = 0;
          std::from_chars(body.data() + 5, body.data() + body.size(), rows);
          (copy_ == 'G' ? counters.copy_rows_in : counters.copy_rows_out)
              .fetch_add(rows, std::memory_order_relaxed);
        }
        copy_ = 0;
        break;
      }
      case 'G':
      case 'H':
        copy_ = type;
        break;
      case 'E': {
        std::string_view code = error_field(body, 'C');
        counters.add_error(code);
        std::string_view severity = error_field(body, 'V');
        if (severity == "FATAL" || severity == "PANIC") fatal_.assign(code);
        copy_ = 0;
        break;
      }
      default:
        break;
    }
  }
  if (statements) counters.statements.fetch_add(statements, std::memory_order_relaxed);
}

}  // namespace protocol
}  // namespace pgwire
