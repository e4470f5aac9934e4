// Receive-buffer pool.
//
// Every received part lands in a block from this pool. Blocks are handed to
// JavaScript as ArrayBuffers (see js-array-buffer.h) and come back only when V8
// frees that ArrayBuffer's backing store, that is when no JavaScript object can
// reach the memory any more (or when the receiver detaches it on purpose). The
// return may happen on any thread (V8 frees backing stores from its sweeper),
// so the free lists are guarded by a mutex.
//
// Reuse is the point: fresh memory for a large message costs a page fault per
// page, which bounds bandwidth far below memcpy. Blocks are grouped in size
// classes (four per power of two); large blocks are mapped directly, advised
// for transparent huge pages and touched once when created.
//
// Retention: each size class keeps at most a set number of free bytes (the
// owner's limit for mapped classes, 16 MiB for small ones, whose fresh
// allocation is cheap); beyond that, returned blocks are freed.
//
// The pool is reference counted: its owner holds one reference and each block
// lent out holds one, so blocks that JavaScript keeps after the transport is
// closed still return safely, and the pool is deleted with the last of them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace charm4ts::ucx {

class BufferPool;

/** One lendable piece of memory. `capacity` is at least what was asked for. */
struct PoolBlock {
  BufferPool* pool;
  uint8_t* data;
  size_t capacity;
  int sizeClass;  // -1: too large to keep; freed when returned
  bool mapped;    // memory came from mmap (else from the C heap)
};

/** Counters for diagnostics and tests. */
struct PoolStats {
  uint64_t lent = 0;            // blocks handed out, in all
  uint64_t returned = 0;        // blocks given back, in all
  uint64_t created = 0;         // blocks that needed fresh memory
  uint64_t bytesRetained = 0;   // memory held in free lists now
  uint64_t bytesOutstanding = 0;  // capacity of blocks lent and not yet returned
};

/** A pool of receive buffers; see the file comment for the ownership rules. */
class BufferPool {
 public:
  /** Creates a pool with one reference, owned by the caller; `maxRetainedBytes` applies per large size class. */
  static BufferPool* Create(size_t maxRetainedBytes);

  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  /** Lends a block of at least `size` bytes. Throws std::bad_alloc when memory runs out. */
  PoolBlock* Acquire(size_t size);

  /** Gives a block back. Safe on any thread. */
  static void Return(PoolBlock* block);

  /** Drops the owner's reference. */
  void Unref();

  /** A snapshot of the counters. */
  PoolStats Stats();

 private:
  explicit BufferPool(size_t maxRetainedBytes);
  ~BufferPool();

  void Ref();
  void Release(PoolBlock* block);
  static PoolBlock* Allocate(BufferPool* pool, size_t capacity, int sizeClass);
  static void FreeMemory(PoolBlock* block);

  std::mutex mutex_;
  std::vector<std::vector<PoolBlock*>> free_;
  std::vector<size_t> retainedPerClass_;
  size_t maxRetained_;
  PoolStats stats_;
  std::atomic<size_t> refs_{1};
};

}  // namespace charm4ts::ucx
