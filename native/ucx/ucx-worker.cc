// UcxWorker lifecycle: creation, addresses and endpoints, progress and
// delivery to JavaScript, the event fd, closing. The send path is in
// ucx-send.cc, the receive path in ucx-receive.cc.
#include "ucx-worker.h"

#include <cstring>

#include "js-array-buffer.h"
#include "wire-format.h"

namespace charm4ts::ucx {
namespace {

// ucp_worker_progress is called at most this many times per progress() call,
// and stops early once this many events wait for JavaScript.
constexpr int kProgressRounds = 64;
constexpr size_t kDeliverBatch = 256;

ucs_status_t ActiveMessageTrampoline(void* arg, const void* header, size_t headerLength, void* data,
                                     size_t length, const ucp_am_recv_param_t* param) {
  return static_cast<UcxWorker*>(arg)->OnActiveMessage(header, headerLength, data, length, param);
}

void EndpointErrorTrampoline(void* arg, ucp_ep_h /*ep*/, ucs_status_t status) {
  auto* endpoint = static_cast<Endpoint*>(arg);
  endpoint->owner->OnEndpointError(endpoint, status);
}

void CloseDoneTrampoline(void* request, ucs_status_t /*status*/, void* userData) {
  static_cast<UcxWorker*>(userData)->OnCloseDone();
  ucp_request_free(request);
}

void FreeRequestTrampoline(void* request, ucs_status_t /*status*/, void* /*userData*/) { ucp_request_free(request); }

void PollTrampoline(uv_poll_t* handle, int /*status*/, int /*events*/) {
  if (handle->data != nullptr) static_cast<UcxWorker*>(handle->data)->OnWakeup();
}

uint32_t GetUint32(const Napi::Object& options, const char* name, uint32_t fallback) {
  Napi::Value value = options.Get(name);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) throw Napi::TypeError::New(options.Env(), std::string("option ") + name + " must be a number");
  return value.As<Napi::Number>().Uint32Value();
}

double GetDouble(const Napi::Object& options, const char* name, double fallback) {
  Napi::Value value = options.Get(name);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) throw Napi::TypeError::New(options.Env(), std::string("option ") + name + " must be a number");
  return value.As<Napi::Number>().DoubleValue();
}

bool GetBool(const Napi::Object& options, const char* name, bool fallback) {
  Napi::Value value = options.Get(name);
  if (value.IsUndefined()) return fallback;
  return value.ToBoolean().Value();
}

Napi::Function GetFunction(const Napi::Object& options, const char* name) {
  Napi::Value value = options.Get(name);
  if (!value.IsFunction()) throw Napi::TypeError::New(options.Env(), std::string("option ") + name + " must be a function");
  return value.As<Napi::Function>();
}

// The typed-array option `name`, which must be of `type` (called `typeName` in the error); an empty
// value when it is absent and `required` is false.
Napi::TypedArray GetTypedArray(const Napi::Object& options, const char* name, napi_typedarray_type type,
                               const char* typeName, bool required) {
  Napi::Value value = options.Get(name);
  if (!required && value.IsUndefined()) return Napi::TypedArray();
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(options.Env(), std::string("option ") + name + " must be a " + typeName);
  }
  return value.As<Napi::TypedArray>();
}

}  // namespace

Napi::Function UcxWorker::Define(Napi::Env env) {
  return DefineClass(env, "UcxWorker",
                     {
                         InstanceMethod<&UcxWorker::Address>("address"),
                         InstanceMethod<&UcxWorker::Info>("info"),
                         InstanceMethod<&UcxWorker::Connect>("connect"),
                         InstanceMethod<&UcxWorker::Disconnect>("disconnect"),
                         InstanceMethod<&UcxWorker::Arm>("arm"),
                         InstanceMethod<&UcxWorker::Disarm>("disarm"),
                         InstanceMethod<&UcxWorker::CloseEndpoints>("closeEndpoints"),
                         InstanceMethod<&UcxWorker::PendingCloses>("pendingCloses"),
                         InstanceMethod<&UcxWorker::Destroy>("destroy"),
                         InstanceMethod<&UcxWorker::PoolStatistics>("poolStats"),
                         InstanceMethod<&UcxWorker::Release>("release"),
                     });
}

UcxWorker::UcxWorker(const Napi::CallbackInfo& info) : Napi::ObjectWrap<UcxWorker>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "UcxWorker(options): options object expected");
  Napi::Object options = info[0].As<Napi::Object>();
  pe_ = GetUint32(options, "pe", 0);
  jobTag_ = GetUint32(options, "tag", 0);
  splitThreshold_ = static_cast<size_t>(GetDouble(options, "splitThreshold", 16 * 1024));
  const bool wakeup = GetBool(options, "wakeup", true);
  const auto maxRetained = static_cast<size_t>(GetDouble(options, "maxRetainedBytes", 128.0 * 1024 * 1024));
  onPart_ = Napi::Persistent(GetFunction(options, "onPart"));
  onPeerError_ = Napi::Persistent(GetFunction(options, "onPeerError"));
  onProtocolError_ = Napi::Persistent(GetFunction(options, "onProtocolError"));
  auto scratchArray = GetTypedArray(options, "scratch", napi_uint32_array, "Uint32Array", true).As<Napi::Uint32Array>();
  scratch_ = scratchArray.Data();
  scratchWords_ = scratchArray.ElementLength();
  scratchRef_ = Napi::Persistent(scratchArray.As<Napi::Object>());
  Napi::TypedArray lent = GetTypedArray(options, "lent", napi_uint8_array, "Uint8Array", false);
  if (!lent.IsEmpty()) {
    auto lentArray = lent.As<Napi::Uint8Array>();
    lent_ = lentArray.Data();
    lentBytes_ = lentArray.ByteLength();
    lentRef_ = Napi::Persistent(lentArray.As<Napi::Object>());
  }
  Napi::TypedArray outgoing = GetTypedArray(options, "outgoing", napi_uint8_array, "Uint8Array", false);
  if (!outgoing.IsEmpty()) {
    auto outgoingArray = outgoing.As<Napi::Uint8Array>();
    if (outgoingArray.ByteLength() > kCopyLimit) {
      throw Napi::RangeError::New(env, "option outgoing may hold at most " + std::to_string(kCopyLimit) + " bytes");
    }
    outgoing_ = outgoingArray.Data();
    outgoingBytes_ = outgoingArray.ByteLength();
    outgoingRef_ = Napi::Persistent(outgoingArray.As<Napi::Object>());
  }

  ucp_config_t* rawConfig = nullptr;
  ucs_status_t status = ucp_config_read(nullptr, nullptr, &rawConfig);
  if (status != UCS_OK) throw Napi::Error::New(env, StatusMessage("ucp_config_read failed", status));
  UcpConfig config(rawConfig);

  ucp_params_t params{};
  params.field_mask = UCP_PARAM_FIELD_FEATURES | UCP_PARAM_FIELD_MT_WORKERS_SHARED | UCP_PARAM_FIELD_NAME;
  params.features = UCP_FEATURE_AM | (wakeup ? UCP_FEATURE_WAKEUP : 0);
  params.mt_workers_shared = 0;
  params.name = "charm4ts";
  ucp_context_h rawContext = nullptr;
  status = ucp_init(&params, config.get(), &rawContext);
  if (status != UCS_OK) throw Napi::Error::New(env, StatusMessage("ucp_init failed", status));
  context_.reset(rawContext);

  ucp_worker_params_t workerParams{};
  workerParams.field_mask = UCP_WORKER_PARAM_FIELD_THREAD_MODE;
  workerParams.thread_mode = UCS_THREAD_MODE_SINGLE;
  ucp_worker_h rawWorker = nullptr;
  status = ucp_worker_create(context_.get(), &workerParams, &rawWorker);
  if (status != UCS_OK) throw Napi::Error::New(env, StatusMessage("ucp_worker_create failed", status));
  worker_.reset(rawWorker);

  ucp_worker_attr_t attr{};
  attr.field_mask = UCP_WORKER_ATTR_FIELD_MAX_AM_HEADER;
  status = ucp_worker_query(worker_.get(), &attr);
  if (status != UCS_OK) throw Napi::Error::New(env, StatusMessage("ucp_worker_query failed", status));
  const size_t headerWords = attr.max_am_header / sizeof(uint32_t);
  maxChunksPerPart_ = headerWords > wire::kFixedWords ? headerWords - wire::kFixedWords : 0;
  if (maxChunksPerPart_ > wire::kMaxChunks) maxChunksPerPart_ = wire::kMaxChunks;
  if (scratchWords_ < wire::kFixedWords + 1) throw Napi::RangeError::New(env, "option scratch is too small");
  if (maxChunksPerPart_ > scratchWords_ - wire::kFixedWords) maxChunksPerPart_ = scratchWords_ - wire::kFixedWords;
  if (maxChunksPerPart_ == 0) throw Napi::Error::New(env, "UCX allows no room for an active-message header");

  ucp_am_handler_param_t handler{};
  handler.field_mask = UCP_AM_HANDLER_PARAM_FIELD_ID | UCP_AM_HANDLER_PARAM_FIELD_FLAGS |
                       UCP_AM_HANDLER_PARAM_FIELD_CB | UCP_AM_HANDLER_PARAM_FIELD_ARG;
  handler.id = wire::kAmId;
  handler.flags = UCP_AM_FLAG_WHOLE_MSG;
  handler.cb = ActiveMessageTrampoline;
  handler.arg = this;
  status = ucp_worker_set_am_recv_handler(worker_.get(), &handler);
  if (status != UCS_OK) throw Napi::Error::New(env, StatusMessage("ucp_worker_set_am_recv_handler failed", status));

  if (wakeup) {
    status = ucp_worker_get_efd(worker_.get(), &eventFd_);
    if (status != UCS_OK) throw Napi::Error::New(env, StatusMessage("ucp_worker_get_efd failed", status));
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok) throw Napi::Error::New(env, "no libuv event loop");
    auto poll = std::make_unique<uv_poll_t>();
    const int rc = uv_poll_init(loop, poll.get(), eventFd_);
    if (rc != 0) throw Napi::Error::New(env, std::string("uv_poll_init on the UCX event fd failed: ") + uv_strerror(rc));
    poll_ = poll.release();
    poll_->data = this;
    wakeContext_ = std::make_unique<Napi::AsyncContext>(env, "charm4ts.UcxWake");
  }

  pool_ = BufferPool::Create(maxRetained);

  // The methods of the hot path, bound (see bound-methods.h); the others stay ObjectWrap methods.
  bound_ = BoundTarget<UcxWorker>::Create(this);
  Napi::Object self = info.This().As<Napi::Object>();
  bound_->Install<&UcxWorker::Send, 3>(env, self, "send");
  bound_->Install<&UcxWorker::SendHeader, 2>(env, self, "sendHeader");
  bound_->Install<&UcxWorker::Progress, 0>(env, self, "progress");
}

UcxWorker::~UcxWorker() {
  if (bound_ != nullptr) bound_->Detach();
  Teardown(Env());
}

void UcxWorker::EnsureOpen(Napi::Env env) const {
  if (destroyed_) throw Napi::Error::New(env, "the UCX worker is destroyed");
}

Endpoint* UcxWorker::EndpointFor(Napi::Env env, const Napi::Value& pe) {
  // One call into N-API, which refuses anything but a number (a type check first was a second call).
  uint32_t index = 0;
  if (napi_get_value_uint32(env, pe, &index) != napi_ok) throw Napi::TypeError::New(env, "PE must be a number");
  if (index >= endpoints_.size() || !endpoints_[index]) {
    throw Napi::RangeError::New(env, "no UCX endpoint to PE " + std::to_string(index) + " (connect first)");
  }
  return endpoints_[index].get();
}

Napi::Value UcxWorker::Address(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnsureOpen(env);
  ucp_worker_attr_t attr{};
  attr.field_mask = UCP_WORKER_ATTR_FIELD_ADDRESS;
  const ucs_status_t status = ucp_worker_query(worker_.get(), &attr);
  if (status != UCS_OK) throw Napi::Error::New(env, StatusMessage("ucp_worker_query(address) failed", status));
  UcpAddress address(attr.address, AddressDeleter{worker_.get()});
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(address.get()), attr.address_length);
}

Napi::Value UcxWorker::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("ucxVersion", ucp_get_version_string());
  result.Set("maxChunksPerPart", static_cast<double>(maxChunksPerPart_));
  result.Set("maxChunks", static_cast<double>(wire::kMaxChunks));
  result.Set("eventFd", eventFd_);
  return result;
}

Napi::Value UcxWorker::Connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnsureOpen(env);
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsTypedArray() || !info[2].IsBoolean()) {
    throw Napi::TypeError::New(env, "connect(pe, address, errorHandling): a PE number, the peer's address bytes and a boolean expected");
  }
  const uint32_t pe = info[0].As<Napi::Number>().Uint32Value();
  auto bytes = info[1].As<Napi::Uint8Array>();
  const bool errorHandling = info[2].As<Napi::Boolean>().Value();
  if (pe < endpoints_.size() && endpoints_[pe] && endpoints_[pe]->ep != nullptr) {
    throw Napi::Error::New(env, "already connected to PE " + std::to_string(pe));
  }
  if (pe >= endpoints_.size()) endpoints_.resize(pe + 1);
  auto endpoint = std::make_unique<Endpoint>();
  endpoint->owner = this;
  endpoint->pe = pe;

  ucp_ep_params_t params{};
  params.field_mask = UCP_EP_PARAM_FIELD_REMOTE_ADDRESS | UCP_EP_PARAM_FIELD_ERR_HANDLING_MODE;
  params.address = reinterpret_cast<const ucp_address_t*>(bytes.Data());
  params.err_mode = errorHandling ? UCP_ERR_HANDLING_MODE_PEER : UCP_ERR_HANDLING_MODE_NONE;
  if (errorHandling) {
    params.field_mask |= UCP_EP_PARAM_FIELD_ERR_HANDLER;
    params.err_handler.cb = EndpointErrorTrampoline;
    params.err_handler.arg = endpoint.get();
  }
  const ucs_status_t status = ucp_ep_create(worker_.get(), &params, &endpoint->ep);
  if (status != UCS_OK) {
    throw Napi::Error::New(env, StatusMessage(("ucp_ep_create to PE " + std::to_string(pe) + " failed").c_str(), status));
  }
  endpoints_[pe] = std::move(endpoint);
  return env.Undefined();
}

Napi::Value UcxWorker::Disconnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnsureOpen(env);
  Endpoint* endpoint = EndpointFor(env, info[0]);
  endpoint->failed = true;
  ForceCloseEndpoint(endpoint);
  return env.Undefined();
}

Napi::Value UcxWorker::Send(Napi::Env env, const napi_value* args) {
  EnsureOpen(env);
  Endpoint* endpoint = EndpointFor(env, Napi::Value(env, args[0]));
  SendFrame(env, endpoint, wire::kKindFrame, Napi::Value(env, args[1]), Napi::Value(env, args[2]));
  return Napi::Value();
}

Napi::Value UcxWorker::SendHeader(Napi::Env env, const napi_value* args) {
  EnsureOpen(env);
  if (outgoing_ == nullptr) throw Napi::Error::New(env, "sendHeader: the worker was made without outgoing memory");
  Endpoint* endpoint = EndpointFor(env, Napi::Value(env, args[0]));
  double length = 0;
  if (napi_get_value_double(env, args[1], &length) != napi_ok) {
    throw Napi::TypeError::New(env, "sendHeader(pe, length): the length must be a number");
  }
  if (!(length >= 0 && length <= static_cast<double>(outgoingBytes_)) || length != static_cast<double>(static_cast<size_t>(length))) {
    throw Napi::RangeError::New(env, "sendHeader: a length of " + std::to_string(length) + " does not fit the " +
                                         std::to_string(outgoingBytes_) + " outgoing bytes");
  }
  SendOutgoingHeader(env, endpoint, static_cast<size_t>(length));
  return Napi::Value();
}

Napi::Value UcxWorker::Progress(Napi::Env env, const napi_value* /*args*/) {
  if (destroyed_) return Napi::Value();
  // Deferred receives start before UCX progresses, not after: the parts delivered by the last
  // call have been handled (and their blocks, usually, handed back) by now, whereas after this
  // call's progress the receives it completed are still to be delivered, and starting as many
  // new ones would hold twice the in-flight limit.
  if (!deferredReceives_.empty()) StartDeferredReceives();
  // JavaScript has handled whatever the last call left in the lent memory.
  lentBusy_ = false;
  uint32_t count = 0;
  for (int round = 0; round < kProgressRounds; ++round) {
    const unsigned n = ucp_worker_progress(worker_.get());
    count += n;
    if (n == 0 || events_.size() >= kDeliverBatch) break;
  }
  if (!sendsCompleted_.empty()) ReleaseCompletedSends(env);
  bool lastLeftInScratch = false;
  if (!events_.empty()) count += Deliver(env, &lastLeftInScratch);
  // Nothing to report, as on almost every poll of a spinning PE: undefined, which costs no
  // number to create (that took a tenth of a spinning PE's time).
  if (count == 0) return Napi::Value();
  // Negative: the last part is in the scratch and lent memory for the caller to take.
  return Napi::Number::New(env, lastLeftInScratch ? -static_cast<double>(count) : static_cast<double>(count));
}

uint32_t UcxWorker::Deliver(Napi::Env env, bool* lastLeftInScratch) {
  uint32_t delivered = 0;
  while (!events_.empty() && !destroyed_) {
    WorkerEvent event = std::move(events_.front());
    events_.pop_front();
    ++delivered;
    switch (event.kind) {
      case WorkerEvent::Kind::kLentPart: {
        // Received into the lent memory already (AcceptLentPart); only its control header moves.
        std::memcpy(scratch_, lentControl_, sizeof(lentControl_));
        if (events_.empty()) {
          *lastLeftInScratch = true;
          break;
        }
        Napi::HandleScope scope(env);
        onPart_.Call({});
        lentBusy_ = false;
        break;
      }
      case WorkerEvent::Kind::kPart: {
        // The control header sits at the start of the block; copy it where JavaScript reads it.
        uint32_t chunksWord;
        std::memcpy(&chunksWord, event.block->data + wire::kWordChunks * sizeof(uint32_t), sizeof(chunksWord));
        const size_t words = wire::kFixedWords + (chunksWord >> 16);
        std::memcpy(scratch_, event.block->data, words * sizeof(uint32_t));
        // A whole frame of one chunk (a header without segments) that fits: copied into the lent
        // memory, its block back to the pool at once, no ArrayBuffer to create and later free.
        if (lent_ != nullptr && wire::IsWholeOneChunkFrame(scratch_) && event.length <= lentBytes_) {
          std::memcpy(lent_, event.block->data + event.prefix, event.length);
          BufferPool::Return(event.block);
          // The last event (one small message per progress, as in a ping-pong) is left where it
          // is for progress' caller, which saves calling into JavaScript from here.
          if (events_.empty()) {
            *lastLeftInScratch = true;
            break;
          }
          Napi::HandleScope scope(env);
          onPart_.Call({});
          break;
        }
        Napi::HandleScope scope(env);
        napi_value buffer = WrapPoolBlock(env, event.block, event.block->data + event.prefix, event.length);
        onPart_.Call({buffer});
        break;
      }
      case WorkerEvent::Kind::kPeerError: {
        Napi::HandleScope scope(env);
        if (event.pe < endpoints_.size() && endpoints_[event.pe]) ForceCloseEndpoint(endpoints_[event.pe].get());
        onPeerError_.Call({Napi::Number::New(env, event.pe), Napi::String::New(env, event.message)});
        break;
      }
      case WorkerEvent::Kind::kProtocolError: {
        Napi::HandleScope scope(env);
        onProtocolError_.Call({Napi::String::New(env, event.message)});
        break;
      }
    }
  }
  return delivered;
}

void UcxWorker::ReportPeerError(Endpoint* endpoint, const std::string& message) {
  if (endpoint->failed) return;
  endpoint->failed = true;
  WorkerEvent event{WorkerEvent::Kind::kPeerError};
  event.pe = endpoint->pe;
  event.message = message;
  events_.push_back(std::move(event));
}

void UcxWorker::OnEndpointError(Endpoint* endpoint, ucs_status_t status) {
  if (endpoint->closing) return;
  ReportPeerError(endpoint, StatusMessage("UCX endpoint error", status));
}

void UcxWorker::ForceCloseEndpoint(Endpoint* endpoint) {
  if (endpoint->ep == nullptr) return;
  ucp_request_param_t param{};
  param.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS | UCP_OP_ATTR_FIELD_CALLBACK;
  param.flags = UCP_EP_CLOSE_FLAG_FORCE;
  param.cb.send = FreeRequestTrampoline;
  ucp_ep_close_nbx(endpoint->ep, &param);
  endpoint->ep = nullptr;
  endpoint->closing = true;
}

Napi::Value UcxWorker::Arm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnsureOpen(env);
  if (poll_ == nullptr) throw Napi::Error::New(env, "this UCX worker was created without wakeup support");
  if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(env, "arm(wake): a function expected");
  // Deferred receives start from progress() only: keep polling until they have.
  if (!events_.empty() || !deferredReceives_.empty()) return Napi::Boolean::New(env, false);
  const ucs_status_t status = ucp_worker_arm(worker_.get());
  if (status == UCS_ERR_BUSY) return Napi::Boolean::New(env, false);
  if (status != UCS_OK) throw Napi::Error::New(env, StatusMessage("ucp_worker_arm failed", status));
  onWake_ = Napi::Persistent(info[0].As<Napi::Function>());
  if (!armed_) {
    const int rc = uv_poll_start(poll_, UV_READABLE, PollTrampoline);
    if (rc != 0) throw Napi::Error::New(env, std::string("uv_poll_start failed: ") + uv_strerror(rc));
    armed_ = true;
  }
  return Napi::Boolean::New(env, true);
}

Napi::Value UcxWorker::Disarm(const Napi::CallbackInfo& info) {
  StopWakeup();
  onWake_.Reset();
  return info.Env().Undefined();
}

void UcxWorker::StopWakeup() {
  if (armed_ && poll_ != nullptr) uv_poll_stop(poll_);
  armed_ = false;
}

void UcxWorker::OnWakeup() {
  StopWakeup();
  if (onWake_.IsEmpty()) return;
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  Napi::Function wake = onWake_.Value();
  onWake_.Reset();
  try {
    wake.MakeCallback(Value(), {}, *wakeContext_);
  } catch (const Napi::Error& error) {
    napi_fatal_exception(env, error.Value());
  }
}

Napi::Value UcxWorker::CloseEndpoints(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnsureOpen(env);
  const bool force = info.Length() > 0 && info[0].ToBoolean().Value();
  for (auto& endpoint : endpoints_) {
    if (!endpoint || endpoint->ep == nullptr) continue;
    const bool graceful = !force && !endpoint->failed;
    if (graceful) SendFrame(env, endpoint.get(), wire::kKindGoodbye, env.Undefined(), env.Undefined());
    endpoint->closing = true;
    ucp_request_param_t param{};
    param.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS | UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
    param.flags = graceful ? 0 : UCP_EP_CLOSE_FLAG_FORCE;
    param.cb.send = CloseDoneTrampoline;
    param.user_data = this;
    ucs_status_ptr_t request = ucp_ep_close_nbx(endpoint->ep, &param);
    endpoint->ep = nullptr;
    if (UCS_PTR_IS_PTR(request)) ++pendingCloses_;
  }
  return Napi::Number::New(env, pendingCloses_);
}

void UcxWorker::OnCloseDone() {
  if (pendingCloses_ > 0) --pendingCloses_;
}

Napi::Value UcxWorker::PendingCloses(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), pendingCloses_);
}

Napi::Value UcxWorker::Destroy(const Napi::CallbackInfo& info) {
  Teardown(info.Env());
  return info.Env().Undefined();
}

void UcxWorker::Teardown(napi_env env) {
  if (destroyed_) return;
  destroyed_ = true;
  StopWakeup();
  if (poll_ != nullptr) {
    poll_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); });
    poll_ = nullptr;
  }
  for (auto& endpoint : endpoints_) {
    if (endpoint) ForceCloseEndpoint(endpoint.get());
  }
  // The worker's destruction frees the descriptors of deferred receives.
  deferredReceives_.clear();
  // After the worker is gone UCX holds no pointer into the records below.
  worker_.reset();
  context_.reset();
  while (SendRecord* record = sendsInFlight_.PopFront()) sendsCompleted_.push_back(record);
  ReleaseCompletedSends(env);
  for (SendRecord* record : sendRecordsFree_) delete record;
  sendRecordsFree_.clear();
  while (ReceiveRecord* record = receivesInFlight_.PopFront()) {
    BufferPool::Return(record->block);
    delete record;
  }
  for (WorkerEvent& event : events_) {
    if (event.block != nullptr) BufferPool::Return(event.block);
  }
  events_.clear();
  if (pool_ != nullptr) {
    pool_->Unref();
    pool_ = nullptr;
  }
  onPart_.Reset();
  onPeerError_.Reset();
  onProtocolError_.Reset();
  onWake_.Reset();
  scratchRef_.Reset();
  scratch_ = nullptr;
  lentRef_.Reset();
  lent_ = nullptr;
  outgoingRef_.Reset();
  outgoing_ = nullptr;
  outgoingBytes_ = 0;
  wakeContext_.reset();
}

Napi::Value UcxWorker::PoolStatistics(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnsureOpen(env);
  const PoolStats stats = pool_->Stats();
  Napi::Object result = Napi::Object::New(env);
  result.Set("lent", static_cast<double>(stats.lent));
  result.Set("returned", static_cast<double>(stats.returned));
  result.Set("created", static_cast<double>(stats.created));
  result.Set("bytesRetained", static_cast<double>(stats.bytesRetained));
  result.Set("bytesOutstanding", static_cast<double>(stats.bytesOutstanding));
  return result;
}

Napi::Value UcxWorker::Release(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArrayBuffer()) throw Napi::TypeError::New(env, "release(buffer): an ArrayBuffer expected");
  auto buffer = info[0].As<Napi::ArrayBuffer>();
  bool detached = false;
  napi_is_detached_arraybuffer(env, buffer, &detached);
  if (!detached) buffer.Detach();
  return env.Undefined();
}

}  // namespace charm4ts::ucx
