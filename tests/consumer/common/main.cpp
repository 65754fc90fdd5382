// Downstream smoke test: uses pgwire the way a database product would, through
// nothing but the public headers and the pgwire::pgwire target. Exits 0 only
// when a client->server and a server->client round trip both match.
// Shared by the three consumer projects (find_package, add_subdirectory,
// FetchContent).

#include <pgwire/codec.hpp>

#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

#ifndef PGWIRE_CONSUMER_MODE
#error "the consumer project must define PGWIRE_CONSUMER_MODE"
#endif

namespace {

int fail(std::string_view what, std::error_code ec = {}) {
  std::fprintf(stderr, "pgwire consumer (%s): FAILED: %.*s%s%s\n", PGWIRE_CONSUMER_MODE,
               static_cast<int>(what.size()), what.data(), ec ? ": " : "",
               ec ? ec.message().c_str() : "");
  return 1;
}

}  // namespace

int main() {
  // Client -> server: a Query then a Sync, pipelined in one buffer.
  const pgwire::Query sent{"SELECT 1 AS answer"};
  pgwire::Buffer out;
  pgwire::encode(sent, out);
  pgwire::encode(pgwire::Sync{}, out);
  if (out.error()) return fail("encode(Query, Sync)", out.error());

  // Deliver the bytes in two uneven chunks, as a socket might.
  pgwire::FrameBuffer in;
  const std::string_view wire = out.view();
  in.append(wire.substr(0, 3));
  pgwire::FrameResult r = pgwire::parse_frontend_frame(in.pending());
  if (r.error) return fail("parse_frontend_frame (partial)", r.error);
  if (r.complete() || r.needed != 5) return fail("a 3-byte prefix must ask for the 5-byte header");
  in.append(wire.substr(3));

  r = pgwire::parse_frontend_frame(in.pending());
  if (r.error || !r.complete()) return fail("parse_frontend_frame (Query)", r.error);
  if (r.frame.type != 'Q') return fail("first frame is not a Query");
  pgwire::FrontendMessage msg;
  if (auto ec = pgwire::decode_frontend(r.frame, msg)) return fail("decode_frontend(Query)", ec);
  const auto* got = std::get_if<pgwire::Query>(&msg);
  if (got == nullptr || !(*got == sent)) return fail("Query did not round-trip");
  in.consume(r.size);

  r = pgwire::parse_frontend_frame(in.pending());
  if (r.error || !r.complete()) return fail("parse_frontend_frame (Sync)", r.error);
  if (auto ec = pgwire::decode_frontend(r.frame, msg)) return fail("decode_frontend(Sync)", ec);
  if (!std::holds_alternative<pgwire::Sync>(msg)) return fail("second frame is not a Sync");
  in.consume(r.size);
  if (!in.pending().empty()) return fail("bytes left over after the Sync");

  // Server -> client: ReadyForQuery.
  out.clear();
  const pgwire::ReadyForQuery ready{pgwire::TransactionStatus::in_transaction};
  pgwire::encode(ready, out);
  r = pgwire::parse_backend_frame(out.view());
  if (r.error || !r.complete()) return fail("parse_backend_frame", r.error);
  pgwire::BackendMessage reply;
  if (auto ec = pgwire::decode_backend(r.frame, reply)) return fail("decode_backend", ec);
  const auto* rfq = std::get_if<pgwire::ReadyForQuery>(&reply);
  if (rfq == nullptr || !(*rfq == ready)) return fail("ReadyForQuery did not round-trip");

  // Errors come through the library's error category.
  const std::error_code bad = pgwire::codec_errc::truncated;
  if (bad.category().name() == std::string_view{} || bad.message().empty())
    return fail("codec error category");

  std::printf("pgwire consumer (%s): OK, %zu-byte Query+Sync round trip\n", PGWIRE_CONSUMER_MODE,
              wire.size());
  return 0;
}
