#include "buffer-pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <new>

namespace charm4ts::ucx {
namespace {

constexpr size_t kMinClassBytes = 64;     // class 0
constexpr int kMinClassLog = 6;           // log2(kMinClassBytes)
constexpr int kMaxClassLog = 30;          // classes up to 1 GiB
constexpr int kNumClasses = 1 + (kMaxClassLog - kMinClassLog) * 4;
constexpr size_t kMapThreshold = 256 * 1024;        // from here on, mmap
constexpr size_t kHugePage = 2 * 1024 * 1024;
constexpr size_t kSmallClassRetained = 16 * 1024 * 1024;  // per class, below kMapThreshold

int FloorLog2(size_t n) { return 63 - __builtin_clzll(static_cast<unsigned long long>(n)); }

// Smallest class whose size is at least `n`, or -1 when `n` is beyond the largest class.
int ClassOf(size_t n) {
  if (n <= kMinClassBytes) return 0;
  const int k = FloorLog2(n - 1);  // 2^k < n <= 2^(k+1)
  if (k >= kMaxClassLog) return -1;
  const size_t base = size_t{1} << k;
  const size_t step = base >> 2;
  const size_t sub = (n - base + step - 1) / step;  // 1..4
  return 1 + (k - kMinClassLog) * 4 + static_cast<int>(sub) - 1;
}

size_t ClassBytes(int cls) {
  if (cls == 0) return kMinClassBytes;
  const int k = kMinClassLog + (cls - 1) / 4;
  const size_t sub = static_cast<size_t>((cls - 1) % 4 + 1);
  return (size_t{1} << k) + sub * ((size_t{1} << k) >> 2);
}

size_t PageSize() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

// Maps `bytes` of anonymous memory; ranges of 2 MiB and more are aligned to a
// huge-page boundary and advised for transparent huge pages. Every page is
// touched so later receives do not fault. Returns nullptr on failure.
uint8_t* MapBytes(size_t bytes) {
  const bool huge = bytes >= kHugePage;
  const size_t extra = huge ? kHugePage : 0;
  void* raw = mmap(nullptr, bytes + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  auto* start = static_cast<uint8_t*>(raw);
  if (huge) {
    const auto addr = reinterpret_cast<uintptr_t>(start);
    const uintptr_t aligned = (addr + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
    const size_t head = aligned - addr;
    if (head != 0) munmap(start, head);
    const size_t tail = extra - head;
    if (tail != 0) munmap(reinterpret_cast<uint8_t*>(aligned) + bytes, tail);
    start = reinterpret_cast<uint8_t*>(aligned);
    madvise(start, bytes, MADV_HUGEPAGE);
  }
  const size_t page = PageSize();
  for (size_t off = 0; off < bytes; off += page) start[off] = 0;
  return start;
}

}  // namespace

BufferPool* BufferPool::Create(size_t maxRetainedBytes) { return new BufferPool(maxRetainedBytes); }

BufferPool::BufferPool(size_t maxRetainedBytes)
    : free_(kNumClasses), retainedPerClass_(kNumClasses, 0), maxRetained_(maxRetainedBytes) {}

BufferPool::~BufferPool() {
  for (auto& list : free_) {
    for (PoolBlock* block : list) {
      FreeMemory(block);
      delete block;
    }
  }
}

void BufferPool::Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }

void BufferPool::Unref() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

PoolBlock* BufferPool::Allocate(BufferPool* pool, size_t capacity, int sizeClass) {
  const bool mapped = capacity >= kMapThreshold;
  uint8_t* data = nullptr;
  if (mapped) {
    const size_t page = PageSize();
    capacity = (capacity + page - 1) & ~(page - 1);
    data = MapBytes(capacity);
  } else {
    void* p = nullptr;
    if (posix_memalign(&p, 64, capacity) == 0) data = static_cast<uint8_t*>(p);
  }
  if (data == nullptr) throw std::bad_alloc();
  return new PoolBlock{pool, data, capacity, sizeClass, mapped};
}

void BufferPool::FreeMemory(PoolBlock* block) {
  if (block->mapped) {
    munmap(block->data, block->capacity);
  } else {
    std::free(block->data);
  }
  block->data = nullptr;
}

PoolBlock* BufferPool::Acquire(size_t size) {
  const int cls = ClassOf(size);
  PoolBlock* block = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cls >= 0 && !free_[cls].empty()) {
      block = free_[cls].back();
      free_[cls].pop_back();
      stats_.bytesRetained -= block->capacity;
      retainedPerClass_[cls] -= block->capacity;
      stats_.lent++;
      stats_.bytesOutstanding += block->capacity;
    }
  }
  if (block == nullptr) {
    block = Allocate(this, cls >= 0 ? ClassBytes(cls) : size, cls);
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.created++;
    stats_.lent++;
    stats_.bytesOutstanding += block->capacity;
  }
  Ref();
  return block;
}

void BufferPool::Return(PoolBlock* block) { block->pool->Release(block); }

void BufferPool::Release(PoolBlock* block) {
  bool keep = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.returned++;
    stats_.bytesOutstanding -= block->capacity;
    const int cls = block->sizeClass;
    if (cls >= 0) {
      const size_t limit = block->mapped ? maxRetained_ : kSmallClassRetained;
      if (retainedPerClass_[cls] + block->capacity <= limit) {
        free_[cls].push_back(block);
        retainedPerClass_[cls] += block->capacity;
        stats_.bytesRetained += block->capacity;
        keep = true;
      }
    }
  }
  if (!keep) {
    FreeMemory(block);
    delete block;
  }
  Unref();
}

PoolStats BufferPool::Stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

}  // namespace charm4ts::ucx
