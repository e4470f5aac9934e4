// Layout of the control header that travels as the UCX active-message header
// of every part of a frame. src/transport/ucx/wire.ts mirrors these constants.
//
// A frame is a list of chunks: chunk 0 is the frame header, chunks 1..n its
// segments. The sender groups chunks into parts; each part is one active
// message whose data holds its chunks back to back, every chunk starting at an
// offset that is a multiple of 8 from the start of the part's data. A large
// chunk travels alone in its part, as contiguous memory, so UCX can move it by
// zero-copy rendezvous.
//
// Control header, little-endian 32-bit words:
//   0  job tag (derived from the job secret)
//   1  sender PE
//   2  sequence number of the frame (per sender and receiver)
//   3  kind (bits 0-7)
//   4  part index (bits 0-15) | part count (bits 16-31)
//   5  index of the part's first chunk (bits 0-15) | its chunk count (16-31)
//   6+ byte length of each chunk of the part
#pragma once

#include <cstddef>
#include <cstdint>

namespace charm4ts::ucx::wire {

constexpr uint32_t kWordTag = 0;
constexpr uint32_t kWordSource = 1;
constexpr uint32_t kWordSequence = 2;
constexpr uint32_t kWordKind = 3;
constexpr uint32_t kWordParts = 4;
constexpr uint32_t kWordChunks = 5;
constexpr uint32_t kFixedWords = 6;

/** Kinds of active message. */
constexpr uint32_t kKindFrame = 0;
constexpr uint32_t kKindGoodbye = 1;

/** Upper bound on chunks in one frame and parts in one frame (16-bit fields). */
constexpr uint32_t kMaxChunks = 4096;

/** Chunks start at multiples of this within a part's data. */
constexpr size_t kChunkAlign = 8;

constexpr size_t AlignUp(size_t n) { return (n + kChunkAlign - 1) & ~(kChunkAlign - 1); }

/** Fills the fixed words of a control header (the chunk lengths that follow are the caller's). */
inline void WriteFixedWords(uint32_t* words, uint32_t jobTag, uint32_t source, uint32_t sequence, uint32_t kind,
                            uint32_t part, uint32_t parts, uint32_t firstChunk, uint32_t chunkCount) {
  words[kWordTag] = jobTag;
  words[kWordSource] = source;
  words[kWordSequence] = sequence;
  words[kWordKind] = kind;
  words[kWordParts] = part | (parts << 16);
  words[kWordChunks] = firstChunk | (chunkCount << 16);
}

/** True when the control header `words` is of a whole frame of one chunk (a header without segments). */
inline bool IsWholeOneChunkFrame(const uint32_t* words) {
  return (words[kWordParts] >> 16) == 1 && (words[kWordChunks] >> 16) == 1 && (words[kWordKind] & 0xFF) == kKindFrame;
}

/** Active-message id of every charm4ts message. */
constexpr unsigned kAmId = 0;

}  // namespace charm4ts::ucx::wire
