// A minimal doubly linked list threaded through its elements' `prev`/`next`
// fields; used to track operations UCX still holds, without allocating.
#pragma once

namespace charm4ts::ucx {

template <typename T>
class IntrusiveList {
 public:
  void PushBack(T* item) {
    item->prev = tail_;
    item->next = nullptr;
    if (tail_ != nullptr) {
      tail_->next = item;
    } else {
      head_ = item;
    }
    tail_ = item;
  }

  void Remove(T* item) {
    if (item->prev != nullptr) {
      item->prev->next = item->next;
    } else {
      head_ = item->next;
    }
    if (item->next != nullptr) {
      item->next->prev = item->prev;
    } else {
      tail_ = item->prev;
    }
    item->prev = item->next = nullptr;
  }

  T* PopFront() {
    T* item = head_;
    if (item != nullptr) Remove(item);
    return item;
  }

  bool Empty() const { return head_ == nullptr; }

 private:
  T* head_ = nullptr;
  T* tail_ = nullptr;
};

}  // namespace charm4ts::ucx
