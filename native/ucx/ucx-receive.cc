// The receive path: the active-message handler checks the control header,
// takes a pool block for the part, copies eager data into it or starts a
// rendezvous receive into it (or, while enough rendezvous bytes are in flight,
// defers that receive), and queues the part for delivery.
#include <cstring>
#include <new>

#include "ucx-worker.h"
#include "wire-format.h"

namespace charm4ts::ucx {
namespace {

void ReceiveDoneTrampoline(void* request, ucs_status_t status, size_t /*length*/, void* userData) {
  auto* record = static_cast<ReceiveRecord*>(userData);
  record->owner->OnReceiveDone(record, status);
  ucp_request_free(request);
}

// Checks a control header (4-byte aligned, `headerLength` bytes readable) against the part's data
// length; returns an empty string when it is valid. A header too short to hold the fixed words is
// refused before any of them is read.
std::string CheckControl(const uint32_t* words, size_t headerLength, size_t dataLength, uint32_t jobTag,
                         size_t maxChunksPerPart) {
  if (headerLength < wire::kFixedWords * sizeof(uint32_t) || headerLength % sizeof(uint32_t) != 0) {
    return "UCX message with a malformed control header (" + std::to_string(headerLength) + " bytes)";
  }
  if (words[wire::kWordTag] != jobTag) {
    return "UCX message from a foreign job (tag mismatch) claiming to come from PE " +
           std::to_string(words[wire::kWordSource]);
  }
  const uint32_t kind = words[wire::kWordKind] & 0xFF;
  if (kind != wire::kKindFrame && kind != wire::kKindGoodbye) return "UCX message of unknown kind " + std::to_string(kind);
  const uint32_t part = words[wire::kWordParts] & 0xFFFF;
  const uint32_t parts = words[wire::kWordParts] >> 16;
  const size_t chunks = words[wire::kWordChunks] >> 16;
  const size_t firstChunk = words[wire::kWordChunks] & 0xFFFF;
  if (parts == 0 || part >= parts || chunks > maxChunksPerPart || firstChunk + chunks > wire::kMaxChunks ||
      headerLength != (wire::kFixedWords + chunks) * sizeof(uint32_t)) {
    return "UCX message with an inconsistent control header from PE " + std::to_string(words[wire::kWordSource]);
  }
  size_t expected = 0;
  for (size_t j = 0; j < chunks; ++j) {
    if (j != 0) expected = wire::AlignUp(expected);
    expected += words[wire::kFixedWords + j];
  }
  if (expected != dataLength) {
    return "UCX message whose length (" + std::to_string(dataLength) + ") does not match its chunk table (" +
           std::to_string(expected) + ") from PE " + std::to_string(words[wire::kWordSource]);
  }
  return {};
}

}  // namespace

// Rendezvous receives in flight are limited to this many bytes (one larger message may always
// start alone). A sender that streams large messages faster than the receiver handles them would
// otherwise have every one of them received at once, each into a fresh block, since the blocks
// of handled messages return only after the burst: with the limit, a message is received once
// earlier ones were delivered and, when the program is done with them, returned to the pool.
// The limit also bounds the receiver's working set: the pool lends the block returned last, so
// about limit + one message of blocks take turns. 4 MiB keeps them in cache with the FIFO and
// the sender's data; with 16 MiB, streams of 1-4 MiB messages ran at half the speed (see
// docs/performance.md).
constexpr size_t kMaxRendezvousBytesInFlight = 4 << 20;

ucs_status_t UcxWorker::OnActiveMessage(const void* header, size_t headerLength, void* data, size_t length,
                                        const ucp_am_recv_param_t* param) {
  if (destroyed_) return UCS_OK;
  const bool rendezvous = (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) != 0;
  if (rendezvous && (!deferredReceives_.empty() || RendezvousLimitReached(length))) {
    // UCX keeps a rendezvous descriptor for as long as the handler returns UCS_INPROGRESS.
    DeferredReceive waiting;
    waiting.data = data;
    waiting.length = length;
    const auto* bytes = static_cast<const uint8_t*>(header);
    waiting.header.assign(bytes, bytes + headerLength);
    // Checked now, so that a message from outside the job is refused at once, not when its turn comes.
    std::string problem = CheckControl(reinterpret_cast<const uint32_t*>(waiting.header.data()), headerLength, length,
                                       jobTag_, maxChunksPerPart_);
    if (!problem.empty()) {
      ReportProtocolError(std::move(problem));
      return UCS_OK;  // for a rendezvous message this tells the sender it is done
    }
    deferredReceives_.push_back(std::move(waiting));
    return UCS_INPROGRESS;
  }
  if (!rendezvous && AcceptLentPart(header, headerLength, data, length)) return UCS_OK;
  return AcceptPart(header, headerLength, data, length, rendezvous, false);
}

bool UcxWorker::AcceptLentPart(const void* header, size_t headerLength, const void* data, size_t length) {
  // Only at the front of the queue: the parts queued before it would be copied into the lent
  // memory when delivered (see Deliver), over this one.
  if (lent_ == nullptr || lentBusy_ || !events_.empty() || length > lentBytes_ ||
      headerLength != sizeof(lentControl_)) {
    return false;
  }
  std::memcpy(lentControl_, header, headerLength);
  const uint32_t* words = lentControl_;
  if (!wire::IsWholeOneChunkFrame(words)) return false;
  std::string problem = CheckControl(words, headerLength, length, jobTag_, maxChunksPerPart_);
  if (!problem.empty()) {
    ReportProtocolError(std::move(problem));
    return true;
  }
  if (length != 0) std::memcpy(lent_, data, length);
  lentBusy_ = true;
  WorkerEvent event{WorkerEvent::Kind::kLentPart};
  event.length = length;
  events_.push_back(std::move(event));
  return true;
}

bool UcxWorker::RendezvousLimitReached(size_t length) const {
  return rendezvousBytesInFlight_ != 0 && rendezvousBytesInFlight_ + length > kMaxRendezvousBytesInFlight;
}

void UcxWorker::ReportProtocolError(std::string message) {
  WorkerEvent event{WorkerEvent::Kind::kProtocolError};
  event.message = std::move(message);
  events_.push_back(std::move(event));
}

void UcxWorker::StartDeferredReceives() {
  while (!deferredReceives_.empty() && !destroyed_) {
    DeferredReceive& next = deferredReceives_.front();
    if (RendezvousLimitReached(next.length)) return;
    DeferredReceive waiting = std::move(next);
    deferredReceives_.pop_front();
    AcceptPart(waiting.header.data(), waiting.header.size(), waiting.data, waiting.length, true, true);
  }
}

ucs_status_t UcxWorker::AcceptPart(const void* header, size_t headerLength, void* data, size_t length, bool rendezvous,
                                   bool deferred) {
  // The header may be unaligned inside UCX's receive buffer: it is checked in the block's copy.
  const size_t prefix = wire::AlignUp(headerLength);

  PoolBlock* block = nullptr;
  try {
    block = pool_->Acquire(prefix + length);
  } catch (const std::bad_alloc&) {
    ReportProtocolError("out of memory for a UCX message of " + std::to_string(length) + " bytes");
    if (deferred) ucp_am_data_release(worker_.get(), data);
    return UCS_OK;
  }
  if (headerLength != 0) std::memcpy(block->data, header, headerLength);
  const auto* words = reinterpret_cast<const uint32_t*>(block->data);
  std::string problem = CheckControl(words, headerLength, length, jobTag_, maxChunksPerPart_);
  if (!problem.empty()) {
    BufferPool::Return(block);
    ReportProtocolError(std::move(problem));
    // For a rendezvous message, UCS_OK (or releasing a deferred one) tells the sender it is done.
    if (deferred) ucp_am_data_release(worker_.get(), data);
    return UCS_OK;
  }

  if (!rendezvous) {
    if (length != 0) std::memcpy(block->data + prefix, data, length);
    WorkerEvent event{WorkerEvent::Kind::kPart};
    event.block = block;
    event.prefix = prefix;
    event.length = length;
    events_.push_back(std::move(event));
    return UCS_OK;
  }

  auto* record = new ReceiveRecord();
  record->owner = this;
  record->block = block;
  record->prefix = prefix;
  record->length = length;
  receivesInFlight_.PushBack(record);
  rendezvousBytesInFlight_ += length;
  ucp_request_param_t receive{};
  receive.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
  receive.cb.recv_am = ReceiveDoneTrampoline;
  receive.user_data = record;
  ucs_status_ptr_t request = ucp_am_recv_data_nbx(worker_.get(), data, block->data + prefix, length, &receive);
  // A pending request is freed by its callback: UCX 1.13 loses track of a rendezvous whose
  // request is freed before it completes.
  if (!UCS_PTR_IS_PTR(request)) OnReceiveDone(record, UCS_PTR_STATUS(request));
  return UCS_INPROGRESS;
}

void UcxWorker::OnReceiveDone(ReceiveRecord* record, ucs_status_t status) {
  receivesInFlight_.Remove(record);
  rendezvousBytesInFlight_ -= record->length;
  if (status == UCS_OK && !destroyed_) {
    WorkerEvent event{WorkerEvent::Kind::kPart};
    event.block = record->block;
    event.prefix = record->prefix;
    event.length = record->length;
    events_.push_back(std::move(event));
  } else {
    uint32_t source = 0;
    std::memcpy(&source, record->block->data + wire::kWordSource * sizeof(uint32_t), sizeof(source));
    BufferPool::Return(record->block);
    if (!destroyed_ && status != UCS_ERR_CANCELED) {
      // A part that cannot be received breaks the stream from that PE: report the PE as lost.
      const std::string message =
          StatusMessage(("UCX rendezvous receive from PE " + std::to_string(source) + " failed").c_str(), status);
      Endpoint* endpoint = source < endpoints_.size() ? endpoints_[source].get() : nullptr;
      if (endpoint != nullptr) {
        ReportPeerError(endpoint, message);
      } else {
        ReportProtocolError(message);
      }
    }
  }
  delete record;
}

}  // namespace charm4ts::ucx
