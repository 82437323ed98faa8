#include "custody_bundle.h"

#include "app.h"

namespace custos::web {

using core::Result;
using core::Status;

Result<std::string> DocumentMediaType(App& app, const RequestContext& ctx,
                                      const std::string& sha256) {
  (void)app;
  (void)ctx;
  return Status::NotFound("no archived document " + sha256);
}

}  // namespace custos::web
