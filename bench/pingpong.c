/* The loopback ceiling for bench/compare.sh: N client connections each
 * send 5 bytes and wait for 5 back from an echo server in the same process
 * (one thread per connection on both sides, blocking I/O, TCP_NODELAY),
 * which is a query/answer round trip with no protocol work at all.
 *
 *   pingpong CLIENTS SECONDS   -> prints round trips per second (all clients)
 *
 * Build: cc -O2 -pthread -o pingpong bench/pingpong.c
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MESSAGE 5

static atomic_int stop_clients;
static atomic_llong round_trips;

static void die(const char *what) {
  perror(what);
  exit(1);
}

/* Reads or writes exactly n bytes; 0 when the peer closed. */
static int io_all(int fd, char *buf, size_t n, int writing) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = writing ? write(fd, buf + done, n - done) : read(fd, buf + done, n - done);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    done += (size_t)r;
  }
  return 1;
}

static void no_delay(int fd) {
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) die("setsockopt");
}

static void *echo(void *arg) {
  int fd = (int)(long)arg;
  char buf[MESSAGE];
  while (io_all(fd, buf, MESSAGE, 0) && io_all(fd, buf, MESSAGE, 1)) {
  }
  close(fd);
  return NULL;
}

static void *acceptor(void *arg) {
  int listener = (int)(long)arg;
  for (;;) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR) continue;
      return NULL;
    }
    no_delay(fd);
    pthread_t t;
    if (pthread_create(&t, NULL, echo, (void *)(long)fd) != 0) die("pthread_create");
    pthread_detach(t);
  }
}

static struct sockaddr_in server_address;

static void *client(void *arg) {
  (void)arg;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  if (connect(fd, (struct sockaddr *)&server_address, sizeof server_address) != 0) die("connect");
  no_delay(fd);
  char buf[MESSAGE] = {'Q', 0, 0, 0, 4};
  long long n = 0;
  while (!atomic_load(&stop_clients)) {
    if (!io_all(fd, buf, MESSAGE, 1) || !io_all(fd, buf, MESSAGE, 0)) die("echo connection closed");
    ++n;
  }
  atomic_fetch_add(&round_trips, n);
  close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s CLIENTS SECONDS\n", argv[0]);
    return 2;
  }
  int clients = atoi(argv[1]);
  double seconds = atof(argv[2]);
  if (clients < 1 || clients > 10000 || !(seconds > 0)) {
    fprintf(stderr, "CLIENTS must be 1..10000 and SECONDS > 0\n");
    return 2;
  }

  int listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) die("socket");
  server_address.sin_family = AF_INET;
  server_address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  server_address.sin_port = 0;
  socklen_t len = sizeof server_address;
  if (bind(listener, (struct sockaddr *)&server_address, len) != 0) die("bind");
  if (listen(listener, 1024) != 0) die("listen");
  if (getsockname(listener, (struct sockaddr *)&server_address, &len) != 0) die("getsockname");
  pthread_t accepting;
  if (pthread_create(&accepting, NULL, acceptor, (void *)(long)listener) != 0) die("pthread_create");
  pthread_detach(accepting);

  pthread_t *threads = calloc((size_t)clients, sizeof *threads);
  if (!threads) die("calloc");
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int i = 0; i < clients; ++i)
    if (pthread_create(&threads[i], NULL, client, NULL) != 0) die("pthread_create");
  struct timespec duration = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
  while (nanosleep(&duration, &duration) != 0 && errno == EINTR) {
  }
  atomic_store(&stop_clients, 1);
  for (int i = 0; i < clients; ++i) pthread_join(threads[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &end);
  double elapsed = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
  printf("%.0f\n", (double)atomic_load(&round_trips) / elapsed);
  return 0;
}
