// pgjdbc DatabaseMetaData on the schema of test_catalog_tools.py, printed row by row
// (run by `java -cp postgresql.jar CatalogMetadata.java <url>`: no compilation step).
import java.sql.*;

public class CatalogMetadata {
  static void dump(String title, ResultSet rs) throws SQLException {
    System.out.println("== " + title);
    ResultSetMetaData md = rs.getMetaData();
    StringBuilder h = new StringBuilder();
    for (int i = 1; i <= md.getColumnCount(); i++) h.append(i > 1 ? "|" : "").append(md.getColumnLabel(i));
    System.out.println(h);
    while (rs.next()) {
      StringBuilder b = new StringBuilder();
      for (int i = 1; i <= md.getColumnCount(); i++) b.append(i > 1 ? "|" : "").append(rs.getString(i));
      System.out.println(b);
    }
  }
  public static void main(String[] a) throws Exception {
    try (Connection c = DriverManager.getConnection(a[0], "postgres", "")) {
      DatabaseMetaData m = c.getMetaData();
      String only = a.length > 1 ? a[1] : "";
      if (only.isEmpty() || only.equals("tables")) dump("getTables", m.getTables(null, "public", "%", new String[]{"TABLE", "VIEW"}));
      if (only.isEmpty() || only.equals("columns")) dump("getColumns", m.getColumns(null, "public", "books", "%"));
      if (only.isEmpty() || only.equals("pk")) dump("getPrimaryKeys", m.getPrimaryKeys(null, "public", "books"));
      if (only.isEmpty() || only.equals("fk")) dump("getImportedKeys", m.getImportedKeys(null, "public", "books"));
      if (only.isEmpty() || only.equals("ek")) dump("getExportedKeys", m.getExportedKeys(null, "public", "authors"));
      if (only.isEmpty() || only.equals("idx")) dump("getIndexInfo", m.getIndexInfo(null, "public", "books", false, false));
      if (only.isEmpty() || only.equals("schemas")) dump("getSchemas", m.getSchemas());
      if (only.isEmpty() || only.equals("catalogs")) dump("getCatalogs", m.getCatalogs());
      if (only.isEmpty() || only.equals("types")) dump("getTableTypes", m.getTableTypes());
      if (only.equals("typeinfo")) dump("getTypeInfo", m.getTypeInfo());
      // A result's columns traced to their table (RowDescription's table OID
      // and attnum): pgjdbc asks the catalog for them by OID.
      if (only.isEmpty() || only.equals("result"))
        for (String sql : new String[]{
                 "SELECT b.*, b.id + 1 AS plus, a.name AS author, 1 AS one FROM books b JOIN authors a ON a.id = b.author_id",
                 "SELECT s.title AS t FROM (SELECT title FROM books) s", "SELECT count(*) AS n, max(price) FROM books"})
          try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            System.out.println("== ResultSetMetaData " + sql);
            ResultSetMetaData md = rs.getMetaData();
            org.postgresql.PGResultSetMetaData pg = md.unwrap(org.postgresql.PGResultSetMetaData.class);
            for (int i = 1; i <= md.getColumnCount(); i++)
              System.out.println(md.getColumnLabel(i) + "|" + md.getTableName(i) + "|" + pg.getBaseColumnName(i) + "|"
                                 + pg.getBaseSchemaName(i) + "|" + md.isNullable(i) + "|" + md.isAutoIncrement(i) + "|"
                                 + md.getColumnTypeName(i) + "|" + md.getPrecision(i) + "|" + md.getScale(i));
          }
    }
  }
}
