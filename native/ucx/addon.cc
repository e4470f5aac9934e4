// Entry point of the charm4ts UCX addon: exports the UcxWorker class and the
// version of the libucx it runs on. The JavaScript side must set UCX's
// environment (see src/transport/ucx/ucx-environment.ts) before loading it.
#include <napi.h>
#include <ucp/api/ucp.h>

#include "ucx-worker.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("UcxWorker", charm4ts::ucx::UcxWorker::Define(env));
  exports.Set("ucxVersion", Napi::String::New(env, ucp_get_version_string()));
  return exports;
}

}  // namespace

NODE_API_MODULE(charm4ts_ucx, Init)
