#include "js-array-buffer.h"

#include <v8.h>

#include <cstring>
#include <memory>

namespace charm4ts::ucx {
namespace {

void OnBackingStoreFreed(void* /*data*/, size_t /*length*/, void* deleterData) {
  BufferPool::Return(static_cast<PoolBlock*>(deleterData));
}

}  // namespace

napi_value WrapPoolBlock(napi_env /*env*/, PoolBlock* block, uint8_t* data, size_t length) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  std::unique_ptr<v8::BackingStore> store =
      v8::ArrayBuffer::NewBackingStore(data, length, OnBackingStoreFreed, block);
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, std::move(store));
  // Node-API represents a value as the address held by a v8::Local (Node's
  // v8impl::JsValueFromV8LocalValue does the same conversion).
  static_assert(sizeof(napi_value) == sizeof(v8::Local<v8::ArrayBuffer>), "napi_value is a v8::Local");
  napi_value result;
  std::memcpy(&result, &buffer, sizeof(result));
  return result;
}

}  // namespace charm4ts::ucx
