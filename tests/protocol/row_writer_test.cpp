// RowWriter: rows written value by value and rows handed over whole
// (add_encoded_rows, for products that encode DataRows on their own thread)
// give the same bytes, and a handed-over message that is not a DataRow of
// the result's width fails the result instead of reaching the client.

#include <pgwire/protocol/results.hpp>

#include "support/catch.hpp"

using namespace pgwire;

namespace {

Schema two_columns() { return {Column{"a", 23}, Column{"b", 25}}; }

// Two rows (1, 'x') and (NULL, 'yz') as DataRow messages.
std::string encoded_rows() {
  Buffer b;
  for (int r = 0; r < 2; ++r) {
    DataRowWriter w(b);
    if (r == 0) {
      w.add(std::string_view("1"));
      w.add(std::string_view("x"));
    } else {
      w.add_null();
      w.add(std::string_view("yz"));
    }
    w.finish();
  }
  return std::string(b.view());
}

}  // namespace

TEST_CASE("RowWriter: whole DataRows handed over are the rows written value by value") {
  Schema schema = two_columns();
  Buffer by_value, whole;
  RowWriter a(by_value, schema, {}, 1 << 16, 0);
  a.begin_row();
  a.add_encoded("1");
  a.add_encoded("x");
  a.end_row();
  a.begin_row();
  a.add_null();
  a.add_encoded("yz");
  a.end_row();
  RowWriter b(whole, schema, {}, 1 << 16, 0);
  b.add_encoded_rows(encoded_rows());
  CHECK(whole.view() == by_value.view());
  CHECK(b.rows() == 2);
  CHECK(!whole.error());
}

TEST_CASE("RowWriter: a handed-over message of another kind or width fails the result") {
  Schema schema = two_columns();
  std::string rows = encoded_rows();
  SECTION("a column short") {
    Schema three = {Column{"a", 23}, Column{"b", 25}, Column{"c", 25}};
    Buffer out;
    RowWriter w(out, three, {}, 1 << 16, 0);
    w.add_encoded_rows(rows);
    CHECK(out.error());
    CHECK(w.rows() == 0);
  }
  SECTION("cut in the middle of a row") {
    Buffer out;
    RowWriter w(out, schema, {}, 1 << 16, 0);
    w.add_encoded_rows(std::string_view(rows).substr(0, rows.size() - 1));
    CHECK(out.error());
  }
  SECTION("not a DataRow") {
    Buffer out;
    RowWriter w(out, schema, {}, 1 << 16, 0);
    rows[0] = 'C';
    w.add_encoded_rows(rows);
    CHECK(out.error());
  }
}

TEST_CASE("RowWriter: rows_left follows the Execute limit, bytes_left the batch") {
  Schema schema = two_columns();
  Buffer out;
  RowWriter limited(out, schema, {}, 100, 3);
  CHECK(limited.rows_left() == 3);
  CHECK(limited.bytes_left() == 100);
  limited.add_encoded_rows(encoded_rows());
  CHECK(limited.rows_left() == 1);
  CHECK(limited.bytes_left() == 100 - encoded_rows().size());
  CHECK(limited.wants_more());
  Buffer other;
  RowWriter unlimited(other, schema, {}, 10, 0);
  CHECK(unlimited.rows_left() == UINT64_MAX);
  unlimited.add_encoded_rows(encoded_rows());
  CHECK(unlimited.bytes_left() == 0);
  CHECK(!unlimited.wants_more());
}
