#include "pgwire/auth/saslprep.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>
#include <vector>

namespace pgwire::auth {
namespace detail {

struct CodeRange {
  char32_t first, last;
};
struct ClassRange {
  char32_t first, last;
  std::uint8_t ccc;
};
struct DecompRun {
  char32_t first;
  std::uint16_t count;
  char32_t target;
  std::uint8_t flags;
};
struct DecompMulti {
  char32_t cp;
  std::uint16_t offset;
  std::uint8_t length;
  std::uint8_t flags;
};

#include "saslprep_tables.inc"

}  // namespace detail

namespace {

using namespace detail;

template <std::size_t N>
bool in_table(char32_t c, const CodeRange (&table)[N]) noexcept {
  auto it = std::upper_bound(std::begin(table), std::end(table), c,
                             [](char32_t v, const CodeRange& r) { return v < r.first; });
  return it != std::begin(table) && c <= std::prev(it)->last;
}

std::uint8_t combining_class(char32_t c) noexcept {
  auto it = std::upper_bound(std::begin(kCombiningClass), std::end(kCombiningClass), c,
                             [](char32_t v, const ClassRange& r) { return v < r.first; });
  if (it == std::begin(kCombiningClass) || c > std::prev(it)->last) return 0;
  return std::prev(it)->ccc;
}

// Hangul syllables (Unicode section 3.12), decomposed and composed by rule.
constexpr char32_t s_base = 0xAC00, l_base = 0x1100, v_base = 0x1161, t_base = 0x11A7;
constexpr char32_t l_count = 19, v_count = 21, t_count = 28;
constexpr char32_t n_count = v_count * t_count, s_count = l_count * n_count;

// Appends the full compatibility decomposition of c (NFKD, not yet reordered).
void decompose(char32_t c, std::vector<char32_t>& out) {
  if (c >= s_base && c < s_base + s_count) {
    char32_t s = c - s_base;
    out.push_back(l_base + s / n_count);
    out.push_back(v_base + (s % n_count) / t_count);
    if (s % t_count != 0) out.push_back(t_base + s % t_count);
    return;
  }
  auto run = std::upper_bound(std::begin(kDecompRuns), std::end(kDecompRuns), c,
                              [](char32_t v, const DecompRun& r) { return v < r.first; });
  if (run != std::begin(kDecompRuns)) {
    const DecompRun& r = *std::prev(run);
    if (c - r.first < r.count) {
      decompose(r.target + (c - r.first), out);
      return;
    }
  }
  auto m = std::lower_bound(std::begin(kDecompMulti), std::end(kDecompMulti), c,
                            [](const DecompMulti& e, char32_t v) { return e.cp < v; });
  if (m != std::end(kDecompMulti) && m->cp == c) {
    for (std::size_t i = 0; i < m->length; ++i) decompose(kDecompPool[m->offset + i], out);
    return;
  }
  out.push_back(c);
}

// The primary composite of a + b, or 0.
char32_t compose(char32_t a, char32_t b) noexcept {
  if (a >= l_base && a < l_base + l_count && b >= v_base && b < v_base + v_count)
    return s_base + ((a - l_base) * v_count + (b - v_base)) * t_count;
  if (a >= s_base && a < s_base + s_count && (a - s_base) % t_count == 0 && b > t_base &&
      b < t_base + t_count)
    return a + (b - t_base);
  auto key = [](std::uint16_t i) {
    const DecompMulti& e = kDecompMulti[i];
    return std::pair{kDecompPool[e.offset], kDecompPool[e.offset + 1]};
  };
  auto it = std::lower_bound(std::begin(kCompositions), std::end(kCompositions), std::pair{a, b},
                             [&](std::uint16_t i, const std::pair<char32_t, char32_t>& v) {
                               return key(i) < v;
                             });
  if (it != std::end(kCompositions) && key(*it) == std::pair{a, b}) return kDecompMulti[*it].cp;
  return 0;
}

std::vector<char32_t> nfkc(const std::vector<char32_t>& in) {
  std::vector<char32_t> d;
  d.reserve(in.size() * 2);
  for (char32_t c : in) decompose(c, d);
  // Canonical ordering: stable sort of each run of non-starters by class.
  for (std::size_t i = 0; i < d.size();) {
    if (combining_class(d[i]) == 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < d.size() && combining_class(d[j]) != 0) ++j;
    std::stable_sort(d.begin() + static_cast<std::ptrdiff_t>(i),
                     d.begin() + static_cast<std::ptrdiff_t>(j),
                     [](char32_t x, char32_t y) { return combining_class(x) < combining_class(y); });
    i = j;
  }
  // Canonical composition: each character combines with the last starter
  // unless blocked by a character in between of class 0 or >= its own.
  std::vector<char32_t> out;
  out.reserve(d.size());
  std::size_t starter = SIZE_MAX;
  int last_class = -1;  // class of the last character kept after the starter
  for (char32_t c : d) {
    int cls = combining_class(c);
    if (starter != SIZE_MAX && (last_class == -1 || (last_class != 0 && last_class < cls))) {
      if (char32_t comp = compose(out[starter], c)) {
        out[starter] = comp;
        continue;
      }
    }
    if (cls == 0) {
      starter = out.size();
      last_class = -1;
    } else {
      last_class = cls;
    }
    out.push_back(c);
  }
  return out;
}

// Strict UTF-8 decoding (PostgreSQL's pg_utf8_islegal rules).
bool decode_utf8(std::string_view s, std::vector<char32_t>& out) {
  for (std::size_t i = 0; i < s.size();) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (c < 0x80) {
      out.push_back(c);
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2, cp = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, cp = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, cp = c & 0x07u, min = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((b(i + k) & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b(i + k) & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    out.push_back(cp);
    i += len;
  }
  return true;
}

void encode_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

SaslprepResult saslprep(std::string_view input) {
  SaslprepResult r;
  if (std::all_of(input.begin(), input.end(), [](char c) { return (c & 0x80) == 0; })) {
    r.output.assign(input);
    return r;
  }
  std::vector<char32_t> chars;
  chars.reserve(input.size());
  if (!decode_utf8(input, chars)) {
    r.status = SaslprepStatus::invalid_utf8;
    return r;
  }
  // 1. Map.
  std::vector<char32_t> mapped;
  mapped.reserve(chars.size());
  for (char32_t c : chars) {
    if (in_table(c, kMapToSpace))
      mapped.push_back(U' ');
    else if (!in_table(c, kMapToNothing))
      mapped.push_back(c);
  }
  auto prohibited = [&] {
    r.status = SaslprepStatus::prohibited;
    return r;
  };
  if (mapped.empty()) return prohibited();
  // 3. Prohibit (on the mapped string, as PostgreSQL).
  for (char32_t c : mapped)
    if (in_table(c, kProhibited)) return prohibited();
  // 4. Bidi.
  if (std::any_of(mapped.begin(), mapped.end(), [](char32_t c) { return in_table(c, kRandALCat); })) {
    if (std::any_of(mapped.begin(), mapped.end(), [](char32_t c) { return in_table(c, kLCat); }))
      return prohibited();
    if (!in_table(mapped.front(), kRandALCat) || !in_table(mapped.back(), kRandALCat))
      return prohibited();
  }
  // 2. Normalise.
  for (char32_t c : nfkc(mapped)) encode_utf8(c, r.output);
  return r;
}

std::string scram_prepare_password(std::string_view password) {
  SaslprepResult r = saslprep(password);
  if (r.status == SaslprepStatus::success) return std::move(r.output);
  return std::string(password);
}

}  // namespace pgwire::auth
