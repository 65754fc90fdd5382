// pg_type: the built-in types (catalog_types.cpp lists them) and the row
// type, with its array type, that CREATE TABLE makes for each table
// (relation_rows.hpp); each with the I/O functions it names
// (type_io_functions.hpp, in pg_proc from rows_pg_proc.cpp).

#include "catalog_types.hpp"
#include "relation_rows.hpp"
#include "type_io_functions.hpp"

namespace pgwire::catalog_detail {

void fill_builtin_types(Fill& f) {
  for (const auto& t : catalog_types()) {
    TypeIoFunctions io = type_io_functions(t);
    bool byval = t.typlen > 0 && t.typlen <= 8 && t.oid != oid::uuid && t.oid != oid::interval &&
                 t.oid != oid::timetz && t.oid != oid::name && t.oid != catoid::tid && t.oid != catoid::aclitem;
    insert(f.db, "pg_type", {{"oid", t.oid}, {"typname", std::string(t.name)}, {"typnamespace", pg_catalog_namespace},
                             {"typowner", bootstrap_role}, {"typlen", t.typlen}, {"typbyval", b(byval)},
                             {"typtype", ch(t.typtype)}, {"typcategory", ch(t.category)}, {"typisdefined", 1},
                             {"typdelim", std::string(",")}, {"typelem", t.element}, {"typarray", t.array},
                             {"typalign", std::string(t.typlen == 8 ? "d" : t.typlen == 2 ? "s" : t.typlen == 1 ? "c" : "i")},
                             {"typstorage", storage(t.oid)},
                             {"typcollation", collatable(t.oid) ? 100 : t.oid == oid::name ? 950 : 0},
                             {"typinput", io.input}, {"typoutput", io.output}, {"typreceive", io.receive},
                             {"typsend", io.send}});
  }
}

Oid add_row_types(Fill& f, const catalog::TableInfo& t, Oid rel, Oid nsp) {
  Oid rowtype = f.new_oid(), rowtype_array = f.new_oid();
  f.s.type_namespaces[rowtype] = nsp;
  f.s.type_names[rowtype] = t.name;
  f.s.type_namespaces[rowtype_array] = nsp;
  f.s.type_names[rowtype_array] = "_" + t.name;
  insert(f.db, "pg_type", {{"oid", rowtype}, {"typname", t.name}, {"typnamespace", nsp}, {"typowner", bootstrap_role},
                           {"typlen", -1}, {"typtype", std::string("c")}, {"typcategory", std::string("C")},
                           {"typisdefined", 1}, {"typdelim", std::string(",")}, {"typrelid", rel},
                           {"typarray", rowtype_array}, {"typalign", std::string("d")},
                           {"typstorage", std::string("x")}, {"typinput", record_io_functions().input},
                           {"typoutput", record_io_functions().output}, {"typreceive", record_io_functions().receive},
                           {"typsend", record_io_functions().send}});
  insert(f.db, "pg_type", {{"oid", rowtype_array}, {"typname", "_" + t.name}, {"typnamespace", nsp},
                           {"typowner", bootstrap_role}, {"typlen", -1}, {"typtype", std::string("b")},
                           {"typcategory", std::string("A")}, {"typisdefined", 1}, {"typdelim", std::string(",")},
                           {"typelem", rowtype}, {"typalign", std::string("d")}, {"typstorage", std::string("x")},
                           {"typinput", array_io_functions().input}, {"typoutput", array_io_functions().output},
                           {"typreceive", array_io_functions().receive}, {"typsend", array_io_functions().send}});
  return rowtype;
}

}  // namespace pgwire::catalog_detail
