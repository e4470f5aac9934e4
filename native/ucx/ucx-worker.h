// UcxWorker: one UCP context and worker (single-threaded), the endpoints to
// the peers, the active-message handler and the event fd, as a JavaScript
// class. Everything runs on the JavaScript thread: UCX callbacks only record
// what happened, and progress() hands it to JavaScript after
// ucp_worker_progress returns, so JavaScript never runs inside a UCX callback.
//
// Ownership: a small part is copied into its send record; a larger part's
// chunks are sent from JavaScript memory, each chunk's object referenced until
// UCX reports the send complete (nothing is copied for large chunks); a received part
// lives in a pool block that returns to the pool when V8 frees the
// ArrayBuffer that JavaScript was given (see buffer-pool.h).
#pragma once

#include <napi.h>
#include <ucp/api/ucp.h>
#include <uv.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "bound-methods.h"
#include "buffer-pool.h"
#include "intrusive-list.h"
#include "ucx-handles.h"
#include "wire-format.h"

namespace charm4ts::ucx {

class UcxWorker;

// Parts of at most this many bytes are copied into their send record and sent as contiguous
// data: UCX then sends them inline (short or eager-copy protocols, no pending request and no
// reference to the JavaScript chunks), which an iovec or a borrowed buffer would prevent. The
// outgoing memory of sendHeader is at most this large, so what it sends is always copied.
constexpr size_t kCopyLimit = 4096;

/** The endpoint to one peer PE. */
struct Endpoint {
  UcxWorker* owner = nullptr;
  uint32_t pe = 0;
  ucp_ep_h ep = nullptr;
  uint32_t nextSequence = 0;
  bool failed = false;   // an error was seen; later sends are dropped
  bool closing = false;  // close was requested
};

/** One active message UCX may still be sending: its control header, iovec and the JS chunks it reads. */
struct SendRecord {
  UcxWorker* owner = nullptr;
  SendRecord* prev = nullptr;
  SendRecord* next = nullptr;
  uint32_t pe = 0;
  std::vector<uint32_t> control;
  std::vector<ucp_dt_iov_t> iov;
  std::vector<uint8_t> copy;  // a small part's chunks, copied back to back (see kCopyLimit)
  std::vector<napi_ref> refs;
};

/** One rendezvous receive in progress into a pool block. */
struct ReceiveRecord {
  UcxWorker* owner = nullptr;
  ReceiveRecord* prev = nullptr;
  ReceiveRecord* next = nullptr;
  PoolBlock* block = nullptr;
  size_t prefix = 0;
  size_t length = 0;
};

/** A rendezvous message UCX announced whose receive waits for others to finish (see OnActiveMessage). */
struct DeferredReceive {
  void* data = nullptr;          // UCX's data descriptor
  size_t length = 0;
  std::vector<uint8_t> header;   // the control header, copied out of UCX's buffer
};

/** Something to report to JavaScript at the end of progress(). */
struct WorkerEvent {
  // kLentPart: a small whole frame received straight into the lent memory (its control header in
  // UcxWorker::lentControl_); at most one is queued, and only at the front of the queue.
  enum class Kind { kPart, kLentPart, kPeerError, kProtocolError };
  explicit WorkerEvent(Kind eventKind) : kind(eventKind) {}
  Kind kind;
  PoolBlock* block = nullptr;  // kPart: control header at data[0], part data at data[prefix]
  size_t prefix = 0;
  size_t length = 0;
  uint32_t pe = 0;      // kPeerError
  std::string message;  // kPeerError, kProtocolError
};

/** The JavaScript class `UcxWorker`; see src/transport/ucx/ucx-native.ts for its API. */
class UcxWorker : public Napi::ObjectWrap<UcxWorker> {
 public:
  static Napi::Function Define(Napi::Env env);

  explicit UcxWorker(const Napi::CallbackInfo& info);
  ~UcxWorker() override;

  // Called from UCX callbacks (see ucx-receive.cc and ucx-send.cc).
  ucs_status_t OnActiveMessage(const void* header, size_t headerLength, void* data, size_t length,
                               const ucp_am_recv_param_t* param);
  void OnReceiveDone(ReceiveRecord* record, ucs_status_t status);
  // Receives a small eager part straight into the lent memory when it is a whole frame and the
  // memory is free; false when it is not such a part (ucx-receive.cc).
  bool AcceptLentPart(const void* header, size_t headerLength, const void* data, size_t length);
  // Receives one part announced by UCX (ucx-receive.cc); `deferred` when it waited in deferredReceives_.
  ucs_status_t AcceptPart(const void* header, size_t headerLength, void* data, size_t length, bool rendezvous,
                          bool deferred);
  // Starts deferred rendezvous receives while the in-flight limit allows (ucx-receive.cc).
  void StartDeferredReceives();
  // Whether a rendezvous receive of `length` bytes must wait for those in flight (ucx-receive.cc).
  bool RendezvousLimitReached(size_t length) const;
  // Queues a protocol error for JavaScript (ucx-receive.cc).
  void ReportProtocolError(std::string message);
  void OnSendDone(SendRecord* record, ucs_status_t status);
  void OnEndpointError(Endpoint* endpoint, ucs_status_t status);
  void OnCloseDone();
  void OnWakeup();

 private:
  // JavaScript methods.
  Napi::Value Address(const Napi::CallbackInfo& info);
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);
  Napi::Value Disconnect(const Napi::CallbackInfo& info);
  // Bound methods (bound-methods.h): send(pe, header, segments), sendHeader(pe, length), progress().
  Napi::Value Send(Napi::Env env, const napi_value* args);
  Napi::Value SendHeader(Napi::Env env, const napi_value* args);
  Napi::Value Progress(Napi::Env env, const napi_value* args);
  Napi::Value Arm(const Napi::CallbackInfo& info);
  Napi::Value Disarm(const Napi::CallbackInfo& info);
  Napi::Value CloseEndpoints(const Napi::CallbackInfo& info);
  Napi::Value PendingCloses(const Napi::CallbackInfo& info);
  Napi::Value Destroy(const Napi::CallbackInfo& info);
  Napi::Value PoolStatistics(const Napi::CallbackInfo& info);
  Napi::Value Release(const Napi::CallbackInfo& info);

  // Send path (ucx-send.cc).
  void SendFrame(Napi::Env env, Endpoint* endpoint, uint32_t kind, Napi::Value header, Napi::Value segments);
  // The frame whose header is the first `length` bytes of the outgoing memory, without segments.
  void SendOutgoingHeader(Napi::Env env, Endpoint* endpoint, size_t length);
  // Sends that frame only if UCX can complete the send at once (inline); false when it cannot
  // (nothing was sent). Takes no send record and copies nothing itself.
  bool SendOutgoingHeaderNow(Endpoint* endpoint, size_t length);
  // Groups chunks_ into parts and sends them.
  void SendChunks(Napi::Env env, Endpoint* endpoint, uint32_t kind);
  void SendPart(Napi::Env env, Endpoint* endpoint, uint32_t kind, uint32_t sequence, uint32_t part,
                uint32_t parts, size_t firstChunk, size_t chunkCount);
  SendRecord* TakeSendRecord();
  void RecycleSendRecord(napi_env env, SendRecord* record);
  void ReleaseCompletedSends(napi_env env);

  // Delivery of events to JavaScript (ucx-worker.cc); the last one, when it is a part in the
  // lent memory, is left there for progress' caller (`*lastLeftInScratch` set) instead.
  uint32_t Deliver(Napi::Env env, bool* lastLeftInScratch);
  void ReportPeerError(Endpoint* endpoint, const std::string& message);
  void ForceCloseEndpoint(Endpoint* endpoint);

  Endpoint* EndpointFor(Napi::Env env, const Napi::Value& pe);
  void EnsureOpen(Napi::Env env) const;
  void Teardown(napi_env env);
  void StopWakeup();

  // Configuration.
  uint32_t pe_ = 0;
  uint32_t jobTag_ = 0;
  size_t splitThreshold_ = 16 * 1024;
  size_t maxChunksPerPart_ = 0;

  // UCX state. Declared so that the worker is destroyed before the context.
  UcpContext context_;
  UcpWorker worker_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  int eventFd_ = -1;
  uv_poll_t* poll_ = nullptr;
  bool armed_ = false;
  bool destroyed_ = false;
  uint32_t pendingCloses_ = 0;

  // JavaScript side.
  BoundTarget<UcxWorker>* bound_ = nullptr;  // what the installed send and progress call into
  Napi::FunctionReference onPart_;
  Napi::FunctionReference onPeerError_;
  Napi::FunctionReference onProtocolError_;
  Napi::FunctionReference onWake_;
  Napi::ObjectReference scratchRef_;
  uint32_t* scratch_ = nullptr;
  size_t scratchWords_ = 0;
  // Optional: where the data of a small one-part, one-chunk frame is copied instead of being
  // handed over in an ArrayBuffer of its own (JavaScript lends it as the frame's header).
  Napi::ObjectReference lentRef_;
  uint8_t* lent_ = nullptr;
  size_t lentBytes_ = 0;
  // A kLentPart event is queued (or its frame was left for progress' caller): the lent memory is
  // taken until the next progress() call, or until JavaScript's onPart returned for it.
  bool lentBusy_ = false;
  uint32_t lentControl_[wire::kFixedWords + 1] = {};
  // Optional: where JavaScript encodes the header of a frame without segments that sendHeader sends.
  Napi::ObjectReference outgoingRef_;
  uint8_t* outgoing_ = nullptr;
  size_t outgoingBytes_ = 0;
  std::unique_ptr<Napi::AsyncContext> wakeContext_;

  // Memory and in-flight operations.
  BufferPool* pool_ = nullptr;
  IntrusiveList<SendRecord> sendsInFlight_;
  std::vector<SendRecord*> sendsCompleted_;
  std::vector<SendRecord*> sendRecordsFree_;
  IntrusiveList<ReceiveRecord> receivesInFlight_;
  // Rendezvous receives are started while fewer than kMaxRendezvousBytesInFlight bytes are in
  // flight; later ones wait here, in arrival order, so that a burst of large messages lands in
  // blocks the receiver already handed back instead of in fresh memory (see ucx-receive.cc).
  std::deque<DeferredReceive> deferredReceives_;
  size_t rendezvousBytesInFlight_ = 0;
  std::deque<WorkerEvent> events_;

  // Reused by the send path to avoid allocating per message.
  struct Chunk {
    const uint8_t* data;
    size_t length;
    napi_value value;
  };
  std::vector<Chunk> chunks_;
  std::vector<std::pair<size_t, size_t>> partRanges_;
};

}  // namespace charm4ts::ucx
