// pgjdbc's PGReplicationStream driven line by line from stdin, for
// tests/server/test_replication.py (run as `java -cp postgresql.jar
// ReplicationStream.java HOST PORT DBNAME USER SLOT`: no compilation step).
//
// Commands, one a line; each answer line is printed and flushed at once:
//   create              -> "created SLOT" (a logical slot with test_decoding)
//   stream COUNT FLUSH  -> a fresh replication connection streams the slot
//                          (include-xids 0) and prints "message LSN TEXT" for
//                          each of COUNT messages; after the FLUSH-th (1-based,
//                          0 = never) it sets the flushed and applied LSN to
//                          that message's, forces a status update and prints
//                          "flushed LSN"; then closes and prints "closed"
//   drop                -> "dropped SLOT"
// Any failure prints "error SQLSTATE MESSAGE" and exits with status 1.
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

public class ReplicationStream {
  // Guards against a hang, not synchronisation: the test fails with a message.
  static final long GUARD_MS = 30_000;
  static String url, user, slot;

  static Connection connect() throws SQLException {
    Properties p = new Properties();
    PGProperty.USER.set(p, user);
    PGProperty.REPLICATION.set(p, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
    PGProperty.PREFER_QUERY_MODE.set(p, "simple");
    return DriverManager.getConnection(url, p);
  }

  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  // A slot still held by the walsender of a connection that just closed is
  // "in use" (55006) until that walsender has exited: retried until GUARD_MS.
  static PGReplicationStream start(Connection c) throws Exception {
    long deadline = System.currentTimeMillis() + GUARD_MS;
    while (true) {
      try {
        return c.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
            .withSlotName(slot).withSlotOption("include-xids", false)
            .withStatusInterval(20, TimeUnit.SECONDS).start();
      } catch (SQLException e) {
        if (!"55006".equals(e.getSQLState()) || System.currentTimeMillis() > deadline) throw e;
        Thread.sleep(20);  // polling the slot's release, bounded by the deadline
      }
    }
  }

  static void stream(int count, int flushAfter) throws Exception {
    try (Connection c = connect()) {
      PGReplicationStream s = start(c);
      long deadline = System.currentTimeMillis() + GUARD_MS;
      for (int i = 1; i <= count; i++) {
        ByteBuffer b;
        while ((b = s.readPending()) == null) {
          if (System.currentTimeMillis() > deadline)
            throw new SQLException("message " + i + " of " + count + " did not arrive within " + GUARD_MS + " ms", "TIMEO");
          Thread.sleep(5);  // readPending polls without blocking; bounded by the deadline
        }
        LogSequenceNumber lsn = s.getLastReceiveLSN();
        String text = new String(b.array(), b.arrayOffset() + b.position(), b.remaining(), StandardCharsets.UTF_8);
        say("message " + lsn.asString() + " " + text);
        if (i == flushAfter) {
          s.setFlushedLSN(lsn);
          s.setAppliedLSN(lsn);
          s.forceUpdateStatus();
          say("flushed " + lsn.asString());
        }
      }
      s.close();
    }
    say("closed");
  }

  public static void main(String[] a) throws Exception {
    url = "jdbc:postgresql://" + a[0] + ":" + a[1] + "/" + a[2] + "?loggerLevel=OFF";
    user = a[3];
    slot = a[4];
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try {
      for (String line; (line = in.readLine()) != null; ) {
        String[] w = line.trim().split(" ");
        if (w[0].equals("create")) {
          try (Connection c = connect()) {
            c.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical()
                .withSlotName(slot).withOutputPlugin("test_decoding").make();
          }
          say("created " + slot);
        } else if (w[0].equals("stream")) {
          stream(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
        } else if (w[0].equals("drop")) {
          try (Connection c = connect()) {
            c.unwrap(PGConnection.class).getReplicationAPI().dropReplicationSlot(slot);
          }
          say("dropped " + slot);
        } else {
          throw new SQLException("unknown command: " + line, "XXXXX");
        }
      }
    } catch (SQLException e) {
      say("error " + e.getSQLState() + " " + e.getMessage().replace('\n', ' '));
      System.exit(1);
    }
  }
}
