#include "pgwire/types/time_zone.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "zone_rules.hpp"

namespace pgwire {

using types_detail::ZoneRules;

namespace {

// PostgreSQL's name of a fixed offset: <+HH[:MM[:SS]]>-HH[:MM[:SS]] for one east of Greenwich.
std::string fixed_name(std::int32_t seconds_east) {
  std::int32_t a = seconds_east < 0 ? -seconds_east : seconds_east;
  std::string hhmmss = fmt::format("{:02}", a / 3600);
  if (a % 3600 != 0) hhmmss += fmt::format(":{:02}", a / 60 % 60);
  if (a % 60 != 0) hhmmss += fmt::format(":{:02}", a % 60);
  bool west = seconds_east < 0;
  return "<" + std::string(west ? "-" : "+") + hhmmss + ">" + (west ? "+" : "-") + hhmmss;
}

std::shared_ptr<const TimeZone> make_fixed(std::string name, std::int32_t seconds_east, std::string abbreviation) {
  types_detail::PosixRule rule;
  rule.standard = seconds_east;
  rule.standard_name = std::move(abbreviation);
  return std::make_shared<const TimeZone>(std::move(name),
                                          std::make_shared<const ZoneRules>(ZoneRules::from_posix(std::move(rule))));
}

std::shared_ptr<const TimeZone> from_database(std::string_view name) {
  auto file = types_detail::find_zone_file(name);
  if (!file) return nullptr;
  std::ifstream in(file->path, std::ios::binary);
  std::string data;
  data.reserve(4096);
  char chunk[4096];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    data.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (data.size() > (1 << 20)) return nullptr;  // (no zone file is near this)
  }
  auto rules = ZoneRules::from_tzif(data);
  if (!rules) return nullptr;
  return std::make_shared<const TimeZone>(file->name, std::make_shared<const ZoneRules>(std::move(*rules)));
}

// Zones looked up by the text that named them (misses too), bounded: the
// texts come from clients. Past the bound a zone is made anew each time.
template <class Make>
std::shared_ptr<const TimeZone> cached(char kind, std::string_view text, Make make) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> zones;
  std::string key = kind + std::string(text);
  {
    std::lock_guard lock(mutex);
    if (auto it = zones.find(key); it != zones.end()) return it->second;
  }
  auto zone = make();
  std::lock_guard lock(mutex);
  if (zones.size() < 2048) zones.emplace(std::move(key), zone);
  return zone;
}

}  // namespace

TimeZone::TimeZone(std::string name, std::shared_ptr<const ZoneRules> rules)
    : name_(std::move(name)), rules_(std::move(rules)) {
  utc_ = rules_->transitions.empty() && rules_->initial.offset == 0 &&
         (!rules_->after || (!rules_->after->has_daylight && rules_->after->standard == 0));
}

std::shared_ptr<const TimeZone> TimeZone::utc() {
  static const auto zone = make_fixed("UTC", 0, "UTC");
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::fixed(std::int32_t seconds_east) {
  return cached('f', std::to_string(seconds_east), [&] {
    std::string name = fixed_name(seconds_east);
    std::string abbreviation = name.substr(1, name.find('>') - 1);
    return make_fixed(std::move(name), seconds_east, std::move(abbreviation));
  });
}

std::shared_ptr<const TimeZone> TimeZone::named(std::string_view name) {
  return cached('n', name, [&]() -> std::shared_ptr<const TimeZone> {
    if (auto zone = from_database(name)) return zone;
    // Without a database (no tzdata), UTC still is one.
    if (name.size() == 3 && (std::tolower(static_cast<unsigned char>(name[0])) == 'u' ||
                             std::tolower(static_cast<unsigned char>(name[0])) == 'g')) {
      std::string upper;
      for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (upper == "UTC" || upper == "GMT") return make_fixed(upper, 0, upper);
    }
    return nullptr;
  });
}

std::shared_ptr<const TimeZone> TimeZone::find(std::string_view setting) {
  // A number: hours east of Greenwich (as PostgreSQL's check_timezone reads it).
  std::string text(setting);
  char* end = nullptr;
  double hours = std::strtod(text.c_str(), &end);
  if (!text.empty() && end == text.c_str() + text.size()) {
    if (!std::isfinite(hours) || std::fabs(hours) >= 168) return nullptr;  // (PostgreSQL's bound: a week)
    return fixed(static_cast<std::int32_t>(std::lround(hours * 3600)));
  }
  if (auto zone = named(setting)) return zone;
  return cached('p', setting, [&]() -> std::shared_ptr<const TimeZone> {
    auto rule = types_detail::PosixRule::parse(setting);
    if (!rule || rule->standard_name.empty()) return nullptr;
    return std::make_shared<const TimeZone>(std::string(setting),
                                            std::make_shared<const ZoneRules>(ZoneRules::from_posix(std::move(*rule))));
  });
}

std::int32_t TimeZone::offset_at(std::int64_t unix_seconds) const noexcept {
  return utc_ ? 0 : rules_->offset_at(unix_seconds);
}

std::string_view TimeZone::abbreviation_at(std::int64_t unix_seconds) const noexcept {
  return rules_->abbreviation_at(unix_seconds);
}

std::int32_t TimeZone::offset_for_local(std::int64_t local_seconds) const noexcept {
  return utc_ ? 0 : rules_->offset_for_local(local_seconds);
}

}  // namespace pgwire
