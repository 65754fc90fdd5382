#include "pgwire/protocol/session.hpp"

#include <algorithm>
#include <cctype>

namespace pgwire {

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const noexcept {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    int x = std::tolower(static_cast<unsigned char>(a[i]));
    int y = std::tolower(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

std::optional<std::string> ClientInfo::startup_parameter(std::string_view name) const {
  std::optional<std::string> found;
  for (const auto& [k, v] : startup_parameters)
    if (k == name) found = v;
  return found;
}

}  // namespace pgwire
