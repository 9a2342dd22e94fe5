//! Accounts, roles, data scope and login protection: the attacks a user inside the office
//! could try, each refused with nothing written.

use qingfeng_domain::access::Permission;
use qingfeng_web::auth::Access;
use qingfeng_web::routes::specs;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{
    assert_api_error, login, plain_client, seed_org, servers, user, Org, Server, User, ADMIN, ADMIN_PASSWORD,
};
use qingfeng_web::WebConfig;

/// Adds a second root with one person: a unit outside everyone's subtree but the admin's.
async fn other_root(s: &Server) -> (i64, i64) {
    let r = s.post_json("/api/v1/units", &json!({"name": "县委组织部", "code": "ZZB", "kind": "机关"})).await;
    let unit = r.json()["id"].as_i64().unwrap();
    let r = s
        .post_json("/api/v1/people", &json!({"name": "外单位人员", "gender": "男", "unit_id": unit, "rank": "乡科级", "political_status": "中共党员"}))
        .await;
    (unit, r.json()["id"].as_i64().unwrap())
}

async fn editor_role(s: &Server) {
    let r = s
        .post_json(
            "/api/v1/roles",
            &json!({"key": "unit_editor", "name": "科室信息员", "scope": "own_unit_and_below",
                    "permissions": ["unit:read", "unit:write", "person:read", "person:write", "person:import", "person:export", "unit:export"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] define role: {}", s.engine, r.text());
}

fn fill(path: &str) -> String {
    path.replace("{id}", "1").replace("{file}", "app.css")
}

/// Every API route × several roles: a route answers 403 exactly when the role lacks its permission.
#[tokio::test]
async fn role_route_matrix() {
    for s in servers().await {
        let org = seed_org(&s).await;
        let member = user(&s, "member", Some(org.person("赵强")), &["member"]).await;
        let supervisor = user(&s, "jijian", Some(org.person("王芳")), &["supervisor"]).await;
        let principal = user(&s, "zhuren", Some(org.person("李明")), &["principal"]).await;
        let grants = |key: &str| qingfeng_domain::access::builtin_role(key).expect("built-in role").permissions;
        let cases: [(&User, &[Permission]); 3] =
            [(&member, grants("member")), (&supervisor, grants("supervisor")), (&principal, grants("principal"))];
        // the table itself: the supervisor only reads, the member reads its own
        // the supervisor writes only its own records (findings, sign-offs, campaigns, the case library,
        // its talks: 诫勉谈话, 提醒谈话, 约谈, the 四种形态 and sanctions it decides, its 督办 notes,
        // the reports it receives and the clues it disposes of)
        let own = |p: &&Permission| {
            ["finding:", "campaign:", "warning_case:", "talk:", "discipline:", "supervision:", "petition:"]
                .iter()
                .any(|prefix| p.key().starts_with(prefix))
        };
        assert!(!grants("supervisor")
            .iter()
            .filter(|p| !own(p))
            .any(|p| p.key().ends_with(":write") || p.key().ends_with(":import")));
        assert!(
            grants("member").contains(&Permission::PersonRead) && !grants("member").contains(&Permission::PersonWrite)
        );
        for spec in specs()
            .into_iter()
            .filter(|r| r.path.starts_with("/api/v1/") || r.path.starts_with("/system/") || r.path.starts_with("/org"))
        {
            let Access::Permission(perm) = spec.access else { continue };
            let body = json!({});
            for (u, granted) in &cases {
                let r = u
                    .send(
                        &s,
                        spec.method.clone(),
                        &fill(spec.path),
                        if spec.method == Method::GET { None } else { Some(&body) },
                    )
                    .await;
                let allowed = granted.contains(&perm);
                if allowed {
                    assert_ne!(
                        r.status,
                        StatusCode::FORBIDDEN,
                        "[{}] {} {} {} should be allowed ({perm:?}): {}",
                        s.engine,
                        u.name,
                        spec.method,
                        spec.path,
                        r.text()
                    );
                } else {
                    assert_eq!(
                        r.status,
                        StatusCode::FORBIDDEN,
                        "[{}] {} {} {} should be refused ({perm:?}): {}",
                        s.engine,
                        u.name,
                        spec.method,
                        spec.path,
                        r.text()
                    );
                }
            }
        }
        s.finish().await;
    }
}

/// Data scope: a 科室 editor (own unit and below = 综合科 + 信息科) tries to reach everything else.
#[tokio::test]
async fn out_of_scope_attempts_are_refused_and_write_nothing() {
    for s in servers().await {
        let e = s.engine.clone();
        let org: Org = seed_org(&s).await;
        let (other_unit, outsider) = other_root(&s).await;
        editor_role(&s).await;
        let ed = user(&s, "editor", Some(org.person("王芳")), &["unit_editor"]).await;
        let audit_before = s.audit_count().await;
        let zhao = org.person("赵强"); // 督查室: outside
        let zhou = org.person("周伟"); // 信息科: inside

        // read by id
        assert_eq!(ed.get(&s, &format!("/api/v1/people/{zhao}")).await.status, StatusCode::NOT_FOUND, "[{e}]");
        assert_eq!(ed.get(&s, &format!("/api/v1/people/{outsider}")).await.status, StatusCode::NOT_FOUND, "[{e}]");
        assert_eq!(
            ed.get(&s, &format!("/api/v1/units/{}", org.unit("DCS"))).await.status,
            StatusCode::NOT_FOUND,
            "[{e}]"
        );
        assert_eq!(ed.get(&s, &format!("/api/v1/people/{zhou}")).await.status, StatusCode::OK, "[{e}]");
        // list, including with a filter naming an outside unit
        let all = ed.get(&s, "/api/v1/people?per_page=100").await.json();
        let names: Vec<&str> = all["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(all["total"], json!(2), "[{e}] sees {names:?}");
        assert!(names.contains(&"王芳") && names.contains(&"周伟"), "[{e}] {names:?}");
        let filtered = ed.get(&s, &format!("/api/v1/people?unit={}", org.unit("DCS"))).await.json();
        assert_eq!(filtered["total"], json!(0), "[{e}]");
        let units = ed.get(&s, "/api/v1/units").await.json();
        assert_eq!(units["total"], json!(2), "[{e}] units in scope: {units}");
        // update outside, and moving an inside person outside
        let r = ed.send(&s, Method::PATCH, &format!("/api/v1/people/{zhao}"), Some(&json!({"title": "被篡改"}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}]");
        let r =
            ed.send(&s, Method::PATCH, &format!("/api/v1/people/{zhou}"), Some(&json!({"unit_id": other_unit}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] move outside: {}", r.text());
        let r = ed
            .send(&s, Method::PATCH, &format!("/api/v1/units/{}", org.unit("DCS")), Some(&json!({"name": "被篡改"})))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}]");
        let r = ed
            .send(
                &s,
                Method::PATCH,
                &format!("/api/v1/units/{}", org.unit("XXK")),
                Some(&json!({"parent_id": org.unit("DCS")})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] move a unit under an outside parent: {}", r.text());
        // create outside
        let r = ed
            .send(&s, Method::POST, "/api/v1/people", Some(&json!({"name": "新人", "gender": "男", "unit_id": org.unit("DCS"), "rank": "职工", "political_status": "群众"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] create outside: {}", r.text());
        let r = ed
            .send(
                &s,
                Method::POST,
                "/api/v1/units",
                Some(&json!({"name": "新科", "code": "NEW", "kind": "内设机构", "parent_id": org.unit("XWB")})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] unit under an outside parent");
        // export holds only the scope
        let r = ed.get(&s, "/api/v1/people/export.xlsx").await;
        assert_eq!(r.status, StatusCode::OK, "[{e}]");
        let text = crate::support::read_xlsx(&r.bytes).concat().join("|");
        assert!(
            text.contains("周伟") && !text.contains("赵强") && !text.contains("外单位人员"),
            "[{e}] export leaks: {text}"
        );
        // import: re-upload the admin's full export; rows of other units are refused
        let full = s.download("/api/v1/people/export.xlsx").await;
        let part = reqwest::multipart::Part::bytes(full).file_name("p.xlsx");
        let form = reqwest::multipart::Form::new().part("file", part);
        let r = s
            .send(
                ed.client
                    .post(s.url("/api/v1/people/import?commit=true"))
                    .header("X-CSRF-Token", &ed.csrf)
                    .multipart(form),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] import: {}", r.text());
        let report = r.json();
        assert_eq!(report["valid"], json!(2), "[{e}] only in-scope rows are valid: {report}");
        assert!(report["errors"].as_array().unwrap().len() >= 4, "[{e}] {report}");
        // nothing was written but the (unchanged) in-scope rows: no update, no create
        assert_eq!(s.audit_count_of("person", "update").await, 0, "[{e}]");
        assert_eq!(s.audit_count_of("person", "create").await, 6, "[{e}]");
        let zhao_now = s.bearer_get(&format!("/api/v1/people/{zhao}")).await.json();
        assert_eq!(zhao_now["title"], json!("科员"), "[{e}]");
        // accounts: the editor has no account:write
        let r = ed
            .send(
                &s,
                Method::POST,
                "/api/v1/accounts",
                Some(&json!({"username": "x", "password": "Abcdef1!", "roles": []})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}]");
        assert!(s.audit_count().await <= audit_before + 1, "[{e}] at most the import summary was audited");
        s.finish().await;
    }
}

/// An operator can never grant a role, a permission or a scope wider than their own.
#[tokio::test]
async fn grants_never_exceed_the_grantor() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        // what a 一般干部 holds, plus managing accounts and roles within its own unit
        let mut dept_admin_permissions: Vec<&str> =
            qingfeng_domain::access::builtin_role("member").unwrap().permissions.iter().map(|p| p.key()).collect();
        dept_admin_permissions.extend(["account:read", "account:write", "role:read", "role:write"]);
        let r = s
            .post_json(
                "/api/v1/roles",
                &json!({"key": "dept_admin", "name": "科室管理员", "scope": "own_unit_and_below",
                        "permissions": dept_admin_permissions}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let da = user(&s, "deptadmin", Some(org.person("王芳")), &["dept_admin"]).await;
        let accounts_before = s.count("accounts").await;
        let try_create = |roles: Value, person: i64| json!({"username": "newbie", "password": "Abcdef1!x", "person_id": person, "roles": roles});
        // a built-in role with more permissions
        let r = da
            .send(&s, Method::POST, "/api/v1/accounts", Some(&try_create(json!(["admin"]), org.person("周伟"))))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] grant admin: {}", r.text());
        // its own role to a person outside its scope
        let r = da
            .send(&s, Method::POST, "/api/v1/accounts", Some(&try_create(json!(["dept_admin"]), org.person("赵强"))))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] person outside: {}", r.text());
        // a role whose scope (all) is wider
        let r = da
            .send(&s, Method::POST, "/api/v1/accounts", Some(&try_create(json!(["supervisor"]), org.person("周伟"))))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] grant supervisor: {}", r.text());
        // defining a role with a permission or scope it lacks
        let r = da
            .send(
                &s,
                Method::POST,
                "/api/v1/roles",
                Some(&json!({"key": "sneaky", "name": "x", "scope": "own_unit", "permissions": ["audit:read"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] define wider permission");
        let r = da
            .send(
                &s,
                Method::POST,
                "/api/v1/roles",
                Some(&json!({"key": "sneaky", "name": "x", "scope": "all", "permissions": ["person:read"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] define wider scope");
        let r = da
            .send(&s, Method::POST, "/api/v1/roles", Some(&json!({"key": "sneaky", "name": "x", "scope": "custom", "units": [org.unit("DCS")], "permissions": ["person:read"]})))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] define custom scope outside");
        assert_eq!(s.count("accounts").await, accounts_before, "[{e}] no account was created");
        assert_eq!(s.count("roles").await, 1, "[{e}] no role was defined");
        // within limits it works: a member account for 周伟 (in scope)
        let r = da
            .send(&s, Method::POST, "/api/v1/accounts", Some(&try_create(json!(["member"]), org.person("周伟"))))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        s.finish().await;
    }
}

#[tokio::test]
async fn passwords_policy_reset_and_lockout_by_address() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        // policy
        let r = s.post_json("/api/v1/accounts", &json!({"username": "weak", "password": "abcdefgh", "person_id": org.person("周伟"), "roles": ["member"]})).await;
        crate::support::assert_api_error(&e, "weak password", &r, 422, Some("password"));
        // admin reset forces a change at next login
        let u = user(&s, "zhou", Some(org.person("周伟")), &["member"]).await;
        let id = s.get("/api/v1/accounts?q=zhou").await.json()["items"][0]["id"].as_i64().unwrap();
        let r = s.patch_json(&format!("/api/v1/accounts/{id}"), &json!({"password": "Reset#2026a"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(u.get(&s, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED, "[{e}] a reset ends the sessions");
        let (c, r) = login(&s, "zhou", "Reset#2026a").await;
        assert_eq!(r.json()["must_change_password"], json!(true), "[{e}]");
        let r = s.send(c.get(s.url("/org"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] pages send the user to change the password");
        assert_eq!(r.header("location").as_deref(), Some("/account/password"));
        // the audit trail records the reset without the hash
        let rec: (String,) =
            s.db.fetch_one(
                "SELECT diff FROM audit_log WHERE entity = 'account' AND action = 'update' ORDER BY id DESC LIMIT 1",
                vec![],
            )
            .await
            .unwrap();
        assert!(rec.0.contains("password") && !rec.0.contains("argon2"), "[{e}] {}", rec.0);
        // lock-out by client address: five failures with different user names
        for i in 0..5 {
            let (_, r) = login(&s, &format!("nobody{i}"), "wrong").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{e}]");
        }
        let (_, r) = login(&s, "admin", crate::support::ADMIN_PASSWORD).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{e}] the address is locked even for the right password");
        assert!(r.text().contains("分钟"), "[{e}] {}", r.text());
        let (n,): (i64,) =
            s.db.fetch_one("SELECT COUNT(*) FROM login_log WHERE result = 'locked'", vec![]).await.unwrap();
        assert_eq!(n, 1, "[{e}] the refused attempt is in the login log");
        // the log pages and exports are there for the admin (signed in before the lock)
        let page = s.get("/system/logins?result=failure").await;
        assert_eq!(page.status, StatusCode::OK, "[{e}]");
        assert!(page.text().contains("nobody3"), "[{e}]");
        let rows = crate::support::read_xlsx(&s.download("/api/v1/login-log/export.xlsx").await);
        assert!(rows.iter().any(|r| r.iter().any(|c| c == "已锁定")), "[{e}] {rows:?}");
        let audit_page = s.get("/system/audit?entity=account").await;
        assert!(audit_page.status == StatusCode::OK && audit_page.text().contains("账号"), "[{e}]");
        s.finish().await;
    }
}

/// Behind a trusted proxy the lock-out and the login log go by the forwarded client address;
/// from anywhere else X-Forwarded-For is ignored, so a client cannot escape the lock-out with it.
#[tokio::test]
async fn forwarded_for_counts_only_behind_a_trusted_proxy() {
    for db in qingfeng_store::testing::engines().await {
        let config = WebConfig { trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()], ..Default::default() };
        let s = Server::start_with(db, config).await;
        let e = s.engine.clone();
        let login_from = |client: &'static str, username: &'static str, password: &'static str| {
            s.send(
                plain_client()
                    .post(s.url("/api/v1/session"))
                    .header("X-Forwarded-For", client)
                    .json(&json!({"username": username, "password": password})),
            )
        };
        for i in 0..5 {
            let r = login_from("198.51.100.9, 203.0.113.5", ["a", "b", "c", "d", "e"][i], "wrong").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{e}]");
        }
        let r = login_from("203.0.113.5", ADMIN, ADMIN_PASSWORD).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{e}] the forwarded address is locked: {}", r.text());
        let r = login_from("203.0.113.6", ADMIN, ADMIN_PASSWORD).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] another client behind the same proxy is not: {}", r.text());
        let logged: Vec<(String,)> =
            s.db.fetch_all("SELECT DISTINCT address FROM login_log ORDER BY address", vec![]).await.unwrap();
        let logged: Vec<&str> = logged.iter().map(|a| a.0.as_str()).collect();
        assert_eq!(logged, ["127.0.0.1", "203.0.113.5", "203.0.113.6"], "[{e}] (127.0.0.1: the support's own sign-in)");
        s.finish().await;
    }
    // without a trusted proxy the header changes nothing
    for s in servers().await {
        let e = s.engine.clone();
        let r = s
            .send(
                plain_client()
                    .post(s.url("/api/v1/session"))
                    .header("X-Forwarded-For", "203.0.113.5")
                    .json(&json!({"username": "x", "password": "wrong"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{e}]");
        let (n,): (i64,) =
            s.db.fetch_one("SELECT COUNT(*) FROM login_log WHERE address <> '127.0.0.1'", vec![]).await.unwrap();
        assert_eq!(n, 0, "[{e}] a client-written header is not an address");
        s.finish().await;
    }
}

#[tokio::test]
async fn audit_records_field_level_diffs_of_api_writes() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let id = org.person("王芳");
        let r = s.patch_json(&format!("/api/v1/people/{id}"), &json!({"title": "副科长"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}]");
        let page = s.get("/api/v1/audit-log?entity=person&action=update").await.json();
        let rec = &page["items"][0];
        assert_eq!(rec["entity_id"], json!(id.to_string()), "[{e}] {page}");
        assert_eq!(rec["username"], json!("admin"));
        assert_eq!(rec["address"], json!("127.0.0.1"));
        let diff: Value = serde_json::from_str(rec["diff"].as_str().unwrap()).unwrap();
        assert_eq!(diff, json!({"title": ["科长", "副科长"]}), "[{e}]");
        s.finish().await;
    }
}

/// 1.6 KB of .xlsx declaring the whole sheet (A1:XFD1048576) with cells in its two far
/// corners: reading it once meant allocating 512 GiB, and the server aborted.
fn whole_sheet_xlsx() -> Vec<u8> {
    use std::io::Write;
    let ns = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;
    let parts = [
        (
            "xl/workbook.xml",
            format!(
                r#"<workbook {ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<worksheet {ns}><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
            ),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An upload over the reading limits is refused with a message naming the limit, on the API
/// and on the import page, and the server keeps answering.
#[tokio::test]
async fn uploads_over_the_reading_limits_are_refused() {
    let bytes = whole_sheet_xlsx();
    assert!(bytes.len() < 2_000, "{}", bytes.len());
    let expected = "表格超过限制：列数 16384 超过上限 256";
    for s in servers().await {
        let e = s.engine.clone();
        let people_before = s.count("people").await;
        let r = s.upload("/api/v1/people/import", bytes.clone()).await;
        let err = assert_api_error(&e, "whole-sheet dimension", &r, 400, Some("file"));
        assert!(err["message"].as_str().unwrap().starts_with(expected), "[{e}] {err}");

        let r = s.upload("/org/people-import", bytes.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] the page answers with its message");
        assert!(r.text().contains(expected), "[{e}] {}", r.text());

        let r = s.send(s.anon.get(s.url("/healthz"))).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] still answering");
        let r = s.get("/api/v1/people").await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] still answering: {}", r.text());
        assert_eq!(s.count("people").await, people_before, "[{e}] nothing written");
        s.finish().await;
    }
}
