// pg_description (relation_rows.hpp): the comments the other families
// gathered in the Snapshot (obj_description and col_description read them
// there too), written last.

#include "relation_rows.hpp"

namespace pgwire::catalog_detail {

void fill_descriptions(Fill& f) {
  for (const auto& [key, text] : f.s.comments) {
    auto [objoid, classoid, subid] = key;
    insert(f.db, "pg_description",
           {{"objoid", objoid}, {"classoid", classoid}, {"objsubid", subid}, {"description", text}});
  }
}

}  // namespace pgwire::catalog_detail
