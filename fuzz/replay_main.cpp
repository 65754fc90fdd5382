// pgwire_fuzz_replay: runs fuzz targets over stored inputs, without libFuzzer.
//
//   pgwire_fuzz_replay frontend|backend|types|session|copy|replication PATH...
//
// Each PATH is a directory (every regular file in it, sorted by name, is one
// input; subdirectories are not entered) or a single file (e.g. a crash-*
// file written by libFuzzer). The target sources are compiled into this
// program with their entry point renamed (PGWIRE_FUZZ_ENTRY_NAME), so both
// fit in one executable. A failed check inside a target aborts the process.
//
// Exit status: 0 when every input ran; 2 on a usage error, a missing path or a
// directory without inputs (an empty corpus must not pass silently).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int pgwire_fuzz_frontend_entry(const std::uint8_t* data, std::size_t size);
extern "C" int pgwire_fuzz_backend_entry(const std::uint8_t* data, std::size_t size);
extern "C" int pgwire_fuzz_types_entry(const std::uint8_t* data, std::size_t size);
extern "C" int pgwire_fuzz_session_entry(const std::uint8_t* data, std::size_t size);
extern "C" int pgwire_fuzz_copy_entry(const std::uint8_t* data, std::size_t size);
extern "C" int pgwire_fuzz_replication_entry(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;
using Entry = int (*)(const std::uint8_t*, std::size_t);

bool read_file(const fs::path& p, std::vector<std::uint8_t>& out) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return !f.bad();
}

int usage() {
  std::fprintf(stderr, "usage: pgwire_fuzz_replay frontend|backend|types|session|copy|replication PATH...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  Entry entry = nullptr;
  if (std::strcmp(argv[1], "frontend") == 0) {
    entry = pgwire_fuzz_frontend_entry;
  } else if (std::strcmp(argv[1], "backend") == 0) {
    entry = pgwire_fuzz_backend_entry;
  } else if (std::strcmp(argv[1], "types") == 0) {
    entry = pgwire_fuzz_types_entry;
  } else if (std::strcmp(argv[1], "session") == 0) {
    entry = pgwire_fuzz_session_entry;
  } else if (std::strcmp(argv[1], "copy") == 0) {
    entry = pgwire_fuzz_copy_entry;
  } else if (std::strcmp(argv[1], "replication") == 0) {
    entry = pgwire_fuzz_replication_entry;
  } else {
    return usage();
  }

  std::size_t total_inputs = 0;
  std::size_t total_bytes = 0;
  std::vector<std::uint8_t> data;
  for (int i = 2; i < argc; ++i) {
    fs::path path(argv[i]);
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(path, ec)) {
      for (const auto& e : fs::directory_iterator(path, ec))
        if (e.is_regular_file()) files.push_back(e.path());
      if (ec) {
        std::fprintf(stderr, "pgwire_fuzz_replay: cannot list %s: %s\n", argv[i],
                     ec.message().c_str());
        return 2;
      }
      if (files.empty()) {
        std::fprintf(stderr, "pgwire_fuzz_replay: %s holds no inputs\n", argv[i]);
        return 2;
      }
      std::sort(files.begin(), files.end());
    } else if (fs::is_regular_file(path, ec)) {
      files.push_back(path);
    } else {
      std::fprintf(stderr, "pgwire_fuzz_replay: %s does not exist\n", argv[i]);
      return 2;
    }

    std::size_t bytes = 0;
    for (const auto& f : files) {
      if (!read_file(f, data)) {
        std::fprintf(stderr, "pgwire_fuzz_replay: cannot read %s\n", f.c_str());
        return 2;
      }
      // Announce each input first, so that an abort names the culprit.
      std::fprintf(stderr, "%s\n", f.c_str());
      // A zero-length vector may have a null data(); libFuzzer never passes null.
      static const std::uint8_t empty = 0;
      entry(data.empty() ? &empty : data.data(), data.size());
      bytes += data.size();
    }
    std::printf("pgwire_fuzz_replay %s: ran %zu inputs (%zu bytes) from %s\n", argv[1],
                files.size(), bytes, argv[i]);
    total_inputs += files.size();
    total_bytes += bytes;
  }
  if (argc > 3)
    std::printf("pgwire_fuzz_replay %s: ran %zu inputs (%zu bytes) in total\n", argv[1],
                total_inputs, total_bytes);
  return 0;
}
