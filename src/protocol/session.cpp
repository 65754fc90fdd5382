#include "pgwire/protocol/session.hpp"

namespace pgwire {

std::optional<std::string> ClientInfo::startup_parameter(std::string_view name) const {
  std::optional<std::string> found;
  for (const auto& [k, v] : startup_parameters)
    if (k == name) found = v;
  return found;
}

}  // namespace pgwire
