// The pool: `threads - 1` workers, each waiting on its own slot. A job is a function
// pointer, its context and a range, written into the slot; worker w runs part w, the
// caller part 0. Workers spin for a while after each job before sleeping on their slot (a
// futex), and the caller only pays for a wake-up when the worker it posts to is asleep. A
// build without threads (SOMA_THREADS=OFF) has a pool of the caller alone.
#include "soma/kernels/thread_pool.hpp"

#include <algorithm>
#include <string>

#include "soma/core/error.hpp"
#include "soma/kernels/threads.hpp"

#if SOMA_THREADS
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>
#endif

#if defined(__x86_64__)
#include <immintrin.h>
#define SOMA_SPIN_PAUSE() _mm_pause()
#else
#define SOMA_SPIN_PAUSE() ((void)0)
#endif

namespace soma::kernels {

namespace {

thread_local bool inside_part = false;

// Marks the calling thread as running a part while it lives, also when the part throws.
class InsidePart {
 public:
  InsidePart() : was_inside_(inside_part) { inside_part = true; }
  ~InsidePart() { inside_part = was_inside_; }
  InsidePart(const InsidePart&) = delete;
  InsidePart& operator=(const InsidePart&) = delete;

 private:
  bool was_inside_;
};

#if SOMA_THREADS
// Spins before a worker sleeps: long enough to bridge the gaps between the products of a
// training step, short enough not to hold a core when soma is idle.
constexpr int spins_before_sleep = 20000;

// Set in the child of a fork: it has the pool's memory but none of its threads.
std::atomic<bool> forked_child{false};

class Pool {
 public:
  explicit Pool(int threads) { start(threads); }
  ~Pool() { stop(); }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  int threads() const { return threads_; }

  void resize(int threads) {
    std::lock_guard lock(busy_);
    stop();
    start(threads);
  }

  // False when another thread of the program holds the pool, or in a child process after
  // fork (which has no workers): the caller then runs inline. An exception thrown by a part
  // is rethrown here once every part has finished.
  bool try_run(int parts, int64_t count, PartFn body, void* context) {
    if (forked_child.load(std::memory_order_relaxed)) return false;
    std::unique_lock lock(busy_, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    parts = std::min(parts, threads_);  // the count may have shrunk since parts_for
    if (parts < 2) return false;
    failure_ = nullptr;
    // Each worker's job goes into its own slot: one cache line carries the job to the
    // worker and, in `finished`, the news that it is done back to the caller.
    for (int worker = 1; worker < parts; ++worker) {
      Slot& slot = *slots_[static_cast<size_t>(worker)];
      slot.body = body;
      slot.context = context;
      slot.part = worker;
      slot.begin = count * worker / parts;
      slot.end = count * (worker + 1) / parts;
      post(slot);
    }
    run_part(body, context, 0, 0, count / parts);
    for (int worker = 1; worker < parts; ++worker) {
      const Slot& slot = *slots_[static_cast<size_t>(worker)];
      const uint32_t job = slot.posted.load(std::memory_order_relaxed);
      while (slot.finished.load(std::memory_order_acquire) != job) SOMA_SPIN_PAUSE();
    }
    if (failure_) std::rethrow_exception(failure_);
    return true;
  }

 private:
  // One per worker. The caller writes the job's fields and then bumps `posted`; the worker
  // runs it and sets `finished` to the same number. The mutex and condition variable, used
  // only to sleep, sit on the next cache line.
  struct alignas(64) Slot {
    std::atomic<uint32_t> posted{0};
    std::atomic<uint32_t> finished{0};
    std::atomic<bool> sleeping{false};
    int part = 0;
    PartFn body = nullptr;  // null: the pool is stopping
    void* context = nullptr;
    int64_t begin = 0;
    int64_t end = 0;
    alignas(64) std::mutex mutex;
    std::condition_variable wake;
  };

  // noexcept: a mutex that fails here (it cannot in practice) must end the program rather
  // than unwind while posted workers still read the caller's context.
  static void post(Slot& slot) noexcept {
    // seq_cst on both sides: either the caller sees `sleeping` and wakes the worker (taking
    // the mutex first, so the worker is inside wait() by then), or the worker sees the new
    // `posted` before it sleeps.
    slot.posted.fetch_add(1, std::memory_order_seq_cst);
    if (slot.sleeping.load(std::memory_order_seq_cst)) {
      { std::lock_guard lock(slot.mutex); }
      slot.wake.notify_one();
    }
  }

  void start(int threads) {
    slots_.clear();
    for (int worker = 0; worker < threads; ++worker) slots_.push_back(std::make_unique<Slot>());
    // A thread that cannot be started (a limit of the process or the container) leaves
    // the pool with the threads that did start.
    threads_ = 1;
    for (int worker = 1; worker < threads; ++worker) {
      try {
        workers_.emplace_back([this, worker] { work(*slots_[static_cast<size_t>(worker)]); });
      } catch (const std::system_error&) {
        break;
      }
      threads_ = worker + 1;
    }
  }

  void stop() {
    for (size_t worker = 1; worker < workers_.size() + 1; ++worker) {
      slots_[worker]->body = nullptr;
      post(*slots_[worker]);
    }
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
  }

  void run_part(PartFn body, void* context, int part, int64_t begin, int64_t end) {
    const InsidePart inside;
    try {
      body(context, part, begin, end);
    } catch (...) {
      std::lock_guard lock(failure_mutex_);
      if (!failure_) failure_ = std::current_exception();
    }
  }

  void work(Slot& slot) {
    // Slots start at 0: a job (or the stop) posted before this thread first runs is seen.
    uint32_t seen = 0;
    while (true) {
      uint32_t now = slot.posted.load(std::memory_order_acquire);
      for (int spin = 0; now == seen && spin < spins_before_sleep; ++spin) {
        SOMA_SPIN_PAUSE();
        now = slot.posted.load(std::memory_order_acquire);
      }
      if (now == seen) {
        std::unique_lock lock(slot.mutex);
        slot.sleeping.store(true, std::memory_order_seq_cst);
        slot.wake.wait(lock, [&] { return slot.posted.load(std::memory_order_seq_cst) != seen; });
        slot.sleeping.store(false, std::memory_order_relaxed);
        continue;
      }
      seen = now;
      if (slot.body == nullptr) return;
      run_part(slot.body, slot.context, slot.part, slot.begin, slot.end);
      slot.finished.store(now, std::memory_order_release);
    }
  }

  std::mutex busy_;
  int threads_ = 1;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::thread> workers_;
  std::mutex failure_mutex_;
  std::exception_ptr failure_;  // the first exception a part threw in this job
};

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Never destroyed: kernels may still run after static destruction has begun (other
// statics' destructors, atexit handlers), and the workers simply end with the process.
Pool& pool() {
  static Pool* const instance = [] {
    pthread_atfork(nullptr, nullptr, [] { forked_child.store(true); });
    return new Pool(available_cores());
  }();
  return *instance;
}

#else

// The caller alone: every parallel_for runs inline, and set_thread_count keeps one thread
// as it does when the system refuses to start more.
struct Pool {
  int threads() const { return 1; }
  void resize(int) {}
  bool try_run(int, int64_t, PartFn, void*) { return false; }
} caller_alone;

Pool& pool() {
  return caller_alone;
}

#endif

}  // namespace

int parts_for(int64_t count, int64_t minimum_per_part) {
  if (inside_part) return 1;
  const int64_t most = minimum_per_part > 0 ? count / minimum_per_part : count;
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(pool().threads(), most)));
}

void parallel_for(int64_t count, int64_t minimum_per_part, PartFn body, void* context) {
  const int parts = parts_for(count, minimum_per_part);
  if (parts > 1 && pool().try_run(parts, count, body, context)) return;
  const InsidePart inside;
  body(context, 0, 0, count);
}

void set_thread_count(int count) {
  if (count < 1) {
    throw Error("set_thread_count: the thread count must be at least 1, got " +
                std::to_string(count));
  }
  if (inside_part) {
    throw Error("set_thread_count: called from inside a parallel part; the pool is busy");
  }
  pool().resize(count);
}

int thread_count() {
  return pool().threads();
}

}  // namespace soma::kernels
