// The session machine against real PostgreSQL 15: each golden capture's
// client bytes are replayed into protocol::SessionMachine, whose product
// answers as the captured server did (golden_product.hpp), and the bytes the
// machine sends must be PostgreSQL's, message by message. Only the masks
// below are applied; every other difference fails with a decoded diff, unless
// it is listed in `expected_differences` with its reason, and a listed
// difference that stops happening fails too, so the list cannot go stale.

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "golden_capture.hpp"
#include "golden_product.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using namespace pgwire::test;

namespace {

// Where the library cannot answer as PostgreSQL did. `library` is the type
// of the message the library sends instead of PostgreSQL's first message of
// type `postgres`; from there on the sessions differ in substance (the
// product could not do what PostgreSQL did) and are not compared. 0: the
// library sends no such message at all, and the rest is still compared.
struct ExpectedDifference {
  std::string_view scenario;
  char postgres;
  char library;
  std::string_view reason;
};

const ExpectedDifference expected_differences[] = {
    {"function_call", 'V', 'E',
     "fast-path FunctionCall: no function is callable by OID, so the library answers "
     "PostgreSQL's 42883 for an unknown OID (session_machine.cpp)"},
    {"replication_physical", 'W', 'E',
     "the golden product has no replication stream (Response::copy_both is there for one), so "
     "it refuses START_REPLICATION (0A000)"},
};

// The masks: the only parts of a message allowed to differ.
//  - ErrorResponse/NoticeResponse fields F, L and R (file, line, routine)
//    locate the error in PostgreSQL's C sources. Errors the library makes
//    (57014 after a cancel in failure.cpp; the FATAL 28P01 of its login
//    handlers, which the product copies) have no such source, and the
//    values change with every PostgreSQL build anyway.
// Nothing else is masked: BackendKeyData, the MD5 salt and the SCRAM nonce
// and salt are a product's choices, and the product makes PostgreSQL's
// (golden_product.hpp), because the captured client answered those.
bool masked_field(char code) { return code == field::file || code == field::line || code == field::routine; }

std::string masked(const WireMessage& m) {
  if (m.type != 'E' && m.type != 'N') return std::string(m.bytes);
  BackendMessage d;
  if (decode_backend(Frame{m.type, m.body}, d)) return std::string(m.bytes);
  const auto& fields = m.type == 'E' ? static_cast<const ErrorFields&>(std::get<ErrorResponse>(d))
                                     : static_cast<const ErrorFields&>(std::get<NoticeResponse>(d));
  std::string out(1, m.type);
  for (const auto& f : fields.fields)
    if (!masked_field(f.code)) out += fmt::format("{}{}", f.code, f.value) + '\0';
  return out;
}

std::string escaped(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

const char* type_name(char t) {
  switch (t) {
    case 'R': return "Authentication";
    case 'K': return "BackendKeyData";
    case '2': return "BindComplete";
    case '3': return "CloseComplete";
    case 'C': return "CommandComplete";
    case 'G': return "CopyInResponse";
    case 'H': return "CopyOutResponse";
    case 'W': return "CopyBothResponse";
    case 'd': return "CopyData";
    case 'c': return "CopyDone";
    case 'D': return "DataRow";
    case 'I': return "EmptyQueryResponse";
    case 'E': return "ErrorResponse";
    case 'N': return "NoticeResponse";
    case 'V': return "FunctionCallResponse";
    case 'v': return "NegotiateProtocolVersion";
    case 'n': return "NoData";
    case 'A': return "NotificationResponse";
    case 't': return "ParameterDescription";
    case 'S': return "ParameterStatus";
    case '1': return "ParseComplete";
    case 's': return "PortalSuspended";
    case 'Z': return "ReadyForQuery";
    case 'T': return "RowDescription";
    default: return "?";
  }
}

// One message, decoded enough to read: "E ErrorResponse S=ERROR C=42601 M=...".
std::string describe(const WireMessage& m) {
  if (m.negotiation) return fmt::format("'{}' (answer to SSLRequest/GSSENCRequest)", escaped(m.body));
  std::string s = fmt::format("{} {}", m.type, type_name(m.type));
  BackendMessage d;
  if (decode_backend(Frame{m.type, m.body}, d)) return s + " (does not decode) " + escaped(m.body);
  if (auto* e = std::get_if<ErrorResponse>(&d); e || std::holds_alternative<NoticeResponse>(d)) {
    const ErrorFields& f = e ? *e : static_cast<const ErrorFields&>(std::get<NoticeResponse>(d));
    for (const auto& x : f.fields)
      s += fmt::format(" {}=\"{}\"{}", x.code, escaped(x.value), masked_field(x.code) ? "(masked)" : "");
  } else if (auto* t = std::get_if<RowDescription>(&d)) {
    for (const auto& c : t->fields)
      s += fmt::format(" [{} type {} size {} mod {} table {}.{} format {}]", escaped(c.name), c.type_oid,
                       c.type_size, c.type_modifier, c.table_oid, c.column_id, c.format);
  } else if (auto* r = std::get_if<DataRow>(&d)) {
    for (const auto& v : r->values) s += v ? fmt::format(" \"{}\"", escaped(*v)) : std::string(" NULL");
  } else if (!m.body.empty()) {
    s += " \"" + escaped(m.body) + "\"";
  }
  return s;
}

bool same(const WireMessage& a, const WireMessage& b) {
  return a.negotiation == b.negotiation && masked(a) == masked(b);
}

// A message-level diff of PostgreSQL's messages `pg` (indexes into pg_msgs)
// and the library's first `lib_end`: the longest common subsequence pairs
// equal messages up, the others are listed as PostgreSQL's only ("-") or
// the library's only ("+").
void diff(const std::vector<WireMessage>& pg_msgs, const std::vector<std::size_t>& pg,
          const std::vector<WireMessage>& lib, std::size_t lib_end, std::vector<std::string>& out) {
  const std::size_t n = pg.size(), m = lib_end;
  std::vector<std::vector<std::size_t>> common(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      common[i][j] = same(pg_msgs[pg[i]], lib[j]) ? common[i + 1][j + 1] + 1
                                                   : std::max(common[i + 1][j], common[i][j + 1]);
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && same(pg_msgs[pg[i]], lib[j])) {
      ++i, ++j;
    } else if (j == m || (i < n && common[i + 1][j] >= common[i][j + 1])) {
      out.push_back(fmt::format("- PostgreSQL #{} {}", pg[i], describe(pg_msgs[pg[i]])));
      ++i;
    } else {
      out.push_back(fmt::format("+ library    #{} {}", j, describe(lib[j])));
      ++j;
    }
  }
}

std::string report(const std::string& scenario, const std::vector<std::string>& lines) {
  std::string s = fmt::format("golden scenario {}: the session machine differs from PostgreSQL 15", scenario);
  for (std::size_t i = 0; i < lines.size() && i < 12; ++i) s += "\n  " + lines[i];
  if (lines.size() > 12) s += fmt::format("\n  ... and {} more", lines.size() - 12);
  return s;
}

// The differences between PostgreSQL's messages and the library's, after
// the masks and the listed differences of this scenario.
std::vector<std::string> compare(const std::string& name, const std::vector<WireMessage>& pg_msgs,
                                 const std::vector<WireMessage>& lib) {
  std::vector<std::string> problems;
  std::vector<std::size_t> pg;  // PostgreSQL's messages still compared
  for (std::size_t i = 0; i < pg_msgs.size(); ++i) pg.push_back(i);
  std::size_t compare_to = std::max(pg.size(), lib.size());
  for (const auto& x : expected_differences) {
    if (x.scenario != name) continue;
    auto of_type = [&](const WireMessage& m) { return !m.negotiation && m.type == x.postgres; };
    auto first = std::find_if(pg.begin(), pg.end(), [&](std::size_t i) { return of_type(pg_msgs[i]); });
    if (first == pg.end()) {
      problems.push_back(fmt::format("listed difference at '{}': PostgreSQL sent no such message",
                                     x.postgres));
    } else if (x.library == 0) {
      if (std::any_of(lib.begin(), lib.end(), of_type))
        problems.push_back(fmt::format("listed difference no longer happens: the library now sends '{}' ({})",
                                       x.postgres, x.reason));
      pg.erase(std::remove_if(pg.begin(), pg.end(), [&](std::size_t i) { return of_type(pg_msgs[i]); }),
               pg.end());
    } else {
      std::size_t at = static_cast<std::size_t>(first - pg.begin());
      compare_to = std::min(compare_to, at);
      if (at >= lib.size() || lib[at].negotiation || lib[at].type != x.library)
        problems.push_back(fmt::format("listed difference no longer happens: the library was to send '{}' "
                                       "for PostgreSQL's #{} {} ({}); it sends {}",
                                       x.library, *first, describe(pg_msgs[*first]), x.reason,
                                       at < lib.size() ? describe(lib[at]) : "nothing"));
    }
  }
  pg.resize(std::min(pg.size(), compare_to));
  diff(pg_msgs, pg, lib, std::min(lib.size(), compare_to), problems);
  return problems;
}

void check_scenario(const std::string& name) {
  Capture capture = load_capture(name);
  GoldenProduct product(read_script(capture));
  product.send(capture.fe);
  product.run();
  INFO("scenario " << name);
  for (const auto& u : product.unscripted)
    FAIL_CHECK("the product was asked what PostgreSQL never was: " << u);
  std::vector<WireMessage> lib;
  REQUIRE_NOTHROW(lib = split_backend(product.output, capture.negotiations));
  auto problems = compare(name, capture.server, lib);
  if (!problems.empty()) FAIL(report(name, problems));
}

}  // namespace

// Every capture is replayed; a new one needs a line here.
#define GOLDEN_SCENARIOS(X)                                                                             \
  X(auth_cleartext) X(auth_md5) X(auth_scram) X(auth_scram_fail) X(cancel_main) X(cancel_request)       \
  X(copy) X(dml_transaction) X(empty_query) X(errors_notices) X(extended_libpq)                        \
  X(extended_portal_suspended) X(function_call) X(gssenc_request) X(listen_notify) X(negotiate_protocol) \
  X(pipeline_flush) X(replication_physical) X(simple_query)

#define GOLDEN_REPLAY_TEST(name) \
  TEST_CASE("golden replay: " #name, "[golden]") { check_scenario(#name); }
GOLDEN_SCENARIOS(GOLDEN_REPLAY_TEST)

#define GOLDEN_NAME(name) #name,
TEST_CASE("golden replay: every capture and every listed difference has its scenario", "[golden]") {
  const std::set<std::string> replayed = {GOLDEN_SCENARIOS(GOLDEN_NAME)};
  auto captured = golden_scenarios();
  CHECK(replayed == std::set<std::string>(captured.begin(), captured.end()));
  for (const auto& x : expected_differences) CHECK(replayed.count(std::string(x.scenario)) == 1);
}
