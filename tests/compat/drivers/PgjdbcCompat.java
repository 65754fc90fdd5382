// pgjdbc driver program of the compat suite (tests/compat/compat.py). Prints
// one JSON line per feature. Extended protocol throughout; prepareThreshold=1
// makes every PreparedStatement a named server-side statement from its first
// use; binaryTransfer=true asks for binary results; setFetchSize with
// autocommit off reads a portal with Execute(row limit) + PortalSuspended.

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Arrays;

public class PgjdbcCompat {
  static String query = null;
  static Connection conn = null;
  static String connectError = "not attempted";
  static final String TABLE = env("COMPAT_TABLE");
  static final long ROWS = Long.parseLong(env("COMPAT_ROWS"));
  static final int TIMEOUT = Integer.parseInt(env("COMPAT_TIMEOUT").isEmpty() ? "15" : env("COMPAT_TIMEOUT"));

  static String env(String k) {
    String v = System.getenv(k);
    return v == null ? "" : v;
  }

  static String sql(String s) {
    query = s;
    return s;
  }

  interface Body {
    void run() throws Exception;
  }

  static class Check extends Exception {
    Check(String m) {
      super(m);
    }
  }

  static void check(boolean cond, String what) throws Check {
    if (!cond) throw new Check(what);
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  static void emit(String feature, String error) {
    StringBuilder b = new StringBuilder("{\"feature\": ").append(json(feature));
    b.append(", \"ok\": ").append(error == null ? "true" : "false");
    if (error != null) {
      b.append(", \"error\": ").append(json(error));
      if (query != null) b.append(", \"query\": ").append(json(query));
    }
    System.out.println(b.append('}'));
    System.out.flush();
  }

  static void run(String feature, Body body) {
    query = null;
    String error = null;
    try {
      body.run();
    } catch (SQLException e) {
      error = "[" + e.getSQLState() + "] " + e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (Check e) {
      error = e.getMessage();
    } catch (Throwable e) {
      error = e.toString();
      for (StackTraceElement f : e.getStackTrace())
        if (f.getClassName().startsWith("PgjdbcCompat")) {
          error += " (at line " + f.getLineNumber() + ")";
          break;
        }
    }
    emit(feature, error);
  }

  static String url(String host, String port) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + env("COMPAT_DBNAME")
        + "?sslmode=disable&prepareThreshold=1&binaryTransfer=true&connectTimeout=10"
        + "&socketTimeout=" + TIMEOUT + "&ApplicationName=pgwire-compat";
  }

  static Connection c() throws Check {
    if (conn == null) throw new Check("no connection (connect_trust failed: " + connectError + ")");
    return conn;
  }

  static long count(long id) throws Exception {
    try (Statement s = c().createStatement();
         ResultSet rs = s.executeQuery(sql("SELECT count(*) FROM " + TABLE + " WHERE id = " + id))) {
      rs.next();
      return Long.parseLong(rs.getString(1));
    }
  }

  interface Setter {
    void set(PreparedStatement ps) throws Exception;
  }

  interface Getter {
    void check(ResultSet rs) throws Exception;
  }

  static void param(String col, long id, Setter set, Getter get) throws Exception {
    try (PreparedStatement ps = c().prepareStatement(sql("INSERT INTO " + TABLE + " (id, " + col + ") VALUES (?, ?)"))) {
      ps.setLong(1, id);
      set.set(ps);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c().prepareStatement(sql("SELECT " + col + " FROM " + TABLE + " WHERE id = ?"))) {
      for (int round = 0; round < 2; round++) { // the second run is binary where the driver chooses it
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          check(rs.next(), "no row");
          get.check(rs);
          check(!rs.next(), "more than one row");
        }
      }
    }
  }

  static Object txState() throws Exception {
    return c().unwrap(org.postgresql.core.BaseConnection.class).getTransactionState();
  }

  public static void main(String[] args) throws Exception {
    String rowsSql = env("COMPAT_SQL_ROWS");
    String trustUrl = url(env("COMPAT_HOST"), env("COMPAT_PORT"));
    run("connect_trust", () -> {
      sql("(connect) " + trustUrl);
      try {
        conn = DriverManager.getConnection(trustUrl + "&user=" + env("COMPAT_USER"));
      } catch (SQLException e) {
        connectError = e.getMessage();
        throw e;
      }
      try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql("SELECT 1"))) {
        check(rs.next() && rs.getInt(1) == 1, "SELECT 1");
      }
    });
    run("connect_scram", () -> {
      sql("(connect with SCRAM)");
      java.util.Properties p = new java.util.Properties();
      p.setProperty("user", env("COMPAT_SCRAM_USER"));
      p.setProperty("password", env("COMPAT_SCRAM_PASSWORD"));
      try (Connection s = DriverManager.getConnection(url(env("COMPAT_SCRAM_HOST"), env("COMPAT_SCRAM_PORT")), p);
           Statement st = s.createStatement(); ResultSet rs = st.executeQuery(sql("SELECT 1"))) {
        check(rs.next() && rs.getInt(1) == 1, "SELECT 1");
      }
    });
    run("connect_tls", () -> {
      // sslmode=require refuses a plaintext answer; NonValidatingFactory: no certificate check.
      String tlsUrl = trustUrl.replace("sslmode=disable", "sslmode=require")
          + "&sslfactory=org.postgresql.ssl.NonValidatingFactory";
      sql("(connect with TLS) " + tlsUrl);
      try (Connection s = DriverManager.getConnection(tlsUrl + "&user=" + env("COMPAT_USER"));
           Statement st = s.createStatement(); ResultSet rs = st.executeQuery(sql("SELECT 1"))) {
        check(rs.next() && rs.getInt(1) == 1, "SELECT 1");
      }
    });
    run("simple_query", () -> {
      try (Statement s = c().createStatement(); ResultSet rs = s.executeQuery(sql("SELECT 1 AS one"))) {
        check(rs.next() && rs.getInt(1) == 1, "SELECT 1");
      }
    });
    run("expr_type", () -> {
      try (Statement s = c().createStatement(); ResultSet rs = s.executeQuery(sql("SELECT 1 + 1 AS two"))) {
        int t = rs.getMetaData().getColumnType(1);
        check(rs.next(), "no row");
        Object v = rs.getObject(1);
        check(t == Types.INTEGER || t == Types.BIGINT || t == Types.SMALLINT,
            "column type " + rs.getMetaData().getColumnTypeName(1) + " (java.sql.Types " + t
                + "), want an integer type; value " + v + " (" + (v == null ? "null" : v.getClass().getSimpleName()) + ")");
        check(((Number) v).intValue() == 2, "value " + v);
      }
    });

    String tableError = null;
    try (Statement s = c().createStatement()) {
      s.execute(sql("DROP TABLE IF EXISTS " + TABLE));
      s.execute(sql(env("COMPAT_SQL_CREATE")));
    } catch (Exception e) {
      tableError = "creating the test table failed: " + e.getMessage() + " (query: " + query + ")";
    }
    final String te = tableError;
    java.util.function.BiConsumer<String, Body> withTable = (feature, body) -> run(feature, () -> {
      if (te != null) throw new Check(te);
      body.run();
    });
    withTable.accept("param_int", () -> param("i", 1, ps -> ps.setLong(2, 1234567890123L), rs -> {
      check(rs.getLong(1) == 1234567890123L, "got " + rs.getString(1));
      check(rs.getObject(1) instanceof Long, "getObject: " + rs.getObject(1).getClass().getSimpleName() + ", want Long");
    }));
    withTable.accept("param_text", () -> param("s", 2, ps -> ps.setString(2, "it's ünïcode ✓"),
        rs -> check("it's ünïcode ✓".equals(rs.getString(1)), "got " + rs.getString(1))));
    withTable.accept("param_null", () -> param("s", 3, ps -> ps.setNull(2, Types.VARCHAR),
        rs -> check(rs.getString(1) == null && rs.wasNull(), "got " + rs.getString(1))));
    withTable.accept("param_float", () -> param("f", 4, ps -> ps.setDouble(2, 3.25),
        rs -> check(rs.getDouble(1) == 3.25, "got " + rs.getString(1))));
    withTable.accept("param_bool", () -> param("b", 5, ps -> ps.setBoolean(2, true),
        rs -> check(rs.getBoolean(1) && Boolean.TRUE.equals(rs.getObject(1)), "got " + rs.getString(1))));
    byte[] bytes = {0, 1, (byte) 0xfe, (byte) 0xff};
    withTable.accept("param_bytea", () -> param("bin", 6, ps -> ps.setBytes(2, bytes),
        rs -> check(Arrays.equals(rs.getBytes(1), bytes), "got " + Arrays.toString(rs.getBytes(1)))));
    withTable.accept("param_date", () -> param("d", 7, ps -> ps.setDate(2, java.sql.Date.valueOf("2024-02-29")),
        rs -> check("2024-02-29".equals(String.valueOf(rs.getDate(1))), "got " + rs.getString(1))));
    withTable.accept("param_timestamp", () -> param("ts", 8,
        ps -> ps.setTimestamp(2, java.sql.Timestamp.valueOf("2024-02-29 12:34:56.789")),
        rs -> check(java.sql.Timestamp.valueOf("2024-02-29 12:34:56.789").equals(rs.getTimestamp(1)),
            "got " + rs.getString(1))));

    run("error_sqlstate", () -> {
      boolean raised = false;
      try (Statement s = c().createStatement()) {
        s.executeQuery(sql("SELECT * FROM compat_no_such_table"));
      } catch (SQLException e) {
        raised = true;
        check("42P01".equals(e.getSQLState()), "SQLSTATE " + e.getSQLState() + ": " + e.getMessage());
      }
      check(raised, "no error for a missing table");
      try (Statement s = c().createStatement(); ResultSet rs = s.executeQuery(sql("SELECT 1"))) {
        check(rs.next() && rs.getInt(1) == 1, "SELECT 1 after the error");
      }
    });
    run("multi_statement", () -> {
      try (Statement s = c().createStatement()) {
        check(s.execute(sql("SELECT 1; SELECT 2")), "no result set");
        try (ResultSet rs = s.getResultSet()) {
          check(rs.next() && rs.getInt(1) == 1, "first result");
        }
        check(s.getMoreResults(), "no second result");
        try (ResultSet rs = s.getResultSet()) {
          check(rs.next() && rs.getInt(1) == 2, "second result");
        }
      }
    });
    withTable.accept("transaction", () -> {
      Connection k = c();
      k.setAutoCommit(false);
      try (Statement s = k.createStatement()) {
        check(String.valueOf(txState()).equals("IDLE"), "state before: " + txState());
        s.executeUpdate(sql("INSERT INTO " + TABLE + " (id, s) VALUES (100, 'rolled back')"));
        check(String.valueOf(txState()).equals("OPEN"), "state in transaction: " + txState());
        k.rollback();
        check(String.valueOf(txState()).equals("IDLE"), "state after rollback: " + txState());
        s.executeUpdate(sql("INSERT INTO " + TABLE + " (id, s) VALUES (101, 'committed')"));
        k.commit();
        try {
          s.executeQuery(sql("SELECT * FROM compat_no_such_table"));
        } catch (SQLException e) {
          // expected
        }
        check(String.valueOf(txState()).equals("FAILED"), "state after an error: " + txState());
        k.rollback();
      } finally {
        k.setAutoCommit(true);
      }
      check(count(100) == 0, "rolled-back row present");
      check(count(101) == 1, "committed row missing");
    });
    run("rows_100k", () -> {
      try (Statement s = c().createStatement(); ResultSet rs = s.executeQuery(sql(rowsSql))) {
        long n = 0, last = 0;
        while (rs.next()) {
          n++;
          last = rs.getLong(1);
        }
        check(n == ROWS && last == ROWS, "got " + n + " rows, last " + last);
      }
    });
    run("stream_100k", () -> {
      Connection k = c();
      k.setAutoCommit(false);
      try (Statement s = k.createStatement()) {
        s.setFetchSize(1000);
        long n = 0, last = 0;
        try (ResultSet rs = s.executeQuery(sql(rowsSql))) {
          while (rs.next()) {
            n++;
            last = rs.getLong(1);
          }
        }
        k.commit();
        check(n == ROWS && last == ROWS, "got " + n + " rows, last " + last);
      } finally {
        if (!k.getAutoCommit()) {
          try {
            k.rollback();
          } catch (SQLException e) {
            // the error above is the one reported
          }
          k.setAutoCommit(true);
        }
      }
    });
    withTable.accept("server_prepare", () -> {
      try (PreparedStatement ps = c().prepareStatement(sql("SELECT s FROM " + TABLE + " WHERE id = ?"))) {
        for (int i = 0; i < 4; i++) {
          long id = (i % 2 == 0) ? 2 : 1;
          ps.setLong(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            check(rs.next(), "no row for id " + id);
            if (id == 2) check("it's ünïcode ✓".equals(rs.getString(1)), "got " + rs.getString(1));
          }
        }
        check(ps.unwrap(org.postgresql.PGStatement.class).isUseServerPrepare(), "not server-prepared");
      }
    });
    withTable.accept("binary", () -> {
      try (PreparedStatement ps = c().prepareStatement(
          sql("INSERT INTO " + TABLE + " (id, i, s, f, b, bin, d, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))) {
        ps.setLong(1, 300);
        ps.setLong(2, 1234567890123L);
        ps.setString(3, "binary ✓");
        ps.setDouble(4, 3.25);
        ps.setBoolean(5, true);
        ps.setBytes(6, bytes);
        ps.setDate(7, java.sql.Date.valueOf("2024-02-29"));
        ps.setTimestamp(8, java.sql.Timestamp.valueOf("2024-02-29 12:34:56.789"));
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c().prepareStatement(
          sql("SELECT i, s, f, b, bin, d, ts FROM " + TABLE + " WHERE id = ?"))) {
        for (int round = 0; round < 3; round++) {
          ps.setLong(1, 300);
          try (ResultSet rs = ps.executeQuery()) {
            check(rs.next(), "no row");
            check(rs.getLong(1) == 1234567890123L, "i: " + rs.getString(1));
            check("binary ✓".equals(rs.getString(2)), "s: " + rs.getString(2));
            check(rs.getDouble(3) == 3.25, "f: " + rs.getString(3));
            check(rs.getBoolean(4), "b: " + rs.getString(4));
            check(Arrays.equals(rs.getBytes(5), bytes), "bin: " + Arrays.toString(rs.getBytes(5)));
            check("2024-02-29".equals(String.valueOf(rs.getDate(6))), "d: " + rs.getString(6));
            check(java.sql.Timestamp.valueOf("2024-02-29 12:34:56.789").equals(rs.getTimestamp(7)),
                "ts: " + rs.getString(7));
          }
        }
      }
    });
    withTable.accept("execute_batch", () -> {
      try (PreparedStatement ps = c().prepareStatement(sql("INSERT INTO " + TABLE + " (id, s) VALUES (?, ?)"))) {
        for (int i = 0; i < 3; i++) {
          ps.setLong(1, 400 + i);
          ps.setString(2, "batch " + i);
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        check(counts.length == 3, "update counts " + Arrays.toString(counts));
        for (int n : counts) check(n == 1 || n == Statement.SUCCESS_NO_INFO, "update counts " + Arrays.toString(counts));
      }
      for (int i = 0; i < 3; i++) check(count(400 + i) == 1, "row " + (400 + i) + " missing");
    });
    if (conn != null) conn.close();
  }
}
