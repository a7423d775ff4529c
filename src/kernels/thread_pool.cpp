// The pool: `threads - 1` workers, each waiting on its own slot. A job is a function
// pointer, its context and the count; worker w runs part w, the caller part 0. Workers spin
// for a while after each job before sleeping on their slot (a futex), and the caller only
// pays for a wake-up when the worker it posts to is asleep.
#include "soma/kernels/thread_pool.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/kernels/threads.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#define SOMA_SPIN_PAUSE() _mm_pause()
#else
#define SOMA_SPIN_PAUSE() ((void)0)
#endif

namespace soma::kernels {

namespace {

// Spins before a worker sleeps: long enough to bridge the gaps between the products of a
// training step, short enough not to hold a core when soma is idle.
constexpr int spins_before_sleep = 20000;

thread_local bool inside_part = false;

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

  // False when another thread of the program holds the pool: the caller then runs inline.
  bool try_run(int parts, int64_t count, PartFn body, void* context) {
    std::unique_lock lock(busy_, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    // Only the workers of this job read these, and only after their slot is posted; the
    // previous job's workers have all finished (the wait below), so nobody reads them now.
    body_ = body;
    context_ = context;
    count_ = count;
    parts_ = parts;
    remaining_.store(parts - 1, std::memory_order_relaxed);
    for (int worker = 1; worker < parts; ++worker) post(*slots_[static_cast<size_t>(worker)]);
    run_part(0);
    while (remaining_.load(std::memory_order_acquire) != 0) SOMA_SPIN_PAUSE();
    return true;
  }

 private:
  // One per worker, on its own cache line: the caller posts a job by bumping `posted`.
  struct alignas(64) Slot {
    std::atomic<uint32_t> posted{0};
    std::atomic<bool> sleeping{false};
    std::mutex mutex;
    std::condition_variable wake;
  };

  static void post(Slot& slot) {
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
    threads_ = threads;
    stopping_.store(false);
    slots_.clear();
    for (int worker = 0; worker < threads; ++worker) slots_.push_back(std::make_unique<Slot>());
    for (int worker = 1; worker < threads; ++worker) {
      workers_.emplace_back([this, worker] { work(*slots_[static_cast<size_t>(worker)], worker); });
    }
  }

  void stop() {
    stopping_.store(true, std::memory_order_seq_cst);
    for (size_t worker = 1; worker < slots_.size(); ++worker) post(*slots_[worker]);
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
  }

  void run_part(int part) {
    const int64_t begin = count_ * part / parts_;
    const int64_t end = count_ * (part + 1) / parts_;
    inside_part = true;
    body_(context_, part, begin, end);
    inside_part = false;
  }

  void work(Slot& slot, int worker) {
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
      if (stopping_.load(std::memory_order_acquire)) return;
      run_part(worker);
      remaining_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  std::mutex busy_;
  int threads_ = 1;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::thread> workers_;
  std::atomic<int> remaining_{0};
  std::atomic<bool> stopping_{false};
  PartFn body_ = nullptr;
  void* context_ = nullptr;
  int64_t count_ = 0;
  int parts_ = 1;
};

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

Pool& pool() {
  static Pool instance(available_cores());
  return instance;
}

}  // namespace

int parts_for(int64_t count, int64_t minimum_per_part) {
  if (inside_part) return 1;
  const int64_t most = minimum_per_part > 0 ? count / minimum_per_part : count;
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(pool().threads(), most)));
}

void parallel_for(int64_t count, int64_t minimum_per_part, PartFn body, void* context) {
  const int parts = parts_for(count, minimum_per_part);
  if (parts > 1 && pool().try_run(parts, count, body, context)) return;
  const bool was_inside = inside_part;
  inside_part = true;
  body(context, 0, 0, count);
  inside_part = was_inside;
}

void set_thread_count(int count) {
  if (count < 1) {
    throw Error("set_thread_count: the thread count must be at least 1, got " +
                std::to_string(count));
  }
  pool().resize(count);
}

int thread_count() {
  return pool().threads();
}

}  // namespace soma::kernels
