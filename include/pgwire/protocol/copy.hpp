#pragma once
// COPY as the session machine sees it. A product answers `COPY ... FROM
// STDIN` with Response::copy_in(target) and `COPY ... TO STDOUT` with
// Response::copy_out(source); the machine runs the COPY sub-protocol
// (copy_rules.cpp): CopyInResponse, then each CopyData handed to the target
// one message at a time (the next is read only once the target took the last:
// backpressure, bounded memory), CopyDone -> "COPY n", CopyFail -> ERROR
// 57014; or CopyOutResponse, CopyData batches pulled from the source as the
// socket drains, CopyDone, "COPY n". Products derive from pgwire::CopyInTarget
// and pgwire::CopyOutSource (pgwire/api/copy.hpp), whose methods are
// coroutines; this layer never calls them.
//
// Copy-both (the replication protocol's streaming): Response::copy_both(target)
// sends CopyBothResponse; the client's CopyData go to the target as in
// copy-in, while the product sends its own CopyData at any time through the
// session's SessionHandle (copy_data / copy_done, from any thread). The
// client's CopyDone ends it: the session answers CopyDone (unless the
// product already sent it) and CommandComplete.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/common.hpp"

namespace pgwire {

// text, csv or binary: declared in pgwire/types/copy_format.hpp with the
// COPY data codecs (included there only, to keep this header light).
// Copy{In,Out}Response announce binary as 1, text and csv as 0, and every
// column in that format, as PostgreSQL does.
enum class CopyFormat : std::uint8_t;

// What every COPY stream shares: the formats its Copy*Response announces.
class CopyStream {
 public:
  virtual ~CopyStream() = default;
  CopyStream(const CopyStream&) = delete;
  CopyStream& operator=(const CopyStream&) = delete;

  CopyFormat format() const noexcept { return format_; }
  std::size_t columns() const noexcept { return columns_; }
  // The format, the number of columns (each in the overall format).
  void announce(CopyFormat format, std::size_t columns) noexcept {
    format_ = format;
    columns_ = columns;
  }
  // The CommandComplete tag when the stream knows better than "COPY <rows>"
  // (a proxy passing an upstream's through, START_REPLICATION).
  virtual std::optional<std::string> command_tag() const { return std::nullopt; }

 protected:
  CopyStream() = default;

 private:
  CopyFormat format_{};  // text
  std::size_t columns_ = 0;
};

// The receiving end of COPY FROM STDIN (products: pgwire::CopyInTarget).
class CopyInStream : public CopyStream {
 public:
  // The CONTEXT line of the errors the session itself raises while this COPY
  // reads (CopyFail's 57014, a cancel's 57014, 08P01 for a stray message),
  // as PostgreSQL's CopyFromErrorCallback adds to every error of a COPY FROM:
  // "COPY t, line 2" (the line being read; the table and the count are the
  // target's). Asked when the error happens; nullopt: no CONTEXT.
  virtual std::optional<std::string> error_context() const { return std::nullopt; }
};

// The sending end of COPY TO STDOUT (products: pgwire::CopyOutSource).
class CopyOutStream : public CopyStream {};

// Writes the CopyData messages of one copy-out batch.
class CopyWriter {
 public:
  CopyWriter(Buffer& out, std::size_t batch_bytes) noexcept
      : out_(out), batch_end_(out.size() + batch_bytes) {}
  CopyWriter(const CopyWriter&) = delete;
  CopyWriter& operator=(const CopyWriter&) = delete;

  // False once the batch is full: return from CopyOutSource::fill and you
  // will be called again after the socket drained.
  bool wants_more() const noexcept { return out_.size() < batch_end_; }
  // One CopyData message holding `data` (PostgreSQL sends one per row; any
  // split is valid). `rows`: how many rows it completes, for "COPY n".
  void send(std::string_view data, std::uint64_t rows = 1) {
    encode(CopyData{data}, out_);
    rows_ += rows;
  }
  std::uint64_t rows() const noexcept { return rows_; }

 private:
  Buffer& out_;
  std::size_t batch_end_;
  std::uint64_t rows_ = 0;
};

}  // namespace pgwire
