//! Store tests: every scenario runs against SQLite and, when the test command started one,
//! a real PostgreSQL.

use std::collections::BTreeMap;

mod audit_chain;
// The fixtures of the library's `testing` module (behind its `testing` feature there), compiled
// into this test crate so that `cargo test -p qingfeng-store` needs no feature.
#[allow(dead_code)]
#[path = "../src/testing.rs"]
mod testing;

use qingfeng_domain::org::{PersonFields, UnitFields};
use qingfeng_store::audit::{self, Verification};
use qingfeng_store::org::{people, units, PersonFilter};
use qingfeng_store::{accounts, args, Actor, Db, Engine, Paging, Scope, StoreError};

fn actor() -> Actor {
    Actor { account_id: None, username: "tester".into(), address: "127.0.0.1".into(), words: None }
}

async fn unit(db: &Db, code: &str, parent: Option<i64>) -> i64 {
    let d = UnitFields {
        name: format!("单位{code}"),
        code: code.into(),
        kind: "内设机构".into(),
        parent_id: parent,
        sort_order: 0,
    }
    .validate()
    .unwrap();
    units::create(db, &actor(), &d).await.unwrap().id
}

/// The first page of everyone whose name, 职务 or unit holds `text`.
async fn searched(db: &Db, text: &str) -> qingfeng_store::Page<people::Person> {
    let filter = PersonFilter { q: Some(text.into()), ..Default::default() };
    people::list(db, &Scope::all(), &filter, Paging::new(None, None)).await.unwrap()
}

fn person_fields(name: &str, unit_id: i64) -> PersonFields {
    PersonFields {
        name: name.into(),
        gender: "男".into(),
        unit_id: Some(unit_id),
        title: "科员".into(),
        rank: "科级以下".into(),
        political_status: "中共党员".into(),
        roles: vec!["一般干部".into()],
        ..Default::default()
    }
}

async fn columns(db: &Db) -> BTreeMap<String, Vec<String>> {
    let rows: Vec<(String, String)> = match db.engine() {
        Engine::Sqlite => {
            db.fetch_all(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' ORDER BY m.name, p.name",
                vec![],
            )
            .await
            .unwrap()
        }
        Engine::Postgres => {
            db.fetch_all(
                "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' ORDER BY table_name, column_name",
                vec![],
            )
            .await
            .unwrap()
        }
    };
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (t, c) in rows {
        map.entry(t).or_default().push(c);
    }
    map
}

#[tokio::test]
async fn both_schemas_have_the_same_tables_and_columns() {
    let sqlite = columns(&testing::sqlite().await).await;
    assert!(sqlite.contains_key("people") && sqlite.contains_key("audit_log"));
    match testing::postgres().await {
        Some(pg) => assert_eq!(sqlite, columns(&pg).await, "SQLite and PostgreSQL schemas differ"),
        None => eprintln!("PostgreSQL not configured: schema comparison skipped"),
    }
}

/// Voiding a person asks every column that names a person whether it does: a table added
/// later with a reference to `people` must be added to that list (or to the person's own).
#[tokio::test]
async fn voiding_a_person_knows_every_reference_to_people() {
    let db = testing::sqlite().await;
    let found: std::collections::BTreeSet<(String, String)> = db
        .fetch_all::<(String, String)>(
            "SELECT m.name, f.\"from\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND f.\"table\" = 'people'",
            vec![],
        )
        .await
        .unwrap()
        .into_iter()
        .collect();
    let known: std::collections::BTreeSet<(String, String)> = qingfeng_store::voiding::PERSON_REFERENCES
        .iter()
        .map(|(t, c, _, _)| (t.to_string(), c.to_string()))
        .chain(qingfeng_store::voiding::PERSON_OWNED.iter().map(|t| (t.to_string(), "person_id".to_string())))
        .collect();
    assert_eq!(found, known, "columns referencing people vs. voiding::PERSON_REFERENCES");
}

#[tokio::test]
async fn unit_tree_stays_valid() {
    for db in testing::engines().await {
        let e = db.engine();
        let root = unit(&db, "ROOT", None).await;
        let a = unit(&db, "A", Some(root)).await;
        let a1 = unit(&db, "A1", Some(a)).await;
        let b = unit(&db, "B", Some(root)).await;
        assert_eq!(units::get(&db, a1).await.unwrap().path, format!("/{root}/{a}/{a1}/"), "{e:?}");

        // moving A under B re-roots A's subtree
        let mut f = UnitFields {
            name: "单位A".into(),
            code: "A".into(),
            kind: "内设机构".into(),
            parent_id: Some(b),
            sort_order: 0,
        };
        units::update(&db, &actor(), a, &f.validate().unwrap()).await.unwrap();
        assert_eq!(units::get(&db, a1).await.unwrap().path, format!("/{root}/{b}/{a}/{a1}/"), "{e:?}");

        // a cycle is refused and changes nothing
        f.parent_id = Some(a1);
        match units::update(&db, &actor(), a, &f.validate().unwrap()).await {
            Err(StoreError::Invalid(errs)) => assert!(errs.for_field("parent_id").is_some()),
            other => panic!("{e:?}: cycle accepted: {other:?}"),
        }
        assert_eq!(units::get(&db, a).await.unwrap().parent_id, Some(b), "{e:?}");

        // duplicate code and unknown parent are refused with the field named
        let dup =
            UnitFields {
                name: "重复".into(), code: "B".into(), kind: "机关".into(), parent_id: None, sort_order: 0
            };
        assert!(
            matches!(units::create(&db, &actor(), &dup.validate().unwrap()).await, Err(StoreError::Invalid(ref x)) if x.for_field("code").is_some())
        );
        let orphan = UnitFields {
            name: "孤儿".into(),
            code: "Z".into(),
            kind: "机关".into(),
            parent_id: Some(999_999),
            sort_order: 0,
        };
        assert!(
            matches!(units::create(&db, &actor(), &orphan.validate().unwrap()).await, Err(StoreError::Invalid(ref x)) if x.for_field("parent_id").is_some())
        );
        let (n,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM units", vec![]).await.unwrap();
        assert_eq!(n, 4, "{e:?}: refused writes left rows behind");

        // subtree scope sees B's subtree only
        let scope = Scope { subtrees: vec![units::get(&db, b).await.unwrap().path], ..Default::default() };
        let seen: Vec<String> = units::all(&db, &scope).await.unwrap().into_iter().map(|u| u.code).collect();
        assert_eq!(seen, vec!["B", "A", "A1"], "{e:?}");
    }
}

#[tokio::test]
async fn people_keep_history_scope_and_search() {
    for db in testing::engines().await {
        let e = db.engine();
        let root = unit(&db, "R", None).await;
        let a = unit(&db, "A", Some(root)).await;
        let b = unit(&db, "B", Some(root)).await;
        let zhang =
            people::create(&db, &actor(), &person_fields("张三", a).validate().unwrap(), None, None).await.unwrap();
        let li =
            people::create(&db, &actor(), &person_fields("李四", b).validate().unwrap(), None, None).await.unwrap();
        assert!(zhang.in_supervision_scope, "{e:?}: 科级以下党员 is supervised");

        // transfer to B is recorded
        let moved = person_fields("张三", b).validate().unwrap();
        people::update(&db, &actor(), zhang.id, &moved, None, None, "工作调动").await.unwrap();
        let history = people::transfers(&db, zhang.id).await.unwrap();
        assert_eq!(history.len(), 2, "{e:?}");
        assert_eq!((history[1].from_unit_id, history[1].to_unit_id), (Some(a), b));

        // 分管 only for leaders
        let err =
            people::update(&db, &actor(), li.id, &person_fields("李四", b).validate().unwrap(), Some(&[a]), None, "")
                .await;
        assert!(matches!(err, Err(StoreError::Invalid(ref x)) if x.for_field("in_charge_of").is_some()), "{e:?}");
        let mut leader = person_fields("李四", b);
        leader.roles = vec!["班子成员".into()];
        leader.rank = "县处级".into();
        let leader = leader.validate().unwrap();
        people::update(&db, &actor(), li.id, &leader, Some(&[a, b]), None, "").await.unwrap();
        assert_eq!(people::in_charge_of(&db, li.id).await.unwrap(), vec![a, b]);
        assert!(
            !people::get(&db, &Scope::all(), li.id).await.unwrap().in_supervision_scope,
            "{e:?}: 县处级 is supervised above"
        );

        // search by name, title, unit; scope restricts lists and reads
        let found = searched(&db, "张").await;
        assert_eq!(found.total, 1, "{e:?}");
        let by_unit = searched(&db, "单位B").await;
        assert_eq!(by_unit.total, 2, "{e:?}");
        let wildcard = searched(&db, "%").await;
        assert_eq!(wildcard.total, 0, "{e:?}: % must be matched literally");
        let only_a = Scope { units: vec![a], ..Default::default() };
        assert_eq!(
            people::list(&db, &only_a, &PersonFilter::default(), Paging::new(None, None)).await.unwrap().total,
            0
        );
        assert!(matches!(people::get(&db, &only_a, li.id).await, Err(StoreError::NotFound)), "{e:?}");
        let me = Scope { person_id: Some(li.id), ..Default::default() };
        assert_eq!(people::list(&db, &me, &PersonFilter::default(), Paging::new(None, None)).await.unwrap().total, 1);
        let page2 =
            people::list(&db, &Scope::all(), &PersonFilter::default(), Paging::new(Some(2), Some(1))).await.unwrap();
        assert_eq!((page2.items.len(), page2.total, page2.page), (1, 2, 2), "{e:?}");
        // more units named alike than the search binds by id: they are matched by name instead
        for i in 0..=people::NAMED_UNITS_BOUND {
            unit(&db, &format!("K{i}"), Some(root)).await;
        }
        let last = unit(&db, "KLAST", Some(root)).await;
        people::create(&db, &actor(), &person_fields("王五", last).validate().unwrap(), None, None).await.unwrap();
        let in_many = searched(&db, "单位K").await;
        assert_eq!(in_many.items.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["王五"], "{e:?}");

        // a one-character search comes in the list's order (the unit tree, then id), page by
        // page by keyset, and follows a person's transfer and a unit's new place in the tree
        for (name, at) in [("张一", a), ("张二", last), ("张四", b)] {
            people::create(&db, &actor(), &person_fields(name, at).validate().unwrap(), None, None).await.unwrap();
        }
        let order = |filter: PersonFilter| {
            let db = db.clone();
            async move {
                let (mut names, mut after) = (Vec::new(), None);
                loop {
                    let paging = Paging { after, ..Paging::new(Some(names.len() as i64 + 1), Some(1)) };
                    let page = people::list(&db, &Scope::all(), &filter, paging).await.unwrap();
                    names.extend(page.items.iter().map(|p| p.name.clone()));
                    match page.next_after {
                        Some(id) => after = Some(id),
                        None => return names,
                    }
                }
            }
        };
        let surname = || PersonFilter { q: Some("张".into()), ..Default::default() };
        let everyone: Vec<String> = order(PersonFilter::default()).await;
        let listed: Vec<String> = everyone.iter().filter(|n| n.starts_with('张')).cloned().collect();
        assert_eq!(order(surname()).await, listed, "{e:?}: the search in the list's order");
        assert_eq!(listed, ["张一", "张三", "张四", "张二"], "{e:?}: A, then B (by id), then KLAST");
        let moved = person_fields("张三", last).validate().unwrap();
        people::update(&db, &actor(), zhang.id, &moved, None, None, "工作调动").await.unwrap();
        assert_eq!(order(surname()).await, ["张一", "张四", "张三", "张二"], "{e:?}: after a transfer");
        let under_a = UnitFields {
            name: "单位KLAST".into(),
            code: "KLAST".into(),
            kind: "内设机构".into(),
            parent_id: Some(a),
            sort_order: 0,
        };
        units::update(&db, &actor(), last, &under_a.validate().unwrap()).await.unwrap();
        assert_eq!(order(surname()).await, ["张一", "张三", "张二", "张四"], "{e:?}: after a unit moved");
    }
}

#[tokio::test]
async fn audit_chain_detects_tampering() {
    for db in testing::engines().await {
        let e = db.engine();
        let root = unit(&db, "R", None).await;
        for i in 0..5 {
            unit(&db, &format!("U{i}"), Some(root)).await;
        }
        assert_eq!(audit::verify(&db).await.unwrap(), Verification::Intact { records: 7 }, "{e:?}");

        // a changed row
        db.execute("UPDATE audit_log SET username = 'mallory' WHERE id = 3", vec![]).await.unwrap();
        assert!(matches!(audit::verify(&db).await.unwrap(), Verification::Broken { record_id: 3, .. }), "{e:?}");
        db.execute("UPDATE audit_log SET username = 'tester' WHERE id = 3", vec![]).await.unwrap();
        assert!(matches!(audit::verify(&db).await.unwrap(), Verification::Intact { .. }), "{e:?}");

        // a deleted row
        let saved: audit::AuditRecord = db
            .fetch_one("SELECT id, at, account_id, username, address, action, entity, entity_id, diff, prev_hash, hash FROM audit_log WHERE id = 4", vec![])
            .await
            .unwrap();
        db.execute("DELETE FROM audit_log WHERE id = 4", vec![]).await.unwrap();
        assert!(matches!(audit::verify(&db).await.unwrap(), Verification::Broken { record_id: 4, .. }), "{e:?}");

        // an inserted (forged) row in the gap
        db.execute(
            "INSERT INTO audit_log (id, at, account_id, username, address, action, entity, entity_id, diff, prev_hash, hash) \
             VALUES (4, $1, NULL, 'x', '', 'delete', 'unit', '1', '{}', $2, $3)",
            args![saved.at, saved.prev_hash.clone(), saved.hash.clone()],
        )
        .await
        .unwrap();
        assert!(matches!(audit::verify(&db).await.unwrap(), Verification::Broken { record_id: 4, .. }), "{e:?}");

        // the tail cut off
        db.execute("DELETE FROM audit_log WHERE id >= 4", vec![]).await.unwrap();
        assert!(matches!(audit::verify(&db).await.unwrap(), Verification::Broken { .. }), "{e:?}");
    }
}

#[tokio::test]
async fn concurrent_writers_never_fork_the_chain() {
    for db in testing::engines().await {
        let e = db.engine();
        let root = unit(&db, "R", None).await;
        let mut tasks = Vec::new();
        for w in 0..6 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..8 {
                    unit(&db, &format!("W{w}-{i}"), Some(root)).await;
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(audit::verify(&db).await.unwrap(), Verification::Intact { records: 50 }, "{e:?}");
        let (distinct_prev,): (i64,) =
            db.fetch_one("SELECT COUNT(DISTINCT prev_hash) FROM audit_log", vec![]).await.unwrap();
        assert_eq!(distinct_prev, 50, "{e:?}: two records share a predecessor");
    }
}

#[tokio::test]
async fn sessions_tokens_and_passwords() {
    for db in testing::engines().await {
        let e = db.engine();
        let a = accounts::create(&db, &Actor::system(), "zhang", "Secret#123", None, &["member"], true).await.unwrap();
        assert!(accounts::verify_password("Secret#123", &a.password_hash));
        assert!(!accounts::verify_password("secret#123", &a.password_hash));
        assert!(a.password_hash.starts_with("$argon2id$"), "{e:?}");
        assert!(matches!(
            accounts::create(&db, &Actor::system(), "zhang", "Secret#123", None, &[], false).await,
            Err(StoreError::Invalid(ref x)) if x.for_field("username").is_some()
        ));

        let (cookie, s) = accounts::start_session(&db, &actor(), a.id).await.unwrap();
        let idle = chrono::Duration::minutes(30);
        assert!(accounts::find_session(&db, &cookie, idle).await.unwrap().is_some(), "{e:?}");
        assert!(accounts::find_session(&db, "forged", idle).await.unwrap().is_none());
        // idle past the timeout: gone
        db.execute(
            "UPDATE sessions SET last_seen_at = $1",
            args![qingfeng_store::now() - chrono::Duration::minutes(31)],
        )
        .await
        .unwrap();
        assert!(accounts::find_session(&db, &cookie, idle).await.unwrap().is_none(), "{e:?}");
        let (cookie, s2) = accounts::start_session(&db, &actor(), a.id).await.unwrap();
        accounts::end_session(&db, &actor(), &s2).await.unwrap();
        assert!(accounts::find_session(&db, &cookie, idle).await.unwrap().is_none(), "{e:?}: logout keeps the session");
        let _ = s;

        let token = accounts::create_token(&db, &actor(), a.id, "integration").await.unwrap();
        assert_eq!(accounts::account_for_token(&db, &token).await.unwrap(), Some(a.id));
        assert_eq!(accounts::account_for_token(&db, "qf_nope").await.unwrap(), None);
        let (stored,): (String,) = db.fetch_one("SELECT token_hash FROM api_tokens", vec![]).await.unwrap();
        assert_ne!(stored, token, "{e:?}: tokens are stored hashed");
    }
}
