// PostgreSQL 15's repl_gram.y as a recursive-descent parser. Bison reports
// every grammar error as plain "syntax error" (no position), so the parser
// only has to find the same commands valid and invalid, and to lex no
// further than bison does before it fails.

#include <fmt/format.h>

#include "command_lexer.hpp"
#include "pgwire/codec/error_info.hpp"
#include "pgwire/replication/command.hpp"

namespace pgwire::replication {
namespace {

using detail::CommandLexer;
using detail::Keyword;
using detail::Token;
using Kind = Token::Kind;

[[noreturn]] void syntax_error() { throw PgError(sqlstate::syntax_error, "syntax error"); }

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) { advance(); }

  ParsedReplicationCommand parse() {
    ReplicationCommand command = parse_command();
    if (tok_.is(';')) advance();
    if (tok_.kind != Kind::end) syntax_error();
    return {std::move(command), std::move(lexer_.notices())};
  }

 private:
  void advance() { tok_ = lexer_.next(); }

  bool accept(Keyword k) {
    if (!tok_.is(k)) return false;
    advance();
    return true;
  }
  bool accept(char c) {
    if (!tok_.is(c)) return false;
    advance();
    return true;
  }
  void expect(Keyword k) {
    if (!accept(k)) syntax_error();
  }
  void expect(char c) {
    if (!accept(c)) syntax_error();
  }
  std::string expect_ident() {
    if (tok_.kind != Kind::ident) syntax_error();
    std::string s = std::move(tok_.text);
    advance();
    return s;
  }
  Lsn expect_lsn() {
    if (tok_.kind != Kind::lsn) syntax_error();
    Lsn lsn = tok_.lsn;
    advance();
    return lsn;
  }
  // UCONST with the grammar's check, made before the next token is read.
  std::uint32_t expect_timeline() {
    if (tok_.kind != Kind::number) syntax_error();
    std::uint32_t tli = tok_.number;
    if (tli == 0) throw PgError(sqlstate::syntax_error, fmt::format("invalid timeline {}", tli));
    advance();
    return tli;
  }

  ReplicationCommand parse_command() {
    if (tok_.kind != Kind::keyword) syntax_error();
    Keyword k = tok_.keyword;
    advance();
    switch (k) {
      case Keyword::identify_system: return IdentifySystem{};
      case Keyword::show: return ShowSetting{var_name()};
      case Keyword::read_replication_slot: return ReadSlot{var_name()};
      case Keyword::timeline_history: return TimelineHistory{expect_timeline()};
      case Keyword::base_backup: return base_backup();
      case Keyword::create_replication_slot: return create_slot();
      case Keyword::drop_replication_slot: {
        DropSlot cmd{expect_ident()};
        cmd.wait = accept(Keyword::wait);
        return cmd;
      }
      case Keyword::start_replication: return start_replication();
      default: syntax_error();
    }
  }

  // var_name: IDENT | var_name '.' IDENT
  std::string var_name() {
    std::string name = expect_ident();
    while (accept('.')) name += "." + expect_ident();
    return name;
  }

  BaseBackup base_backup() {
    BaseBackup cmd;
    if (accept('(')) {
      cmd.options = generic_options();
      expect(')');
    }
    return cmd;
  }

  CreateSlot create_slot() {
    CreateSlot cmd;
    cmd.slot = expect_ident();
    cmd.temporary = accept(Keyword::temporary);
    if (accept(Keyword::physical)) {
      cmd.logical = false;
    } else {
      expect(Keyword::logical);
      cmd.plugin = expect_ident();
    }
    if (accept('(')) {
      cmd.options = generic_options();
      expect(')');
      return cmd;
    }
    // The spellings from before the parenthesized options, as the options
    // PostgreSQL makes of them.
    for (;;) {
      if (accept(Keyword::export_snapshot)) cmd.options.push_back({"snapshot", CommandOption::Kind::text, "export"});
      else if (accept(Keyword::noexport_snapshot)) cmd.options.push_back({"snapshot", CommandOption::Kind::text, "nothing"});
      else if (accept(Keyword::use_snapshot)) cmd.options.push_back({"snapshot", CommandOption::Kind::text, "use"});
      else if (accept(Keyword::reserve_wal)) cmd.options.push_back({"reserve_wal", CommandOption::Kind::text, "true"});
      else if (accept(Keyword::two_phase)) cmd.options.push_back({"two_phase", CommandOption::Kind::text, "true"});
      else return cmd;
    }
  }

  StartReplication start_replication() {
    StartReplication cmd;
    if (accept(Keyword::slot)) {
      cmd.slot = expect_ident();
      if (accept(Keyword::logical)) {
        cmd.start = expect_lsn();
        if (accept('(')) {
          cmd.options = plugin_options();
          expect(')');
        }
        return cmd;
      }
    }
    cmd.logical = false;
    accept(Keyword::physical);
    cmd.start = expect_lsn();
    if (accept(Keyword::timeline)) cmd.timeline = expect_timeline();
    return cmd;
  }

  // plugin_opt_elem: IDENT [SCONST], separated by commas.
  PluginOptions plugin_options() {
    PluginOptions out;
    do {
      PluginOption opt{expect_ident(), std::nullopt};
      if (tok_.kind == Kind::string) {
        opt.value = std::move(tok_.text);
        advance();
      }
      out.push_back(std::move(opt));
    } while (accept(','));
    return out;
  }

  // generic_option: ident_or_keyword [IDENT | SCONST | UCONST], by commas.
  std::vector<CommandOption> generic_options() {
    std::vector<CommandOption> out;
    do {
      if (tok_.kind != Kind::ident && tok_.kind != Kind::keyword) syntax_error();
      CommandOption opt{std::move(tok_.text), CommandOption::Kind::none, {}};
      advance();
      if (tok_.kind == Kind::ident || tok_.kind == Kind::string) {
        opt.kind = CommandOption::Kind::text;
        opt.value = std::move(tok_.text);
        advance();
      } else if (tok_.kind == Kind::number) {
        opt.kind = CommandOption::Kind::number;
        // makeInteger() keeps UCONST in an int: above INT_MAX it reads negative.
        opt.value = std::to_string(static_cast<std::int32_t>(tok_.number));
        advance();
      }
      out.push_back(std::move(opt));
    } while (accept(','));
    return out;
  }

  CommandLexer lexer_;
  Token tok_;
};

}  // namespace

bool is_replication_command(std::string_view text) {
  Token first = detail::CommandLexer(text).next();
  if (first.kind != Kind::keyword) return false;
  switch (first.keyword) {
    case Keyword::identify_system:
    case Keyword::base_backup:
    case Keyword::start_replication:
    case Keyword::create_replication_slot:
    case Keyword::drop_replication_slot:
    case Keyword::read_replication_slot:
    case Keyword::timeline_history:
    case Keyword::show:
      return true;
    default:
      return false;
  }
}

ParsedReplicationCommand parse_replication_command(std::string_view text) { return Parser(text).parse(); }

}  // namespace pgwire::replication
