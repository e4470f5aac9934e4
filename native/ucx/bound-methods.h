// Hot methods of an ObjectWrap class as functions bound to the C++ object and installed on
// its JavaScript instance. An ObjectWrap method finds its object through napi_unwrap, a
// private-property lookup that V8 runs through its generic (uninlined) property path on every
// call; for UcxWorker.progress, which a spinning PE calls back to back, that lookup cost more
// than the progress itself. A bound function receives the object as its data pointer instead.
// It is also a plain napi callback rather than a node-addon-api one: it fetches exactly the
// arguments its method takes (a Napi::CallbackInfo fetches six and `this`, filling the missing
// ones with undefined: napi_get_cb_info alone was 4% of a spinning PE's samples), and a method
// that returns an empty Napi::Value returns undefined without creating it.
#pragma once

#include <napi.h>

#include <cstddef>

namespace charm4ts::ucx {

/**
 * What the bound functions of one object call into. Owned jointly by the object and by each
 * function bound to it (functions may outlive the object: a caller may keep one); freed with
 * its last owner. After the object detaches, a call throws instead of reaching freed memory.
 */
template <typename T>
class BoundTarget {
 public:
  /** A bound method: the call's first arguments (as many as it was installed with; undefined where missing). */
  using Method = Napi::Value (T::*)(Napi::Env env, const napi_value* args);

  /** A target for `object`, owned by it until Detach(). */
  static BoundTarget* Create(T* object) { return new BoundTarget(object); }

  /** Binds `M`, taking `Arity` arguments, and installs it on `instance` as a read-only, non-enumerable `name`. */
  template <Method M, size_t Arity>
  void Install(Napi::Env env, Napi::Object instance, const char* name) {
    napi_value raw = nullptr;
    NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, &BoundTarget::Call<M, Arity>, this, &raw));
    Napi::Function function(env, raw);
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

  template <Method M, size_t Arity>
  static napi_value Call(napi_env rawEnv, napi_callback_info info) {
    napi_value args[Arity == 0 ? 1 : Arity];
    size_t count = Arity;
    void* data = nullptr;
    napi_get_cb_info(rawEnv, info, &count, args, nullptr, &data);
    Napi::Env env(rawEnv);
    try {
      auto* target = static_cast<BoundTarget*>(data);
      if (target->object_ == nullptr) throw Napi::Error::New(env, "the native object behind this method was collected");
      return (target->object_->*M)(env, args);
    } catch (const Napi::Error& error) {
      error.ThrowAsJavaScriptException();
      return nullptr;
    }
  }

  T* object_;
  int owners_ = 1;
};

}  // namespace charm4ts::ucx
