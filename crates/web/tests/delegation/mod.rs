//! Delegation never widens, and what a write names stays inside the writer's scope: roles,
//! 分管, campaigns, ledger participants and tasks; what a page or the API shows of an entry stays
//! inside the reader's scope. Plus the sessions and lock-out rules an attacker with one valid
//! account would probe.

use qingfeng_domain::access::Permission;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_api_error, login, seed_org, servers, sign_in, user, Org, Server, User, ADMIN_PASSWORD};

/// What every operator role holds besides its scope: enough to define roles and edit people.
const OP_PERMISSIONS: &[Permission] = &[
    Permission::UnitRead,
    Permission::PersonRead,
    Permission::PersonWrite,
    Permission::AccountRead,
    Permission::AccountWrite,
    Permission::RoleRead,
    Permission::RoleWrite,
];

/// The operator kinds of the matrix, each as (role key, scope, custom units by code, person).
/// 王芳 sits in 综合科 (ZHK, with 信息科 below it); 李明 is 主要负责人 and 分管 综合科.
fn operators() -> Vec<(&'static str, &'static str, Vec<&'static str>, &'static str)> {
    vec![
        ("op_own", "own_unit", vec![], "王芳"),
        ("op_below", "own_unit_and_below", vec![], "王芳"),
        ("op_charge", "in_charge", vec![], "李明"),
        ("op_self", "self_only", vec![], "王芳"),
        ("op_custom", "custom", vec!["ZHK"], "王芳"),
    ]
}

/// The role definitions asked for, and for each operator (in the order of [`operators`])
/// whether the definition is allowed. Written out by hand, not computed, so that the rule in
/// the server is checked against what a careful reader expects.
fn requests() -> Vec<(&'static str, &'static str, Vec<&'static str>, [bool; 5])> {
    //                                                   own    below  charge self   custom
    vec![
        ("全部", "all", vec![], [false, false, false, false, false]),
        ("本部门", "own_unit", vec![], [true, true, false, false, false]),
        ("本部门及以下", "own_unit_and_below", vec![], [false, true, false, false, false]),
        ("本部门及以下或本人", "own_unit_and_below_or_self", vec![], [false, false, false, false, false]),
        ("仅本人", "self_only", vec![], [true, true, true, true, true]),
        ("分管", "in_charge", vec![], [false, false, true, false, false]),
        ("自定义（综合科）", "custom", vec!["ZHK"], [true, true, true, false, true]),
        ("自定义（信息科，在综合科之下）", "custom", vec!["XXK"], [false, true, true, false, false]),
        ("自定义（督查室，范围外）", "custom", vec!["DCS"], [false, false, false, false, false]),
        ("自定义（县委办）", "custom", vec!["XWB"], [false, false, false, false, false]),
    ]
}

fn units_of(org: &Org, codes: &[&str]) -> Vec<i64> {
    codes.iter().map(|c| org.unit(c)).collect()
}

async fn define(
    s: &Server,
    who: Option<&User>,
    key: &str,
    scope: &str,
    units: &[i64],
    perms: &[Permission],
) -> crate::support::Resp {
    let keys: Vec<&str> = perms.iter().map(|p| p.key()).collect();
    let body = json!({"key": key, "name": key, "scope": scope, "units": units, "permissions": keys});
    match who {
        Some(u) => u.post(s, "/api/v1/roles", &body).await,
        None => s.post_json("/api/v1/roles", &body).await,
    }
}

/// Each operator scope kind × each requested kind or unit set, for new roles and for existing
/// ones: refused unless the result is no wider, and refused for a role the operator holds.
#[tokio::test]
async fn role_definitions_never_widen() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let mut ops = Vec::new();
        for (key, scope, units, person) in operators() {
            let r = define(&s, None, key, scope, &units_of(&org, &units), OP_PERMISSIONS).await;
            assert_eq!(r.status, StatusCode::CREATED, "[{e}] {key}: {}", r.text());
            ops.push(user(&s, key, Some(org.person(person)), &[key]).await);
        }
        for (j, (label, scope, units, allowed)) in requests().into_iter().enumerate() {
            for (i, op) in ops.iter().enumerate() {
                let key = format!("r{i}_{j}");
                let r = define(&s, Some(op), &key, scope, &units_of(&org, &units), &[Permission::PersonRead]).await;
                let what = format!("{} defines {label}", op.name);
                if allowed[i] {
                    assert_eq!(r.status, StatusCode::CREATED, "[{e}] {what}: {}", r.text());
                } else {
                    assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] {what}: {}", r.text());
                    let (n,): (i64,) =
                        s.db.fetch_one("SELECT COUNT(*) FROM roles WHERE key = $1", qingfeng_store::args![key.clone()])
                            .await
                            .unwrap();
                    assert_eq!(n, 0, "[{e}] {what}: nothing written");
                }
            }
        }
        // nobody edits a role they hold, not even to keep it as it is
        for (i, (key, scope, units, _)) in operators().into_iter().enumerate() {
            let r = define(&s, Some(&ops[i]), key, scope, &units_of(&org, &units), &[Permission::PersonRead]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] {key} redefines its own role: {}", r.text());
        }
        let r = define(&s, Some(&ops[0]), "op_own", "own_unit_and_below", &[], OP_PERMISSIONS).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] 本部门 widens its own role: {}", r.text());
        let (scope,): (String,) =
            s.db.fetch_one("SELECT scope_kind FROM roles WHERE key = 'op_own'", vec![]).await.unwrap();
        assert_eq!(scope, "own_unit", "[{e}] the role is unchanged");
        // an existing role held by someone outside the operator's scope cannot be redefined,
        // even to the same kind: its holder (督查室) would stay outside
        let r = define(&s, None, "shared", "own_unit", &[], &[Permission::PersonRead]).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let r = s
            .post_json(
                "/api/v1/accounts",
                &json!({"username": "zhaoqiang", "password": "Initial#2026", "person_id": org.person("赵强"), "roles": ["shared"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let r = define(&s, Some(&ops[1]), "shared", "self_only", &[], &[Permission::PersonRead]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] redefine a role held outside: {}", r.text());
        // a role held only inside the scope may be redefined within it
        let r = define(&s, None, "inside", "own_unit", &[], &[Permission::PersonRead]).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let r = s
            .post_json(
                "/api/v1/accounts",
                &json!({"username": "zhouwei", "password": "Initial#2026", "person_id": org.person("周伟"), "roles": ["inside"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let r = define(&s, Some(&ops[1]), "inside", "own_unit_and_below", &[], &[Permission::PersonRead]).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] redefine a role held inside: {}", r.text());
        s.finish().await;
    }
}

/// Accounts: each operator kind grants a role to a person inside and outside its scope.
#[tokio::test]
async fn account_grants_follow_the_operator_scope() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let mut ops = Vec::new();
        for (key, scope, units, person) in operators() {
            let r = define(&s, None, key, scope, &units_of(&org, &units), OP_PERMISSIONS).await;
            assert_eq!(r.status, StatusCode::CREATED, "[{e}] {key}: {}", r.text());
            ops.push(user(&s, key, Some(org.person(person)), &[key]).await);
        }
        let r = define(&s, None, "reader", "self_only", &[], &[Permission::PersonRead]).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let r = define(&s, None, "wide_reader", "all", &[], &[Permission::PersonRead]).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        // (person, role, allowed per operator in the order of `operators`)
        let cases: [(&str, &str, [bool; 5]); 4] = [
            // 周伟 (信息科, below 综合科) with 仅本人
            ("周伟", "reader", [false, true, true, false, false]),
            // 赵强 (督查室, outside everyone's scope)
            ("赵强", "reader", [false, false, false, false, false]),
            // 王芳 (综合科) with a 全部 role
            ("王芳", "wide_reader", [false, false, false, false, false]),
            // 王芳 with 仅本人 (a second account of one's own person is within even 仅本人)
            ("王芳", "reader", [true, true, true, true, true]),
        ];
        for (n, (person, role, allowed)) in cases.iter().enumerate() {
            for (i, op) in ops.iter().enumerate() {
                let username = format!("acct{n}x{i}");
                let before = s.count("accounts").await;
                let r = op
                    .post(
                        &s,
                        "/api/v1/accounts",
                        &json!({"username": username, "password": "Initial#2026", "person_id": org.person(person), "roles": [role]}),
                    )
                    .await;
                let what = format!("{} gives {person} the role {role}", op.name);
                if allowed[i] {
                    assert_eq!(r.status, StatusCode::CREATED, "[{e}] {what}: {}", r.text());
                } else {
                    assert!(
                        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::UNPROCESSABLE_ENTITY,
                        "[{e}] {what}: {} {}",
                        r.status,
                        r.text()
                    );
                    assert_eq!(s.count("accounts").await, before, "[{e}] {what}: nothing written");
                }
            }
        }
        s.finish().await;
    }
}

/// 分管 units, campaign units and people's units: every unit an operator writes lies inside its scope.
#[tokio::test]
async fn units_written_anywhere_stay_inside_the_scope() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let r = define(&s, None, "op_below", "own_unit_and_below", &[], OP_PERMISSIONS).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let op = user(&s, "op_below", Some(org.person("王芳")), &["op_below"]).await;
        let leader = |in_charge: Vec<i64>| {
            json!({"name": "孙副主任", "gender": "男", "unit_id": org.unit("XXK"), "rank": "乡科级",
                   "political_status": "中共党员", "roles": ["leadership_member"], "in_charge_of": in_charge})
        };
        let people_before = s.count("people").await;
        for outside in ["XWB", "DCS", "JGDZB"] {
            let r = op.post(&s, "/api/v1/people", &leader(vec![org.unit(outside)])).await;
            assert_api_error(&e, &format!("分管 {outside}"), &r, 422, Some("in_charge_of"));
        }
        assert_eq!(s.count("people").await, people_before, "[{e}] nothing written");
        let r = op.post(&s, "/api/v1/people", &leader(vec![org.unit("XXK")])).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] 分管 inside: {}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        // adding the root on update is refused too, on the API and on the page
        let r = op.patch(&s, &format!("/api/v1/people/{id}"), &json!({"in_charge_of": [org.unit("XWB")]})).await;
        assert_api_error(&e, "分管 root on update", &r, 422, Some("in_charge_of"));
        let r = op
            .form(
                &s,
                &format!("/org/people/{id}/edit"),
                &[
                    ("name", "孙副主任"),
                    ("gender", "male"),
                    ("unit_id", &org.unit("XXK").to_string()),
                    ("rank", "township"),
                    ("political_status", "party_member"),
                    ("roles", "leadership_member"),
                    ("status", "active"),
                    ("in_charge_of", &org.unit("XWB").to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] page: {}", r.text());
        let ic = s.get(&format!("/api/v1/people/{id}")).await.json()["in_charge_of"].clone();
        assert_eq!(ic, json!([org.unit("XXK")]), "[{e}] 分管 unchanged");
        // a leader whom the admin made 分管 of 督查室 keeps it when the operator edits them
        let r = s
            .patch_json(&format!("/api/v1/people/{id}"), &json!({"in_charge_of": [org.unit("XXK"), org.unit("DCS")]}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let r = op.patch(&s, &format!("/api/v1/people/{id}"), &json!({"title": "副主任"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] edit a leader with a 分管 outside: {}", r.text());
        // campaigns: a custom role with campaign:write, limited to 综合科 and below
        let mut perms = OP_PERMISSIONS.to_vec();
        perms.extend([Permission::CampaignRead, Permission::CampaignWrite]);
        let r = define(&s, None, "campaigner", "own_unit_and_below", &[], &perms).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let c = user(&s, "campaigner", Some(org.person("周伟")), &["campaigner"]).await;
        let campaign = |units: Vec<i64>| json!({"name": "违规收送礼金专项整治", "start_date": "2026-03-01", "end_date": "2026-06-30", "goals": "全面排查", "unit_ids": units});
        let before = s.count("campaigns").await;
        let r = c.post(&s, "/api/v1/campaigns", &campaign(vec![org.unit("XXK"), org.unit("DCS")])).await;
        assert_api_error(&e, "campaign unit outside", &r, 422, Some("unit_ids"));
        assert_eq!(s.count("campaigns").await, before, "[{e}] nothing written");
        let r = c.post(&s, "/api/v1/campaigns", &campaign(vec![org.unit("XXK")])).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] campaign inside: {}", r.text());
        s.finish().await;
    }
}

async fn entry(s: &Server, who: Option<&User>, body: &Value) -> crate::support::Resp {
    match who {
        Some(u) => u.post(s, "/api/v1/ledger-entries", body).await,
        None => s.post_json("/api/v1/ledger-entries", body).await,
    }
}

/// A 一般干部 names only people and tasks in their scope; what an entry shows of participants,
/// tasks and versions is cut to the reader's scope, with the count of what is hidden.
#[tokio::test]
async fn ledger_entries_stay_inside_the_recorders_scope() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let ganbu = user(&s, "ganbu", Some(org.person("周伟")), &["member"]).await;
        // a task of 督查室, which 周伟 cannot see
        let plan = s
            .post_json(
                "/api/v1/work-plans",
                &json!({"year": 2026, "unit_id": org.unit("XWB"), "title": "2026年工作要点"}),
            )
            .await;
        assert_eq!(plan.status, StatusCode::CREATED, "[{e}] {}", plan.text());
        let task = s
            .post_json(
                "/api/v1/tasks",
                &json!({"plan_id": plan.json()["id"], "title": "督查室专项督查", "lead_unit_id": org.unit("DCS"), "deadline": "2026-12-31"}),
            )
            .await;
        assert_eq!(task.status, StatusCode::CREATED, "[{e}] {}", task.text());
        let task_id = task.json()["id"].as_i64().unwrap();
        let body = |participants: Vec<i64>, tasks: Vec<i64>| {
            json!({"kind": "meeting", "meeting_type": "专题会议", "date": "2026-03-02", "place": "会议室", "content": "传达学习会议精神",
                   "unit_id": org.unit("XXK"), "participants": participants, "tasks": tasks})
        };
        let before = s.count("ledger_entries").await;
        let r = entry(&s, Some(&ganbu), &body(vec![org.person("周伟"), org.person("赵强")], vec![])).await;
        assert_api_error(&e, "participant outside", &r, 422, Some("participants"));
        let r = entry(&s, Some(&ganbu), &body(vec![org.person("周伟")], vec![task_id])).await;
        assert_api_error(&e, "task outside", &r, 422, Some("tasks"));
        assert_eq!(s.count("ledger_entries").await, before, "[{e}] nothing written");
        let r = entry(&s, Some(&ganbu), &body(vec![org.person("周伟")], vec![])).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] own entry: {}", r.text());

        // the admin records a meeting with 周伟 and 赵强 and the 督查室 task
        let r = entry(&s, None, &body(vec![org.person("周伟"), org.person("赵强")], vec![task_id])).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let v1 = r.json()["id"].as_i64().unwrap();
        let seen = ganbu.get(&s, &format!("/api/v1/ledger-entries/{v1}")).await;
        assert_eq!(seen.status, StatusCode::OK, "[{e}] {}", seen.text());
        let seen = seen.json();
        let names: Vec<&str> =
            seen["participants"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(names, vec!["周伟"], "[{e}] only the participants the reader sees: {seen}");
        assert_eq!(seen["hidden_participants"], json!(1), "[{e}]");
        assert_eq!(seen["tasks"], json!([]), "[{e}] the task title is hidden: {seen}");
        assert_eq!(seen["hidden_tasks"], json!(1), "[{e}]");
        let page = ganbu.get(&s, &format!("/ledger/{v1}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{e}]");
        let html = page.text();
        assert!(!html.contains("赵强") && !html.contains("督查室专项督查"), "[{e}] the page hides them too");
        assert!(html.contains("另有 1 人不在您的数据范围内"), "[{e}] and says how many");
        assert!(html.contains("提交更正版本"), "[{e}] his own unit's meeting he attended: he may correct it");
        // a meeting of the whole office he attended: he sees it but may not correct it
        let office = json!({"kind": "meeting", "meeting_type": "专题会议", "date": "2026-03-03", "place": "会议室", "content": "全体干部大会",
                            "unit_id": org.unit("XWB"), "participants": [org.person("周伟")]});
        let r = entry(&s, None, &office).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let office_id = r.json()["id"].as_i64().unwrap();
        let html = ganbu.get(&s, &format!("/ledger/{office_id}")).await.text();
        assert!(html.contains("全体干部大会") && !html.contains("提交更正版本"), "[{e}] no button he cannot use");

        // the export shows the same cut: 周伟 exports with a 仅本人 role that may export
        let r =
            define(&s, None, "exporter", "self_only", &[], &[Permission::LedgerRead, Permission::LedgerExport]).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let exporter = user(&s, "zhou_export", Some(org.person("周伟")), &["exporter"]).await;
        let r = exporter.get(&s, "/api/v1/ledger-entries/export.xlsx").await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] export: {}", r.text());
        let rows = crate::support::read_xlsx(&r.bytes);
        let cells: Vec<&String> = rows.iter().flatten().collect();
        assert!(cells.iter().any(|c| c.contains("周伟")), "[{e}] the reader's own name: {rows:?}");
        assert!(!cells.iter().any(|c| c.contains("赵强")), "[{e}] no hidden participant: {rows:?}");
        assert!(cells.iter().any(|c| c.contains("另有1人")), "[{e}] the count instead: {rows:?}");

        // a correction without 周伟: his old version no longer shows the later one
        let r = s
            .post_json(
                &format!("/api/v1/ledger-entries/{v1}/versions"),
                &json!({"kind": "meeting", "meeting_type": "专题会议", "date": "2026-03-02", "place": "会议室", "content": "传达学习会议精神（更正）",
                        "unit_id": org.unit("DCS"), "participants": [org.person("赵强")], "reason": "参会人员登记有误"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let v2 = r.json()["id"].as_i64().unwrap();
        assert_eq!(ganbu.get(&s, &format!("/api/v1/ledger-entries/{v2}")).await.status, StatusCode::NOT_FOUND, "[{e}]");
        let old = ganbu.get(&s, &format!("/api/v1/ledger-entries/{v1}")).await.json();
        let ids: Vec<i64> = old["history"].as_array().unwrap().iter().filter_map(|h| h["id"].as_i64()).collect();
        assert_eq!(ids, vec![v1], "[{e}] history cut to what the reader may open: {old}");
        assert_eq!(old["hidden_versions"], json!(1), "[{e}]");
        assert_eq!(old["current"], json!(false), "[{e}]");
        let html = ganbu.get(&s, &format!("/ledger/{v1}")).await.text();
        assert!(!html.contains(&format!("/ledger/{v2}\"")) && !html.contains("更正）"), "[{e}] no link to v2");

        // a superseded version takes no attachments (the API answers 409)
        let part = reqwest::multipart::Part::bytes(b"%PDF-1.4 evidence".to_vec()).file_name("签到表.pdf");
        let form = reqwest::multipart::Form::new().part("file", part);
        let r = s
            .send(
                s.client
                    .post(s.url(&format!("/api/v1/ledger-entries/{v1}/attachments")))
                    .header("X-CSRF-Token", &s.csrf)
                    .multipart(form),
            )
            .await;
        assert_api_error(&e, "attachment on a superseded version", &r, 409, None);
        s.finish().await;
    }
}

/// Ids in a path that are no number or out of range answer in the JSON error format.
#[tokio::test]
async fn path_ids_out_of_range_answer_json() {
    for s in servers().await {
        let e = s.engine.clone();
        for path in ["/api/v1/units/99999999999999999999", "/api/v1/ledger-entries/abc", "/api/v1/people/-"] {
            let r = s.get(path).await;
            assert_api_error(&e, path, &r, 400, Some("id"));
            assert!(r.header("content-type").unwrap_or_default().starts_with("application/json"), "[{e}] {path}");
        }
        // every status an operation answers is in the OpenAPI document: walk every API route
        // as a fresh admin session, with an empty body, an existing id and an id out of range
        let doc = s.get("/api/openapi.json").await.json();
        let walker = sign_in(&s, "admin", ADMIN_PASSWORD).await;
        let mut routes: Vec<_> = qingfeng_web::routes::specs()
            .into_iter()
            .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/session")
            .collect();
        routes.sort_by_key(|r| r.method != Method::GET);
        for spec in routes {
            let documented = &doc["paths"][spec.path][spec.method.as_str().to_lowercase()]["responses"];
            for id in ["1", "99999999999999999999"] {
                let path = spec.path.replace("{id}", id);
                let body = json!({});
                let r = walker
                    .send(&s, spec.method.clone(), &path, if spec.method == Method::GET { None } else { Some(&body) })
                    .await;
                let code = r.status.as_str().to_string();
                assert!(
                    documented.get(&code).is_some(),
                    "[{e}] {} {path} answered {code}, not in the OpenAPI document: {}",
                    spec.method,
                    r.text().chars().take(200).collect::<String>()
                );
                if !spec.path.contains("{id}") {
                    break;
                }
            }
        }
        let r = s.get("/org/people/99999999999999999999").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "[{e}]");
        assert!(r.text().contains("编号无效"), "[{e}] a readable page");
        s.finish().await;
    }
}

/// Changing one's own password ends every other session of the account.
#[tokio::test]
async fn own_password_change_ends_other_sessions() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let first = user(&s, "zhou", Some(org.person("周伟")), &["member"]).await;
        let second = sign_in(&s, "zhou", crate::support::CHANGED).await;
        assert_eq!(second.get(&s, "/api/v1/me").await.status, StatusCode::OK, "[{e}]");
        let r = first
            .send(
                &s,
                Method::PUT,
                "/api/v1/me/password",
                Some(&json!({"old_password": crate::support::CHANGED, "new_password": "Another#2026y"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(
            second.get(&s, "/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "[{e}] the other session ended"
        );
        assert_eq!(first.get(&s, "/api/v1/me").await.status, StatusCode::OK, "[{e}] the changing session goes on");
        s.finish().await;
    }
}

/// One valid account does not reset the address lock-out for guesses at other accounts.
#[tokio::test]
async fn a_valid_account_does_not_reset_the_address_lockout() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let _ = user(&s, "attacker", Some(org.person("周伟")), &["member"]).await;
        for round in 0..2 {
            for i in 0..3 {
                let (_, r) = login(&s, "victim", &format!("guess{round}{i}")).await;
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{e}]");
            }
            let (_, r) = login(&s, "attacker", crate::support::CHANGED).await;
            if round == 0 {
                assert_eq!(r.status, StatusCode::OK, "[{e}] under the limit the attacker still signs in");
            }
        }
        // six failures against others from this address: locked, for every account
        let (_, r) = login(&s, "admin", ADMIN_PASSWORD).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{e}] the address stays locked: {}", r.text());
        assert!(r.text().contains("分钟"), "[{e}] {}", r.text());
        s.finish().await;
    }
}
