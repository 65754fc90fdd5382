#pragma once
// Reading the authentication files (users, pg_hba.conf) whole.

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace pgwire::detail {

inline std::string read_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("could not open configuration file \"" + path + "\"");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error("could not read configuration file \"" + path + "\"");
  return text.str();
}

}  // namespace pgwire::detail
