/*
 * The floor of a cold start on this harness: a process that asks the Runtime API for its
 * event and answers it, with nothing else. It publishes nothing and parses no JSON, so its
 * times are what spawning a process, the loopback and the emulator cost before any
 * function does its own work. `bench/run.py` compiles it with the system's C compiler.
 */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REQUEST_ID_HEADER "Lambda-Runtime-Aws-Request-Id: "

static int fail(const char *what) {
    fprintf(stderr, "floor: %s\n", what);
    return 1;
}

/* Writes all of `data`, or returns -1. */
static int send_all(int socket_fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t sent = write(socket_fd, data, length);
        if (sent <= 0) {
            return -1;
        }
        data += sent;
        length -= (size_t)sent;
    }
    return 0;
}

/* Reads one HTTP response whole (head and Content-Length body) into `buffer`. */
static int read_response(int socket_fd, char *buffer, size_t capacity) {
    size_t have = 0;
    for (;;) {
        ssize_t got = read(socket_fd, buffer + have, capacity - 1 - have);
        if (got <= 0) {
            return -1;
        }
        have += (size_t)got;
        buffer[have] = '\0';
        char *head_end = strstr(buffer, "\r\n\r\n");
        if (head_end != NULL) {
            char *length_header = strcasestr(buffer, "Content-Length:");
            size_t body_length = length_header != NULL && length_header < head_end
                                     ? strtoul(length_header + 15, NULL, 10)
                                     : 0;
            if (have >= (size_t)(head_end + 4 - buffer) + body_length) {
                return 0;
            }
        }
        if (have >= capacity - 1) {
            return -1;
        }
    }
}

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    const char *colon = api != NULL ? strchr(api, ':') : NULL;
    if (colon == NULL || (size_t)(colon - api) >= 64) {
        return fail("AWS_LAMBDA_RUNTIME_API is not host:port");
    }
    char host[64];
    memcpy(host, api, (size_t)(colon - api));
    host[colon - api] = '\0';

    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short)atoi(colon + 1));
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        return fail("the Runtime API host is not an IPv4 address");
    }
    int socket_fd = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(socket_fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (connect(socket_fd, (struct sockaddr *)&address, sizeof address) != 0) {
        return fail("cannot connect to the Runtime API");
    }

    static char buffer[1 << 20];
    char request[512];
    int length = snprintf(request, sizeof request,
                          "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n",
                          api);
    if (send_all(socket_fd, request, (size_t)length) != 0 ||
        read_response(socket_fd, buffer, sizeof buffer) != 0) {
        return fail("no event");
    }
    char *id = strstr(buffer, REQUEST_ID_HEADER);
    if (id == NULL) {
        return fail("the event has no request id");
    }
    id += strlen(REQUEST_ID_HEADER);
    size_t id_length = strcspn(id, "\r\n");
    if (id_length == 0 || id_length > 128) {
        return fail("the request id is empty or too long");
    }

    const char *answer = "{\"status\":\"floor\"}";
    length = snprintf(request, sizeof request,
                      "POST /2018-06-01/runtime/invocation/%.*s/response HTTP/1.1\r\nHost: %s\r\n"
                      "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                      (int)id_length, id, api, strlen(answer), answer);
    if (send_all(socket_fd, request, (size_t)length) != 0 ||
        read_response(socket_fd, buffer, sizeof buffer) != 0) {
        return fail("the response was not taken");
    }
    /* Like a function, wait for the next event; the harness kills the process. */
    pause();
    return 0;
}
