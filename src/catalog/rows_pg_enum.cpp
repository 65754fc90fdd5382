// The Description's enum types (relation_rows.hpp): a pg_type row of
// typtype 'e' (category E, 4 bytes by value, as PostgreSQL stores an enum
// value's OID), its array type, and a pg_enum row per label, which is what
// psql's \dT+ lists as "Elements" and what drivers read to learn the labels.
// Both type OIDs are the product's (EnumInfo); only the labels' are ours.

#include "relation_rows.hpp"
#include "type_io_functions.hpp"

#include <fmt/format.h>

namespace pgwire::catalog_detail {

void fill_enums(Fill& f) {
  for (const auto& e : f.d.enums) {
    Oid nsp = f.schema_oid(e.schema);
    f.s.type_namespaces[e.oid] = nsp;
    f.s.type_names[e.oid] = e.name;
    f.s.type_namespaces[e.array_oid] = nsp;
    f.s.type_names[e.array_oid] = "_" + e.name;
    TypeIoFunctions io = enum_io_functions(), array_io = array_io_functions();
    insert(f.db, "pg_type", {{"oid", e.oid}, {"typname", e.name}, {"typnamespace", nsp}, {"typowner", bootstrap_role},
                             {"typlen", 4}, {"typbyval", 1}, {"typtype", std::string("e")},
                             {"typcategory", std::string("E")}, {"typisdefined", 1}, {"typdelim", std::string(",")},
                             {"typarray", e.array_oid}, {"typalign", std::string("i")},
                             {"typstorage", std::string("p")}, {"typinput", io.input}, {"typoutput", io.output},
                             {"typreceive", io.receive}, {"typsend", io.send}});
    insert(f.db, "pg_type", {{"oid", e.array_oid}, {"typname", "_" + e.name}, {"typnamespace", nsp},
                             {"typowner", bootstrap_role}, {"typlen", -1}, {"typtype", std::string("b")},
                             {"typcategory", std::string("A")}, {"typisdefined", 1}, {"typdelim", std::string(",")},
                             {"typelem", e.oid}, {"typalign", std::string("i")}, {"typstorage", std::string("x")},
                             {"typinput", array_io.input}, {"typoutput", array_io.output},
                             {"typreceive", array_io.receive}, {"typsend", array_io.send}});
    for (std::size_t i = 0; i < e.labels.size(); ++i) {
      double order = i < e.sort_orders.size() ? e.sort_orders[i] : static_cast<double>(i + 1);
      insert(f.db, "pg_enum", {{"oid", f.new_oid()}, {"enumtypid", e.oid}, {"enumsortorder", fmt::format("{}", order)},
                               {"enumlabel", e.labels[i]}});
    }
  }
}

}  // namespace pgwire::catalog_detail
