#ifndef URLMINT_FUNCTION_REF_HPP
#define URLMINT_FUNCTION_REF_HPP

// A non-owning reference to a callable, for callbacks that are called before the function
// that takes them returns (C++26's std::function_ref, LLVM's function_ref). Unlike
// std::function it never allocates, and it keeps <functional>, which drags in <unordered_map>
// and <algorithm> for its searchers, out of headers that signing code includes.

#include <memory>       // std::addressof
#include <type_traits>  // std::enable_if_t, std::is_invocable_r_v, std::remove_reference_t
#include <utility>      // std::forward

namespace urlmint {

template <class Signature>
class function_ref;

/// Refers to a callable with the call signature R(Args...). It does not own the callable: use
/// it as a parameter, and pass a lambda, function or function object that outlives the call.
template <class R, class... Args>
class function_ref<R(Args...)> {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::remove_cv_t<std::remove_reference_t<F>>, function_ref> &&
                                              std::is_invocable_r_v<R, F&, Args...>>>
  function_ref(F&& f) noexcept  // NOLINT(google-explicit-constructor): a lambda converts, as to std::function
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* object, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(object))(std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

}  // namespace urlmint

#endif  // URLMINT_FUNCTION_REF_HPP
