#ifndef URLMINT_TOOLS_BATCH_HPP
#define URLMINT_TOOLS_BATCH_HPP

// `--batch` for the commands that mint one URL per input line (s3 presign, cloudfront sign):
// stdin is read and stdout written in big blocks with read(2)/write(2) (no stdio, no per-line
// allocation or flush), and with --jobs N the lines are minted by N worker threads in chunks
// while the output keeps the input order and memory stays bounded (2N+2 chunks in flight).
//
// A worker is what one thread uses to mint URLs; make_worker() is called once per thread:
//   std::size_t need(std::string_view line)   upper bound of what put() writes, newline included
//   long put(char* dst, std::size_t room, std::string_view line, long long line_number)
//       bytes written (> 0), -1 when `room` turned out short (the engine makes room and asks
//       again), 0 on failure, after which
//   std::string failure(std::string_view line) gives the one-line message.

#include <sched.h>   // sched_getaffinity
#include <unistd.h>  // read, write

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>  // std::memchr, std::memmove
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cli.hpp"

namespace urlmint_cli {

/// The CPUs this process may run on (sched_getaffinity), at least 1: the default of --jobs.
inline unsigned available_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<unsigned>(n);
  }
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? n : 1;
}

/// Parses --jobs (1..1024); a usage error otherwise. Without the flag, available_cpus().
inline unsigned parse_jobs(const std::optional<std::string>& text) {
  if (!text) return available_cpus();
  unsigned long n = 0;
  for (char c : *text) {
    if (c < '0' || c > '9' || n > 1024) throw usage_error("--jobs \"" + *text + "\" must be a number from 1 to 1024");
    n = n * 10 + static_cast<unsigned long>(c - '0');
  }
  if (text->empty() || n < 1 || n > 1024) throw usage_error("--jobs \"" + *text + "\" must be a number from 1 to 1024");
  return static_cast<unsigned>(n);
}

namespace batch_detail {

inline bool write_all(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(1, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Reads stdin in big blocks and hands out whole lines (without "\n" or "\r\n"); the last line
// may lack its newline. A line longer than the buffer grows it.
class line_reader {
 public:
  explicit line_reader(std::size_t block) : buffer_(block) {}
  // The next line, or false at the end of input (or on a read error: `failed`).
  bool next(std::string_view& line) {
    for (;;) {
      if (const void* nl = std::memchr(buffer_.data() + begin_, '\n', end_ - begin_)) {
        const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer_.data());
        line = trim(begin_, at);
        begin_ = at + 1;
        return true;
      }
      if (eof_) {
        if (begin_ == end_) return false;
        line = trim(begin_, end_);
        begin_ = end_;
        return true;
      }
      fill();
    }
  }
  // The next non-blank line and its number. Blank lines may end the input but not come
  // before another line: then false, with `blank_line` set to the first blank one's number.
  bool next_line(std::string_view& line, long long& number, long long& blank_line) {
    while (next(line)) {
      ++number_;
      if (line.empty()) {
        if (first_blank_ == 0) first_blank_ = number_;
        continue;
      }
      if (first_blank_ != 0) {
        blank_line = first_blank_;
        return false;
      }
      number = number_;
      return true;
    }
    return false;
  }
  // Whole lines, up to about `size` bytes, as one block (for the workers); false at the end.
  bool next_block(std::string& out, std::size_t size, long long& lines, long long& blank_line) {
    out.clear();
    lines = 0;
    std::string_view line;
    long long number = 0;
    while (out.size() < size && next_line(line, number, blank_line)) {
      out.append(line.data(), line.size());
      out.push_back('\n');
      ++lines;
    }
    return lines > 0;
  }
  bool failed() const noexcept { return failed_; }
  /// Called before each read(2), e.g. to write out what is pending: a producer that feeds the
  /// batch slowly gets each URL as soon as the input runs dry, not when a buffer fills.
  void (*before_read)(void*) = nullptr;
  void* before_read_arg = nullptr;

 private:
  std::string_view trim(std::size_t from, std::size_t to) const {
    std::string_view line(buffer_.data() + from, to - from);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }
  void fill() {
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    if (before_read != nullptr) before_read(before_read_arg);
    for (;;) {
      const ssize_t n = ::read(0, buffer_.data() + end_, buffer_.size() - end_);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) failed_ = true;
      if (n <= 0) eof_ = true;
      else end_ += static_cast<std::size_t>(n);
      return;
    }
  }
  std::vector<char> buffer_;
  long long number_ = 0;
  long long first_blank_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  bool failed_ = false;
};

// An output block: URLs are written straight into it; flushed to stdout when full.
struct out_block {
  std::vector<char> data;
  std::size_t used = 0;
  explicit out_block(std::size_t size) : data(size) {}
  std::size_t room() const noexcept { return data.size() - used; }
  void ensure(std::size_t n) {
    if (data.size() - used < n) data.resize(used + n + data.size() / 2);
  }
};

// Mints one line into `out`, first asking `make_room(need)` when `out` is short of room (it
// returns false to stop); false, with `error` set on a line that cannot be minted.
template <class Worker, class MakeRoom>
bool mint_one(Worker& worker, out_block& out, std::string_view line, long long number, std::string& error,
              MakeRoom&& make_room) {
  for (;;) {
    const std::size_t need = worker.need(line);
    if (out.room() < need && !make_room(need)) return false;
    const long n = worker.put(out.data.data() + out.used, out.room(), line, number);
    if (n > 0) {
      out.used += static_cast<std::size_t>(n);
      return true;
    }
    if (n == 0) {
      error = "line " + std::to_string(number) + ": " + worker.failure(line);
      return false;
    }
    out.ensure(out.room() + 4096);  // the credentials rotated to a longer URL
  }
}

// Mints every line of `in` ("\n"-terminated) into `out`; on failure stops and sets `error`
// (with the line number counted from `first_line`).
template <class Worker>
bool mint_lines(Worker& worker, std::string_view in, long long first_line, out_block& out, std::string& error) {
  long long number = first_line;
  while (!in.empty()) {
    const std::size_t nl = in.find('\n');
    const std::string_view line = in.substr(0, nl);
    in.remove_prefix(nl + 1);
    if (!mint_one(worker, out, line, number, error, [&](std::size_t need) {
          out.ensure(need);
          return true;
        }))
      return false;
    ++number;
  }
  return true;
}

}  // namespace batch_detail

/// Runs a batch: one URL per stdin line on stdout, in input order; returns the exit status.
/// On the first line that cannot be minted, the URLs before it are written, then
/// "COMMAND: line N: MESSAGE" on stderr, and exit_error. Blank lines may end the input; one
/// before another line is such an error ("the line is empty; give one WHAT per line").
template <class MakeWorker>
int run_batch(const char* command, const char* what, unsigned jobs, MakeWorker make_worker) {
  using namespace batch_detail;
  constexpr std::size_t out_size = 1 << 20;
  std::string error;
  bool write_failed = false;
  long long blank_line = 0;
  const auto blank_error = [&] {
    return "line " + std::to_string(blank_line) + ": the line is empty; give one " + what + " per line";
  };

  if (jobs <= 1) {
    // One thread: lines straight from the read buffer, URLs straight into the write buffer.
    auto worker = make_worker();
    line_reader reader(1 << 20);
    out_block out(out_size);
    struct flusher {
      out_block* out;
      bool* failed;
    } flush{&out, &write_failed};
    reader.before_read_arg = &flush;
    reader.before_read = [](void* arg) {
      auto* f = static_cast<flusher*>(arg);
      if (f->out->used > 0 && !write_all(f->out->data.data(), f->out->used)) *f->failed = true;
      f->out->used = 0;
    };
    std::string_view line;
    long long number = 0;
    const auto make_room = [&](std::size_t need) {
      if (!write_all(out.data.data(), out.used)) {
        write_failed = true;
        return false;
      }
      out.used = 0;
      out.ensure(need);
      return true;
    };
    while (!write_failed && reader.next_line(line, number, blank_line))
      if (!mint_one(worker, out, line, number, error, make_room)) break;
    if (!write_failed && !write_all(out.data.data(), out.used)) write_failed = true;
    if (blank_line != 0 && error.empty()) error = blank_error();
    if (reader.failed() && error.empty()) error = "cannot read stdin";
  } else {
    // N workers. Chunk k of the input goes to slot k % S; workers take filled slots in order,
    // the writer (this thread's helper) writes done slots in order and frees them.
    constexpr std::size_t chunk_bytes = 1 << 16;
    struct slot {
      enum state_t { empty, filled, working, done } state = empty;
      std::string in;
      long long first_line = 0;
      out_block out{1 << 18};
      std::string error;
      std::string preset_error;  // the input ended in an error before this (empty) chunk
      bool ok = true;
    };
    const std::size_t slots_count = 2 * static_cast<std::size_t>(jobs) + 2;
    std::vector<slot> slots(slots_count);
    std::mutex m;
    std::condition_variable changed;
    long long filled_upto = 0;   // chunks read so far
    long long taken_upto = 0;    // chunks handed to workers
    long long written_upto = 0;  // chunks written
    bool input_done = false;
    bool stop = false;

    // One worker made here first: what a worker refuses (a bad bucket, no credentials) is then
    // thrown on this thread and reported as one line, not thrown on a worker thread.
    { auto probe = make_worker(); }
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < jobs; ++t) {
      workers.emplace_back([&] {
        auto worker = make_worker();
        for (;;) {
          slot* s = nullptr;
          {
            std::unique_lock<std::mutex> lock(m);
            changed.wait(lock, [&] { return stop || taken_upto < filled_upto || input_done; });
            if (stop || (taken_upto == filled_upto && input_done)) return;
            s = &slots[static_cast<std::size_t>(taken_upto++ % static_cast<long long>(slots_count))];
            s->state = slot::working;
          }
          s->out.used = 0;
          s->error.clear();
          s->ok = mint_lines(worker, s->in, s->first_line, s->out, s->error);
          if (s->ok && !s->preset_error.empty()) {
            s->ok = false;
            s->error = s->preset_error;
          }
          {
            std::lock_guard<std::mutex> lock(m);
            s->state = slot::done;
          }
          changed.notify_all();
        }
      });
    }
    std::thread writer([&] {
      for (;;) {
        slot* s = nullptr;
        {
          std::unique_lock<std::mutex> lock(m);
          changed.wait(lock, [&] {
            return stop || (written_upto < filled_upto &&
                            slots[static_cast<std::size_t>(written_upto % static_cast<long long>(slots_count))].state ==
                                slot::done) ||
                   (input_done && written_upto == filled_upto);
          });
          if (stop || (input_done && written_upto == filled_upto)) return;
          s = &slots[static_cast<std::size_t>(written_upto % static_cast<long long>(slots_count))];
        }
        const bool wrote = write_all(s->out.data.data(), s->out.used);
        std::lock_guard<std::mutex> lock(m);
        if (!wrote) write_failed = true;
        if (!s->ok) error = s->error;
        if (!wrote || !s->ok) {
          stop = true;
        } else {
          s->state = slot::empty;
          ++written_upto;
        }
        changed.notify_all();
        if (stop) return;
      }
    });

    line_reader reader(1 << 20);
    long long next_line = 1;
    for (;;) {
      slot* s = nullptr;
      {
        std::unique_lock<std::mutex> lock(m);
        changed.wait(lock, [&] {
          return stop ||
                 slots[static_cast<std::size_t>(filled_upto % static_cast<long long>(slots_count))].state == slot::empty;
        });
        if (stop) break;
        s = &slots[static_cast<std::size_t>(filled_upto % static_cast<long long>(slots_count))];
      }
      long long lines = 0;
      bool more = reader.next_block(s->in, chunk_bytes, lines, blank_line);
      s->preset_error.clear();
      if (!more && blank_line != 0) {
        s->preset_error = blank_error();  // an empty chunk that fails once the ones before are out
        more = true;
      }
      std::lock_guard<std::mutex> lock(m);
      if (more) {
        s->first_line = next_line;
        next_line += lines;
        s->state = slot::filled;
        ++filled_upto;
      } else {
        input_done = true;
      }
      changed.notify_all();
      if (!more || !s->preset_error.empty()) break;
    }
    {
      std::lock_guard<std::mutex> lock(m);
      input_done = true;
    }
    changed.notify_all();
    writer.join();
    {
      std::lock_guard<std::mutex> lock(m);
      stop = true;
    }
    changed.notify_all();
    for (auto& w : workers) w.join();
    if (reader.failed() && error.empty()) error = "cannot read stdin";
  }

  if (!error.empty()) {
    std::fprintf(stderr, "%s: %s\n", command, error.c_str());
    return exit_error;
  }
  if (write_failed) {
    std::fprintf(stderr, "%s: cannot write to stdout\n", command);
    return exit_error;
  }
  return exit_ok;
}

}  // namespace urlmint_cli

#endif  // URLMINT_TOOLS_BATCH_HPP
