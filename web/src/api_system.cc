// /healthz and /api/v1/whoami.
#include "app.h"

namespace custos::web {

using nlohmann::json;

void AddSystemRoutes(Router& router, App& app) {
  router.Add("GET", "/healthz", [&app](RequestContext&) -> core::Result<Reply> {
    // Touch the database so that "ok" means the store answers.
    auto seq = app.archive.records().LastChangeSeq();
    if (!seq.ok()) {
      return JsonReply(503, {{"status", "unavailable"}, {"store", "not answering"}});
    }
    return JsonReply(200, {{"status", "ok"}, {"store", "ok"}, {"last_change", *seq}});
  });
  router.Add("GET", "/api/v1/whoami", [](RequestContext& ctx) -> core::Result<Reply> {
    return JsonReply(200, {{"user", ctx.principal.user},
                           {"role", std::string(core::ToString(ctx.principal.role))}});
  });
}

}  // namespace custos::web
