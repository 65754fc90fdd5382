#pragma once
// The time zone database, as PostgreSQL's is: the TZif files of the
// system (/usr/share/zoneinfo, or $TZDIR), read once per zone and kept for
// the process. For x AT TIME ZONE 'Europe/Paris' (time_zones.hpp).
//
// - A zone name is looked up as PostgreSQL looks it up: case-insensitive
//   (europe/paris is Europe/Paris), made of letters, digits and _ + - /;
//   anything else (.., a leading /) is no zone, so a name never leaves the
//   database's directory.
// - Offsets come from the file's 64-bit transitions (TZif version 2 and
//   up); after the last one (2037 in Debian's files) the last offset holds.
// - A local time in a spring-forward gap takes the offset from before the
//   transition, an ambiguous one in a fall-back the offset from after it,
//   as PostgreSQL's DetermineTimeZoneOffset does: both read as standard
//   time.

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqlite_example::zone_database {

// The rule of a TZif file's footer, a POSIX TZ string ("CET-1CEST,M3.5.0,
// M10.5.0/3"): the offsets after the last transition, year after year.
struct PosixRule {
  struct When {
    char kind = 'M';          // M: month.week.day, J: day 1..365 without Feb 29, N: day 0..365
    int month = 0, week = 0, day = 0;
    std::int32_t time = 7200;  // seconds after local midnight (may be negative or past 24h)
  };
  std::int32_t standard = 0, daylight = 0;  // seconds east of UTC
  bool has_daylight = false;
  When start, end;

  std::int32_t offset_at_utc(std::int64_t utc) const {
    if (!has_daylight) return standard;
    std::int64_t year = civil_year((utc + standard) / 86400 - ((utc + standard) % 86400 < 0 ? 1 : 0));
    std::int64_t begins = instant(start, year) - standard, ends = instant(end, year) - daylight;
    bool in_daylight = begins < ends ? utc >= begins && utc < ends : !(utc >= ends && utc < begins);
    return in_daylight ? daylight : standard;
  }

  // Days since 1970 of a civil date, and back to its year (Howard Hinnant's algorithms).
  static std::int64_t days_from_civil(std::int64_t y, int m, int d) {
    y -= m <= 2;
    std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    std::int64_t yoe = y - era * 400;
    std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
  }
  static std::int64_t civil_year(std::int64_t days) {
    days += 719468;
    std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    std::int64_t doe = days - era * 146097;
    std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10 ? 1 : 0);
  }
  static bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

  // The local seconds since 1970 at which `w` falls in `year`.
  static std::int64_t instant(const When& w, std::int64_t year) {
    std::int64_t day = days_from_civil(year, 1, 1);
    if (w.kind == 'J') {
      day += w.day - 1 + (leap(year) && w.day >= 60 ? 1 : 0);
    } else if (w.kind == 'N') {
      day += w.day;
    } else {
      static constexpr int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      std::int64_t first = days_from_civil(year, w.month, 1);
      int weekday = static_cast<int>(((first % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
      std::int64_t date = 1 + (w.day - weekday + 7) % 7 + (w.week - 1) * 7;
      int length = lengths[w.month - 1] + (w.month == 2 && leap(year) ? 1 : 0);
      while (date > length) date -= 7;
      day = first + date - 1;
    }
    return day * 86400 + w.time;
  }

  // Reads a TZ string; nullopt for one it cannot read.
  static std::optional<PosixRule> parse(std::string_view tz) {
    std::size_t i = 0;
    auto name = [&] {
      if (i < tz.size() && tz[i] == '<') {
        auto close = tz.find('>', i);
        if (close == std::string_view::npos) return false;
        i = close + 1;
        return true;
      }
      std::size_t from = i;
      while (i < tz.size() && std::isalpha(static_cast<unsigned char>(tz[i]))) ++i;
      return i - from >= 3;
    };
    auto seconds = [&](std::int32_t& out) {  // [+-]h[h][:mm[:ss]]
      int sign = 1;
      if (i < tz.size() && (tz[i] == '+' || tz[i] == '-')) sign = tz[i++] == '-' ? -1 : 1;
      std::int32_t parts[3] = {0, 0, 0};
      for (int p = 0; p < 3; ++p) {
        if (p > 0) {
          if (i >= tz.size() || tz[i] != ':') break;
          ++i;
        }
        std::size_t from = i;
        while (i < tz.size() && std::isdigit(static_cast<unsigned char>(tz[i])) && i - from < 3)
          parts[p] = parts[p] * 10 + (tz[i++] - '0');
        if (i == from) return false;
      }
      out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
      return true;
    };
    auto number = [&](int& out) {
      std::size_t from = i;
      out = 0;
      while (i < tz.size() && std::isdigit(static_cast<unsigned char>(tz[i])) && i - from < 3) out = out * 10 + (tz[i++] - '0');
      return i > from;
    };
    auto when = [&](When& w) {
      if (i < tz.size() && tz[i] == 'M') {
        ++i;
        w.kind = 'M';
        if (!number(w.month) || i >= tz.size() || tz[i++] != '.' || !number(w.week) || i >= tz.size() ||
            tz[i++] != '.' || !number(w.day))
          return false;
        if (w.month < 1 || w.month > 12 || w.week < 1 || w.week > 5 || w.day > 6) return false;
      } else {
        w.kind = i < tz.size() && tz[i] == 'J' ? 'J' : 'N';
        if (w.kind == 'J') ++i;
        if (!number(w.day) || w.day > 365) return false;
      }
      if (i < tz.size() && tz[i] == '/') {
        ++i;
        return seconds(w.time);
      }
      return true;
    };
    PosixRule r;
    std::int32_t west = 0;
    if (!name() || !seconds(west)) return std::nullopt;
    r.standard = -west;
    if (i == tz.size()) return r;
    if (!name()) return std::nullopt;
    r.has_daylight = true;
    r.daylight = r.standard + 3600;
    if (i < tz.size() && tz[i] != ',') {
      if (!seconds(west)) return std::nullopt;
      r.daylight = -west;
    }
    if (i == tz.size()) {  // (no rule given: POSIX's default, the US rule since 2007)
      r.start = {'M', 3, 2, 0, 7200};
      r.end = {'M', 11, 1, 0, 7200};
      return r;
    }
    if (tz[i++] != ',' || !when(r.start) || i >= tz.size() || tz[i++] != ',' || !when(r.end) || i != tz.size())
      return std::nullopt;
    return r;
  }
};

struct Zone {
  std::vector<std::int64_t> transitions;  // seconds since 1970 (UTC), ascending
  std::vector<std::int32_t> offsets;      // seconds east of UTC from each transition on
  std::int32_t initial = 0;               // before the first transition
  std::optional<PosixRule> after;         // after the last transition (the footer), if the file has one

  std::int32_t offset_at_utc(std::int64_t utc) const {
    if (after && (transitions.empty() || utc >= transitions.back())) return after->offset_at_utc(utc);
    auto it = std::upper_bound(transitions.begin(), transitions.end(), utc);
    if (it == transitions.begin()) return initial;
    return offsets[static_cast<std::size_t>(it - transitions.begin() - 1)];
  }

  // The offset that makes `local` (seconds since 1970, local clock) a UTC time.
  std::int32_t offset_for_local(std::int64_t local) const {
    std::int32_t before = offset_at_utc(local - 86400), after = offset_at_utc(local + 86400);
    if (before == after) return offset_at_utc(local - before);
    bool before_fits = offset_at_utc(local - before) == before, after_fits = offset_at_utc(local - after) == after;
    if (before_fits && after_fits) return after;  // ambiguous: after the transition
    if (after_fits) return after;
    return before;  // before fits alone, or a gap: before the transition
  }
};

namespace detail {

inline std::int64_t be(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// A TZif file's zone; nullopt when it is not one.
inline std::optional<Zone> parse(const std::string& data) {
  const auto* d = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t size = data.size();
  auto header = [&](std::size_t at, std::size_t counts[6]) {
    if (at + 44 > size || data.compare(at, 4, "TZif") != 0) return false;
    for (int i = 0; i < 6; ++i) counts[i] = static_cast<std::size_t>(be(d + at + 20 + 4 * i, 4));
    return true;
  };
  // counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  std::size_t c[6];
  if (!header(0, c)) return std::nullopt;
  int time_bytes = 4;
  std::size_t at = 44;
  if (data[4] >= '2') {  // skip the 32-bit block for the 64-bit one
    at += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (!header(at, c)) return std::nullopt;
    at += 44;
    time_bytes = 8;
  }
  std::size_t timecnt = c[3], typecnt = c[4];
  if (typecnt == 0 || at + timecnt * (time_bytes + 1) + typecnt * 6 > size) return std::nullopt;
  Zone z;
  std::vector<std::int32_t> type_offsets(typecnt);
  std::vector<bool> type_dst(typecnt);
  const unsigned char* types = d + at + timecnt * time_bytes + timecnt;
  for (std::size_t t = 0; t < typecnt; ++t) {
    type_offsets[t] = static_cast<std::int32_t>(be(types + 6 * t, 4));
    type_dst[t] = types[6 * t + 4] != 0;
  }
  for (std::size_t i = 0; i < timecnt; ++i) {
    std::size_t type = d[at + timecnt * time_bytes + i];
    if (type >= typecnt) return std::nullopt;
    z.transitions.push_back(be(d + at + i * time_bytes, time_bytes));
    z.offsets.push_back(type_offsets[type]);
  }
  // The footer: "\n<TZ string>\n" after the 64-bit block.
  if (time_bytes == 8) {
    std::size_t end = at + timecnt * 9 + typecnt * 6 + c[5] + c[2] * 12 + c[1] + c[0];
    if (end < size && data[end] == '\n') {
      auto close = data.find('\n', end + 1);
      if (close != std::string::npos && close > end + 1)
        z.after = PosixRule::parse(std::string_view(data).substr(end + 1, close - end - 1));
    }
  }
  // Before the first transition: the first standard-time type (RFC 8536).
  z.initial = type_offsets[0];
  for (std::size_t t = 0; t < typecnt; ++t)
    if (!type_dst[t]) {
      z.initial = type_offsets[t];
      break;
    }
  return z;
}

inline bool safe_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '/' || name.back() == '/') return false;
  for (char ch : name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '+' || ch == '-' || ch == '/'))
      return false;
  return name.find("//") == std::string_view::npos && name.front() != '-';
}

// `name`'s file under `dir`, each component matched regardless of case.
inline std::optional<std::string> find_file(const std::string& dir, std::string_view name) {
  std::string path = dir;
  while (!name.empty()) {
    auto slash = name.find('/');
    std::string_view part = name.substr(0, slash);
    name = slash == std::string_view::npos ? std::string_view() : name.substr(slash + 1);
    DIR* listing = opendir(path.c_str());
    if (listing == nullptr) return std::nullopt;
    std::string found;
    while (dirent* e = readdir(listing)) {
      std::string_view entry(e->d_name);
      if (entry.size() == part.size() &&
          std::equal(entry.begin(), entry.end(), part.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          })) {
        found = std::string(entry);
        if (entry == part) break;  // (an exact match wins)
      }
    }
    closedir(listing);
    if (found.empty()) return std::nullopt;
    path += "/" + found;
  }
  return path;
}

}  // namespace detail

// The zone of that name; nullptr when the database has none.
inline std::shared_ptr<const Zone> find(std::string_view name) {
  if (!detail::safe_name(name)) return nullptr;
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Zone>, std::less<>> zones;  // (misses too: nullptr)
  std::string key(name);
  for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::lock_guard lock(mutex);
  if (auto it = zones.find(key); it != zones.end()) return it->second;
  std::shared_ptr<const Zone> zone;
  const char* dir = std::getenv("TZDIR");
  struct stat file {};
  auto path = detail::find_file(dir && *dir ? dir : "/usr/share/zoneinfo", name);
  if (path && stat(path->c_str(), &file) == 0 && S_ISREG(file.st_mode)) {  // (not a directory: Europe)
    std::ifstream in(*path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.size() <= (1 << 20))
      if (auto z = detail::parse(data)) zone = std::make_shared<const Zone>(std::move(*z));
  }
  if (zones.size() < 4096) zones.emplace(std::move(key), zone);  // (bounded: names come from clients)
  return zone;
}

}  // namespace sqlite_example::zone_database
