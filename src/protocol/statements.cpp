#include "pgwire/protocol/statements.hpp"

#include <fmt/format.h>

#include "pgwire/types/convert.hpp"
#include "pgwire/types/encoding.hpp"

namespace pgwire {

void Portal::bad_parameter(std::size_t i, std::error_code ec, Oid type) const {
  if (type == 0 && statement && i < statement->parameter_types.size()) type = statement->parameter_types[i];
  FormatCode format = parameter_formats.at(i);
  ErrorInfo info = type_error_info(ec, type == 0 ? oid::unknown : type, parameters.at(i).value_or(""), format);
  // exec_bind_message's own wording when bytes are left over after the
  // receive function, and its error context naming the parameter.
  if (format == format_binary && ec == type_errc::invalid_binary) {
    info.message = fmt::format("incorrect binary data format in bind parameter {}", i + 1);
  }
  info.where = name.empty() ? fmt::format("unnamed portal parameter ${}", i + 1)
                            : fmt::format("portal \"{}\" parameter ${}", name, i + 1);
  throw PgError(std::move(info));
}

namespace {

// Expands Bind's format shorthand into `out`: none = all text, one = all,
// else one each.
void expand(const std::vector<FormatCode>& codes, std::size_t n, const char* what, std::size_t declared,
            std::vector<FormatCode>& out) {
  for (FormatCode f : codes)
    if (f != format_text && f != format_binary)
      throw PgError("22023", fmt::format("unsupported format code: {}", f));
  if (codes.size() > 1 && codes.size() != n)
    throw PgError(sqlstate::protocol_violation,
                  fmt::format("bind message has {} {} formats but {} {}", codes.size(), what,
                              declared, std::string_view(what) == "parameter" ? "parameters" : "columns"));
  if (codes.size() > 1) {
    out.assign(codes.begin(), codes.end());
  } else {
    out.assign(n, codes.empty() ? format_text : codes[0]);
  }
}

// What a recycled portal may keep of its buffers; a larger one is released.
constexpr std::size_t max_kept_parameter_bytes = 64 * 1024;
constexpr std::size_t max_kept_entries = 1024;

template <class T>
void clear_bounded(std::vector<T>& v) noexcept {
  if (v.capacity() > max_kept_entries) {
    std::vector<T>().swap(v);
  } else {
    v.clear();
  }
}

}  // namespace

void Portal::assign_parameters(std::vector<FormatCode> formats,
                               const std::vector<std::optional<std::string_view>>& values) {
  parameter_formats = std::move(formats);
  parameters.clear();
  parameters.reserve(values.size());
  // One allocation for every parameter's bytes; the views point into it.
  std::size_t total = 0;
  for (const auto& v : values)
    if (v) total += v->size();
  storage_.clear();
  storage_.reserve(total);
  for (const auto& v : values) {
    if (!v) {
      parameters.emplace_back(std::nullopt);
      continue;
    }
    std::size_t at = storage_.size();
    storage_.append(*v);
    parameters.emplace_back(std::string_view(storage_).substr(at, v->size()));
  }
}

void Portal::clear_for_reuse() noexcept {
  name.clear();
  statement.reset();
  clear_bounded(parameter_formats);
  clear_bounded(parameters);
  clear_bounded(result_formats);
  if (storage_.capacity() > max_kept_parameter_bytes) {
    std::string().swap(storage_);
  } else {
    storage_.clear();
  }
  scratch_.clear();
  suspended_.reset();
  completed_ = false;
}

void Portal::check_parameters(Buffer& scratch) const {
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (!parameters[i]) continue;
    std::string_view value = *parameters[i];
    if (parameter_formats[i] == format_text) {
      if (!valid_utf8(value)) {
        ErrorInfo info = invalid_utf8_error(value);
        throw PgError(std::move(info));
      }
      continue;
    }
    Oid type = i < statement->parameter_types.size() ? statement->parameter_types[i] : 0;
    if (type == 0 || !can_convert_format(type)) continue;  // the product's to judge
    scratch.clear();
    if (auto ec = convert_format(type, value, format_binary, format_text, scratch)) bad_parameter(i, ec, type);
  }
}

void StatementStore::add_statement(std::shared_ptr<Statement> stmt) {
  if (!contents_) contents_ = std::make_unique<Contents>();
  auto& statements = contents_->statements;
  if (!stmt->name.empty() && statements.count(stmt->name))
    throw PgError("42P05", fmt::format("prepared statement \"{}\" already exists", stmt->name));
  std::string name = stmt->name;
  statements.insert_or_assign(std::move(name), std::move(stmt));
}

std::shared_ptr<const Statement> StatementStore::statement(std::string_view name) const {
  if (contents_) {
    auto it = contents_->statements.find(name);
    if (it != contents_->statements.end()) return it->second;
  }
  if (name.empty()) throw PgError("26000", "unnamed prepared statement does not exist");
  throw PgError("26000", fmt::format("prepared statement \"{}\" does not exist", name));
}

Portal& StatementStore::bind(const Bind& b) {
  auto stmt = statement(b.statement);  // the contents exist from here on
  Contents& c = *contents_;
  if (!b.portal.empty() && c.portals.count(b.portal))
    throw PgError("42P03", fmt::format("portal \"{}\" already exists", b.portal));
  std::size_t declared = stmt->parameter_types.size();
  if (b.parameter_formats.size() > 1 && b.parameter_formats.size() != b.parameters.size())
    throw PgError(sqlstate::protocol_violation,
                  fmt::format("bind message has {} parameter formats but {} parameters",
                              b.parameter_formats.size(), b.parameters.size()));
  if (b.parameters.size() != declared)
    throw PgError(sqlstate::protocol_violation,
                  fmt::format("bind message supplies {} parameters, but prepared statement \"{}\" "
                              "requires {}",
                              b.parameters.size(), stmt->name, declared));
  auto p = c.spare_portal ? std::move(c.spare_portal) : std::make_unique<Portal>();
  try {
    p->name = b.portal;
    expand(b.parameter_formats, declared, "parameter", declared, p->parameter_formats);
    std::size_t columns = stmt->columns ? stmt->columns->size() : 0;
    // PostgreSQL accepts result formats for a statement without columns.
    if (columns == 0 && b.result_formats.size() <= 1) {
      p->result_formats.clear();
    } else {
      expand(b.result_formats, columns, "result", columns, p->result_formats);
    }
    p->assign_parameters(std::move(p->parameter_formats), b.parameters);
    p->statement = std::move(stmt);
    p->check_parameters(c.scratch);
  } catch (...) {
    recycle(std::move(p));
    throw;
  }
  Portal& ref = *p;
  if (auto it = c.portals.find(p->name); it != c.portals.end()) {
    recycle(std::exchange(it->second, std::move(p)));  // the unnamed portal, replaced
  } else if (c.spare_node) {
    c.spare_node.key() = p->name;
    c.spare_node.mapped() = std::move(p);
    c.portals.insert(std::move(c.spare_node));
  } else {
    std::string key = p->name;
    c.portals.emplace(std::move(key), std::move(p));
  }
  return ref;
}

void StatementStore::recycle(std::unique_ptr<Portal> portal) noexcept {
  if (!portal || !contents_ || contents_->spare_portal) return;
  portal->clear_for_reuse();
  contents_->spare_portal = std::move(portal);
}

Portal* StatementStore::portal(std::string_view name) {
  if (!contents_) return nullptr;
  auto it = contents_->portals.find(name);
  return it == contents_->portals.end() ? nullptr : it->second.get();
}

std::vector<std::shared_ptr<const Statement>> StatementStore::close_statement(std::string_view name) {
  std::vector<std::shared_ptr<const Statement>> out;
  if (!contents_) return out;
  auto& statements = contents_->statements;
  auto& portals = contents_->portals;
  auto it = statements.find(name);
  if (it == statements.end()) return out;
  // Portals made from a statement go with it.
  for (auto p = portals.begin(); p != portals.end();) {
    if (p->second->statement == it->second) {
      p = portals.erase(p);
    } else {
      ++p;
    }
  }
  out.push_back(it->second);
  statements.erase(it);
  return out;
}

std::unique_ptr<Portal> StatementStore::close_portal(std::string_view name) {
  if (!contents_) return nullptr;
  auto& portals = contents_->portals;
  auto it = portals.find(name);
  if (it == portals.end()) return nullptr;
  auto node = portals.extract(it);
  auto portal = std::move(node.mapped());
  if (!contents_->spare_node) contents_->spare_node = std::move(node);
  return portal;
}

std::shared_ptr<const Statement> StatementStore::deallocate(std::string_view name) {
  if (name.empty() || !contents_) return nullptr;  // the unnamed statement is not SQL-visible
  auto& statements = contents_->statements;
  auto it = statements.find(name);
  if (it == statements.end()) return nullptr;
  auto s = it->second;
  statements.erase(it);
  return s;
}

std::vector<std::shared_ptr<const Statement>> StatementStore::deallocate_all() {
  std::vector<std::shared_ptr<const Statement>> out;
  if (!contents_) return out;
  auto& statements = contents_->statements;
  for (auto it = statements.begin(); it != statements.end();) {
    if (it->first.empty()) {
      ++it;
      continue;
    }
    out.push_back(it->second);
    it = statements.erase(it);
  }
  return out;
}

std::unique_ptr<Portal> StatementStore::drop_unnamed_portal() { return close_portal(""); }

std::vector<std::unique_ptr<Portal>> StatementStore::drop_portals() {
  std::vector<std::unique_ptr<Portal>> out;
  if (!contents_) return out;
  for (auto& [name, portal] : contents_->portals) out.push_back(std::move(portal));
  contents_->portals.clear();
  // Nothing left to keep the spare portal and scratch space for.
  if (contents_->statements.empty()) contents_.reset();
  return out;
}

std::shared_ptr<const Statement> StatementStore::drop_unnamed_statement() {
  if (!contents_) return nullptr;
  auto& statements = contents_->statements;
  auto it = statements.find("");
  if (it == statements.end()) return nullptr;
  auto s = it->second;
  statements.erase(it);
  return s;
}

}  // namespace pgwire
