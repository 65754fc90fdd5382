#include "time_zone_offsets.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>


#include "pgwire/codec/error_info.hpp"
#include "pgwire/types/time_zone.hpp"

namespace pgwire::api_detail {

namespace {

// PostgreSQL's name of an offset east of Greenwich: <+HH[:MM[:SS]]>-HH[:MM[:SS]].
std::string posix_zone(long seconds_east) { return TimeZone::fixed(static_cast<std::int32_t>(seconds_east))->name(); }

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

constexpr long max_offset = 168 * 3600 - 1;  // (PostgreSQL's bound: under a week)

}  // namespace

std::optional<std::string> zone_of_hours(std::string_view hours) {
  std::string text(hours);
  char* end = nullptr;
  double h = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(h)) return std::nullopt;
  long seconds = std::lround(h * 3600);
  if (std::labs(seconds) > max_offset) return std::nullopt;
  return posix_zone(seconds);
}

std::optional<std::string> zone_of_interval(std::string_view interval) {
  auto refuse = [&](const char* detail) {
    ErrorInfo e = ErrorInfo::error("22023", "invalid value for parameter \"TimeZone\": \"INTERVAL '" +
                                                std::string(interval) + "'\"");
    e.detail = detail;
    return PgError(std::move(e));
  };
  std::string s;
  for (char c : interval)
    if (!std::isspace(static_cast<unsigned char>(c)) || (!s.empty() && s.back() != ' ')) s += c == '\t' ? ' ' : c;
  while (!s.empty() && s.back() == ' ') s.pop_back();
  int sign = 1;
  std::string_view rest = s;
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    sign = rest[0] == '-' ? -1 : 1;
    rest.remove_prefix(1);
  }
  long seconds = 0;
  if (rest.find(':') != std::string_view::npos) {  // HH:MM[:SS]
    long parts[3] = {0, 0, 0};
    int n = 0;
    while (n < 3) {
      auto colon = rest.find(':');
      auto part = rest.substr(0, colon);
      if (!digits(part)) return std::nullopt;
      parts[n++] = std::atol(std::string(part).c_str());
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
      if (n == 3) return std::nullopt;
    }
    seconds = parts[0] * 3600 + parts[1] * 60 + parts[2];
  } else {  // quantities: 1 hour 30 minutes
    bool any = false;
    while (!rest.empty()) {
      auto space = rest.find(' ');
      if (space == std::string_view::npos) return std::nullopt;
      std::string number(rest.substr(0, space));
      rest.remove_prefix(space + 1);
      auto next = rest.find(' ');
      std::string unit(rest.substr(0, next));
      rest.remove_prefix(next == std::string_view::npos ? rest.size() : next + 1);
      for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!unit.empty() && unit.back() == 's') unit.pop_back();
      bool negative = !number.empty() && number[0] == '-';
      if (!digits(negative || (!number.empty() && number[0] == '+') ? number.substr(1) : number)) return std::nullopt;
      long q = std::atol(number.c_str());
      if (unit == "day" || unit == "week" || unit == "month" || unit == "year") {
        throw refuse(unit == "day" || unit == "week" ? "Cannot specify days in time zone interval."
                                                     : "Cannot specify months in time zone interval.");
      }
      if (unit == "hour") {
        seconds += q * 3600;
      } else if (unit == "minute" || unit == "min") {
        seconds += q * 60;
      } else if (unit == "second" || unit == "sec") {
        seconds += q;
      } else {
        return std::nullopt;
      }
      any = true;
    }
    if (!any) return std::nullopt;
  }
  seconds *= sign;
  if (std::labs(seconds) > max_offset) return std::nullopt;
  return posix_zone(seconds);
}

}  // namespace pgwire::api_detail
