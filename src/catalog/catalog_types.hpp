#pragma once
// The types pg_type lists: the type layer's built-in types plus the ones
// only catalogs use (regclass, oidvector, aclitem, ...), and format_type().

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "pgwire/types/oid.hpp"

namespace pgwire::catalog_detail {

struct CatalogType {
  Oid oid = 0;
  std::string_view name;  // typname
  std::int16_t typlen = -1;
  Oid element = 0;
  Oid array = 0;
  char category = 'U';
  char typtype = 'b';  // b base, p pseudo
};

namespace catoid {
inline constexpr Oid regproc = 24, int2vector = 22, tid = 27, xid = 28, cid = 29, oidvector = 30,
                     pg_node_tree = 194, aclitem = 1033, regprocedure = 2202, regoper = 2203,
                     regoperator = 2204, regclass = 2205, regtype = 2206, regnamespace = 4089, regrole = 4096,
                     record = 2249, cstring = 2275, trigger = 2279, anyelement = 2283, anyarray = 2277,
                     internal = 2281, int2vector_array = 1006, oidvector_array = 1013, aclitem_array = 1034,
                     regclass_array = 2210, regtype_array = 2211, xid_array = 1011, regproc_array = 1008;
}

// Every type of pg_type, ordered by OID.
std::span<const CatalogType> catalog_types() noexcept;
const CatalogType* find_catalog_type(Oid type) noexcept;
const CatalogType* find_catalog_type(std::string_view typname) noexcept;

// The type as SQL spells it, with its modifier: format_type(oid, typmod).
// `typmod` < 0: none. Unknown OIDs give "???" as PostgreSQL does.
std::string format_type(Oid type, std::int32_t typmod);

// pg_type.typlen for the RowDescription of a result column.
std::int16_t catalog_type_size(Oid type) noexcept;

}  // namespace pgwire::catalog_detail
