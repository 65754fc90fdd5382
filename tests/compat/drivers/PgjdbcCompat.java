// pgjdbc driver program of the compat suite (tests/compat/compat.py). Prints
// one JSON line per feature. Extended protocol throughout; prepareThreshold=1
// makes every PreparedStatement a named server-side statement from its first
// use; binaryTransfer=true asks for binary results; setFetchSize with
// autocommit off reads a portal with Execute(row limit) + PortalSuspended.

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.PGResultSetMetaData;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import org.postgresql.util.PGInterval;
import org.postgresql.util.PGobject;

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

  static void emit(String feature, String error, String detail) {
    StringBuilder b = new StringBuilder("{\"feature\": ").append(json(feature));
    b.append(", \"ok\": ").append(error == null ? "true" : "false");
    if (error == null && detail != null) b.append(", \"detail\": ").append(json(detail));
    if (error != null) {
      b.append(", \"error\": ").append(json(error));
      if (query != null) b.append(", \"query\": ").append(json(query));
    }
    System.out.println(b.append('}'));
    System.out.flush();
  }

  interface DetailBody {
    String run() throws Exception;
  }

  static void run(String feature, Body body) {
    if (Arrays.asList(env("COMPAT_SKIP").split(",")).contains(feature)) {
      query = null;
      emit(feature, "not run: listed in expected_gaps.txt with skip: (see its reason)", null);
      return;
    }
    runDetail(feature, () -> {
      body.run();
      return null;
    });
  }

  /** A feature that also reports its detail (the formats it proved). */
  static void runDetail(String feature, DetailBody body) {
    query = null;
    String error = null;
    String detail = null;
    try {
      detail = body.run();
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
    emit(feature, error, detail);
  }

  /**
   * auth_*: logs in with `login` (SELECT 1), then with `refused`, which must
   * fail with `sqlstate`.
   */
  static void authLogin(java.util.Properties login, java.util.Properties refused, String sqlstate) throws Exception {
    String authUrl = "jdbc:postgresql://" + env("COMPAT_AUTH_HOST") + ":" + env("COMPAT_AUTH_PORT") + "/"
        + env("COMPAT_DBNAME") + "?connectTimeout=10";
    sql("(log in as " + login.getProperty("user") + ") " + authUrl);
    try (Connection s = DriverManager.getConnection(authUrl, login);
         Statement st = s.createStatement(); ResultSet rs = st.executeQuery(sql("SELECT 1"))) {
      check(rs.next() && rs.getInt(1) == 1, "SELECT 1");
    }
    sql("(log in as " + refused.getProperty("user") + ", to be refused with " + sqlstate + ") " + authUrl);
    try (Connection s = DriverManager.getConnection(authUrl, refused)) {
      throw new Check("the login succeeded; want it refused with " + sqlstate);
    } catch (SQLException e) {
      check(sqlstate.equals(e.getSQLState()),
            "SQLSTATE of the refused login: got " + e.getSQLState() + " (" + e.getMessage() + "), want " + sqlstate);
    }
  }

  static java.util.Properties passwordLogin(String user, String password) {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sslmode", "disable");
    return p;
  }

  /**
   * The certificate user over TLS (sslmode=require: pgjdbc's LibPQFactory does
   * not check the server's certificate), with its client certificate (the key
   * as DER PKCS#8, which pgjdbc reads) or without one (no sslcert: pgjdbc then
   * looks for ~/.postgresql/postgresql.crt, and HOME is compat.py's empty one).
   */
  static java.util.Properties certLogin(boolean withCert) {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", env("COMPAT_CERT_USER"));
    p.setProperty("sslmode", "require");
    if (withCert) {
      p.setProperty("sslcert", env("COMPAT_SSLCERT"));
      p.setProperty("sslkey", env("COMPAT_SSLKEY_PK8"));
    }
    return p;
  }

  static String url(String host, String port) {
    return url(host, port, "prepareThreshold=1&binaryTransfer=true");
  }

  static String url(String host, String port, String options) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + env("COMPAT_DBNAME")
        + "?sslmode=disable&" + options + "&connectTimeout=10"
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

  // ---------------------------------------------------------------------
  // Type round trips (features type_<name>). types.json (COMPAT_TYPES) is the
  // spec: PostgreSQL's text of one value per type. Each type's natural Java
  // value goes in with setObject twice: on a connection with
  // binaryTransfer=false (row id i + 1) and on one with binaryTransfer=true
  // and prepareThreshold=-1 (binary from the first execution; row i + 101);
  // pgjdbc picks each parameter's format by its type and the connection. Both
  // rows are read back on both connections: text results, and binary results
  // for the types pgjdbc receives in binary (PGResultSetMetaData.getFormat
  // tells). getObject is compared with the Java value; on text results
  // getString also with the spec's text, byte for byte.

  /** A minimal JSON reader, enough for types.json. */
  static final class JsonReader {
    final String s;
    int i = 0;

    JsonReader(String s) {
      this.s = s;
    }

    void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    Object value() {
      ws();
      char c = s.charAt(i);
      if (c == '{' || c == '[') {
        boolean object = c == '{';
        Map<String, Object> map = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        i++;
        ws();
        if (s.charAt(i) == (object ? '}' : ']')) {
          i++;
        } else {
          for (char end = ','; end == ','; end = s.charAt(i++)) {
            if (object) {
              ws();
              String k = string();
              ws();
              i++; // ':'
              map.put(k, value());
            } else {
              list.add(value());
            }
            ws();
          }
        }
        return object ? map : list;
      }
      if (c == '"') return string();
      int start = i;
      while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) i++;
      String word = s.substring(start, i);
      if (word.equals("null")) return null;
      if (word.equals("true") || word.equals("false")) return Boolean.valueOf(word);
      return new BigDecimal(word);
    }

    String string() {
      StringBuilder b = new StringBuilder();
      for (i++; ; ) {
        char c = s.charAt(i++);
        if (c == '"') return b.toString();
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = s.charAt(i++);
        if (e == 'u') {
          b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          i += 4;
        } else {
          int k = "nrtbf".indexOf(e);
          b.append(k >= 0 ? "\n\r\t\b\f".charAt(k) : e);
        }
      }
    }
  }

  static final class TypeSpec {
    final String name, text;
    final int oid;

    TypeSpec(Map<?, ?> m) {
      name = (String) m.get("name");
      text = (String) m.get("text");
      oid = ((BigDecimal) m.get("oid")).intValue();
    }
  }

  interface Make {
    Object make(Connection c) throws SQLException;
  }

  /** A type's Java value: the parameter, the class getObject is asked for
   *  (null: plain getObject(i)), and the value it must return. */
  static final class TypeCase {
    final Make param;
    final Class<?> as;
    final Object want;

    TypeCase(Make param, Class<?> as, Object want) {
      this.param = param;
      this.as = as;
      this.want = want;
    }
  }

  /** getObject(i, the value's class) must return the value. */
  static TypeCase asClass(Object v) {
    return new TypeCase(c -> v, v.getClass(), v);
  }

  /** getObject(i) must return the value (PGInterval, PGobject). */
  static TypeCase plain(Object v) {
    return new TypeCase(c -> v, null, v);
  }

  /** createArrayOf(element type, v) as the parameter; getObject(i).getArray() must equal v. */
  static TypeCase array(String elementType, Object[] v) {
    return new TypeCase(c -> c.createArrayOf(elementType, v), null, v);
  }

  static PGobject pgobject(String type, String value) {
    try {
      PGobject o = new PGobject();
      o.setType(type);
      o.setValue(value);
      return o;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The natural Java value of each type. The text types are absent: a
   *  String is their value (the fallback below). JDBC has no class for json,
   *  jsonb, inet and cidr: PGobject of that type carrying the text. */
  static Map<String, TypeCase> typeCases(Map<String, TypeSpec> spec) throws SQLException {
    Map<String, TypeCase> m = new LinkedHashMap<>();
    m.put("int2", asClass((short) -32768)); // plain getObject(i) gives Integer (JDBC's SMALLINT)
    m.put("int4", asClass(Integer.MIN_VALUE));
    m.put("int8", asClass(-9007199254740993L));
    m.put("float4", asClass(-1.5f));
    m.put("float8", asClass(3.141592653589793));
    m.put("numeric", asClass(new BigDecimal("-12345678901234567890.0123456789")));
    m.put("bool", asClass(Boolean.TRUE));
    m.put("bytea", plain(new byte[] {0, 1, (byte) 0xfe, (byte) 0xff, 0x27, 0x5c})); // getObject(i, byte[].class): unsupported
    m.put("oid", asClass(4000000000L)); // JDBC has no unsigned int: a Long (sent as int8)
    m.put("date", asClass(LocalDate.of(2024, 2, 29)));
    m.put("time", asClass(LocalTime.of(12, 34, 56, 789012000)));
    m.put("timetz", asClass(OffsetTime.of(12, 34, 56, 789000000, ZoneOffset.ofHoursMinutes(5, 30))));
    m.put("timestamp", asClass(LocalDateTime.of(2024, 2, 29, 12, 34, 56, 789012000)));
    m.put("timestamptz", asClass(OffsetDateTime.of(2024, 2, 29, 12, 34, 56, 789012000, ZoneOffset.UTC)));
    m.put("interval", plain(new PGInterval(0, 0, 3, 4, 5, 6.789)));
    m.put("uuid", asClass(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")));
    for (String name : new String[] {"json", "jsonb", "inet", "cidr"}) {
      if (spec.containsKey(name)) m.put(name, plain(pgobject(name, spec.get(name).text)));
    }
    m.put("int4_array", array("int4", new Integer[] {1, null, -3}));
    m.put("text_array", array("text", new String[] {"a b", "c,d", null, "q\"x", ""}));
    return m;
  }

  static String show(Object v) {
    if (v == null) return "null";
    if (v instanceof byte[]) {
      StringBuilder b = new StringBuilder("byte[] ");
      for (byte x : (byte[]) v) b.append(String.format("%02x", x & 0xff));
      return b.toString();
    }
    if (v instanceof Object[]) return Arrays.deepToString((Object[]) v) + " (" + v.getClass().getSimpleName() + ")";
    if (v instanceof PGobject) return "PGobject " + ((PGobject) v).getType() + " '" + ((PGobject) v).getValue() + "'";
    if (v instanceof String) return json((String) v);
    return v + " (" + v.getClass().getSimpleName() + ")";
  }

  /** The format pgjdbc binds parameter index in: its parameter list's flag
   *  (SimpleParameterList.isBinary, not public API, hence reflection). */
  static String paramFormat(PreparedStatement ps, int index) {
    try {
      Field f = null;
      for (Class<?> k = ps.getClass(); f == null && k != null; k = k.getSuperclass()) {
        try {
          f = k.getDeclaredField("preparedParameters"); // PgPreparedStatement's
        } catch (NoSuchFieldException e) {
          // look in the superclass
        }
      }
      if (f == null) return "?";
      f.setAccessible(true);
      Object list = f.get(ps);
      Method m = list.getClass().getDeclaredMethod("isBinary", int.class);
      m.setAccessible(true);
      return (Boolean) m.invoke(list, index) ? "b" : "t";
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "?";
    }
  }

  static final String TYPES_TABLE = env("COMPAT_TYPES_TABLE");

  /** Reads row id on k; returns the result format ("t" or "b"). */
  static String checkTypeResult(Connection k, boolean textOnly, TypeSpec t, TypeCase tc, long id, String sent)
      throws Exception {
    try (PreparedStatement ps = k.prepareStatement(sql("SELECT v_" + t.name + " FROM " + TYPES_TABLE + " WHERE id = ?"))) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        check(rs.next(), sent + ": no row");
        ResultSetMetaData md = rs.getMetaData();
        boolean binary = md.unwrap(PGResultSetMetaData.class).getFormat(1) == 1;
        String where = sent + ", " + (binary ? "binary" : "text") + " result on the binaryTransfer="
            + !textOnly + " connection";
        check(!(binary && textOnly), where + ": binary although binaryTransfer=false");
        int oid = k.unwrap(BaseConnection.class).getTypeInfo().getPGType(md.getColumnTypeName(1));
        check(oid == t.oid, where + ": column type " + md.getColumnTypeName(1) + " (oid " + oid + "), want oid " + t.oid);
        Object got = tc.as == null ? rs.getObject(1) : rs.getObject(1, tc.as);
        if (got instanceof java.sql.Array) got = ((java.sql.Array) got).getArray();
        check(Objects.deepEquals(got, tc.want), where + ": getObject " + show(got) + ", want " + show(tc.want));
        if (!binary) {
          String text = rs.getString(1);
          check(t.text.equals(text), where + ": getString " + show(text) + ", want " + show(t.text));
        }
        check(!rs.next(), where + ": more than one row");
        return binary ? "b" : "t";
      }
    }
  }

  /** "t", "b" or "t+b": the formats seen. */
  static String formats(List<String> seen) {
    List<String> out = new ArrayList<>();
    for (String f : new String[] {"t", "b", "?"}) if (seen.contains(f)) out.add(f);
    return String.join("+", out);
  }

  /** One type: inserted on both connections, each row read on both. */
  static String typeRoundTrip(Connection[] conns, TypeSpec t, TypeCase tc, long id) throws Exception {
    List<String> params = new ArrayList<>();
    List<String> results = new ArrayList<>();
    for (int p = 0; p < conns.length; p++) {
      long rowId = id + 100L * p;
      Object value = tc.param.make(conns[p]);
      String on = "on the binaryTransfer=" + (p == 1) + " connection";
      String sent = "sent " + show(value) + " (setObject " + on + ")";
      try (PreparedStatement ps = conns[p].prepareStatement(
          sql("INSERT INTO " + TYPES_TABLE + " (id, v_" + t.name + ") VALUES (?, ?)"))) {
        ps.setLong(1, rowId);
        ps.setObject(2, value);
        String format = paramFormat(ps, 2);
        params.add(format);
        sent = "sent " + show(value) + " (setObject, " + ("b".equals(format) ? "binary" : "text") + " parameter " + on + ")";
        ps.executeUpdate();
        for (int r = 0; r < conns.length; r++) results.add(checkTypeResult(conns[r], r == 0, t, tc, rowId, sent));
      } catch (SQLException e) {
        throw new Check(sent + ": [" + e.getSQLState() + "] " + e.getMessage());
      }
    }
    return formats(params) + "/" + formats(results);
  }

  static void runTypes() throws Exception {
    List<TypeSpec> specs = new ArrayList<>();
    Map<String, TypeSpec> byName = new LinkedHashMap<>();
    Map<?, ?> doc = (Map<?, ?>) new JsonReader(new String(Files.readAllBytes(Paths.get(env("COMPAT_TYPES"))),
        java.nio.charset.StandardCharsets.UTF_8)).value();
    for (Object o : (List<?>) doc.get("types")) {
      TypeSpec t = new TypeSpec((Map<?, ?>) o);
      specs.add(t);
      byName.put(t.name, t);
    }
    Map<String, TypeCase> cases = typeCases(byName);
    String tableError = null;
    Connection[] conns = new Connection[2];
    try {
      c(); // connect_trust worked
      String[] options = {"binaryTransfer=false", "binaryTransfer=true&prepareThreshold=-1"};
      for (int i = 0; i < 2; i++) {
        conns[i] = DriverManager.getConnection(sql(url(env("COMPAT_HOST"), env("COMPAT_PORT"), options[i]))
            + "&user=" + env("COMPAT_USER"));
      }
      // On a connection of their own: the type features depend on no state
      // the earlier features left on the main one.
      try (Statement s = conns[0].createStatement()) {
        s.execute(sql("DROP TABLE IF EXISTS " + TYPES_TABLE));
        s.execute(sql(env("COMPAT_SQL_CREATE_TYPES")));
      }
    } catch (Exception e) {
      tableError = "creating the types table or connecting failed: " + e.getMessage() + " (query: " + query + ")";
    }
    for (int i = 0; i < specs.size(); i++) {
      TypeSpec t = specs.get(i);
      long id = i + 1;
      String te = tableError;
      // A type without a Java class here: its text as a String.
      TypeCase tc = cases.getOrDefault(t.name, asClass(t.text));
      runDetail("type_" + t.name, () -> {
        if (te != null) throw new Check(te);
        return typeRoundTrip(conns, t, tc, id);
      });
    }
    for (Connection k : conns) if (k != null) k.close();
  }

  // COPY, cancel, LISTEN/NOTIFY (features copy_in, copy_out, cancel, notify).
  // Row n of the COPY data (compat.py, COPY_ROWS): id n, s NULL when n % 100
  // == 0, else "r<n>" TAB BACKSLASH LF " \u00fc\u2713". Connections of their own.
  static final String COPY_TABLE = env("COMPAT_COPY_TABLE");
  static final int COPY_ROWS = Integer.parseInt(env("COMPAT_COPY_ROWS").isEmpty() ? "1000" : env("COMPAT_COPY_ROWS"));

  static String copyValue(int n) {
    return n % 100 == 0 ? null : "r" + n + "\t\\\n \u00fc\u2713";
  }

  static String copyLine(int n) {
    return n % 100 == 0 ? n + "\t\\N" : n + "\tr" + n + "\\t\\\\\\n \u00fc\u2713";
  }

  static Connection fresh() throws SQLException {
    return DriverManager.getConnection(url(env("COMPAT_HOST"), env("COMPAT_PORT")) + "&user=" + env("COMPAT_USER"));
  }

  static void exec(Connection k, String text) throws SQLException {
    try (Statement s = k.createStatement()) {
      s.execute(sql(text));
    }
  }

  static void recreateCopyTable(Connection k) throws SQLException {
    exec(k, "DROP TABLE IF EXISTS " + COPY_TABLE);
    exec(k, env("COMPAT_SQL_CREATE_COPY"));
  }

  static void copyIn() throws Exception {
    try (Connection k = fresh()) {
      recreateCopyTable(k);
      CopyManager cm = k.unwrap(PGConnection.class).getCopyAPI();
      StringBuilder text = new StringBuilder();
      for (int n = 1; n <= COPY_ROWS; n++) text.append(copyLine(n)).append('\n');
      long copied = cm.copyIn(sql("COPY " + COPY_TABLE + " (id, s) FROM STDIN"), new java.io.StringReader(text.toString()));
      check(copied == COPY_ROWS, "copyIn copied " + copied + " rows, want " + COPY_ROWS);
      try (Statement s = k.createStatement();
           ResultSet rs = s.executeQuery(sql("SELECT id, s FROM " + COPY_TABLE + " ORDER BY id"))) {
        int n = 0;
        while (rs.next()) {
          n++;
          check(rs.getLong(1) == n && Objects.equals(rs.getString(2), copyValue(n)),
              "row " + n + ": got " + rs.getLong(1) + ", " + show(rs.getString(2)));
        }
        check(n == COPY_ROWS, n + " rows, want " + COPY_ROWS);
      }
    }
  }

  static void copyOut() throws Exception {
    try (Connection k = fresh()) {
      recreateCopyTable(k);
      exec(k, env("COMPAT_SQL_COPY_SEED"));
      CopyManager cm = k.unwrap(PGConnection.class).getCopyAPI();
      java.io.StringWriter w = new java.io.StringWriter();
      long copied = cm.copyOut(sql("COPY " + COPY_TABLE + " (id, s) TO STDOUT"), w);
      check(copied == COPY_ROWS, "copyOut copied " + copied + " rows, want " + COPY_ROWS);
      String text = w.toString();
      check(text.endsWith("\n"), "the COPY data does not end with a newline");
      List<String> lines = new ArrayList<>(Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1)));
      check(lines.size() == COPY_ROWS, lines.size() + " lines, want " + COPY_ROWS);
      lines.sort((a, b) -> Long.compare(Long.parseLong(a.split("\t", 2)[0]), Long.parseLong(b.split("\t", 2)[0])));
      for (int i = 0; i < lines.size(); i++)
        check(lines.get(i).equals(copyLine(i + 1)), "line " + show(lines.get(i)) + ", want " + show(copyLine(i + 1)));
    }
  }

  static void cancelSleep() throws Exception {
    // Statement.cancel() from another thread every 100 ms (a cancel before the
    // query started is lost) until executeQuery ends.
    double within = Double.parseDouble(env("COMPAT_CANCEL_WITHIN"));
    try (Connection k = fresh(); Statement st = k.createStatement()) {
      final boolean[] done = {false};
      final Exception[] cancelError = {null};
      Thread t = new Thread(() -> {
        long wait = 50;
        while (true) {
          synchronized (done) {
            try {
              if (!done[0]) done.wait(wait);
            } catch (InterruptedException e) {
              return;
            }
            if (done[0]) return;
          }
          wait = 100;
          try {
            st.cancel();
          } catch (Exception e) {
            cancelError[0] = e;
            return;
          }
        }
      });
      long started = System.nanoTime();
      t.start();
      SQLException failure = null;
      try {
        st.executeQuery(sql("SELECT pg_sleep(10)")).close();
      } catch (SQLException e) {
        failure = e;
      }
      double elapsed = (System.nanoTime() - started) / 1e9;
      synchronized (done) {
        done[0] = true;
        done.notifyAll();
      }
      t.join(TIMEOUT * 1000L);
      if (cancelError[0] != null) throw new Check("Statement.cancel failed: " + cancelError[0]);
      check(failure != null, "pg_sleep(10) was not cancelled (it ended after " + elapsed + " s)");
      check("57014".equals(failure.getSQLState()), "SQLSTATE " + failure.getSQLState() + " (" + failure.getMessage() + "), want 57014");
      check(elapsed < within, String.format("cancelled after %.2f s, want < %.1f s", elapsed, within));
      try (ResultSet rs = st.executeQuery(sql("SELECT 1"))) {
        check(rs.next() && rs.getInt(1) == 1, "SELECT 1 after the cancel");
      }
    }
  }

  static void notifyRounds() throws Exception {
    // PGConnection.getNotifications(timeoutMs): blocks up to the timeout.
    String channel = env("COMPAT_CHANNEL");
    double within = Double.parseDouble(env("COMPAT_NOTIFY_WITHIN"));
    try (Connection listener = fresh(); Connection sender = fresh()) {
      exec(listener, "LISTEN " + channel);
      PGConnection pg = listener.unwrap(PGConnection.class);
      for (int k = 1; k <= 2; k++) {
        String payload = "payload \u00fc " + k;
        final PGNotification[] got = {null};
        final Exception[] error = {null};
        long deadline = System.nanoTime() + (long) (within * 1e9);
        Runnable waiter = () -> {
          try {
            while (got[0] == null) {
              long left = (deadline - System.nanoTime()) / 1000000;
              if (left <= 0) return;
              PGNotification[] ns = pg.getNotifications((int) left);
              if (ns != null && ns.length > 0) got[0] = ns[0];
            }
          } catch (Exception e) {
            error[0] = e;
          }
        };
        String what;
        if (k == 1) {
          what = "round 1 (listener idle when NOTIFY was sent)";
          exec(sender, "NOTIFY " + channel + ", '" + payload + "'");
          waiter.run();
        } else {
          what = "round 2 (listener waiting when NOTIFY was sent)";
          Thread t = new Thread(waiter);
          t.start();
          exec(sender, "NOTIFY " + channel + ", '" + payload + "'");
          t.join(TIMEOUT * 1000L);
        }
        if (error[0] != null) throw new Check(what + ": " + error[0]);
        check(got[0] != null, what + ": no notification within " + within + " s");
        check(channel.equals(got[0].getName()) && payload.equals(got[0].getParameter()),
            what + ": got (" + got[0].getName() + ", " + got[0].getParameter() + ")");
      }
    }
  }

  public static void main(String[] args) throws Exception {
    // The spec's text is PostgreSQL's output with TimeZone UTC; pgjdbc sets
    // the session TimeZone from the JVM's.
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
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
    run("auth_md5", () -> authLogin(passwordLogin(env("COMPAT_MD5_USER"), env("COMPAT_MD5_PASSWORD")),
                                    passwordLogin(env("COMPAT_MD5_USER"), env("COMPAT_WRONG_PASSWORD")), "28P01"));
    run("auth_cleartext", () -> authLogin(passwordLogin(env("COMPAT_CLEAR_USER"), env("COMPAT_CLEAR_PASSWORD")),
                                          passwordLogin(env("COMPAT_CLEAR_USER"), env("COMPAT_WRONG_PASSWORD")),
                                          "28P01"));
    run("auth_cert", () -> authLogin(certLogin(true), certLogin(false), "28000"));
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
    runTypes();
    run("copy_in", PgjdbcCompat::copyIn);
    run("copy_out", PgjdbcCompat::copyOut);
    run("cancel", PgjdbcCompat::cancelSleep);
    run("notify", PgjdbcCompat::notifyRounds);
    if (conn != null) conn.close();
  }
}
