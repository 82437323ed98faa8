#include "migrations.h"

namespace custos::archive {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> k = {
      {1,
       "records, revisions, change feed, audit log",
       {
           R"(CREATE TABLE artifacts (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                visibility TEXT NOT NULL,
                status TEXT NOT NULL,
                title TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0,
                doc TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL))",
           R"(CREATE TABLE revisions (
                artifact_id TEXT NOT NULL REFERENCES artifacts(id),
                version INTEGER NOT NULL,
                op TEXT NOT NULL,
                actor TEXT NOT NULL,
                time TEXT NOT NULL,
                doc TEXT NOT NULL,
                PRIMARY KEY (artifact_id, version)))",
           R"(CREATE TABLE changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                artifact_id TEXT NOT NULL REFERENCES artifacts(id),
                version INTEGER NOT NULL,
                op TEXT NOT NULL,
                time TEXT NOT NULL))",
           R"(CREATE TABLE audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT ''))",
       }},
      {2,
       "users and API tokens; listing index",
       {
           R"(CREATE TABLE users (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0,
                password_hash TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL))",
           R"(CREATE TABLE tokens (
                token_hash TEXT PRIMARY KEY,
                user_name TEXT NOT NULL REFERENCES users(name),
                created_at TEXT NOT NULL))",
           "CREATE INDEX tokens_by_user ON tokens(user_name)",
           "CREATE INDEX artifacts_live ON artifacts(deleted, visibility, id)",
       }},
      {3,
       "custody log: signed entries as Merkle leaves, signed checkpoints",
       {
           R"(CREATE TABLE log_leaves (
                idx INTEGER PRIMARY KEY,
                leaf_hash TEXT NOT NULL,
                note TEXT NOT NULL,
                artifact_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                submitted_by TEXT NOT NULL,
                received_at TEXT NOT NULL,
                UNIQUE (artifact_id, seq)))",
           R"(CREATE TABLE checkpoints (
                size INTEGER PRIMARY KEY,
                root TEXT NOT NULL,
                note TEXT NOT NULL,
                time TEXT NOT NULL))",
       }},
      {4,
       "scanned documents: metadata, links, extracted pages, extraction queue, fixity events",
       {
           R"(CREATE TABLE documents (
                sha256 TEXT PRIMARY KEY,
                media_type TEXT NOT NULL,
                size INTEGER NOT NULL,
                original_filename TEXT NOT NULL DEFAULT '',
                kind TEXT NOT NULL,
                date TEXT NOT NULL DEFAULT '',
                description TEXT NOT NULL DEFAULT '',
                visibility TEXT NOT NULL,
                ocr_languages TEXT NOT NULL,
                page_count INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL))",
           R"(CREATE TABLE document_links (
                sha256 TEXT NOT NULL REFERENCES documents(sha256),
                artifact_id TEXT NOT NULL REFERENCES artifacts(id),
                linked_at TEXT NOT NULL,
                linked_by TEXT NOT NULL,
                PRIMARY KEY (sha256, artifact_id)))",
           "CREATE INDEX document_links_by_artifact ON document_links(artifact_id, sha256)",
           R"(CREATE TABLE document_pages (
                sha256 TEXT NOT NULL REFERENCES documents(sha256),
                page INTEGER NOT NULL,
                source TEXT NOT NULL,
                text TEXT NOT NULL,
                PRIMARY KEY (sha256, page)))",
           R"(CREATE TABLE extraction_jobs (
                sha256 TEXT PRIMARY KEY REFERENCES documents(sha256),
                status TEXT NOT NULL,
                reason TEXT NOT NULL DEFAULT '',
                attempts INTEGER NOT NULL DEFAULT 0,
                queued_at TEXT NOT NULL,
                updated_at TEXT NOT NULL))",
           "CREATE INDEX extraction_jobs_by_status ON extraction_jobs(status, queued_at, sha256)",
           R"(CREATE TABLE fixity_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                sha256 TEXT NOT NULL,
                time TEXT NOT NULL,
                outcome TEXT NOT NULL,
                expected TEXT NOT NULL,
                actual TEXT NOT NULL DEFAULT '',
                detail TEXT NOT NULL DEFAULT ''))",
           "CREATE INDEX fixity_events_by_sha ON fixity_events(sha256, id)",
       }},
      {5,
       "parties (issue 9): names, per-artifact mentions, curator revisions, feed cursors",
       {
           // merged_into: set when a curator merged this party into another
           // (or undid the split that made it); such a party holds no names.
           R"(CREATE TABLE parties (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                merged_into INTEGER,
                version INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL))",
           // Which party a normalised name (core::PartyNameKey) stands for.
           // origin: derived (read from a record) | alias (added by a curator).
           R"(CREATE TABLE party_names (
                key TEXT NOT NULL,
                party_id INTEGER NOT NULL REFERENCES parties(id),
                name TEXT NOT NULL,
                origin TEXT NOT NULL,
                PRIMARY KEY (key, party_id)))",
           "CREATE INDEX party_names_by_party ON party_names(party_id, key)",
           // Derived from the records (rebuildable): one row per mention.
           R"(CREATE TABLE party_mentions (
                artifact_id TEXT NOT NULL,
                source TEXT NOT NULL,
                position INTEGER NOT NULL,
                party_id INTEGER NOT NULL REFERENCES parties(id),
                key TEXT NOT NULL,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                method TEXT NOT NULL,
                place TEXT NOT NULL,
                date_text TEXT NOT NULL,
                first_year INTEGER,
                last_year INTEGER,
                next_position INTEGER NOT NULL,
                PRIMARY KEY (artifact_id, source, position)))",
           "CREATE INDEX party_mentions_by_party ON party_mentions(party_id, key)",
           R"(CREATE TABLE party_artifacts (
                artifact_id TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                restricted INTEGER NOT NULL,
                flags TEXT NOT NULL))",
           // Curator changes (merge | split | alias | undo), with what each
           // changed so that it can be undone.
           R"(CREATE TABLE party_revisions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                op TEXT NOT NULL,
                party_id INTEGER NOT NULL,
                other_id INTEGER,
                detail TEXT NOT NULL,
                actor TEXT NOT NULL,
                time TEXT NOT NULL,
                undone_by INTEGER))",
           "CREATE INDEX party_revisions_by_party ON party_revisions(party_id)",
           "CREATE INDEX party_revisions_by_other ON party_revisions(other_id)",
           // Cursors into the change feed and the custody log, and a counter
           // bumped by every party write (the in-memory graph's generation).
           R"(CREATE TABLE party_feed (
                name TEXT PRIMARY KEY,
                value INTEGER NOT NULL))",
           "INSERT INTO party_feed (name, value) VALUES ('changes', 0), ('leaves', 0), "
           "('generation', 0)",
       }},
      {6,
       "harvest view (OAI-PMH): withdrawn records as tombstones, index on the datestamp",
       {
           // What a harvester sees of each record, kept by every write:
           // harvest_time is the datestamp (the last write while public, or
           // the write that deleted the record or made it restricted), NULL
           // for a record never public; harvest_deleted says it is a
           // tombstone; status and country are those of the last public
           // version (its sets), so a tombstone reveals nothing newer.
           "ALTER TABLE artifacts ADD COLUMN harvest_time TEXT",
           "ALTER TABLE artifacts ADD COLUMN harvest_deleted INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE artifacts ADD COLUMN harvest_status TEXT",
           "ALTER TABLE artifacts ADD COLUMN harvest_country TEXT",
           R"(UPDATE artifacts SET harvest_time = updated_at, harvest_deleted = deleted,
                harvest_status = status,
                harvest_country = coalesce(json_extract(doc, '$.country_of_origin'), '')
              WHERE visibility = 'public')",
           // Restricted now, public before: withdrawn by the first write after
           // its last public revision.
           R"(WITH last_public AS (
                SELECT artifact_id, max(version) AS version FROM revisions
                WHERE json_extract(doc, '$.visibility') = 'public' GROUP BY artifact_id)
              UPDATE artifacts SET harvest_deleted = 1,
                harvest_time = (SELECT min(r.time) FROM revisions r
                                WHERE r.artifact_id = artifacts.id AND r.version > lp.version),
                harvest_status = json_extract(p.doc, '$.status'),
                harvest_country = coalesce(json_extract(p.doc, '$.country_of_origin'), '')
              FROM last_public lp JOIN revisions p
                ON p.artifact_id = lp.artifact_id AND p.version = lp.version
              WHERE artifacts.visibility <> 'public' AND lp.artifact_id = artifacts.id)",
           // ListModified's public view: from/until, resumption position, order.
           "CREATE INDEX artifacts_by_harvest_time ON artifacts(harvest_time, id)",
       }},
      {7,
       "party mentions by record and name (custody entries added to a busy record)",
       {
           "CREATE INDEX party_mentions_by_artifact_key ON party_mentions(artifact_id, key, "
           "source, position)",
       }},
  };
  return k;
}

}  // namespace custos::archive
