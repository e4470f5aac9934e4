// The send path: a frame's chunks grouped into parts, each part one
// ucp_am_send_nbx; a small part is copied into its record, a large one is sent
// without copying a byte of its chunks.
#include <cstring>

#include "ucx-worker.h"
#include "wire-format.h"

namespace charm4ts::ucx {
namespace {

const uint8_t kZeros[wire::kChunkAlign] = {};

void SendDoneTrampoline(void* request, ucs_status_t status, void* userData) {
  auto* record = static_cast<SendRecord*>(userData);
  record->owner->OnSendDone(record, status);
  ucp_request_free(request);
}

// Data pointer and byte length of any typed array, DataView or Buffer.
void ViewBytes(Napi::Env env, napi_value value, const uint8_t** data, size_t* length) {
  bool isTypedArray = false;
  napi_is_typedarray(env, value, &isTypedArray);
  if (isTypedArray) {
    napi_typedarray_type type;
    size_t elements = 0;
    void* base = nullptr;
    napi_get_typedarray_info(env, value, &type, &elements, &base, nullptr, nullptr);
    size_t elementSize = 1;
    switch (type) {
      case napi_int16_array:
      case napi_uint16_array:
        elementSize = 2;
        break;
      case napi_int32_array:
      case napi_uint32_array:
      case napi_float32_array:
        elementSize = 4;
        break;
      case napi_float64_array:
      case napi_bigint64_array:
      case napi_biguint64_array:
        elementSize = 8;
        break;
      default:
        break;
    }
    *data = static_cast<const uint8_t*>(base);
    *length = elements * elementSize;
    return;
  }
  bool isDataView = false;
  napi_is_dataview(env, value, &isDataView);
  if (isDataView) {
    void* base = nullptr;
    napi_get_dataview_info(env, value, length, &base, nullptr, nullptr);
    *data = static_cast<const uint8_t*>(base);
    return;
  }
  throw Napi::TypeError::New(env, "frame header and segments must be typed arrays");
}

}  // namespace

void UcxWorker::SendOutgoingHeader(Napi::Env env, Endpoint* endpoint, size_t length) {
  if (SendOutgoingHeaderNow(endpoint, length)) return;
  // At most kCopyLimit bytes (checked at construction): copied into its send record, so nothing
  // refers to the outgoing memory once this returns.
  chunks_.clear();
  chunks_.push_back(Chunk{outgoing_, length, nullptr});
  SendChunks(env, endpoint, wire::kKindFrame);
}

bool UcxWorker::SendOutgoingHeaderNow(Endpoint* endpoint, size_t length) {
  if (endpoint->failed || endpoint->ep == nullptr || length >= splitThreshold_) return false;
  // One part of one chunk, as SendChunks would make it.
  uint32_t words[wire::kFixedWords + 1];
  wire::WriteFixedWords(words, jobTag_, pe_, endpoint->nextSequence, wire::kKindFrame, 0, 1, 0, 1);
  words[wire::kFixedWords] = static_cast<uint32_t>(length);
  // UCX either sends it inline before returning (both the control words and the outgoing memory
  // are free again then) or refuses with UCS_ERR_NO_RESOURCE, having sent nothing.
  ucp_request_param_t param{};
  param.op_attr_mask = UCP_OP_ATTR_FLAG_FORCE_IMM_CMPL;
  const ucs_status_ptr_t result = ucp_am_send_nbx(endpoint->ep, wire::kAmId, words, sizeof(words), outgoing_, length, &param);
  if (UCS_PTR_IS_PTR(result)) {
    // Not what UCX promises for this flag; should a version hand back a request anyway, the
    // memory it reads must outlive it: wait for it here.
    while (ucp_request_check_status(result) == UCS_INPROGRESS) ucp_worker_progress(worker_.get());
    ucp_request_free(result);
  } else if (UCS_PTR_STATUS(result) == UCS_ERR_NO_RESOURCE) {
    return false;
  } else if (UCS_PTR_IS_ERR(result)) {
    ReportPeerError(endpoint, StatusMessage("UCX send failed", UCS_PTR_STATUS(result)));
    return true;
  }
  ++endpoint->nextSequence;
  return true;
}

void UcxWorker::SendFrame(Napi::Env env, Endpoint* endpoint, uint32_t kind, Napi::Value header, Napi::Value segments) {
  chunks_.clear();
  if (kind == wire::kKindFrame) {
    Chunk chunk{};
    ViewBytes(env, header, &chunk.data, &chunk.length);
    chunk.value = header;
    chunks_.push_back(chunk);
    if (!segments.IsArray()) throw Napi::TypeError::New(env, "frame segments must be an array");
    auto list = segments.As<Napi::Array>();
    const uint32_t count = list.Length();
    if (count + 1 > wire::kMaxChunks) {
      throw Napi::RangeError::New(env, "a frame may have at most " + std::to_string(wire::kMaxChunks - 1) + " segments");
    }
    for (uint32_t i = 0; i < count; ++i) {
      napi_value element = list.Get(i);
      ViewBytes(env, element, &chunk.data, &chunk.length);
      chunk.value = element;
      chunks_.push_back(chunk);
    }
  }
  SendChunks(env, endpoint, kind);
}

void UcxWorker::SendChunks(Napi::Env env, Endpoint* endpoint, uint32_t kind) {
  // A failed or closing endpoint drops the frame: the loss was (or will be) reported once.
  if (endpoint->failed || endpoint->ep == nullptr) return;

  // Large chunks travel alone; runs of small ones share a part, up to
  // splitThreshold bytes and the active-message header's room for lengths.
  partRanges_.clear();
  size_t groupStart = 0;
  size_t groupCount = 0;
  size_t groupBytes = 0;
  for (size_t i = 0; i < chunks_.size(); ++i) {
    const size_t length = chunks_[i].length;
    if (length >= splitThreshold_) {
      if (groupCount != 0) partRanges_.emplace_back(groupStart, groupCount);
      groupCount = 0;
      partRanges_.emplace_back(i, 1);
      continue;
    }
    if (groupCount != 0 && (groupCount == maxChunksPerPart_ || groupBytes + length > splitThreshold_)) {
      partRanges_.emplace_back(groupStart, groupCount);
      groupCount = 0;
    }
    if (groupCount == 0) {
      groupStart = i;
      groupBytes = 0;
    }
    ++groupCount;
    groupBytes += wire::AlignUp(length);
  }
  if (groupCount != 0) partRanges_.emplace_back(groupStart, groupCount);
  if (partRanges_.empty()) partRanges_.emplace_back(0, 0);

  const uint32_t sequence = endpoint->nextSequence++;
  const auto parts = static_cast<uint32_t>(partRanges_.size());
  for (uint32_t part = 0; part < parts; ++part) {
    SendPart(env, endpoint, kind, sequence, part, parts, partRanges_[part].first, partRanges_[part].second);
    if (endpoint->failed) return;
  }
}

void UcxWorker::SendPart(Napi::Env env, Endpoint* endpoint, uint32_t kind, uint32_t sequence, uint32_t part,
                         uint32_t parts, size_t firstChunk, size_t chunkCount) {
  SendRecord* record = TakeSendRecord();
  record->pe = endpoint->pe;
  record->control.resize(wire::kFixedWords + chunkCount);
  uint32_t* words = record->control.data();
  wire::WriteFixedWords(words, jobTag_, pe_, sequence, kind, part, parts, static_cast<uint32_t>(firstChunk),
                        static_cast<uint32_t>(chunkCount));
  for (size_t j = 0; j < chunkCount; ++j) {
    words[wire::kFixedWords + j] = static_cast<uint32_t>(chunks_[firstChunk + j].length);
  }

  ucp_request_param_t param{};
  param.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
  param.cb.send = SendDoneTrampoline;
  param.user_data = record;
  const void* buffer = nullptr;
  size_t count = 0;
  size_t partBytes = 0;
  for (size_t j = 0; j < chunkCount; ++j) partBytes += wire::AlignUp(chunks_[firstChunk + j].length);
  bool copied = false;
  if (partBytes <= kCopyLimit && chunkCount > 0) {
    record->copy.resize(partBytes);
    uint8_t* out = record->copy.data();
    for (size_t j = 0; j < chunkCount; ++j) {
      const Chunk& chunk = chunks_[firstChunk + j];
      if (chunk.length != 0) std::memcpy(out, chunk.data, chunk.length);
      std::memset(out + chunk.length, 0, wire::AlignUp(chunk.length) - chunk.length);
      out += wire::AlignUp(chunk.length);
    }
    // The last chunk needs no padding: the receiver reads the lengths from the control header.
    const Chunk& last = chunks_[firstChunk + chunkCount - 1];
    buffer = record->copy.data();
    count = partBytes - (wire::AlignUp(last.length) - last.length);
    copied = true;
  } else if (chunkCount == 1) {
    buffer = chunks_[firstChunk].data;
    count = chunks_[firstChunk].length;
  } else if (chunkCount > 1) {
    record->iov.clear();
    for (size_t j = 0; j < chunkCount; ++j) {
      const Chunk& chunk = chunks_[firstChunk + j];
      if (chunk.length != 0) record->iov.push_back({const_cast<uint8_t*>(chunk.data), chunk.length});
      const size_t pad = wire::AlignUp(chunk.length) - chunk.length;
      if (j + 1 < chunkCount && pad != 0) record->iov.push_back({const_cast<uint8_t*>(kZeros), pad});
    }
    param.op_attr_mask |= UCP_OP_ATTR_FIELD_DATATYPE;
    param.datatype = ucp_dt_make_iov();
    buffer = record->iov.data();
    count = record->iov.size();
  }

  sendsInFlight_.PushBack(record);
  ucs_status_ptr_t request = ucp_am_send_nbx(endpoint->ep, wire::kAmId, words,
                                             record->control.size() * sizeof(uint32_t), buffer, count, &param);
  if (request == nullptr) {
    sendsInFlight_.Remove(record);
    RecycleSendRecord(env, record);
    return;
  }
  if (UCS_PTR_IS_ERR(request)) {
    sendsInFlight_.Remove(record);
    RecycleSendRecord(env, record);
    ReportPeerError(endpoint, StatusMessage("UCX send failed", UCS_PTR_STATUS(request)));
    return;
  }
  if (copied) return;  // the record owns the bytes UCX still reads
  // UCX reads the chunks later: keep their JavaScript objects (and so their memory) alive until
  // it is done. The request itself is freed by its callback (freeing it earlier breaks UCX 1.13's
  // rendezvous).
  for (size_t j = 0; j < chunkCount; ++j) {
    napi_ref ref = nullptr;
    if (napi_create_reference(env, chunks_[firstChunk + j].value, 1, &ref) == napi_ok) record->refs.push_back(ref);
  }
}

void UcxWorker::OnSendDone(SendRecord* record, ucs_status_t status) {
  sendsInFlight_.Remove(record);
  sendsCompleted_.push_back(record);
  if (status != UCS_OK && status != UCS_ERR_CANCELED && !destroyed_ && record->pe < endpoints_.size()) {
    Endpoint* endpoint = endpoints_[record->pe].get();
    if (endpoint != nullptr && !endpoint->closing) ReportPeerError(endpoint, StatusMessage("UCX send failed", status));
  }
}

SendRecord* UcxWorker::TakeSendRecord() {
  if (!sendRecordsFree_.empty()) {
    SendRecord* record = sendRecordsFree_.back();
    sendRecordsFree_.pop_back();
    return record;
  }
  auto* record = new SendRecord();
  record->owner = this;
  return record;
}

void UcxWorker::RecycleSendRecord(napi_env env, SendRecord* record) {
  for (napi_ref ref : record->refs) napi_delete_reference(env, ref);
  record->refs.clear();
  if (destroyed_) {
    delete record;
  } else {
    sendRecordsFree_.push_back(record);
  }
}

void UcxWorker::ReleaseCompletedSends(napi_env env) {
  if (sendsCompleted_.empty()) return;
  std::vector<SendRecord*> completed;
  completed.swap(sendsCompleted_);
  for (SendRecord* record : completed) RecycleSendRecord(env, record);
  completed.clear();
  if (sendsCompleted_.empty()) sendsCompleted_.swap(completed);
}

}  // namespace charm4ts::ucx
