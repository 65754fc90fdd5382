#pragma once
// Prepared statements and portals, with PostgreSQL's rules: names are per
// session; the unnamed statement is replaced by the next unnamed Parse; Sync
// drops the unnamed portal; named ones live until Close or the end of the
// session. The session machine (session_machine.hpp) owns one StatementStore.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/codec/frontend.hpp"
#include "pgwire/protocol/cursor_grammar.hpp"
#include "pgwire/protocol/results.hpp"
#include "pgwire/protocol/typed_slot.hpp"
#include "pgwire/types/field.hpp"

namespace pgwire {

namespace protocol {
class SessionMachine;
}

struct Statement {
  std::string name;  // empty: the unnamed statement
  std::string sql;
  // On entry to prepare(): the types the client sent in Parse, 0 = "infer"
  // (missing trailing ones are 0 too). prepare() replaces every 0 it can
  // infer and adds entries for parameters the client did not type.
  std::vector<Oid> parameter_types;
  // Result columns; null or empty for a statement without rows (NoData).
  SchemaPtr columns;
  // The product's compiled form (plan, sqlite3_stmt, upstream name, ...),
  // set in prepare(); handle_as<T>() gives nullptr for any other type than
  // the one stored.
  template <class T>
  T& set_handle(std::shared_ptr<T> handle) {
    return handle_.set(std::move(handle));
  }
  template <class T>
  T* handle_as() const noexcept {
    return handle_.template get<T>();
  }
  template <class T>
  std::shared_ptr<T> shared_handle() const noexcept {
    return handle_.template share<T>();
  }

 private:
  friend class protocol::SessionMachine;
  TypedSlot handle_;
  // Set by the session for DECLARE/FETCH/MOVE/CLOSE (sql_cursors): such
  // statements never reach prepare()/execute() themselves.
  std::shared_ptr<const CursorPlan> cursor_;
};

struct Portal {
  std::string name;  // empty: the unnamed portal
  std::shared_ptr<const Statement> statement;
  // One format per parameter and one per result column (the Bind shorthand
  // of zero or one code is expanded).
  std::vector<FormatCode> parameter_formats;
  std::vector<std::optional<std::string_view>> parameters;  // NULL = nullopt
  std::vector<FormatCode> result_formats;

  std::size_t parameter_count() const noexcept { return parameters.size(); }
  bool is_null(std::size_t i) const noexcept { return !parameters.at(i).has_value(); }
  // The parameter decoded from its text or binary form through the type
  // layer; nullopt for NULL. When the bytes are not a valid value of T,
  // throws the PgError PostgreSQL sends for them (type_error_info: 22P02,
  // 22007, 22008, 22003, 22P03, ...), with the parameter as its context.
  template <class T>
  std::optional<T> parameter(std::size_t i) const;

  // Copies `values` (and their formats, already expanded to one per value)
  // into the portal's own storage; `parameters` then views it.
  void assign_parameters(std::vector<FormatCode> formats,
                         const std::vector<std::optional<std::string_view>>& values);

  // What exec_bind_message checks before BindComplete: each text parameter
  // is valid UTF-8 (22021), and each binary parameter of a type the type
  // layer knows is a valid value of it (22P03, or 08P01 when it is short).
  // Text values are parsed later, by the product (their input syntax has
  // more spellings than a Bind-time check should second-guess).
  void check_parameters(Buffer& scratch) const;

 private:
  friend class protocol::SessionMachine;
  // `type`: the OID T was decoded as; 0 for the statement's declared type.
  friend class StatementStore;
  [[noreturn]] void bad_parameter(std::size_t i, std::error_code ec, Oid type) const;
  // Empty again, as a new Portal, but keeping what its buffers hold.
  void clear_for_reuse() noexcept;

  std::string storage_;  // owns the parameter bytes
  mutable std::deque<std::string> scratch_;  // decoded values that need storage (bytea, numeric, jsonb)
  // The session's: the result of an Execute that stopped at its row limit,
  // and whether the portal already ran to completion.
  std::optional<Response> suspended_;
  bool completed_ = false;
};

template <class T>
std::optional<T> Portal::parameter(std::size_t i) const {
  const auto& p = parameters.at(i);
  if (!p) return std::nullopt;
  T out{};
  std::error_code ec;
  // Types whose decoders need storage (bytea from hex, numeric) take a
  // string that lives as long as the portal.
  if constexpr (requires(std::string& s) {
                  decode_text(*p, out, s);
                  decode_binary(*p, out, s);
                }) {
    ec = decode_value(*p, parameter_formats.at(i), out, scratch_.emplace_back());
  } else {
    ec = decode_value(*p, parameter_formats.at(i), out);
  }
  if (ec) {
    if constexpr (ArrayElement<T>) {
      bad_parameter(i, ec, default_element_oid<T>);
    } else {
      bad_parameter(i, ec, 0);  // DecodedArray<E>: named by the declared array type
    }
  }
  return out;
}

// Statements and portals of one session. Used by the connection; public so
// that products and tests can reason about the same rules.
class StatementStore {
 public:
  // Parse: error 42P05 if a named statement already exists.
  void add_statement(std::shared_ptr<Statement> stmt);
  std::shared_ptr<const Statement> statement(std::string_view name) const;  // 26000 if missing
  // Bind: validates counts and formats against the statement (08P01 / 22023
  // as PostgreSQL) and stores the portal (42P03 if a named one exists).
  Portal& bind(const Bind& bind);
  Portal* portal(std::string_view name);  // null if missing
  // Close: both succeed silently when the object does not exist. Closing a
  // statement drops the portals made from it. The dropped objects are
  // returned so the handler can be told.
  std::vector<std::shared_ptr<const Statement>> close_statement(std::string_view name);
  std::unique_ptr<Portal> close_portal(std::string_view name);  // null if missing
  // Sync / simple Query: the unnamed portal goes (and the unnamed statement
  // with a simple Query).
  std::unique_ptr<Portal> drop_unnamed_portal();
  // A closed portal, once whoever needed to know was told, kept for the
  // next Bind (see spare_portal_).
  void recycle(std::unique_ptr<Portal> portal) noexcept;
  // The end of a transaction: every portal goes (no protocol portal is
  // holdable in PostgreSQL).
  std::vector<std::unique_ptr<Portal>> drop_portals();
  std::shared_ptr<const Statement> drop_unnamed_statement();
  // SQL DEALLOCATE: named statements only. Portals stay (they hold their
  // statement), as in PostgreSQL, so a portal running the DEALLOCATE is safe.
  std::shared_ptr<const Statement> deallocate(std::string_view name);
  std::vector<std::shared_ptr<const Statement>> deallocate_all();

  std::size_t statement_count() const noexcept { return contents_ ? contents_->statements.size() : 0; }
  std::size_t portal_count() const noexcept { return contents_ ? contents_->portals.size() : 0; }
  // Whether the store holds anything at all (statements, portals, the
  // spare portal and scratch space): a session that never used the
  // extended protocol, or has no statement left at a transaction's end,
  // holds nothing.
  bool allocated() const noexcept { return contents_ != nullptr; }

 private:
  using PortalMap = std::map<std::string, std::unique_ptr<Portal>, std::less<>>;
  // Allocated by the first Parse, freed by drop_portals() (each
  // transaction's end) once no statement is left: an idle session that has
  // none holds a pointer (168 bytes less).
  struct Contents {
    std::map<std::string, std::shared_ptr<const Statement>, std::less<>> statements;
    PortalMap portals;
    Buffer scratch;  // check_parameters' decoding space, reused
    // Most clients Bind the unnamed portal once per statement and Sync
    // drops it: the last closed portal and map node are kept and reused, so
    // that such a Bind allocates neither (nor its format and parameter
    // vectors).
    std::unique_ptr<Portal> spare_portal;
    PortalMap::node_type spare_node;
  };
  std::unique_ptr<Contents> contents_;
};

}  // namespace pgwire
