//! The keyed audit chain and the published heads, against what someone who can write the
//! database (but has neither the key nor the published heads) can do: rewrite records and
//! recompute plain SHA-256 hashes, cut the tail off and rewind the head, move the keyed boundary.
//! On SQLite and, when configured, PostgreSQL.

use std::path::PathBuf;

use qingfeng_domain::org::UnitFields;
use qingfeng_store::audit::{self, AuditKey, AuditRecord, PublishedHead, Verification};
use qingfeng_store::org::units;
use qingfeng_store::{accounts, args, Actor, Db};

use crate::testing;

const COLS: &str = "id, at, account_id, username, address, action, entity, entity_id, diff, prev_hash, hash";

/// Writes `n` units (one audit record each) and returns the number of records in the chain.
async fn write_records(db: &Db, prefix: &str, n: usize) -> i64 {
    let actor = Actor { account_id: None, username: "tester".into(), address: "127.0.0.1".into(), words: None };
    for i in 0..n {
        let d = UnitFields {
            name: format!("单位{prefix}{i}"),
            code: format!("{prefix}{i}"),
            kind: "内设机构".into(),
            parent_id: None,
            sort_order: 0,
        }
        .validate()
        .unwrap();
        units::create(db, &actor, &d).await.unwrap();
    }
    last_id(db).await
}

async fn last_id(db: &Db) -> i64 {
    db.fetch_one::<(i64,)>("SELECT last_id FROM audit_head WHERE singleton = 1", vec![]).await.unwrap().0
}

async fn records_from(db: &Db, from: i64) -> Vec<AuditRecord> {
    db.fetch_all(&format!("SELECT {COLS} FROM audit_log WHERE id >= $1 ORDER BY id"), args![from]).await.unwrap()
}

/// What a database writer without the key can do: re-chain every record from `from` on with
/// plain SHA-256, as an unkeyed chain would be, and point the head at the new last hash.
async fn rechain_unkeyed(db: &Db, from: i64) {
    let mut prev: Option<String> = None;
    for mut r in records_from(db, from).await {
        if let Some(p) = prev.take() {
            r.prev_hash = p;
        }
        r.hash = r.unkeyed_hash();
        db.execute(
            "UPDATE audit_log SET username = $1, prev_hash = $2, hash = $3 WHERE id = $4",
            args![r.username.clone(), r.prev_hash.clone(), r.hash.clone(), r.id],
        )
        .await
        .unwrap();
        db.execute("UPDATE audit_head SET last_hash = $1 WHERE singleton = 1", args![r.hash.clone()]).await.unwrap();
        prev = Some(r.hash);
    }
}

fn heads_path() -> PathBuf {
    std::env::temp_dir().join(format!("qingfeng-heads-{}/audit-heads.log", &accounts::random_token()[..12]))
}

async fn published(db: &Db, path: &PathBuf) -> Vec<PublishedHead> {
    audit::parse_heads(db.audit_key(), &std::fs::read_to_string(path).unwrap()).unwrap()
}

fn reason(v: &Verification) -> &str {
    match v {
        Verification::Broken { reason, .. } | Verification::WrongKey { reason } => reason,
        Verification::Intact { .. } => "",
    }
}

#[tokio::test]
async fn an_intact_keyed_chain_verifies_with_and_without_published_heads() {
    for db in testing::engines().await {
        let e = db.engine();
        let n = write_records(&db, "A", 4).await;
        let path = heads_path();
        let (head, line) = audit::publish_head(&db, &path).await.unwrap();
        assert_eq!(head.last_id, n, "{e:?}");
        write_records(&db, "B", 2).await;
        audit::publish_head(&db, &path).await.unwrap();
        let heads = published(&db, &path).await;
        assert_eq!(heads.len(), 2, "{e:?}");
        assert_eq!(heads[0], head, "{e:?}: the line reads back as published");
        assert!(line.contains(&format!("last_id={n} last_hash={}", head.last_hash)), "{e:?}: {line}");
        assert_eq!(audit::verify(&db).await.unwrap(), Verification::Intact { records: n + 2 }, "{e:?}");
        assert_eq!(
            audit::verify_with_heads(&db, &heads).await.unwrap(),
            Verification::Intact { records: n + 2 },
            "{e:?}"
        );
        // the records are HMACs under the key, not plain SHA-256
        let last = records_from(&db, n).await.remove(0);
        assert_eq!(last.hash, last.keyed_hash(db.audit_key()), "{e:?}");
        assert_ne!(last.hash, last.unkeyed_hash(), "{e:?}");
        assert!(audit::key_matches(&db).await.unwrap(), "{e:?}");
    }
}

#[tokio::test]
async fn a_tail_rewritten_with_recomputed_sha256_fails_verify() {
    for db in testing::engines().await {
        let e = db.engine();
        let n = write_records(&db, "A", 6).await;
        let saved = records_from(&db, 1).await;
        // change the last record and recompute its hash as a plain chain would: the head still
        // links, so an unkeyed chain would verify
        db.execute("UPDATE audit_log SET username = 'mallory' WHERE id = $1", args![n]).await.unwrap();
        rechain_unkeyed(&db, n).await;
        let (stored,): (String,) = db.fetch_one("SELECT hash FROM audit_log WHERE id = $1", args![n]).await.unwrap();
        assert_eq!(records_from(&db, n).await[0].unkeyed_hash(), stored, "{e:?}: the forger's SHA-256 is right");
        let v = audit::verify(&db).await.unwrap();
        assert_eq!(v, Verification::Broken { record_id: n, reason: "记录内容与哈希不符（被修改）".into() }, "{e:?}");
        restore(&db, &saved).await;
        assert_eq!(audit::verify(&db).await.unwrap(), Verification::Intact { records: n }, "{e:?}");

        // a record in the middle, with every later one re-chained
        db.execute("UPDATE audit_log SET username = 'mallory' WHERE id = $1", args![n - 3]).await.unwrap();
        rechain_unkeyed(&db, n - 3).await;
        let v = audit::verify(&db).await.unwrap();
        assert!(matches!(v, Verification::Broken { record_id, .. } if record_id == n - 3), "{e:?}: {v:?}");
    }
}

#[tokio::test]
async fn a_truncated_tail_with_a_rewound_head_fails_against_the_published_heads() {
    for db in testing::engines().await {
        let e = db.engine();
        let n = write_records(&db, "A", 6).await;
        let path = heads_path();
        audit::publish_head(&db, &path).await.unwrap();
        let heads = published(&db, &path).await;

        // delete the last three records and rewind the head to the one before them
        let keep = n - 3;
        let kept = records_from(&db, keep).await.remove(0);
        db.execute("DELETE FROM audit_log WHERE id > $1", args![keep]).await.unwrap();
        db.execute("UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE singleton = 1", args![keep, kept.hash])
            .await
            .unwrap();
        // consistent in itself: the database alone cannot tell
        assert_eq!(audit::verify(&db).await.unwrap(), Verification::Intact { records: keep }, "{e:?}");
        let v = audit::verify_with_heads(&db, &heads).await.unwrap();
        assert!(matches!(v, Verification::Broken { record_id, .. } if record_id == keep + 1), "{e:?}: {v:?}");
        let why = reason(&v);
        assert!(why.contains(&format!("数据库只有 {keep} 条记录")) && why.contains("截断"), "{e:?}: {why}");

        // truncated and then written again up to the published id: the published hash differs
        write_records(&db, "B", 3).await;
        assert_eq!(last_id(&db).await, n, "{e:?}");
        let v = audit::verify_with_heads(&db, &heads).await.unwrap();
        assert!(matches!(v, Verification::Broken { record_id, .. } if record_id == n), "{e:?}: {v:?}");
        assert!(reason(&v).contains("发布的链头不符"), "{e:?}: {v:?}");
    }
}

#[tokio::test]
async fn a_different_key_fails() {
    for db in testing::engines().await {
        let e = db.engine();
        write_records(&db, "A", 3).await;
        let path = heads_path();
        audit::publish_head(&db, &path).await.unwrap();
        let other = db.with_audit_key(AuditKey::new(b"not the installation's key").unwrap());
        assert!(!audit::key_matches(&other).await.unwrap(), "{e:?}");
        let v = audit::verify(&other).await.unwrap();
        assert!(
            matches!(&v, Verification::WrongKey { reason } if reason.contains("审计密钥与本数据库不符")),
            "{e:?}: {v:?}"
        );
        // the published lines do not check out under another key either
        let text = std::fs::read_to_string(&path).unwrap();
        let err = audit::parse_heads(other.audit_key(), &text).unwrap_err();
        assert_eq!(err.line, 1, "{e:?}");
        assert!(err.reason.contains("校验码不符"), "{e:?}: {err}");
        // nor does a line edited without the key (the id lowered to hide a truncation)
        let head = &published(&db, &path).await[0];
        let edited = text.replace(&format!("last_id={}", head.last_id), &format!("last_id={}", head.last_id - 1));
        assert!(audit::parse_heads(db.audit_key(), &edited).is_err(), "{e:?}");
        // the right key still verifies
        assert!(matches!(audit::verify(&db).await.unwrap(), Verification::Intact { .. }), "{e:?}");
    }
}

#[tokio::test]
async fn unkeyed_chains_of_earlier_versions_keep_verifying_and_the_boundary_stays_put() {
    for db in testing::engines().await {
        let e = db.engine();
        // a chain as earlier versions wrote it: plain SHA-256 throughout, the head not yet
        // sealed (what migration 0005 leaves behind)
        let legacy = write_records(&db, "L", 4).await;
        rechain_unkeyed(&db, 1).await;
        db.execute("UPDATE audit_head SET keyed_from = last_id + 1, keyed_from_mac = '' WHERE singleton = 1", vec![])
            .await
            .unwrap();
        // the first start with a key seals the boundary after the legacy records
        audit::seal(&db).await.unwrap();
        let (keyed_from,): (i64,) =
            db.fetch_one("SELECT keyed_from FROM audit_head WHERE singleton = 1", vec![]).await.unwrap();
        assert_eq!(keyed_from, legacy + 1, "{e:?}");
        let n = write_records(&db, "K", 3).await;
        assert_eq!(audit::verify(&db).await.unwrap(), Verification::Intact { records: n }, "{e:?}");
        let path = heads_path();
        audit::publish_head(&db, &path).await.unwrap();
        let heads = published(&db, &path).await;
        assert_eq!(heads[0].keyed_from, keyed_from, "{e:?}");
        assert_eq!(audit::verify_with_heads(&db, &heads).await.unwrap(), Verification::Intact { records: n }, "{e:?}");
        // sealing again changes nothing
        audit::seal(&db).await.unwrap();
        assert_eq!(audit::verify(&db).await.unwrap(), Verification::Intact { records: n }, "{e:?}");

        // a legacy record changed and the chain recomputed with SHA-256 from it on: the legacy
        // part checks out, but the first keyed record's HMAC cannot be recomputed without the key
        let saved = records_from(&db, 1).await;
        db.execute("UPDATE audit_log SET username = 'mallory' WHERE id = 2", vec![]).await.unwrap();
        rechain_unkeyed(&db, 2).await;
        let v = audit::verify(&db).await.unwrap();
        assert!(matches!(v, Verification::Broken { record_id, .. } if record_id == keyed_from), "{e:?}: {v:?}");
        restore(&db, &saved).await;
        assert_eq!(audit::verify(&db).await.unwrap(), Verification::Intact { records: n }, "{e:?}");

        // moving the boundary past the keyed records, to re-chain them with SHA-256, breaks the seal
        rechain_unkeyed(&db, keyed_from).await;
        db.execute("UPDATE audit_head SET keyed_from = $1 WHERE singleton = 1", args![n + 1]).await.unwrap();
        assert!(matches!(audit::verify(&db).await.unwrap(), Verification::WrongKey { .. }), "{e:?}");

        // clearing the seal too, so that the next start seals the forged chain: consistent in
        // the database, but the published heads record another boundary
        db.execute("UPDATE audit_head SET keyed_from_mac = '' WHERE singleton = 1", vec![]).await.unwrap();
        audit::seal(&db).await.unwrap();
        assert_eq!(audit::verify(&db).await.unwrap(), Verification::Intact { records: n }, "{e:?}");
        let v = audit::verify_with_heads(&db, &heads).await.unwrap();
        assert!(matches!(&v, Verification::Broken { reason, .. } if reason.contains("启用位置被改动")), "{e:?}: {v:?}");
    }
}

/// Puts saved records and the head back as they were.
async fn restore(db: &Db, saved: &[AuditRecord]) {
    for r in saved {
        db.execute(
            "UPDATE audit_log SET username = $1, prev_hash = $2, hash = $3 WHERE id = $4",
            args![r.username.clone(), r.prev_hash.clone(), r.hash.clone(), r.id],
        )
        .await
        .unwrap();
    }
    let last = saved.last().unwrap();
    db.execute("UPDATE audit_head SET last_hash = $1 WHERE singleton = 1", args![last.hash.clone()]).await.unwrap();
}
