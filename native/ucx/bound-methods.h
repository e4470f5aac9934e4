// Hot methods of an ObjectWrap class as functions bound to the C++ object and installed on
// its JavaScript instance. An ObjectWrap method finds its object through napi_unwrap, a
// private-property lookup that V8 runs through its generic (uninlined) property path on every
// call; for UcxWorker.progress, which a spinning PE calls back to back, that lookup cost more
// than the progress itself. A bound function receives the object as its data pointer instead.
#pragma once

#include <napi.h>

namespace charm4ts::ucx {

/**
 * What the bound functions of one object call into. Owned jointly by the object and by each
 * function bound to it (functions may outlive the object: a caller may keep one); freed with
 * its last owner. After the object detaches, a call throws instead of reaching freed memory.
 */
template <typename T>
class BoundTarget {
 public:
  using Method = Napi::Value (T::*)(const Napi::CallbackInfo&);

  /** A target for `object`, owned by it until Detach(). */
  static BoundTarget* Create(T* object) { return new BoundTarget(object); }

  /** Binds `M` to the object and installs it on `instance` as a read-only, non-enumerable `name`. */
  template <Method M>
  void Install(Napi::Env env, Napi::Object instance, const char* name) {
    Napi::Function function = Napi::Function::New<&BoundTarget::Call<M>>(env, name, this);
    ++owners_;
    function.AddFinalizer([](Napi::Env, BoundTarget* target) { target->Release(); }, this);
    instance.DefineProperty(Napi::PropertyDescriptor::Value(name, function, napi_default));
  }

  /** The object is going away: later calls throw. Gives up the object's ownership. */
  void Detach() {
    object_ = nullptr;
    Release();
  }

 private:
  explicit BoundTarget(T* object) : object_(object) {}

  void Release() {
    if (--owners_ == 0) delete this;
  }

  template <Method M>
  static Napi::Value Call(const Napi::CallbackInfo& info) {
    auto* target = static_cast<BoundTarget*>(info.Data());
    if (target->object_ == nullptr) throw Napi::Error::New(info.Env(), "the native object behind this method was collected");
    return (target->object_->*M)(info);
  }

  T* object_;
  int owners_ = 1;
};

}  // namespace charm4ts::ucx
