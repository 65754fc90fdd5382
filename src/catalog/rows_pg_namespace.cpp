// pg_namespace: the schemas initdb makes and those of the Description
// (relation_rows.hpp).

#include "relation_rows.hpp"

namespace pgwire::catalog_detail {

void Fill::add_namespace(Oid o, const std::string& name, Oid owner) {
  s.namespaces[o] = name;
  if (o == public_namespace) {  // as initdb makes it
    insert(db, "pg_namespace", {{"oid", o}, {"nspname", name}, {"nspowner", owner},
                                {"nspacl", std::string("{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner}")}});
    s.comments[{o, pg_namespace_oid, 0}] = "standard public schema";
    return;
  }
  insert(db, "pg_namespace", {{"oid", o}, {"nspname", name}, {"nspowner", owner}});
}

Oid Fill::schema_oid(const std::string& name) {
  if (auto it = schema_oids.find(name); it != schema_oids.end()) return it->second;
  Oid o = name == "public" ? public_namespace : new_oid();
  add_namespace(o, name, name == "public" ? database_owner_role : bootstrap_role);
  schema_oids[name] = o;
  return o;
}

void fill_namespaces(Fill& f) {
  f.add_namespace(pg_catalog_namespace, "pg_catalog", bootstrap_role);
  f.add_namespace(99, "pg_toast", bootstrap_role);
  f.add_namespace(information_schema_namespace, "information_schema", bootstrap_role);
  f.schema_oids = {{"pg_catalog", pg_catalog_namespace}, {"information_schema", information_schema_namespace}};
  for (const auto& name : f.d.schemas) f.schema_oid(name);
}

}  // namespace pgwire::catalog_detail
