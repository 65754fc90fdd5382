/* The slow reader of bench/compare.sh: a client that takes a big result a
 * little at a time, so that the server spends the fetch waiting for the
 * socket. A server that buffers what the client has not taken yet grows by
 * the size of the result; one that streams with back-pressure stays flat.
 *
 *   slow_reader PORT SQL ROWS CHUNK PAUSE_US RCVBUF
 *     -> prints "SECONDS": connects to 127.0.0.1:PORT as user postgres
 *        (trust), sends SQL as a simple Query, then reads at most CHUNK bytes
 *        at a time with PAUSE_US microseconds between reads, through a socket
 *        receive buffer of RCVBUF bytes (set before connect, so the TCP
 *        window is small from the start)
 *
 * It speaks the protocol on a raw socket (libpq would read as fast as it
 * can) and fails (exit 1, message on stderr) on an ErrorResponse, on a
 * closed connection, or unless it got exactly ROWS DataRows and the tag
 * "SELECT ROWS".
 *
 * Build: cc -O2 -o slow_reader bench/slow_reader.c
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "slow_reader: %s\n", what);
  exit(1);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) die("write failed");
    p += w;
    n -= (size_t)w;
  }
}

static void put32(char *p, uint32_t v) {
  v = htonl(v);
  memcpy(p, &v, 4);
}

static uint32_t get32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return ntohl(v);
}

/* What the reader saw: one call of consume() per complete message. */
struct state {
  int ready;          /* ReadyForQuery seen since the last reset */
  long long rows;     /* DataRows */
  char tag[64];       /* last CommandComplete */
};

static void consume(struct state *s, char kind, const unsigned char *body, uint32_t len) {
  switch (kind) {
    case 'D': s->rows++; break;
    case 'C': snprintf(s->tag, sizeof s->tag, "%.*s", (int)(len ? len - 1 : 0), (const char *)body); break;
    case 'Z': s->ready = 1; break;
    case 'E': {
      /* fields: code byte, C string; print the message ('M') */
      for (uint32_t i = 0; i < len && body[i];) {
        const char *value = (const char *)body + i + 1;
        if (body[i] == 'M') fprintf(stderr, "slow_reader: server error: %s\n", value);
        i += 1 + (uint32_t)strlen(value) + 1;
      }
      exit(1);
    }
    case 'R':
      if (len < 4 || get32(body) != 0) die("the server asks for a password (trust expected)");
      break;
    default: break; /* S, K, T, N, I */
  }
}

/* Reads until ReadyForQuery, CHUNK bytes at most per read, pausing between reads. */
static void read_until_ready(int fd, struct state *s, size_t chunk, long pause_us) {
  static unsigned char *buf;
  static size_t cap, have;
  s->ready = 0;
  while (!s->ready) {
    if (cap - have < chunk) {
      cap = have + chunk;
      buf = realloc(buf, cap);
      if (!buf) die("out of memory");
    }
    ssize_t r = read(fd, buf + have, chunk);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) die("the server closed the connection");
    have += (size_t)r;
    size_t at = 0;
    while (have - at >= 5) {
      uint32_t len = get32(buf + at + 1);
      if (len < 4) die("bad message length");
      if (have - at < 1 + (size_t)len) break;
      consume(s, (char)buf[at], buf + at + 5, len - 4);
      at += 1 + len;
    }
    memmove(buf, buf + at, have - at);
    have -= at;
    if (pause_us > 0 && !s->ready) {
      struct timespec ts = {pause_us / 1000000, (pause_us % 1000000) * 1000};
      nanosleep(&ts, NULL);
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: slow_reader PORT SQL ROWS CHUNK PAUSE_US RCVBUF\n");
    return 2;
  }
  const char *sql = argv[2];
  long long want = atoll(argv[3]);
  size_t chunk = (size_t)atol(argv[4]);
  long pause_us = atol(argv[5]);
  int rcvbuf = atoi(argv[6]);
  if (chunk == 0) die("CHUNK must be > 0");

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket failed");
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) != 0) die("SO_RCVBUF failed");
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)atoi(argv[1]));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("connect failed");

  static const char params[] = "user\0postgres\0database\0postgres\0";
  char startup[8 + sizeof params];  /* sizeof counts the terminating NUL of the list */
  put32(startup, sizeof startup);
  put32(startup + 4, 196608);       /* protocol 3.0 */
  memcpy(startup + 8, params, sizeof params);
  send_all(fd, startup, sizeof startup);
  struct state s = {0};
  read_until_ready(fd, &s, 65536, 0);

  size_t n = strlen(sql) + 1;
  char *q = malloc(5 + n);
  if (!q) die("out of memory");
  q[0] = 'Q';
  put32(q + 1, (uint32_t)(4 + n));
  memcpy(q + 5, sql, n);
  double start = now();
  send_all(fd, q, 5 + n);
  read_until_ready(fd, &s, chunk, pause_us);
  double seconds = now() - start;

  char want_tag[64];
  snprintf(want_tag, sizeof want_tag, "SELECT %lld", want);
  if (s.rows != want || strcmp(s.tag, want_tag) != 0) {
    fprintf(stderr, "slow_reader: %lld rows and tag '%s', not %lld rows and '%s'\n", s.rows, s.tag, want,
            want_tag);
    return 1;
  }
  send_all(fd, "X\0\0\0\4", 5);
  close(fd);
  printf("%.2f\n", seconds);
  return 0;
}
