#!/usr/bin/env python3
"""A loopback HTTP fault proxy, put in front of a real S3 server (Swift) to attack a client.

It forwards each request to the upstream server, reads the whole answer, then delivers it to
the client the way `mode` says:

  pass            unchanged
  reset           send the head and `after` body bytes, then a TCP reset (SO_LINGER 0)
  stall           send the head and `after` body bytes, then nothing for `stall_seconds`, then close
  trickle         the whole answer, `trickle_bytes` every `trickle_interval` seconds (it keeps progressing)
  cut             drop Content-Length, send `after` body bytes and close: a close-delimited body cut short
  short_length    Content-Length lies: says `after` and sends that many bytes (the connection then closes)
  long_length     Content-Length lies: says 2x the real length, sends the real bytes, then closes
  corrupt         flip one byte of the body (same length)
  status          answer `status` (default 503) with an S3 error body; upstream is not asked
  redirect        answer 307 with Location: `location` (default http://127.0.0.1:1/); upstream not asked
  flood           answer `status` with an endless body (no Content-Length), until the client hangs up
  hold_continue   wait `stall_seconds` before answering "Expect: 100-continue", then pass (the
                  client holds its body that long: room for a test to change the file under it)

`methods` limits the fault to those request methods (others pass); `skip` lets the first N
matching requests pass; `times` limits the fault to the next N matching requests (None: all). Every request head is recorded in `requests` (raw bytes).
With `tls=(certfile, keyfile)` the proxy speaks https to the client (upstream stays http).

Binds 127.0.0.1 only, and only forwards to 127.0.0.1. Tests import it:
    p = FaultProxy(upstream_port).start(); p.mode = "cut"; ...; p.stop()
Run alone: python3 tests/fault_proxy.py UPSTREAM_PORT MODE   (prints the port, serves until killed)
"""
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time


def _read_head(sock, buf):
    """Reads until CRLFCRLF; returns (head, rest) or (None, buf) at EOF."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None, buf
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    return head + b"\r\n\r\n", rest


def _headers(head):
    lines = head.split(b"\r\n")
    out = []
    for line in lines[1:]:
        if b":" in line:
            n, v = line.split(b":", 1)
            out.append((n.strip().decode("latin-1"), v.strip().decode("latin-1")))
    return lines[0].decode("latin-1"), out


def _get(headers, name):
    for n, v in headers:
        if n.lower() == name:
            return v
    return None


def _read_exact(sock, n, rest):
    data = bytearray(rest)  # grows in place: bytes += would copy the whole body per recv
    while len(data) < n:
        chunk = sock.recv(min(1 << 20, n - len(data)))
        if not chunk:
            raise ConnectionError("peer closed mid-body")
        data += chunk
    return bytes(data[:n]), bytes(data[n:])


def _read_chunked(sock, rest):
    body = b""
    buf = rest
    while True:
        while b"\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("peer closed mid-chunk")
            buf += chunk
        line, buf = buf.split(b"\r\n", 1)
        size = int(line.split(b";")[0], 16)
        data, buf = _read_exact(sock, size + 2, buf)
        if size == 0:
            return body, buf
        body += data[:size]


def _build_head(status_line, headers):
    return (status_line + "\r\n" + "".join("%s: %s\r\n" % (n, v) for n, v in headers) + "\r\n").encode("latin-1")


ERROR_XML = ("<?xml version='1.0' encoding='UTF-8'?>\n<Error><Code>%s</Code><Message>injected by the fault proxy"
             "</Message><RequestId>fault-proxy</RequestId></Error>")


class FaultProxy:
    def __init__(self, upstream_port, upstream_host="127.0.0.1", tls=None):
        assert upstream_host == "127.0.0.1", "the fault proxy only talks to 127.0.0.1"
        self.upstream = (upstream_host, upstream_port)
        self.mode = "pass"
        self.methods = None        # e.g. {"GET"}; None: every method
        self.times = None          # fault only the first N matching requests; None: all
        self.skip = 0              # matching requests passed before the fault starts
        self.matched = 0
        self.after = 0             # body bytes delivered before the fault
        self.stall_seconds = 30
        self.trickle_bytes = 1024
        self.trickle_interval = 0.05
        self.status = 503
        self.location = "http://127.0.0.1:1/"
        self.requests = []         # raw request heads, in order
        self.faulted = 0           # how many answers were faulted
        self.flood_sent = 0        # bytes of flood sent so far
        self.tls = tls
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)

    def configure(self, mode="pass", **kw):
        """Sets the mode and its parameters (others reset to their defaults)."""
        with self._lock:
            self.mode, self.methods, self.times, self.after = mode, None, None, 0
            self.status, self.faulted, self.skip, self.matched = 503, 0, 0, 0
            for k, v in kw.items():
                if not hasattr(self, k):
                    raise AttributeError(k)
                setattr(self, k, v)
        return self

    def _take_fault(self, method):
        with self._lock:
            if self.mode == "pass":
                return "pass"
            if self.methods is not None and method not in self.methods:
                return "pass"
            self.matched += 1
            if self.matched <= self.skip:
                return "pass"
            if self.times is not None and self.faulted >= self.times:
                return "pass"
            self.faulted += 1
            return self.mode

    def start(self):
        proxy = self
        context = None
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls[0], self.tls[1])

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                sock = self.request
                if context is not None:
                    try:
                        sock = context.wrap_socket(sock, server_side=True)
                    except (ssl.SSLError, OSError):
                        return
                try:
                    proxy._serve(sock)
                except (ConnectionError, OSError, ssl.SSLError):
                    pass
                finally:
                    try:
                        sock.close()
                    except OSError:
                        pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def _serve(self, client):
        buf = b""
        upstream = None
        try:
            while True:
                head, buf = _read_head(client, buf)
                if head is None:
                    return
                with self._lock:
                    self.requests.append(head)
                request_line, req_headers = _headers(head)
                method = request_line.split(" ")[0]
                length = int(_get(req_headers, "content-length") or 0)
                expect = (_get(req_headers, "expect") or "").lower() == "100-continue"
                mode = self._take_fault(method)
                if mode in ("status", "redirect", "flood"):
                    # Answer without asking upstream; the request body (if any) is not read, so
                    # the connection is closed afterwards.
                    self._answer_locally(client, mode, method)
                    return
                if expect and mode == "hold_continue":
                    time.sleep(self.stall_seconds)
                if expect:
                    client.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                body, buf = _read_exact(client, length, buf)
                fwd_headers = [(n, v) for n, v in req_headers if n.lower() != "expect"]
                if upstream is None:
                    upstream = socket.create_connection(self.upstream, timeout=120)
                upstream.sendall(_build_head(request_line, fwd_headers) + body)
                status_line, resp_headers, resp_body, keep = self._read_response(upstream, method)
                if not keep:
                    upstream.close()
                    upstream = None
                if not self._deliver(client, mode, method, status_line, resp_headers, resp_body):
                    return
        finally:
            if upstream is not None:
                upstream.close()

    def _read_response(self, upstream, method):
        rest = b""
        while True:
            head, rest = _read_head(upstream, rest)
            if head is None:
                raise ConnectionError("upstream closed")
            status_line, headers = _headers(head)
            code = int(status_line.split(" ")[1])
            if code != 100:
                break
        keep = (_get(headers, "connection") or "").lower() != "close"
        if method == "HEAD" or code in (204, 304):
            body = b""
        elif (_get(headers, "transfer-encoding") or "").lower() == "chunked":
            body, rest = _read_chunked(upstream, rest)
            headers = [(n, v) for n, v in headers if n.lower() != "transfer-encoding"]
            headers.append(("Content-Length", str(len(body))))
        elif _get(headers, "content-length") is not None:
            body, rest = _read_exact(upstream, int(_get(headers, "content-length")), rest)
        else:
            body = rest
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                body += chunk
            keep = False
        return status_line, headers, body, keep

    def _answer_locally(self, client, mode, method):
        if mode == "redirect":
            head = _build_head("HTTP/1.1 307 Temporary Redirect",
                               [("Location", self.location), ("Content-Length", "0"), ("Connection", "close")])
            client.sendall(head)
            return
        code = self.status
        if mode == "status":
            body = b"" if method == "HEAD" else (ERROR_XML % ("ServiceUnavailable" if code == 503 else
                                                              "InternalError")).encode()
            client.sendall(_build_head("HTTP/1.1 %d Fault" % code, [("Content-Type", "application/xml"),
                                                                     ("Content-Length", str(len(body))),
                                                                     ("Connection", "close")]) + body)
            return
        # flood: an endless body.
        client.sendall(_build_head("HTTP/1.1 %d Fault" % code, [("Content-Type", "application/xml"),
                                                                 ("Connection", "close")]))
        client.sendall(b"<?xml version='1.0'?><Error><Code>X</Code><Message>")
        chunk = b"A" * 65536
        while not self._stopping.is_set():
            client.sendall(chunk)
            with self._lock:
                self.flood_sent += len(chunk)

    def _deliver(self, client, mode, method, status_line, headers, body):
        """Sends the answer as `mode` says; returns False when the connection must end."""
        if mode == "pass":
            client.sendall(_build_head(status_line, headers) + body)
            return True
        if mode == "corrupt":
            if body:
                i = len(body) // 2
                body = body[:i] + bytes([body[i] ^ 0xFF]) + body[i + 1:]
            client.sendall(_build_head(status_line, headers) + body)
            return True
        if mode == "trickle":
            client.sendall(_build_head(status_line, headers))
            for i in range(0, len(body), self.trickle_bytes):
                if self._stopping.is_set():
                    return False
                client.sendall(body[i:i + self.trickle_bytes])
                time.sleep(self.trickle_interval)
            return True
        if mode in ("reset", "stall"):
            client.sendall(_build_head(status_line, headers) + body[:self.after])
            if mode == "stall":
                self._stopping.wait(self.stall_seconds)
                return False
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if mode == "cut":
            h = [(n, v) for n, v in headers if n.lower() not in ("content-length", "connection")]
            h.append(("Connection", "close"))
            client.sendall(_build_head(status_line, h) + body[:self.after])
            return False
        if mode == "short_length":
            n = min(self.after, len(body))
            h = [(k, str(n) if k.lower() == "content-length" else v) for k, v in headers]
            client.sendall(_build_head(status_line, h) + body[:n])
            return False
        if mode == "long_length":
            h = [(k, str(2 * len(body)) if k.lower() == "content-length" else v) for k, v in headers]
            client.sendall(_build_head(status_line, h) + body)
            return False
        raise ValueError("unknown fault mode " + mode)


if __name__ == "__main__":
    p = FaultProxy(int(sys.argv[1])).start()
    p.configure(sys.argv[2] if len(sys.argv) > 2 else "pass")
    print(p.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        p.stop()
