// pgwire_bench_codec: codec throughput beside a plain memcpy of the same bytes.
//
//   BM_DataRowEncode          N DataRows (10 text fields of 10 bytes) written
//                             with DataRowWriter into a reused Buffer
//   BM_DataRowEncodeStruct    the same rows through encode(const DataRow&)
//   BM_Memcpy/datarow_batch   memcpy of the encoded batch into a reused buffer
//
//   BM_FrontendDecode         a pipelined client stream (Parse/Bind/Describe/
//                             Execute/Sync, plus Query messages) cut with
//                             parse_frontend_frame and decoded with
//                             decode_frontend into a reused FrontendMessage
//   BM_FrontendDecodeReused   the same, decoding with decode_body into one
//                             reused struct per message type (no allocation
//                             once the vectors have grown)
//   BM_FrontendFrameOnly      parse_frontend_frame alone
//   BM_Memcpy/frontend_stream memcpy of the stream
//
//   BM_BackendDecodeDataRows  a result set (RowDescription, N DataRows,
//                             CommandComplete, ReadyForQuery) cut with
//                             parse_backend_frame and decoded with decode_backend
//   BM_Memcpy/backend_stream  memcpy of that stream
//
// SetBytesProcessed makes every line report bytes/s, so the codec figures can
// be read against memcpy directly. See docs/BENCHMARKS.md.

#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "pgwire/codec/backend.hpp"
#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/framing.hpp"
#include "pgwire/codec/frontend.hpp"

namespace {

using namespace pgwire;

constexpr int kRowsPerBatch = 1000;

// One row: 10 text fields of 10 bytes each (147 bytes on the wire).
constexpr std::array<std::string_view, 10> kRow = {
    "0000012345", "alice_smit", "2024-01-15", "1999.99000", "active____",
    "SE-1234567", "true______", "42.4242424", "0123456789", "lorem ipsu"};

void write_row(Buffer& buf) {
  DataRowWriter w(buf);
  for (std::string_view f : kRow) w.add(f);
  w.finish();
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "pgwire_bench_codec: %s\n", what);
  std::abort();
}

// Inputs ---------------------------------------------------------------------

const std::string& datarow_batch() {
  static const std::string bytes = [] {
    Buffer b;
    for (int i = 0; i < kRowsPerBatch; ++i) write_row(b);
    return std::string(b.view());
  }();
  return bytes;
}

struct Stream {
  std::string bytes;
  std::int64_t messages = 0;
};

// What a driver pipelining prepared statements sends: per round Parse, Bind
// (two text parameters), Describe portal, Execute, Sync; every fourth round
// also a simple Query.
const Stream& frontend_stream() {
  static const Stream s = [] {
    Stream out;
    Buffer b;
    const Parse parse{"",
                      "SELECT id, name, email, created_at FROM users WHERE id = $1 AND tenant = $2",
                      {23, 25}};
    const Bind bind{"", "", {0}, {Value{"12345"}, Value{"tenant_0042"}}, {0}};
    const Describe describe{TargetKind::portal, ""};
    const Execute execute{"", 0};
    const Query query{"SELECT count(*) FROM orders WHERE status = 'open'"};
    for (int round = 0; round < 500; ++round) {
      encode(parse, b);
      encode(bind, b);
      encode(describe, b);
      encode(execute, b);
      encode(Sync{}, b);
      out.messages += 5;
      if (round % 4 == 3) {
        encode(query, b);
        ++out.messages;
      }
    }
    if (b.error()) die("encoding the frontend stream failed");
    out.bytes.assign(b.view());
    return out;
  }();
  return s;
}

// A result set of kRowsPerBatch rows, as a server sends it.
const Stream& backend_stream() {
  static const Stream s = [] {
    Stream out;
    Buffer b;
    RowDescription rd;
    static constexpr std::array<std::string_view, 10> names = {
        "id", "login", "created", "balance", "state", "code", "flag", "ratio", "digits", "note"};
    for (std::size_t i = 0; i < names.size(); ++i)
      rd.fields.push_back(
          {names[i], 16384, static_cast<std::int16_t>(i + 1), 25, -1, -1, format_text});
    encode(rd, b);
    for (int i = 0; i < kRowsPerBatch; ++i) write_row(b);
    encode(CommandComplete{"SELECT 1000"}, b);
    encode(ReadyForQuery{TransactionStatus::idle}, b);
    if (b.error()) die("encoding the backend stream failed");
    out.bytes.assign(b.view());
    out.messages = kRowsPerBatch + 3;
    return out;
  }();
  return s;
}

// DataRow encoding --------------------------------------------------------------

void BM_DataRowEncode(benchmark::State& state) {
  Buffer buf;
  for (auto _ : state) {
    buf.clear();
    for (int i = 0; i < kRowsPerBatch; ++i) write_row(buf);
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  if (buf.view() != datarow_batch()) die("DataRowWriter output differs from the reference batch");
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(buf.size()));
  state.SetItemsProcessed(state.iterations() * kRowsPerBatch);
}
BENCHMARK(BM_DataRowEncode);

void BM_DataRowEncodeStruct(benchmark::State& state) {
  DataRow row;
  for (std::string_view f : kRow) row.values.emplace_back(f);
  Buffer buf;
  for (auto _ : state) {
    buf.clear();
    for (int i = 0; i < kRowsPerBatch; ++i) encode(row, buf);
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  if (buf.view() != datarow_batch()) die("encode(DataRow) output differs from the reference batch");
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(buf.size()));
  state.SetItemsProcessed(state.iterations() * kRowsPerBatch);
}
BENCHMARK(BM_DataRowEncodeStruct);

// memcpy of the same bytes into a reused (pre-faulted) buffer.
void BM_Memcpy(benchmark::State& state, const std::string& (*source)()) {
  const std::string& src = source();
  std::unique_ptr<char[]> dst(new char[src.size()]);
  std::memset(dst.get(), 0, src.size());
  for (auto _ : state) {
    std::memcpy(dst.get(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.get());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(src.size()));
}
BENCHMARK_CAPTURE(BM_Memcpy, datarow_batch, &datarow_batch);

// Frontend stream decoding ------------------------------------------------------

void BM_FrontendDecode(benchmark::State& state) {
  const Stream& s = frontend_stream();
  FrontendMessage msg;
  for (auto _ : state) {
    std::string_view in = s.bytes;
    while (!in.empty()) {
      FrameResult r = parse_frontend_frame(in);
      if (!r.complete()) die("frontend stream does not frame");
      if (decode_frontend(r.frame, msg)) die("frontend stream does not decode");
      benchmark::DoNotOptimize(msg);
      in.remove_prefix(r.size);
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(s.bytes.size()));
  state.SetItemsProcessed(state.iterations() * s.messages);
}
BENCHMARK(BM_FrontendDecode);

void BM_FrontendDecodeReused(benchmark::State& state) {
  const Stream& s = frontend_stream();
  Parse parse;
  Bind bind;
  Describe describe;
  Execute execute;
  Query query;
  for (auto _ : state) {
    std::string_view in = s.bytes;
    while (!in.empty()) {
      FrameResult r = parse_frontend_frame(in);
      if (!r.complete()) die("frontend stream does not frame");
      std::error_code ec;
      switch (r.frame.type) {
        case 'P':
          ec = decode_body(r.frame.body, parse);
          benchmark::DoNotOptimize(parse);
          break;
        case 'B':
          ec = decode_body(r.frame.body, bind);
          benchmark::DoNotOptimize(bind);
          break;
        case 'D':
          ec = decode_body(r.frame.body, describe);
          benchmark::DoNotOptimize(describe);
          break;
        case 'E':
          ec = decode_body(r.frame.body, execute);
          benchmark::DoNotOptimize(execute);
          break;
        case 'Q':
          ec = decode_body(r.frame.body, query);
          benchmark::DoNotOptimize(query);
          break;
        case 'S':
          if (!r.frame.body.empty()) ec = codec_errc::trailing_bytes;
          break;
        default:
          die("unexpected message type");
      }
      if (ec) die("frontend stream does not decode");
      in.remove_prefix(r.size);
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(s.bytes.size()));
  state.SetItemsProcessed(state.iterations() * s.messages);
}
BENCHMARK(BM_FrontendDecodeReused);

void BM_FrontendFrameOnly(benchmark::State& state) {
  const Stream& s = frontend_stream();
  for (auto _ : state) {
    std::string_view in = s.bytes;
    while (!in.empty()) {
      FrameResult r = parse_frontend_frame(in);
      if (!r.complete()) die("frontend stream does not frame");
      benchmark::DoNotOptimize(r.frame);
      in.remove_prefix(r.size);
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(s.bytes.size()));
  state.SetItemsProcessed(state.iterations() * s.messages);
}
BENCHMARK(BM_FrontendFrameOnly);

const std::string& frontend_stream_bytes() { return frontend_stream().bytes; }
BENCHMARK_CAPTURE(BM_Memcpy, frontend_stream, &frontend_stream_bytes);

// Backend stream decoding -------------------------------------------------------

void BM_BackendDecodeDataRows(benchmark::State& state) {
  const Stream& s = backend_stream();
  BackendMessage msg;
  for (auto _ : state) {
    std::string_view in = s.bytes;
    while (!in.empty()) {
      FrameResult r = parse_backend_frame(in);
      if (!r.complete()) die("backend stream does not frame");
      if (decode_backend(r.frame, msg)) die("backend stream does not decode");
      benchmark::DoNotOptimize(msg);
      in.remove_prefix(r.size);
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(s.bytes.size()));
  state.SetItemsProcessed(state.iterations() * s.messages);
}
BENCHMARK(BM_BackendDecodeDataRows);

const std::string& backend_stream_bytes() { return backend_stream().bytes; }
BENCHMARK_CAPTURE(BM_Memcpy, backend_stream, &backend_stream_bytes);

}  // namespace

BENCHMARK_MAIN();
