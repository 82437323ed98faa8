// Private: what every handler can reach, and the route tables.
#pragma once

#include "custos/archive/custody_log.h"
#include "custos/archive/data_dir.h"
#include "custos/core/clock.h"
#include "custos/core/search_index.h"
#include "custos/web/server.h"
#include "router.h"

#include <memory>

namespace custos::web {

struct PageState;  // pages.h: sessions, login limiter, templates

struct App {
  archive::Archive& archive;
  const core::Clock& clock;
  ServerConfig config;
  archive::CustodyLog* custody = nullptr;  // null: custody endpoints answer 503
  core::SearchIndex* search = nullptr;     // null: search answers 503
  std::function<void()> notify_writes;     // may be empty
  std::shared_ptr<PageState> pages;        // set by AddPageRoutes; null: no sessions

  void Written() const {
    if (notify_writes) notify_writes();
  }
};

// Resolves the caller from Authorization: Bearer (anonymous when absent).
// Unauthorized for a bad or revoked token or a disabled user.
core::Result<core::Principal> Authenticate(App& app, const Poco::Net::HTTPServerRequest& req);

// Route tables, one function per area.
void AddArtifactRoutes(Router& router, App& app);
void AddUserRoutes(Router& router, App& app);
void AddSystemRoutes(Router& router, App& app);
void AddCustodyRoutes(Router& router, App& app);
void AddSearchRoutes(Router& router, App& app);
void AddDocumentRoutes(Router& router, App& app);
// Parties, their network and the party page (api_parties.cc).
void AddPartyRoutes(Router& router, App& app);
// OAI-PMH 2.0 at /oai (oai.cc).
void AddOaiRoutes(Router& router, App& app);
// Dossier, Linked Art, CSV export, import (api_interchange.cc).
void AddInterchangeRoutes(Router& router, App& app);
// HTML pages, /login, /logout, /static/* (pages.cc); also sets app.pages.
void AddPageRoutes(Router& router, App& app);

// The principal of a browser session cookie (anonymous when there is none or
// it expired). Forbidden for a state-changing /api/ request authenticated by
// the cookie without a matching X-CSRF-Token header.
core::Result<core::Principal> SessionPrincipal(App& app, const Poco::Net::HTTPServerRequest& req);

// Whether the caller may know that this record exists at all.
bool MaySee(const core::Principal& p, const core::Artifact& a);
// Loads a live record the caller may see; a hidden one is NotFound, with the
// same message as an unknown id, so its existence is not revealed.
core::Result<core::Artifact> LoadVisibleArtifact(App& app, const RequestContext& ctx,
                                                 const std::string& id);

// The search parameters of a request (q, facets, from, to, sort, page,
// per_page), with access decided by the caller's role.
core::Result<core::SearchQuery> SearchQueryFrom(const RequestContext& ctx);

// Guards used by handlers.
core::Status RequireWriter(const RequestContext& ctx);
core::Status RequireAdmin(const RequestContext& ctx);

}  // namespace custos::web
