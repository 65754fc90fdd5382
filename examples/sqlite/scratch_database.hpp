#pragma once
// Where sqlite_server keeps its database when no --db file is given: a
// scratch file in memory-backed /dev/shm (else the temporary directory), in
// WAL mode, removed when the server exits.
//
// Why not an in-memory database: SQLite shares one between connections
// either through the shared cache, whose table locks fail at once
// (SQLITE_LOCKED, no busy handler: two sessions writing at the same time got
// 55P03 where PostgreSQL makes the second wait), or through the memdb VFS,
// where an open write transaction blocks every reader until it commits (a
// client parsing a statement waited for another client's transaction, and
// pgbench, which parses synchronously, deadlocked). A WAL database is what
// PostgreSQL's clients expect: readers see the last commit and never wait,
// writers take turns.
//
// A server killed before it could remove its files leaves them behind: the
// next start removes those whose process is gone (the pid is in the name)
// and that this user may remove.

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

namespace sqlite_example {

class ScratchDatabase {
 public:
  ScratchDatabase() {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path dir = "/dev/shm";
    if (!fs::is_directory(dir, ec) || access(dir.c_str(), W_OK) != 0) dir = fs::temp_directory_path(ec);
    remove_orphans(dir);
    // Made here, exclusively and readable by this user only (SQLite gives
    // the -wal and -shm files the database file's mode): /dev/shm is
    // shared by every local user, and a name chosen in advance could be
    // taken first, or be a link planted by someone else.
    std::string name = (dir / (std::string(prefix) + std::to_string(getpid()) + "-XXXXXX.db")).string();
    int fd = mkstemps(name.data(), 3);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "creating the scratch database in " + dir.string());
    close(fd);
    path_ = std::move(name);
  }
  ~ScratchDatabase() { remove_files(path_); }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& path() const noexcept { return path_; }

 private:
  static constexpr const char* prefix = "pgwire_sqlite_server-";

  static void remove_files(const std::string& db) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(db + suffix, ec);
  }

  // Files of servers that are gone: pgwire_sqlite_server-<pid>-XXXXXX.db* (and
  // <pid>.db*, as the first version named them).
  static void remove_orphans(const std::filesystem::path& dir) {
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (!name.starts_with(prefix)) continue;
      std::string rest = name.substr(std::string_view(prefix).size());
      std::size_t digits = rest.find_first_not_of("0123456789");
      if (digits == 0 || digits == std::string::npos || rest.find(".db", digits) == std::string::npos ||
          (rest[digits] != '-' && rest[digits] != '.'))
        continue;
      long pid = std::stol(rest.substr(0, digits));
      if (kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // (alive, or not ours to judge)
      std::filesystem::remove(it->path(), ec);
    }
  }

  std::string path_;
};

}  // namespace sqlite_example
