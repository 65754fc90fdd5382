#pragma once
// PostgreSQL's ordered-set aggregates, which SQLite has no WITHIN GROUP
// syntax for. The dialect (rewrite_calls, expressions.hpp) turns
//   percentile_cont(f) WITHIN GROUP (ORDER BY x [DESC])  into pgwire_percentile_cont(f, x, desc)
//   percentile_disc(f) WITHIN GROUP (ORDER BY x [DESC])  into pgwire_percentile_disc(f, x, desc)
//   mode() WITHIN GROUP (ORDER BY x [DESC])              into pgwire_mode(x, desc)
// Each keeps the group's non-NULL values and sorts them at the end:
// percentile_cont interpolates between the two values around f, as a
// double; percentile_disc gives the first value whose position reaches f;
// mode the most frequent value, the first in the order among equals.
// Values compare as numbers when both are (numeric's decimal texts
// exactly, numeric_text.hpp), else as text.

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "array_functions.hpp"
#include "errors.hpp"
#include "numeric_text.hpp"

namespace sqlite_example::ordered_set_aggregates {

struct State {
  std::vector<sqlite3_value*> values;  // (sqlite3_value_dup copies)
  double fraction = 0;
  bool descending = false, fraction_set = false, failed = false;
};

inline State* state_of(sqlite3_context* ctx, bool create) {
  auto** slot = static_cast<State**>(sqlite3_aggregate_context(ctx, create ? sizeof(State*) : 0));
  if (slot == nullptr) return nullptr;
  if (*slot == nullptr && create) *slot = new State();
  return *slot;
}

// (a NULL or a failed conversion reads as empty)
using array_functions::text_of;

// -1, 0, 1.
inline int compare(sqlite3_value* a, sqlite3_value* b) {
  int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
  bool na = ta == SQLITE_INTEGER || ta == SQLITE_FLOAT, nb = tb == SQLITE_INTEGER || tb == SQLITE_FLOAT;
  if (na && nb) {
    double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  std::string_view x = text_of(a), y = text_of(b);
  auto dx = numeric_text::parse(x), dy = numeric_text::parse(y);
  if (dx.kind == numeric_text::Decimal::finite && dy.kind == numeric_text::Decimal::finite)
    return numeric_text::compare(dx, dy, x, y);
  int c = x.compare(y);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// step(fraction, x, desc) or, for mode, step(x, desc).
template <bool WithFraction>
void step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  State* s = state_of(ctx, true);
  if (s == nullptr) return sqlite3_result_error_nomem(ctx);
  sqlite3_value* x = argv[WithFraction ? 1 : 0];
  s->descending = sqlite3_value_int(argv[WithFraction ? 2 : 1]) != 0;
  if (WithFraction && !s->fraction_set) {
    s->fraction_set = true;
    s->fraction = sqlite3_value_double(argv[0]);
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || !(s->fraction >= 0 && s->fraction <= 1)) s->failed = true;
  }
  if (sqlite3_value_type(x) == SQLITE_NULL) return;
  sqlite3_value* copy = sqlite3_value_dup(x);
  if (copy == nullptr) return sqlite3_result_error_nomem(ctx);
  s->values.push_back(copy);
}

// Which: 0 percentile_cont, 1 percentile_disc, 2 mode.
template <int Which>
void final(sqlite3_context* ctx) {
  State* s = state_of(ctx, false);
  if (s == nullptr) return sqlite3_result_null(ctx);
  struct Free {
    State* s;
    ~Free() {
      for (auto* v : s->values) sqlite3_value_free(v);
      delete s;
    }
  } release{s};
  if (s->failed) {
    char f[32];
    std::snprintf(f, sizeof f, "%.15g", s->fraction);
    return sqlite3_result_error(ctx, function_error("22003", "percentile value " + std::string(f) + " is not between 0 and 1").c_str(),
                                -1);
  }
  auto& v = s->values;
  if (v.empty()) return sqlite3_result_null(ctx);
  bool desc = s->descending;
  std::stable_sort(v.begin(), v.end(), [desc](sqlite3_value* a, sqlite3_value* b) {
    int c = compare(a, b);
    return desc ? c > 0 : c < 0;
  });
  double n = static_cast<double>(v.size());
  if (Which == 0) {
    double at = s->fraction * (n - 1);
    auto first = static_cast<std::size_t>(std::floor(at)), second = static_cast<std::size_t>(std::ceil(at));
    double lo = sqlite3_value_double(v[first]), hi = sqlite3_value_double(v[second]);
    return sqlite3_result_double(ctx, first == second ? lo : lo + (hi - lo) * (at - static_cast<double>(first)));
  }
  if (Which == 1) {
    double at = std::ceil(s->fraction * n) - 1;
    auto index = static_cast<std::size_t>(std::max(0.0, at));
    return sqlite3_result_value(ctx, v[std::min(index, v.size() - 1)]);
  }
  std::size_t best = 0, best_count = 0;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i + 1;
    while (j < v.size() && compare(v[i], v[j]) == 0) ++j;
    if (j - i > best_count) best = i, best_count = j - i;
    i = j;
  }
  sqlite3_result_value(ctx, v[best]);
}

inline void register_all(sqlite3* db) {
  constexpr int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS;
  sqlite3_create_function_v2(db, "pgwire_percentile_cont", 3, flags, nullptr, nullptr, &step<true>, &final<0>, nullptr);
  sqlite3_create_function_v2(db, "pgwire_percentile_disc", 3, flags, nullptr, nullptr, &step<true>, &final<1>, nullptr);
  sqlite3_create_function_v2(db, "pgwire_mode", 2, flags, nullptr, nullptr, &step<false>, &final<2>, nullptr);
}

}  // namespace sqlite_example::ordered_set_aggregates
