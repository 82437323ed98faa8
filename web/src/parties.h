// Private: what the party API and the party page share.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "custos/archive/party_store.h"
#include "custos/core/roles.h"
#include "router.h"

namespace custos::web {

struct App;

// Restricted mentions count for investigators and admins only.
archive::PartyAccess AccessFor(const core::Principal& p);

// The snapshot after catching up with the records (PartyStore::Sync), unless
// more than kReadSyncBacklog changes wait: a bulk import is derived by the
// runtime's follower, and reads meanwhile answer from the snapshot so far.
inline constexpr int64_t kReadSyncBacklog = 2000;
core::Result<std::shared_ptr<const archive::PartyGraph>> PartyGraphFor(archive::PartyStore& store);

nlohmann::json PartySummaryJson(const archive::PartySummary& s);
nlohmann::json PartyDetailJson(const archive::PartyDetail& d);
nlohmann::json PartyNetworkJson(const archive::PartyNetwork& n, int depth);

// /parties/{id} and /parties/by-name (pages_parties.cc).
void AddPartyPageRoutes(Router& router, App& app, std::shared_ptr<archive::PartyStore> store);

}  // namespace custos::web
