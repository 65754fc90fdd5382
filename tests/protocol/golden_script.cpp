// Reads a golden capture into a GoldenScript: client message by client
// message, the backend messages PostgreSQL answered it with. Only what a
// product would know is kept; the protocol's own messages (ParseComplete,
// ReadyForQuery, ...) are what the session machine must produce itself.

#include "golden_script.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "pgwire/protocol/cursor_grammar.hpp"
#include "pgwire/types/convert.hpp"

namespace pgwire::test {

ErrorInfo error_info(const ErrorFields& e) {
  ErrorInfo info;
  for (const auto& f : e.fields) {
    std::string v(f.value);
    switch (f.code) {
      case field::severity: info.severity = v; break;
      case field::sqlstate: info.code = v; break;
      case field::message: info.message = v; break;
      case field::detail: info.detail = v; break;
      case field::hint: info.hint = v; break;
      case field::position: info.position = v; break;
      case field::internal_position: info.internal_position = v; break;
      case field::internal_query: info.internal_query = v; break;
      case field::where: info.where = v; break;
      case field::schema_name: info.schema_name = v; break;
      case field::table_name: info.table_name = v; break;
      case field::column_name: info.column_name = v; break;
      case field::data_type_name: info.data_type_name = v; break;
      case field::constraint_name: info.constraint_name = v; break;
      case field::file: info.file = v; break;
      case field::line: info.line = v; break;
      case field::routine: info.routine = v; break;
      default: break;  // V repeats S
    }
  }
  return info;
}

namespace {

SchemaPtr schema_of(const RowDescription& rd) {
  std::vector<Column> cols;
  for (const auto& f : rd.fields)
    cols.push_back(Column{std::string(f.name), f.type_oid, f.type_size, f.type_modifier, f.table_oid,
                          f.column_id});
  return make_schema(std::move(cols));
}

// Bind's result-format shorthand: none = all text, one = all, else one each.
FormatCode format_at(const std::vector<FormatCode>& formats, std::size_t i) {
  if (formats.empty()) return format_text;
  return formats.size() == 1 ? formats[0] : formats.at(i);
}

// The product holds values in text form; binary ones PostgreSQL sent are
// turned back into text, so the library's own encoders make them binary again.
std::vector<std::optional<std::string>> text_row(const DataRow& row, const Schema& schema,
                                                 const std::vector<FormatCode>& formats) {
  std::vector<std::optional<std::string>> out;
  for (std::size_t i = 0; i < row.values.size(); ++i) {
    const Value& v = row.values[i];
    if (!v) {
      out.emplace_back();
    } else if (format_at(formats, i) == format_text) {
      out.emplace_back(std::string(*v));
    } else {
      Buffer text;
      if (convert_format(schema.at(i).type, *v, format_binary, format_text, text))
        throw std::runtime_error(
            fmt::format("cannot read binary column {} of type {}", i, schema.at(i).type));
      out.emplace_back(std::string(text.view()));
    }
  }
  return out;
}

class Reader {
 public:
  Reader(const Capture& c, GoldenScript& s) : c_(c), s_(s) {}

  void run() {
    login();
    for (at_ = 0; at_ < c_.client.size(); ++at_) {
      const WireMessage& m = c_.client[at_];
      if (m.type == 0 || m.type == 'p') continue;  // startup and authentication: login()
      if (m.type == 'X') break;
      client_message(m);
    }
  }

 private:
  const Capture& c_;
  GoldenScript& s_;
  std::size_t be_ = 0;  // next server message
  std::size_t at_ = 0;  // client message being answered

  struct Stmt {
    std::string sql;
    GoldenParse* parse = nullptr;
  };
  struct PortalState {
    std::string sql;
    GoldenParse* parse = nullptr;
    GoldenResult* result = nullptr;  // set by the first Execute; later ones resume it
    std::vector<FormatCode> formats;
  };
  std::map<std::string, Stmt, std::less<>> statements_;
  std::map<std::string, PortalState, std::less<>> portals_;
  std::map<std::string, Stmt, std::less<>> cursors_;  // DECLAREd name -> its query
  GoldenResult* last_ = nullptr;  // ParameterStatus before ReadyForQuery belongs to it
  bool skipping_ = false;         // after an error, until Sync

  template <class T>
  T& named(std::map<std::string, T, std::less<>>& m, std::string_view name, const char* what) {
    auto it = m.find(name);
    if (it == m.end()) fail(fmt::format("no {} \"{}\"", what, name));
    return it->second;
  }

  char type() const { return be_ < c_.server.size() ? c_.server[be_].type : '\0'; }

  [[noreturn]] void fail(std::string_view what) const {
    throw std::runtime_error(fmt::format("{}: client message #{} '{}': {}; server message #{} is '{}'", c_.name,
                                         at_, c_.client.at(at_).type, what, be_, type()));
  }

  template <class M>
  M take() {
    if (be_ >= c_.server.size()) fail("the server stream ended");
    const WireMessage& w = c_.server[be_];
    BackendMessage m;
    if (decode_backend(Frame{w.type, w.body}, m) || !std::holds_alternative<M>(m)) fail("unexpected message");
    ++be_;
    return std::get<M>(m);
  }
  void expect(char t) {
    if (type() != t) fail(fmt::format("expected '{}'", t));
    ++be_;
  }
  template <class M>
  M client() const {
    const WireMessage& w = c_.client[at_];
    FrontendMessage m;
    if (decode_frontend(Frame{w.type, w.body}, m)) fail("client message does not decode");
    return std::get<M>(m);
  }
  // An ErrorResponse, if that is what comes next; it starts a skip in an
  // extended-query batch.
  std::optional<ErrorInfo> error(bool extended) {
    if (type() != 'E') return std::nullopt;
    skipping_ = extended;
    return error_info(take<ErrorResponse>());
  }

  void login() {
    // The client's startup packets are answered in order; only the result counts.
    for (std::size_t i = 0; i < c_.negotiations; ++i) ++be_;
    if (type() == 'v') ++be_;
    while (type() == 'R') {
      BackendMessage m;
      const WireMessage& w = c_.server[be_++];
      if (decode_backend(Frame{w.type, w.body}, m)) fail("bad authentication request");
      if (std::holds_alternative<AuthenticationOk>(m)) break;
      if (std::holds_alternative<AuthenticationCleartextPassword>(m)) s_.auth = auth_code::cleartext_password;
      if (auto* md5 = std::get_if<AuthenticationMD5Password>(&m)) {
        s_.auth = auth_code::md5_password;
        s_.md5_salt = md5->salt;
      }
      if (std::holds_alternative<AuthenticationSASL>(m)) s_.auth = auth_code::sasl;
      if (auto* sc = std::get_if<AuthenticationSASLContinue>(&m))
        s_.scram_server_first = std::string(sc->data);
    }
    if (type() != 'S') return;  // refused (FATAL), or a cancel connection
    while (type() == 'S') {
      auto ps = take<ParameterStatus>();
      s_.settings.emplace_back(ps.name, ps.value);
    }
    auto key = take<BackendKeyData>();
    s_.process_id = key.process_id;
    s_.secret_key = std::string(key.secret_key);
    expect('Z');
  }

  void client_message(const WireMessage& m) {
    bool extended = std::string_view("PBDECH").find(m.type) != std::string_view::npos;
    if (extended && skipping_) return;
    switch (m.type) {
      case 'Q': query(std::string(client<Query>().query)); break;
      case 'P': parse(client<Parse>()); break;
      case 'B': bind(client<Bind>()); break;
      case 'D': describe(client<Describe>()); break;
      case 'E': execute(client<Execute>()); break;
      case 'C':
        if (!error(true)) expect('3');
        break;
      case 'S':
        skipping_ = false;
        settings(last_);
        last_ = nullptr;
        expect('Z');
        break;
      case 'F':  // FunctionCallResponse or an error (the library refuses it)
        skip_to_ready();
        expect('Z');
        break;
      default:  // Flush; CopyData/CopyDone/CopyFail, answered within query()
        break;
    }
  }

  void skip_to_ready() {
    while (type() != 'Z') {
      if (type() == '\0') fail("the server stream ended before ReadyForQuery");
      ++be_;
    }
  }

  void settings(GoldenResult* to) {
    while (type() == 'S') {
      auto ps = take<ParameterStatus>();
      if (!to) fail("ParameterStatus without a statement");
      to->settings.emplace_back(ps.name, ps.value);
    }
  }

  // Everything up to ReadyForQuery, cut into one result per statement.
  std::vector<GoldenResult> results() {
    std::vector<GoldenResult> out;
    GoldenResult cur;
    while (type() != 'Z') {
      switch (type()) {
        case 'N': cur.notices.push_back(error_info(take<NoticeResponse>())); break;
        case 'T': cur.columns = schema_of(take<RowDescription>()); break;
        case 'D':
          if (!cur.columns) fail("DataRow without RowDescription");
          cur.rows.push_back(text_row(take<DataRow>(), *cur.columns, {}));
          break;
        case 'C':
          cur.tag = std::string(take<CommandComplete>().tag);
          out.push_back(std::move(cur));
          cur = {};
          break;
        case 'E':
          cur.error = error(false);
          out.push_back(std::move(cur));
          cur = {};
          break;
        case 'I':
          ++be_;
          cur.empty = true;
          out.push_back(std::move(cur));
          cur = {};
          break;
        case 'S': settings(out.empty() ? &cur : &out.back()); break;
        case 'G': case 'H': {  // COPY: then "COPY n" or the error that ended it
          auto& c = cur.copy.emplace();
          c.direction = type();
          const CopyResponse r = c.direction == 'G' ? CopyResponse(take<CopyInResponse>())
                                                     : CopyResponse(take<CopyOutResponse>());
          c.binary = r.format == 1;
          c.columns = r.column_formats.size();
          break;
        }
        case 'd':
          if (!cur.copy || cur.copy->direction != 'H') fail("CopyData outside COPY TO STDOUT");
          cur.copy->data.emplace_back(take<CopyData>().data);
          break;
        case 'c':
          if (!cur.copy || cur.copy->direction != 'H') fail("CopyDone outside COPY TO STDOUT");
          ++be_;
          break;
        case 'W':  // replication: its whole exchange ends with ReadyForQuery
          cur.unsupported = type();
          skip_to_ready();
          out.push_back(std::move(cur));
          cur = {};
          break;
        case 'A':  // NotificationResponse: the product's NotificationHub makes it
          ++be_;
          break;
        case '\0': fail("the server stream ended before ReadyForQuery");
        default: fail("unexpected message in a simple query's answer");
      }
    }
    ++be_;
    return out;
  }

  void query(const std::string& sql) {
    auto cursor = parse_cursor_command(sql);
    std::vector<GoldenResult> r = results();
    if (!cursor) {
      s_.queries[sql].push_back(std::move(r));
      return;
    }
    // The library runs SQL cursors itself; the product only answers the
    // DECLAREd query, whose columns and rows PostgreSQL shows through FETCH.
    if (cursor->kind == CursorCommand::Kind::declare) {
      s_.parses[cursor->query].emplace_back();
      s_.executes[cursor->query].emplace_back().tag = "SELECT";
      cursors_[cursor->name] = Stmt{cursor->query, &s_.parses[cursor->query].back()};
    } else if (cursor->kind == CursorCommand::Kind::fetch && r.size() == 1 && r[0].columns) {
      Stmt& c = named(cursors_, cursor->name, "cursor");
      if (!c.parse->columns) c.parse->columns = r[0].columns;
      GoldenResult& all = s_.executes[c.sql].back();
      all.columns = r[0].columns;
      for (auto& row : r[0].rows) all.rows.push_back(std::move(row));
    }
  }

  void parse(const Parse& p) {
    std::string sql(p.query);
    GoldenParse g;
    g.error = error(true);
    if (!g.error) expect('1');
    auto& list = s_.parses[sql];
    list.push_back(std::move(g));
    statements_[std::string(p.statement)] = Stmt{sql, &list.back()};
  }

  void bind(const Bind& b) {
    const Stmt& st = named(statements_, b.statement, "statement");
    auto e = error(true);
    if (!e) expect('2');
    s_.binds[st.sql].push_back(e);
    if (!e) portals_[std::string(b.portal)] = PortalState{st.sql, st.parse, nullptr, b.result_formats};
  }

  void describe(const Describe& d) {
    GoldenParse* target = nullptr;
    if (d.target == TargetKind::statement) {
      target = named(statements_, d.name, "statement").parse;
      if (type() == 't') target->parameter_types = take<ParameterDescription>().types;
    } else if (auto p = portals_.find(d.name); p != portals_.end()) {
      target = p->second.parse;
    } else {
      target = named(cursors_, d.name, "portal or cursor").parse;
    }
    if (error(true)) return;
    if (type() == 'n') {
      ++be_;
    } else if (!target->columns) {
      target->columns = schema_of(take<RowDescription>());
    } else {
      expect('T');
    }
  }

  void execute(const Execute& e) {
    PortalState& p = named(portals_, e.portal, "portal");
    if (!p.result) {
      p.result = &s_.executes[p.sql].emplace_back();
      p.result->columns = p.parse->columns;
    }
    GoldenResult& r = *p.result;
    last_ = &r;
    for (;;) {
      switch (type()) {
        case 'N': r.notices.push_back(error_info(take<NoticeResponse>())); continue;
        case 'D':
          if (!r.columns) fail("DataRow of a statement never described");
          r.rows.push_back(text_row(take<DataRow>(), *r.columns, p.formats));
          continue;
        case 'C': r.tag = std::string(take<CommandComplete>().tag); return;
        case 's': ++be_; return;  // PortalSuspended: the next Execute resumes
        case 'I': ++be_; r.empty = true; return;
        case 'E': r.error = error(true); return;
        default: fail("unexpected answer to Execute");
      }
    }
  }
};

}  // namespace

GoldenScript read_script(const Capture& capture) {
  GoldenScript s;
  Reader(capture, s).run();
  return s;
}

}  // namespace pgwire::test
