#include "zone_rules.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace pgwire::types_detail {

namespace {

// Days since 1970 of a civil date, and the year of such a day (Howard
// Hinnant's algorithms, proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

std::int64_t civil_year(std::int64_t days) {
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  std::int64_t doe = days - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The local seconds since 1970 at which `w` falls in `year`.
std::int64_t instant(const PosixRule::When& w, std::int64_t year) {
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

std::int64_t be(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

bool same_letters(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool safe_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '/' || name.back() == '/' || name.front() == '-')
    return false;
  for (char ch : name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '+' || ch == '-' || ch == '/'))
      return false;
  return name.find("//") == std::string_view::npos;
}

}  // namespace

bool PosixRule::daylight_at(std::int64_t utc) const noexcept {
  if (!has_daylight) return false;
  std::int64_t year = civil_year(floor_div(utc + standard, 86400));
  std::int64_t begins = instant(start, year) - standard, ends = instant(end, year) - daylight;
  return begins < ends ? utc >= begins && utc < ends : !(utc >= ends && utc < begins);
}

std::optional<PosixRule> PosixRule::parse(std::string_view tz) {
  std::size_t i = 0;
  auto name = [&](std::string& out) {
    if (i < tz.size() && tz[i] == '<') {
      auto close = tz.find('>', i);
      if (close == std::string_view::npos || close == i + 1) return false;
      out = std::string(tz.substr(i + 1, close - i - 1));
      i = close + 1;
      return true;
    }
    std::size_t from = i;
    while (i < tz.size() && std::isalpha(static_cast<unsigned char>(tz[i]))) ++i;
    out = std::string(tz.substr(from, i - from));
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
      if (i == from || (p > 0 && parts[p] > 59)) return false;
    }
    if (parts[0] > 167) return false;
    out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    return true;
  };
  auto number = [&](int& out) {
    std::size_t from = i;
    out = 0;
    while (i < tz.size() && std::isdigit(static_cast<unsigned char>(tz[i])) && i - from < 3)
      out = out * 10 + (tz[i++] - '0');
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
      if (!number(w.day) || w.day > 365 || (w.kind == 'J' && w.day < 1)) return false;
    }
    if (i < tz.size() && tz[i] == '/') {
      ++i;
      return seconds(w.time);
    }
    return true;
  };
  PosixRule r;
  std::int32_t west = 0;
  if (!name(r.standard_name) || !seconds(west)) return std::nullopt;
  r.standard = -west;
  if (i == tz.size()) return r;
  if (!name(r.daylight_name)) return std::nullopt;
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

const ZoneRules::Kind* ZoneRules::kind_at(std::int64_t utc) const noexcept {
  if (after && (transitions.empty() || utc >= transitions.back())) return nullptr;
  auto it = std::upper_bound(transitions.begin(), transitions.end(), utc);
  if (it == transitions.begin()) return &initial;
  return &kind_list[kinds[static_cast<std::size_t>(it - transitions.begin() - 1)]];
}

std::int32_t ZoneRules::offset_at(std::int64_t utc) const noexcept {
  const Kind* k = kind_at(utc);
  return k ? k->offset : after->offset_at(utc);
}

std::string_view ZoneRules::abbreviation_at(std::int64_t utc) const noexcept {
  const Kind* k = kind_at(utc);
  if (k) return k->abbreviation;
  return after->daylight_at(utc) ? after->daylight_name : after->standard_name;
}

std::int32_t ZoneRules::offset_for_local(std::int64_t local) const noexcept {
  std::int32_t before = offset_at(local - 86400), later = offset_at(local + 86400);
  if (before == later) return offset_at(local - before);
  // An overlap (both fit) reads as after the change; a gap (neither fits)
  // takes the offset of before it.
  if (offset_at(local - later) == later) return later;
  return before;
}

std::optional<ZoneRules> ZoneRules::from_tzif(std::string_view data) {
  const auto* d = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t size = data.size();
  // counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  auto header = [&](std::size_t at, std::size_t counts[6]) {
    if (at + 44 > size || data.compare(at, 4, "TZif") != 0) return false;
    for (int i = 0; i < 6; ++i) counts[i] = static_cast<std::size_t>(be(d + at + 20 + 4 * i, 4));
    return counts[3] <= size && counts[4] <= 256 && counts[5] <= size && counts[2] <= size && counts[1] <= size &&
           counts[0] <= size;
  };
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
  std::size_t timecnt = c[3], typecnt = c[4], charcnt = c[5];
  std::size_t types_at = at + timecnt * (time_bytes + 1), chars_at = types_at + typecnt * 6;
  if (typecnt == 0 || chars_at + charcnt > size) return std::nullopt;
  ZoneRules z;
  std::vector<bool> daylight(typecnt);
  std::string_view chars = data.substr(chars_at, charcnt);
  for (std::size_t t = 0; t < typecnt; ++t) {
    const unsigned char* type = d + types_at + 6 * t;
    Kind k;
    k.offset = static_cast<std::int32_t>(be(type, 4));
    daylight[t] = type[4] != 0;
    if (type[5] < charcnt) {
      std::string_view a = chars.substr(type[5]);
      k.abbreviation = std::string(a.substr(0, a.find('\0')));
    }
    z.kind_list.push_back(std::move(k));
  }
  for (std::size_t i = 0; i < timecnt; ++i) {
    std::size_t type = d[at + timecnt * time_bytes + i];
    if (type >= typecnt) return std::nullopt;
    z.transitions.push_back(be(d + at + i * time_bytes, time_bytes));
    z.kinds.push_back(static_cast<std::uint8_t>(type));
  }
  if (!std::is_sorted(z.transitions.begin(), z.transitions.end())) return std::nullopt;
  // The footer: "\n<TZ string>\n" after the 64-bit block.
  if (time_bytes == 8) {
    std::size_t end = chars_at + charcnt + c[2] * 12 + c[1] + c[0];
    if (end < size && data[end] == '\n') {
      auto close = data.find('\n', end + 1);
      if (close != std::string_view::npos && close > end + 1) z.after = PosixRule::parse(data.substr(end + 1, close - end - 1));
    }
  }
  // Before the first transition: the first standard-time type (RFC 8536).
  z.initial = z.kind_list[0];
  for (std::size_t t = 0; t < typecnt; ++t)
    if (!daylight[t]) {
      z.initial = z.kind_list[t];
      break;
    }
  return z;
}

ZoneRules ZoneRules::from_posix(PosixRule rule) {
  ZoneRules z;
  z.initial = {rule.standard, rule.standard_name};
  z.after = std::move(rule);
  return z;
}

std::optional<ZoneFile> find_zone_file(std::string_view name) {
  if (!safe_name(name)) return std::nullopt;
  const char* dir = std::getenv("TZDIR");
  ZoneFile out{dir && *dir ? dir : "/usr/share/zoneinfo", {}};
  while (!name.empty()) {
    auto slash = name.find('/');
    std::string_view part = name.substr(0, slash);
    name = slash == std::string_view::npos ? std::string_view() : name.substr(slash + 1);
    DIR* listing = opendir(out.path.c_str());
    if (listing == nullptr) return std::nullopt;
    std::string found;
    while (dirent* e = readdir(listing)) {
      std::string_view entry(e->d_name);
      if (same_letters(entry, part)) {
        found = std::string(entry);
        if (entry == part) break;  // (an exact match wins)
      }
    }
    closedir(listing);
    if (found.empty()) return std::nullopt;
    out.path += "/" + found;
    out.name += (out.name.empty() ? "" : "/") + found;
  }
  struct stat file {};
  if (stat(out.path.c_str(), &file) != 0 || !S_ISREG(file.st_mode)) return std::nullopt;  // (Europe: a directory)
  return out;
}

}  // namespace pgwire::types_detail
