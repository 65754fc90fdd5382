// pg_proc: the built-in types' I/O functions (type_io_functions.hpp) and
// the Description's functions (relation_rows.hpp), with the result and
// argument texts pg_get_function_* print.

#include "catalog_types.hpp"
#include "relation_rows.hpp"
#include "type_io_functions.hpp"

namespace pgwire::catalog_detail {

void fill_builtin_functions(Fill& f) {
  for (const auto& fn : builtin_procs()) {
    f.s.procs[fn.oid] = {pg_catalog_namespace, fn.name, format_type(fn.result_type, -1),
                         format_type(fn.argument_type, -1)};
    insert(f.db, "pg_proc", {{"oid", fn.oid}, {"proname", fn.name}, {"pronamespace", pg_catalog_namespace},
                             {"proowner", bootstrap_role}, {"prolang", 12}, {"procost", 1},
                             {"prokind", std::string("f")}, {"proisstrict", 1},
                             {"provolatile", std::string(fn.argument_type == catoid::cstring ? "s" : "i")},
                             {"proparallel", std::string("s")}, {"pronargs", 1}, {"prorettype", fn.result_type},
                             {"proargtypes", std::to_string(fn.argument_type)}, {"prosrc", fn.name}});
  }
}

void fill_functions(Fill& f) {
  for (const auto& fn : f.d.functions) {
    Oid po = f.new_oid();
    Oid nsp = f.schema_oid(fn.schema);
    std::vector<std::string> args;
    for (std::size_t i = 0; i < fn.argument_types.size(); ++i) {
      std::string type = format_type(fn.argument_types[i], -1);
      args.push_back(i < fn.argument_names.size() && !fn.argument_names[i].empty()
                         ? quote_ident(fn.argument_names[i]) + " " + type
                         : type);
    }
    f.s.procs[po] = {nsp, fn.name, fn.kind == 'p' ? std::string() : format_type(fn.result_type, -1), join(args, ", ")};
    std::string names;
    if (!fn.argument_names.empty()) names = "{" + join(fn.argument_names, ",") + "}";
    insert(f.db, "pg_proc", {{"oid", po}, {"proname", fn.name}, {"pronamespace", nsp}, {"proowner", bootstrap_role},
                             {"prolang", 14}, {"procost", 100}, {"prokind", ch(fn.kind)}, {"proisstrict", 1},
                             {"provolatile", std::string("v")}, {"proparallel", std::string("u")},
                             {"pronargs", static_cast<std::int64_t>(fn.argument_types.size())},
                             {"prorettype", fn.kind == 'p' ? 0 : fn.result_type},
                             {"proargtypes", join(fn.argument_types, " ")},
                             {"proargnames", names.empty() ? Value{} : Value{names}}, {"prosrc", fn.name}});
    if (!fn.comment.empty()) f.s.comments[{po, pg_proc_oid, 0}] = fn.comment;
  }
}

}  // namespace pgwire::catalog_detail
