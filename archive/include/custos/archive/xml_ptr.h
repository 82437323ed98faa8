// unique_ptr deleters for libxml2 objects, for the sources that use libxml2
// (LIDO in archive, OAI-PMH and interchange in web). Include it after the
// libxml2 headers that declare the free functions you name.
#pragma once

#include <memory>

namespace custos::archive {

// XmlPtr<xmlDoc, &xmlFreeDoc>: owns a libxml2 object and frees it with Free.
template <auto Free>
struct XmlFree {
  template <typename T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};
template <typename T, auto Free>
using XmlPtr = std::unique_ptr<T, XmlFree<Free>>;

}  // namespace custos::archive
