// The Description's functions in pg_proc (relation_rows.hpp), with the
// result and argument texts pg_get_function_* print.

#include "catalog_types.hpp"
#include "relation_rows.hpp"

namespace pgwire::catalog_detail {

void fill_functions(Fill& f) {
  for (const auto& fn : f.d.functions) {
    Oid po = f.next++;
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
