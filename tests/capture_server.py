#!/usr/bin/env python3
"""A loopback server that records the raw bytes of every request it receives, then answers
with a canned response. Tests use it to see exactly what a client puts on the wire (injected
header lines, smuggled second requests) and to play a hostile endpoint:

  answer      the raw response bytes to send (default: 200 with an empty body)
  flood       when set, an endless body follows the answer's head (no Content-Length), for
              memory-bound tests; `flood_sent` counts the bytes sent
  raw         every connection's bytes, one bytes object per connection, in order

The server reads what the client sends until the client has been quiet for `idle` seconds
(or the head and its Content-Length body have arrived), so a smuggled request on the same
connection is captured too. Binds 127.0.0.1 only.
    s = CaptureServer().start(); ...; s.raw; s.stop()
"""
import socket
import socketserver
import threading

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nETag: \"d41d8cd98f00b204e9800998ecf8427e\"\r\nConnection: close\r\n\r\n"


class CaptureServer:
    def __init__(self, answer=OK, flood=False, idle=0.3):
        self.answer = answer
        self.flood = flood
        self.idle = idle
        self.raw = []
        self.flood_sent = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def all_bytes(self):
        with self._lock:
            return b"".join(self.raw)

    def start(self):
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                sock = self.request
                data = b""
                sock.settimeout(owner.idle)
                try:
                    while True:
                        if b"\r\n\r\n" in data and not owner._expects_more(data):
                            break
                        try:
                            chunk = sock.recv(65536)
                        except socket.timeout:
                            break
                        if not chunk:
                            break
                        data += chunk
                        if b"expect: 100-continue" in data.lower() and b"\r\n\r\n" in data and \
                                data.endswith(b"\r\n\r\n"):
                            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                    # Anything more (a smuggled request) within the idle time is captured too.
                    try:
                        while True:
                            chunk = sock.recv(65536)
                            if not chunk:
                                break
                            data += chunk
                    except socket.timeout:
                        pass
                    with owner._lock:
                        owner.raw.append(data)
                    sock.settimeout(None)
                    sock.sendall(owner.answer)
                    if owner.flood:
                        chunk = b"A" * 65536
                        while not owner._stopping.is_set():
                            sock.sendall(chunk)
                            with owner._lock:
                                owner.flood_sent += len(chunk)
                except OSError:
                    with owner._lock:
                        if data and (not owner.raw or owner.raw[-1] is not data):
                            owner.raw.append(data)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @staticmethod
    def _expects_more(data):
        head, _, body = data.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n")[1:]:
            if line.lower().startswith(b"content-length:"):
                try:
                    return len(body) < int(line.split(b":", 1)[1].strip())
                except ValueError:
                    return False
        return False

    def stop(self):
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
