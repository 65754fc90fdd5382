// Golden bytes: real PostgreSQL 15 traffic recorded by tests/golden/capture.sh.
// Every message of every stream must decode, and re-encode to exactly the
// bytes PostgreSQL or libpq put on the wire. Together the streams must cover
// every message the codec knows, except the Kerberos/GSS/SSPI ones that need
// a KDC (covered by the specification tests in backend_test.cpp).

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "support/codec_util.hpp"

using namespace pgwire;

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}


// Names for coverage bookkeeping (variant index -> readable name).
const char* const frontend_names[] = {
    "StartupMessage", "SSLRequest", "GSSENCRequest", "CancelRequest", "PasswordMessage",
    "SASLInitialResponse", "SASLResponse", "GSSResponse", "Query", "Parse", "Bind", "Describe",
    "Execute", "Sync", "Flush", "Close", "CopyData", "CopyDone", "CopyFail", "FunctionCall",
    "Terminate"};
const char* const backend_names[] = {
    "AuthenticationOk", "AuthenticationKerberosV5", "AuthenticationCleartextPassword",
    "AuthenticationMD5Password", "AuthenticationGSS", "AuthenticationGSSContinue",
    "AuthenticationSSPI", "AuthenticationSASL", "AuthenticationSASLContinue",
    "AuthenticationSASLFinal", "BackendKeyData", "BindComplete", "CloseComplete",
    "CommandComplete", "CopyInResponse", "CopyOutResponse", "CopyBothResponse", "CopyData",
    "CopyDone", "DataRow", "EmptyQueryResponse", "ErrorResponse", "NoticeResponse",
    "FunctionCallResponse", "NegotiateProtocolVersion", "NoData", "NotificationResponse",
    "ParameterDescription", "ParameterStatus", "ParseComplete", "PortalSuspended",
    "ReadyForQuery", "RowDescription"};
static_assert(std::size(frontend_names) == std::variant_size_v<FrontendMessage>);
static_assert(std::size(backend_names) == std::variant_size_v<BackendMessage>);

struct Scenario {
  std::string name;
  std::string fe, be;
  std::vector<FrontendMessage> fe_msgs;  // views into fe
  std::vector<BackendMessage> be_msgs;   // views into be
  std::vector<ReplicationMessage> replication;
};

// The backend's authentication requests tell what each 'p' from the client is.
std::vector<AuthResponseKind> auth_kinds(const std::vector<BackendMessage>& be) {
  std::vector<AuthResponseKind> kinds;
  for (const auto& m : be) {
    if (std::holds_alternative<AuthenticationCleartextPassword>(m) ||
        std::holds_alternative<AuthenticationMD5Password>(m))
      kinds.push_back(AuthResponseKind::password);
    else if (std::holds_alternative<AuthenticationSASL>(m))
      kinds.push_back(AuthResponseKind::sasl_initial);
    else if (std::holds_alternative<AuthenticationSASLContinue>(m))
      kinds.push_back(AuthResponseKind::sasl);
  }
  return kinds;
}

template <class M>
void check_reencodes(const M& msg, std::string_view wire) {
  Buffer b;
  encode(msg, b);
  REQUIRE_FALSE(b.error());
  CHECK(test::Bytes(std::string(b.view())) == test::Bytes(std::string(wire)));
}

Scenario load(const std::string& name) {
  Scenario s;
  s.name = name;
  fs::path dir(PGWIRE_GOLDEN_DIR);
  s.fe = read_file(dir / (name + ".fe.bin"));
  s.be = read_file(dir / (name + ".be.bin"));

  // Frontend, startup phase: negotiation requests until StartupMessage/CancelRequest.
  std::string_view in = s.fe;
  std::size_t negotiations = 0;
  bool typed = false;
  while (!in.empty() && !typed) {
    FrameResult r = parse_startup_frame(in);
    REQUIRE(r.complete());
    FrontendMessage m;
    REQUIRE_FALSE(decode_startup_packet(r.frame.body, m));
    check_reencodes(m, in.substr(0, r.size));
    if (std::holds_alternative<SSLRequest>(m) || std::holds_alternative<GSSENCRequest>(m))
      ++negotiations;
    else
      typed = true;
    s.fe_msgs.push_back(m);
    in.remove_prefix(r.size);
  }

  // Backend: one 'N' per negotiation request, then typed messages.
  std::string_view bin = s.be;
  for (std::size_t i = 0; i < negotiations; ++i) {
    REQUIRE_FALSE(bin.empty());
    SSLResponse answer;
    REQUIRE_FALSE(decode_ssl_response(bin[0], answer));
    CHECK_FALSE(answer.accepted);
    bin.remove_prefix(1);
  }
  bool in_copy_both = false;
  while (!bin.empty()) {
    FrameResult r = parse_backend_frame(bin);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.complete());
    BackendMessage m;
    REQUIRE_FALSE(decode_backend(r.frame, m));
    check_reencodes(m, bin.substr(0, r.size));
    if (std::holds_alternative<CopyBothResponse>(m)) in_copy_both = true;
    if (std::holds_alternative<CopyDone>(m)) in_copy_both = false;
    if (in_copy_both && std::holds_alternative<CopyData>(m)) {
      ReplicationMessage rm;
      REQUIRE_FALSE(decode_replication(std::get<CopyData>(m).data, rm));
      check_reencodes(rm, bin.substr(0, r.size));
      s.replication.push_back(rm);
    }
    s.be_msgs.push_back(m);
    bin.remove_prefix(r.size);
  }

  // Frontend, typed phase.
  auto kinds = auth_kinds(s.be_msgs);
  std::size_t next_auth = 0;
  bool fe_copy_both = in_copy_both || std::any_of(s.be_msgs.begin(), s.be_msgs.end(), [](auto& m) {
                        return std::holds_alternative<CopyBothResponse>(m);
                      });
  while (!in.empty()) {
    FrameResult r = parse_frontend_frame(in);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.complete());
    AuthResponseKind kind = AuthResponseKind::password;
    if (r.frame.type == 'p') {
      REQUIRE(next_auth < kinds.size());
      kind = kinds[next_auth++];
    }
    FrontendMessage m;
    REQUIRE_FALSE(decode_frontend(r.frame, m, kind));
    check_reencodes(m, in.substr(0, r.size));
    if (fe_copy_both && std::holds_alternative<CopyData>(m)) {
      ReplicationMessage rm;
      REQUIRE_FALSE(decode_replication(std::get<CopyData>(m).data, rm));
      check_reencodes(rm, in.substr(0, r.size));
      s.replication.push_back(rm);
    }
    s.fe_msgs.push_back(m);
    in.remove_prefix(r.size);
  }
  return s;
}

std::vector<std::string> scenario_names() {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(PGWIRE_GOLDEN_DIR)) {
    std::string f = e.path().filename().string();
    if (f.size() > 7 && f.ends_with(".fe.bin")) names.insert(f.substr(0, f.size() - 7));
  }
  return {names.begin(), names.end()};
}

std::map<std::string, Scenario>& all() {
  static std::map<std::string, Scenario> scenarios = [] {
    std::map<std::string, Scenario> m;
    for (const auto& n : scenario_names()) m.emplace(n, load(n));
    return m;
  }();
  return scenarios;
}

template <class T, class Msgs>
std::vector<T> find_all(const Msgs& msgs) {
  std::vector<T> out;
  for (const auto& m : msgs)
    if (auto p = std::get_if<T>(&m)) out.push_back(*p);
  return out;
}

}  // namespace

TEST_CASE("Golden: every captured stream decodes and re-encodes byte for byte") {
  auto names = scenario_names();
  REQUIRE(names.size() >= 19);
  for (const auto& n : names) {
    INFO("scenario " << n);
    load(n);  // REQUIREs inside
  }
}

TEST_CASE("Golden: the captures cover every message") {
  std::set<std::string> seen;
  std::set<char> replication_seen;
  for (auto& [name, s] : all()) {
    for (const auto& m : s.fe_msgs) seen.insert(std::string("fe:") + frontend_names[m.index()]);
    for (const auto& m : s.be_msgs) seen.insert(std::string("be:") + backend_names[m.index()]);
    for (const auto& m : s.replication) replication_seen.insert("wkrh"[m.index()]);
  }
  // Need a Kerberos KDC or Windows SSPI: specification tests only.
  const std::set<std::string> not_capturable = {"fe:GSSResponse", "be:AuthenticationKerberosV5",
                                                "be:AuthenticationGSS", "be:AuthenticationGSSContinue",
                                                "be:AuthenticationSSPI"};
  for (const char* n : frontend_names) {
    std::string key = std::string("fe:") + n;
    INFO(key);
    CHECK((seen.count(key) == 1 || not_capturable.count(key) == 1));
  }
  for (const char* n : backend_names) {
    std::string key = std::string("be:") + n;
    INFO(key);
    CHECK((seen.count(key) == 1 || not_capturable.count(key) == 1));
  }
  CHECK(replication_seen == std::set<char>{'w', 'k', 'r', 'h'});
}

TEST_CASE("Golden: startup as psql and PostgreSQL do it") {
  auto& s = all().at("simple_query");
  REQUIRE(std::holds_alternative<SSLRequest>(s.fe_msgs[0]));
  auto& sm = std::get<StartupMessage>(s.fe_msgs[1]);
  CHECK(sm.version == protocol_3_0);
  CHECK(sm.parameter("user"));
  CHECK(sm.protocol_options.empty());
  CHECK(std::holds_alternative<AuthenticationOk>(s.be_msgs[0]));
  std::set<std::string_view> params;
  for (auto& ps : find_all<ParameterStatus>(s.be_msgs)) params.insert(ps.name);
  for (auto p : {"server_version", "server_encoding", "client_encoding", "DateStyle",
                 "integer_datetimes", "standard_conforming_strings", "TimeZone"})
    CHECK(params.count(p) == 1);
  auto keys = find_all<BackendKeyData>(s.be_msgs);
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].secret_key.size() == 4);
  auto rd = find_all<RowDescription>(s.be_msgs);
  REQUIRE_FALSE(rd.empty());
  CHECK(rd[0].fields[0].type_modifier == -1);
  bool has_null = false;
  for (auto& row : find_all<DataRow>(s.be_msgs))
    for (auto& v : row.values) has_null |= !v.has_value();
  CHECK(has_null);
}

TEST_CASE("Golden: protocol 3.2 request and NegotiateProtocolVersion") {
  auto& s = all().at("negotiate_protocol");
  auto& sm = std::get<StartupMessage>(s.fe_msgs[0]);
  CHECK(sm.version == protocol_3_2);
  REQUIRE(sm.protocol_options.size() == 1);
  CHECK(sm.protocol_options[0].first == "_pq_.test_option");
  auto& npv = std::get<NegotiateProtocolVersion>(s.be_msgs[0]);
  CHECK(npv.newest == protocol_3_0);
  CHECK(npv.unrecognized_options == std::vector<std::string_view>{"_pq_.test_option"});
}

TEST_CASE("Golden: authentication exchanges") {
  auto md5 = find_all<PasswordMessage>(all().at("auth_md5").fe_msgs);
  REQUIRE(md5.size() == 1);
  CHECK(md5[0].password.size() == 35);
  CHECK(md5[0].password.starts_with("md5"));
  auto& scram = all().at("auth_scram");
  auto sasl = find_all<AuthenticationSASL>(scram.be_msgs);
  REQUIRE(sasl.size() == 1);
  CHECK(sasl[0].mechanisms == std::vector<std::string_view>{"SCRAM-SHA-256"});
  auto init = find_all<SASLInitialResponse>(scram.fe_msgs);
  REQUIRE(init.size() == 1);
  CHECK(init[0].mechanism == "SCRAM-SHA-256");
  CHECK(init[0].data->starts_with("n,,n=,r="));
  CHECK(find_all<AuthenticationSASLFinal>(scram.be_msgs)[0].data.starts_with("v="));
  auto fail = find_all<ErrorResponse>(all().at("auth_scram_fail").be_msgs);
  REQUIRE(fail.size() == 1);
  CHECK(fail[0].get(field::sqlstate) == "28P01");
  CHECK(fail[0].get(field::severity_nonlocalized) == "FATAL");
}

TEST_CASE("Golden: errors carry every field PostgreSQL sends") {
  auto errors = find_all<ErrorResponse>(all().at("errors_notices").be_msgs);
  std::map<std::string_view, ErrorResponse> by_state;
  for (auto& e : errors) by_state[e.get(field::sqlstate)] = e;
  CHECK_FALSE(by_state.at("42601").get(field::position).empty());
  auto& uv = by_state.at("23505");
  CHECK(uv.get(field::schema_name) == "public");
  CHECK_FALSE(uv.get(field::table_name).empty());
  CHECK_FALSE(uv.get(field::constraint_name).empty());
  CHECK_FALSE(uv.get(field::detail).empty());
  auto& raised = by_state.at("P0001");
  CHECK_FALSE(raised.get(field::hint).empty());
  CHECK(by_state.count("25P02") == 1);
  CHECK_FALSE(find_all<NoticeResponse>(all().at("errors_notices").be_msgs).empty());
  std::set<TransactionStatus> statuses;
  for (auto& [n, s] : all())
    for (auto& z : find_all<ReadyForQuery>(s.be_msgs)) statuses.insert(z.status);
  CHECK(statuses.size() == 3);
}

TEST_CASE("Golden: extended query as libpq sends it") {
  auto& s = all().at("extended_libpq");
  auto binds = find_all<Bind>(s.fe_msgs);
  bool null_param = false, binary_param = false, binary_result = false;
  for (auto& b : binds) {
    for (auto& p : b.parameters) null_param |= !p.has_value();
    for (auto f : b.parameter_formats) binary_param |= f == format_binary;
    for (auto f : b.result_formats) binary_result |= f == format_binary;
  }
  CHECK(null_param);
  CHECK(binary_param);
  CHECK(binary_result);
  CHECK_FALSE(find_all<ParameterDescription>(s.be_msgs).empty());
  CHECK_FALSE(find_all<NoData>(s.be_msgs).empty());
  auto& ps = all().at("extended_portal_suspended");
  CHECK(find_all<PortalSuspended>(ps.be_msgs).size() == 2);
  auto execs = find_all<Execute>(ps.fe_msgs);
  CHECK(std::any_of(execs.begin(), execs.end(), [](auto& e) { return e.max_rows == 2; }));
}

TEST_CASE("Golden: cancel request carries the key from BackendKeyData") {
  auto& req = std::get<CancelRequest>(all().at("cancel_request").fe_msgs.at(0));
  auto key = find_all<BackendKeyData>(all().at("cancel_main").be_msgs).at(0);
  CHECK(req.process_id == key.process_id);
  CHECK(req.secret_key == key.secret_key);
  auto errors = find_all<ErrorResponse>(all().at("cancel_main").be_msgs);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].get(field::sqlstate) == "57014");
}

TEST_CASE("Golden: COPY, function call, notification, replication") {
  auto& copy = all().at("copy");
  CHECK(find_all<CopyFail>(copy.fe_msgs).size() == 1);
  auto outs = find_all<CopyOutResponse>(copy.be_msgs);
  REQUIRE(outs.size() == 2);
  CHECK(outs[0].format != outs[1].format);
  auto fc = find_all<FunctionCall>(all().at("function_call").fe_msgs);
  CHECK(fc.size() >= 5);
  auto notes = find_all<NotificationResponse>(all().at("listen_notify").be_msgs);
  REQUIRE(notes.size() == 1);
  CHECK_FALSE(notes[0].payload.empty());
  auto& rep = all().at("replication_physical");
  auto xlog = std::count_if(rep.replication.begin(), rep.replication.end(),
                            [](auto& m) { return std::holds_alternative<XLogData>(m); });
  CHECK(xlog >= 1);
}
