// Hands a pool block to JavaScript as an ArrayBuffer without copying.
//
// Node-API offers napi_create_external_arraybuffer, but Node runs its
// finalizer through setImmediate: a PE that busy-polls without yielding would
// never get its blocks back, and the pool would grow by one freshly faulted
// block per message. V8's own BackingStore deleter is called when the
// ArrayBuffer's memory is freed (at garbage collection, possibly on a helper
// thread, or at once when the buffer is detached), with no event-loop turn in
// between, so this one function uses the V8 API directly. The addon is built
// at install time against the Node that runs it, so the V8 ABI matches.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>

#include "buffer-pool.h"

namespace charm4ts::ucx {

/**
 * Returns an ArrayBuffer over `length` bytes at `data` inside `block`. The
 * block goes back to its pool when V8 frees the ArrayBuffer's backing store.
 * Must be called on the JavaScript thread inside a handle scope.
 */
napi_value WrapPoolBlock(napi_env env, PoolBlock* block, uint8_t* data, size_t length);

}  // namespace charm4ts::ucx
