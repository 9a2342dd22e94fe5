//! The web crate end to end: the real server on 127.0.0.1:0, spoken to over HTTP, once per
//! database engine of the run (SQLite always, PostgreSQL when `QINGFENG_TEST_PG_URL` is set).

mod admin;
mod assessments;
mod audit_trail;
mod budgets;
mod chain;
mod decisions;
mod delegation;
mod discipline;
mod error_pages;
mod exports;
mod family_events;
mod findings;
mod holidays;
mod home;
mod id_numbers;
mod integrity;
mod ledger_files;
mod list_limits;
mod major_matters;
mod meetings;
mod metrics;
mod notify;
mod office_words;
mod party_branches;
mod person_lists;
mod personal_reports;
mod petitions;
mod plans;
mod print;
mod receptions;
mod risk;
mod security;
mod step_notices;
mod study;
mod supervision;
mod support;
mod talks;
mod vehicles;
mod voiding;
mod warning_cases;

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;
use qingfeng_web::auth::Access;
use qingfeng_web::routes::specs;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::{
    assert_api_error, fresh_db, has_cjk, header_row, plain_client, read_xlsx, seed_org, servers, without_column,
    write_xlsx, Resp, Server, ADMIN, ADMIN_PASSWORD,
};

// ------------------------------------------------------------------ 1. health and OpenAPI

#[tokio::test]
async fn health_and_openapi() {
    for s in servers().await {
        let e = s.engine.clone();
        let r = s.send(s.anon.get(s.url("/healthz"))).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] /healthz");
        assert_eq!(r.text().trim(), "ok", "[{e}] /healthz body");

        let r = s.send(s.anon.get(s.url("/api/openapi.json"))).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] openapi");
        let doc = r.json();
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')), "[{e}] openapi version");
        let paths = doc["paths"].as_object().expect("paths object");
        let api_specs: Vec<_> = specs().into_iter().filter(|r| r.path.starts_with("/api/")).collect();
        assert!(api_specs.len() > 10, "[{e}] the route table has API routes");
        for spec in api_specs {
            let op = paths.get(spec.path).and_then(|p| p.get(spec.method.as_str().to_lowercase()));
            assert!(op.is_some(), "[{e}] openapi lacks {} {}", spec.method, spec.path);
        }
        s.finish().await;
    }
}

/// The write operations that read no body: marking notifications read, and the PATCH of a ledger
/// entry, which always refuses (a correction is a new version).
const BODYLESS_WRITES: &[(&str, &str)] = &[
    ("POST", "/api/v1/notifications/read-all"),
    ("POST", "/api/v1/notifications/{id}/read"),
    ("PATCH", "/api/v1/ledger-entries/{id}"),
    ("POST", "/api/v1/risk-points/{id}/accept"),
    ("POST", "/api/v1/assessments/{id}/compute"),
    ("POST", "/api/v1/assessments/{id}/publish"),
    // an explicit, audited read of the reporter's identity (POST: it writes the audit row)
    ("POST", "/api/v1/petitions/{id}/identity"),
    ("POST", "/api/v1/integrity-replies/{id}/sign"),
    // a background export reads its filters from the query string
    ("POST", "/api/v1/findings/export-jobs"),
    ("POST", "/api/v1/ledger-entries/export-jobs"),
];

/// Every `$ref` under `v`.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn openapi_describes_bodies_and_filters() {
    for s in servers().await {
        let e = s.engine.clone();
        let doc = s.send(s.anon.get(s.url("/api/openapi.json"))).await.json();
        let schemas = doc["components"]["schemas"].as_object().expect("components.schemas");
        let responses = doc["components"]["responses"].as_object().expect("components.responses");
        for spec in specs().into_iter().filter(|r| r.path.starts_with("/api/")) {
            let method = spec.method.as_str();
            if !["POST", "PATCH", "PUT"].contains(&method) || BODYLESS_WRITES.contains(&(method, spec.path)) {
                continue;
            }
            let op = &doc["paths"][spec.path][method.to_lowercase()];
            let content = &op["requestBody"]["content"];
            let what = format!("[{e}] {method} {}", spec.path);
            if let Some(json) = content.get("application/json") {
                let r = json["schema"]["$ref"].as_str().unwrap_or_else(|| panic!("{what}: body without $ref"));
                let name = r.strip_prefix("#/components/schemas/").expect("a component schema");
                assert!(schemas.contains_key(name), "{what}: {r} is not in components.schemas");
            } else {
                let file = &content["multipart/form-data"]["schema"]["properties"]["file"];
                assert_eq!(file["format"], "binary", "{what}: neither a JSON body nor an upload");
            }
        }
        // every reference anywhere in the document resolves
        let mut all = Vec::new();
        refs(&doc, &mut all);
        for r in all {
            let resolves = match (r.strip_prefix("#/components/schemas/"), r.strip_prefix("#/components/responses/")) {
                (Some(n), _) => schemas.contains_key(n),
                (_, Some(n)) => responses.contains_key(n),
                _ => false,
            };
            assert!(resolves, "[{e}] {r} does not resolve");
        }
        // the main records' answers: a page of units, one unit; serde-skipped fields stay out
        let units = &doc["paths"]["/api/v1/units"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(units["properties"]["items"]["items"]["$ref"], "#/components/schemas/Unit", "[{e}] units page");
        let unit = &doc["paths"]["/api/v1/units/{id}"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(unit["schema"]["$ref"], "#/components/schemas/Unit", "[{e}] one unit");
        let unit = &schemas["Unit"]["properties"];
        assert_eq!(unit["created_at"]["format"], "date-time", "[{e}] Unit.created_at");
        assert!(unit.get("sort_path").is_none(), "[{e}] Unit.sort_path is not serialized");
        // the detail answers are typed: a person with 分管 and transfers, an item with entries,
        // an import's report, the dashboard report
        let answer = |path: &str, method: &str| -> Value {
            doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"].clone()
        };
        assert_eq!(answer("/api/v1/people/{id}", "get")["$ref"], "#/components/schemas/PersonView", "[{e}]");
        assert_eq!(answer("/api/v1/responsibility-items/{id}", "get")["$ref"], "#/components/schemas/ItemDetail");
        assert_eq!(answer("/api/v1/people/import", "post")["$ref"], "#/components/schemas/ImportReport", "[{e}]");
        assert_eq!(answer("/api/v1/fulfilment", "get")["$ref"], "#/components/schemas/Report", "[{e}]");
        assert_eq!(schemas["Person"]["properties"]["roles"]["type"], "array", "[{e}] Person.roles is a list of keys");
        // and a real answer has every field its schema requires
        seed_org(&s).await;
        let people = s.get("/api/v1/people?per_page=1").await.json();
        let one = &people["items"][0];
        for field in schemas["Person"]["required"].as_array().expect("Person.required") {
            let field = field.as_str().unwrap();
            assert!(one.get(field).is_some(), "[{e}] a listed person lacks {field}: {one}");
        }
        assert!(one["roles"].is_array(), "[{e}] roles as an array: {one}");
        let person = &schemas["PersonFields"]["properties"];
        for field in ["name", "unit_id", "supervision_override", "in_charge_of"] {
            assert!(person.get(field).is_some(), "[{e}] PersonFields lacks {field}");
        }
        let query = |path: &str| -> Vec<String> {
            let params = doc["paths"][path]["get"]["parameters"].as_array().cloned().unwrap_or_default();
            params.iter().filter(|p| p["in"] == "query").filter_map(|p| p["name"].as_str().map(String::from)).collect()
        };
        let people = query("/api/v1/people");
        for name in ["unit", "include_sub", "supervised", "status", "rank", "q", "page", "per_page"] {
            assert!(people.iter().any(|n| n == name), "[{e}] the people list lacks ?{name}: {people:?}");
        }
        let findings = query("/api/v1/findings");
        for name in ["state", "campaign", "look_back", "overdue"] {
            assert!(findings.iter().any(|n| n == name), "[{e}] the finding list lacks ?{name}: {findings:?}");
        }
        s.finish().await;
    }
}

// ------------------------------------------------------------------ 2. route table walk

fn concrete(path: &str) -> String {
    path.replace("{id}", "1").replace("{file}", "app.css")
}

#[tokio::test]
async fn every_non_public_route_rejects_anonymous_requests() {
    let allowed_public: BTreeSet<(String, &str)> = [
        ("GET", "/healthz"),
        ("GET", "/assets/{file}"),
        ("GET", "/api/openapi.json"),
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/api/v1/session"),
        // 信访举报: anyone may file a report and read its state with the receipt code
        ("GET", "/report"),
        ("POST", "/report"),
        ("GET", "/report/status"),
        ("POST", "/report/status"),
    ]
    .into_iter()
    .map(|(m, p)| (m.to_string(), p))
    .collect();
    let public: BTreeSet<(String, &str)> =
        specs().into_iter().filter(|r| r.access == Access::Public).map(|r| (r.method.to_string(), r.path)).collect();
    assert_eq!(public, allowed_public, "the public routes are exactly the allowed ones");

    // every (method, path) is registered once
    let mut seen = HashSet::new();
    for r in specs() {
        assert!(seen.insert((r.method.to_string(), r.path)), "route {} {} registered twice", r.method, r.path);
    }

    for s in servers().await {
        let e = s.engine.clone();
        for spec in specs() {
            let path = concrete(spec.path);
            let method = Method::from_bytes(spec.method.as_str().as_bytes()).expect("method");
            let r = s.send(s.anon.request(method, s.url(&path))).await;
            let what = format!("anonymous {} {path}", spec.method);
            if spec.access == Access::Public {
                // reachable: no server error and no redirect to the login page (POST /login and
                // POST /api/v1/session without credentials answer a failed login, which is fine)
                assert!(r.status.as_u16() < 500, "[{e}] {what}: public route answered {}", r.status);
                assert!(r.header("location").is_none(), "[{e}] {what}: public route redirects");
                if path.starts_with("/api/") && r.status == StatusCode::UNAUTHORIZED {
                    assert_ne!(r.json()["error"]["code"], "unauthorized", "[{e}] {what}: guarded");
                }
                continue;
            }
            if path.starts_with("/api/") {
                let err = assert_api_error(&e, &what, &r, 401, None);
                assert_eq!(err["code"], "unauthorized", "[{e}] {what}");
            } else if r.status == StatusCode::UNAUTHORIZED {
                // htmx-style answer
            } else {
                assert!(
                    matches!(r.status.as_u16(), 302 | 303),
                    "[{e}] {what}: expected a redirect to /login, got {} {}",
                    r.status,
                    r.text()
                );
                let to = r.header("location").unwrap_or_default();
                assert!(to == "/login" || to.starts_with("/login?next=%2F"), "[{e}] {what}: redirect target {to}");
            }
        }

        // the public ones really are reachable without signing in
        for path in ["/healthz", "/assets/app.css", "/api/openapi.json", "/login"] {
            let r = s.send(s.anon.get(s.url(path))).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] anonymous GET {path}");
        }
        s.finish().await;
    }
}

// ------------------------------------------------------------------ 3. login

async fn login_raw(s: &Server, body: &str) -> Resp {
    s.send(s.anon.post(s.url("/api/v1/session")).header("Content-Type", "application/json").body(body.to_string()))
        .await
}

async fn login(s: &Server, username: &str, password: &str) -> Resp {
    login_raw(s, &json!({"username": username, "password": password}).to_string()).await
}

#[tokio::test]
async fn login_logout_and_lock_out() {
    for s in servers().await {
        let e = s.engine.clone();

        // wrong password and unknown user are indistinguishable
        let wrong = login(&s, ADMIN, "not-the-password").await;
        let unknown = login(&s, "nobody-here", "not-the-password").await;
        assert_api_error(&e, "wrong password", &wrong, 401, None);
        assert_eq!(wrong.status, unknown.status, "[{e}] same status");
        assert_eq!(wrong.text(), unknown.text(), "[{e}] same body");
        assert!(wrong.header("set-cookie").is_none(), "[{e}] no cookie on failure");

        // bad input is a 4xx, never a 5xx
        let long = login(&s, &"x".repeat(1000), "whatever").await;
        assert!(long.status.is_client_error(), "[{e}] over-long username: {} {}", long.status, long.text());
        let malformed = login_raw(&s, r#"{"username": "admin", "password": "#).await;
        assert_api_error(&e, "malformed login JSON", &malformed, 400, None);
        let not_json = s.send(s.anon.post(s.url("/api/v1/session")).body("username=admin&password=x")).await;
        assert_api_error(&e, "login without JSON", &not_json, 400, None);

        // success: an HttpOnly, SameSite=Lax session cookie
        let ok = login(&s, ADMIN, ADMIN_PASSWORD).await;
        assert_eq!(ok.status, StatusCode::OK, "[{e}] login: {}", ok.text());
        let set_cookie = ok.header("set-cookie").expect("Set-Cookie on login");
        assert!(set_cookie.starts_with("qf_session="), "[{e}] {set_cookie}");
        assert!(set_cookie.contains("HttpOnly"), "[{e}] {set_cookie}");
        assert!(set_cookie.contains("SameSite=Lax"), "[{e}] {set_cookie}");
        assert!(set_cookie.contains("Path=/"), "[{e}] {set_cookie}");
        let cookie = set_cookie.split(';').next().unwrap().to_string();
        let csrf = ok.json()["csrf_token"].as_str().unwrap().to_string();

        let me = s.send(s.anon.get(s.url("/api/v1/me")).header("Cookie", &cookie)).await;
        assert_eq!(me.status, StatusCode::OK, "[{e}] /me with the cookie");
        assert_eq!(me.json()["username"], ADMIN, "[{e}] /me");
        assert_eq!(me.json()["account_id"], s.admin_id, "[{e}] /me");

        // logout ends the session on the server, not only in the browser
        let out = s
            .send(s.anon.delete(s.url("/api/v1/session")).header("Cookie", &cookie).header("X-CSRF-Token", &csrf))
            .await;
        assert_eq!(out.status, StatusCode::OK, "[{e}] logout: {}", out.text());
        assert!(out.header("set-cookie").is_some_and(|c| c.contains("Max-Age=0")), "[{e}] logout clears the cookie");
        let again = s.send(s.anon.get(s.url("/api/v1/me")).header("Cookie", &cookie)).await;
        assert_api_error(&e, "old cookie after logout", &again, 401, None);

        // the other session (the support client) is untouched
        assert_eq!(s.get("/api/v1/me").await.status, StatusCode::OK, "[{e}]");

        // a hash made with earlier parameters (19 MiB, 2 passes) still signs in, and is
        // replaced by one of today's parameters that signs in too
        let old_hash = {
            use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
            let salt = SaltString::generate(&mut OsRng);
            argon2::Argon2::default().hash_password(ADMIN_PASSWORD.as_bytes(), &salt).unwrap().to_string()
        };
        let hash_of_admin = || async {
            let (h,): (String,) =
                s.db.fetch_one("SELECT password_hash FROM accounts WHERE id = $1", vec![s.admin_id.into()])
                    .await
                    .unwrap();
            h
        };
        s.db.execute(
            "UPDATE accounts SET password_hash = $1 WHERE id = $2",
            vec![old_hash.clone().into(), s.admin_id.into()],
        )
        .await
        .unwrap();
        assert_eq!(login(&s, ADMIN, ADMIN_PASSWORD).await.status, StatusCode::OK, "[{e}] sign-in with an older hash");
        let upgraded = hash_of_admin().await;
        assert_ne!(upgraded, old_hash, "[{e}] the older hash is replaced");
        assert!(upgraded.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "[{e}] {upgraded}");
        assert_eq!(login(&s, ADMIN, ADMIN_PASSWORD).await.status, StatusCode::OK, "[{e}] sign-in with the new hash");
        assert_eq!(hash_of_admin().await, upgraded, "[{e}] a current hash is kept");

        // lock-out: five wrong passwords, then the right one is still refused
        for i in 0..5 {
            let r = login(&s, ADMIN, &format!("wrong-{i}")).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{e}] wrong password {i}");
        }
        let locked = login(&s, ADMIN, ADMIN_PASSWORD).await;
        let err = assert_api_error(&e, "right password while locked", &locked, 401, None);
        assert!(err["message"].as_str().unwrap().contains("分钟"), "[{e}] lock-out message names the wait: {err}");
        assert!(locked.header("set-cookie").is_none(), "[{e}] no session while locked");
        s.finish().await;
    }
}

// ------------------------------------------------------------------ 4. CSRF and Origin

#[tokio::test]
async fn csrf_and_origin_checks() {
    for s in servers().await {
        let e = s.engine.clone();
        let unit = |code: &str| json!({"name": format!("单位{code}"), "code": code, "kind": "organ"});
        let before = s.list_total("/api/v1/units").await;
        let audit_before = s.audit_count().await;

        let no_token = s.send(s.client.post(s.url("/api/v1/units")).json(&unit("A1"))).await;
        assert_api_error(&e, "cookie POST without CSRF token", &no_token, 403, None);

        let wrong_token = s
            .send(s.client.post(s.url("/api/v1/units")).header("X-CSRF-Token", "not-the-token").json(&unit("A2")))
            .await;
        assert_api_error(&e, "cookie POST with a wrong token", &wrong_token, 403, None);

        let cross_site = s
            .send(
                s.client
                    .post(s.url("/api/v1/units"))
                    .header("X-CSRF-Token", &s.csrf)
                    .header("Origin", "http://evil.example")
                    .json(&unit("A3")),
            )
            .await;
        assert_api_error(&e, "cross-site POST with the token", &cross_site, 403, None);

        let evil_referer = s
            .send(
                s.client
                    .post(s.url("/api/v1/units"))
                    .header("X-CSRF-Token", &s.csrf)
                    .header("Referer", "http://evil.example/page")
                    .json(&unit("A4")),
            )
            .await;
        assert_api_error(&e, "POST with a foreign Referer", &evil_referer, 403, None);

        assert_eq!(s.list_total("/api/v1/units").await, before, "[{e}] nothing written");
        assert_eq!(s.audit_count().await, audit_before, "[{e}] no audit record");

        // a bearer token needs no CSRF token
        let r = s.send(s.bearer.post(s.url("/api/v1/units")).json(&unit("B1"))).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] bearer POST: {}", r.text());

        // and the cookie with the right token and a same-site Origin works
        let same_origin = s
            .send(
                s.client
                    .post(s.url("/api/v1/units"))
                    .header("X-CSRF-Token", &s.csrf)
                    .header("Origin", s.base.clone())
                    .json(&unit("C1")),
            )
            .await;
        assert_eq!(same_origin.status, StatusCode::CREATED, "[{e}] cookie POST with token: {}", same_origin.text());
        assert_eq!(s.list_total("/api/v1/units").await, before + 2, "[{e}] two units");

        // an invalid bearer token is refused, not treated as anonymous
        let bad =
            s.send(plain_client().get(s.url("/api/v1/units")).header("Authorization", "Bearer qf_not-a-token")).await;
        assert_api_error(&e, "unknown bearer token", &bad, 401, None);
        s.finish().await;
    }
}

// ------------------------------------------------------------------ 5. units API

/// (id, parent_id, path) of every unit, by id.
async fn tree(s: &Server) -> Vec<(i64, Option<i64>, String)> {
    let r = s.get("/api/v1/units?per_page=200").await;
    assert_eq!(r.status, StatusCode::OK, "[{}] unit list", s.engine);
    let mut out: Vec<_> = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (u["id"].as_i64().unwrap(), u["parent_id"].as_i64(), u["path"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn units_api() {
    for s in servers().await {
        let e = s.engine.clone();
        let create = |body: Value| {
            let s = &s;
            async move { s.post_json("/api/v1/units", &body).await }
        };
        let root = create(json!({"name": "县委办公室", "code": "XWB", "kind": "organ"})).await;
        assert_eq!(root.status, StatusCode::CREATED, "[{e}] root: {}", root.text());
        let root = root.json();
        let root_id = root["id"].as_i64().unwrap();
        assert_eq!(root["parent_id"], Value::Null, "[{e}]");
        assert_eq!(root["kind"], "organ", "[{e}]");

        let mut ids = std::collections::HashMap::new();
        let longest = "长".repeat(50);
        for (code, name, parent) in
            [("A", "综合科", root_id), ("B", "督查室", root_id), ("MAX", longest.as_str(), root_id)]
        {
            let r = create(json!({"name": name, "code": code, "kind": "内设机构", "parent_id": parent})).await;
            assert_eq!(r.status, StatusCode::CREATED, "[{e}] {code}: {}", r.text());
            let v = r.json();
            assert_eq!(v["kind"], "department", "[{e}] kind label stored as key");
            assert_eq!(v["parent_id"], parent, "[{e}]");
            ids.insert(code, v["id"].as_i64().unwrap());
        }
        let c = create(
            json!({"name": "信息组", "code": "C", "kind": "department", "parent_id": ids["A"], "sort_order": 3}),
        )
        .await;
        assert_eq!(c.status, StatusCode::CREATED, "[{e}] C: {}", c.text());
        ids.insert("C", c.json()["id"].as_i64().unwrap());

        // the list envelope
        let list = s.get("/api/v1/units?per_page=2&page=2").await;
        assert_eq!(list.status, StatusCode::OK, "[{e}]");
        let list = list.json();
        assert_eq!(list["total"], 5, "[{e}] {list}");
        assert_eq!(list["page"], 2, "[{e}]");
        assert_eq!(list["per_page"], 2, "[{e}]");
        assert_eq!(list["items"].as_array().unwrap().len(), 2, "[{e}]");
        let found = s.get("/api/v1/units?q=督查").await.json();
        assert_eq!(found["total"], 1, "[{e}] search by name: {found}");
        assert_eq!(found["items"][0]["code"], "B", "[{e}]");

        // GET one
        let one = s.get(&format!("/api/v1/units/{}", ids["C"])).await;
        assert_eq!(one.status, StatusCode::OK, "[{e}]");
        assert_eq!(one.json()["sort_order"], 3, "[{e}]");
        let missing = s.get("/api/v1/units/999999").await;
        assert_api_error(&e, "unknown unit", &missing, 404, None);

        // move B under A: B's path follows
        let moved = s.patch_json(&format!("/api/v1/units/{}", ids["B"]), &json!({"parent_id": ids["A"]})).await;
        assert_eq!(moved.status, StatusCode::OK, "[{e}] move: {}", moved.text());
        let moved = moved.json();
        assert_eq!(moved["parent_id"], ids["A"], "[{e}]");
        assert_eq!(moved["name"], "督查室", "[{e}] a move keeps the other fields");
        let a_path = s.get(&format!("/api/v1/units/{}", ids["A"])).await.json()["path"].as_str().unwrap().to_string();
        assert!(
            moved["path"].as_str().unwrap().starts_with(&a_path),
            "[{e}] moved path {} under {a_path}",
            moved["path"]
        );

        // now every invalid write: the right status and field, a Chinese message, no write
        let tree_before = tree(&s).await;
        let audit_before = s.audit_count().await;
        let a = ids["A"];
        let cases: Vec<(&str, Method, String, Value, u16, &str)> = vec![
            (
                "move under own descendant",
                Method::PATCH,
                format!("/api/v1/units/{a}"),
                json!({"parent_id": ids["C"]}),
                422,
                "parent_id",
            ),
            (
                "move under itself",
                Method::PATCH,
                format!("/api/v1/units/{a}"),
                json!({"parent_id": a}),
                422,
                "parent_id",
            ),
            (
                "move root under descendant",
                Method::PATCH,
                format!("/api/v1/units/{root_id}"),
                json!({"parent_id": ids["B"]}),
                422,
                "parent_id",
            ),
            (
                "duplicate code",
                Method::POST,
                "/api/v1/units".into(),
                json!({"name": "重复", "code": "A", "kind": "department", "parent_id": root_id}),
                422,
                "code",
            ),
            (
                "duplicate code by PATCH",
                Method::PATCH,
                format!("/api/v1/units/{}", ids["B"]),
                json!({"code": "A"}),
                422,
                "code",
            ),
            (
                "unknown parent",
                Method::POST,
                "/api/v1/units".into(),
                json!({"name": "孤儿", "code": "ORPHAN", "kind": "department", "parent_id": 999999}),
                422,
                "parent_id",
            ),
            (
                "move under unknown parent",
                Method::PATCH,
                format!("/api/v1/units/{a}"),
                json!({"parent_id": 999999}),
                422,
                "parent_id",
            ),
            (
                "name of 51 chars",
                Method::POST,
                "/api/v1/units".into(),
                json!({"name": "长".repeat(51), "code": "LONG", "kind": "department", "parent_id": root_id}),
                422,
                "name",
            ),
            (
                "empty name",
                Method::POST,
                "/api/v1/units".into(),
                json!({"name": "　 ", "code": "EMPTY", "kind": "department", "parent_id": root_id}),
                422,
                "name",
            ),
            (
                "bad kind",
                Method::POST,
                "/api/v1/units".into(),
                json!({"name": "某单位", "code": "KIND", "kind": "company", "parent_id": root_id}),
                422,
                "kind",
            ),
            (
                "bad code characters",
                Method::POST,
                "/api/v1/units".into(),
                json!({"name": "某单位", "code": "代码 1", "kind": "department", "parent_id": root_id}),
                422,
                "code",
            ),
            (
                "sort_order as text",
                Method::POST,
                "/api/v1/units".into(),
                json!({"name": "某单位", "code": "SORT", "kind": "department", "sort_order": "abc"}),
                400,
                "sort_order",
            ),
            (
                "sort_order as text by PATCH",
                Method::PATCH,
                format!("/api/v1/units/{a}"),
                json!({"sort_order": "abc"}),
                400,
                "sort_order",
            ),
            (
                "unknown field",
                Method::POST,
                "/api/v1/units".into(),
                json!({"name": "某单位", "code": "UNK", "kind": "department", "colour": "red"}),
                400,
                "colour",
            ),
            (
                "unknown field by PATCH",
                Method::PATCH,
                format!("/api/v1/units/{a}"),
                json!({"colour": "red"}),
                400,
                "colour",
            ),
        ];
        for (what, method, path, body, status, field) in cases {
            let r = s.write_json(method, &path, &body).await;
            assert_api_error(&e, what, &r, status, Some(field));
        }
        for (what, method, path) in [
            ("malformed JSON", Method::POST, "/api/v1/units".to_string()),
            ("malformed JSON by PATCH", Method::PATCH, format!("/api/v1/units/{a}")),
        ] {
            let r = s.write_raw(method, &path, "application/json", r#"{"name": "综合科", "code": "#).await;
            assert_api_error(&e, what, &r, 400, None);
        }
        let not_object = s.patch_json(&format!("/api/v1/units/{a}"), &json!(["parent_id"])).await;
        assert_api_error(&e, "PATCH body not an object", &not_object, 400, None);
        let bad_query = s.get("/api/v1/units?page=abc").await;
        assert_api_error(&e, "page=abc", &bad_query, 400, Some("page"));

        assert_eq!(tree(&s).await, tree_before, "[{e}] the tree is unchanged");
        assert_eq!(s.audit_count().await, audit_before, "[{e}] no write was audited");
        s.finish().await;
    }
}

// ------------------------------------------------------------------ 6. people API

fn names(v: &Value) -> Vec<String> {
    v["items"].as_array().expect("items").iter().map(|p| p["name"].as_str().unwrap().to_string()).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn people_api() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;

        // labels and keys are both accepted and stored as keys
        let wang = s.get(&format!("/api/v1/people/{}", org.person("王芳"))).await;
        assert_eq!(wang.status, StatusCode::OK, "[{e}]");
        let wang = wang.json();
        assert_eq!(wang["gender"], "female", "[{e}] {wang}");
        assert_eq!(wang["rank"], "township", "[{e}]");
        assert_eq!(wang["political_status"], "party_member", "[{e}]");
        assert_eq!(wang["roles"], json!(["cadre"]), "[{e}]");
        assert_eq!(wang["birth_date"], "1985-03-01", "[{e}]");
        assert_eq!(wang["unit_name"], "综合科", "[{e}]");
        assert_eq!(wang["status"], "active", "[{e}] default status");
        assert!(wang["transfers"].is_array(), "[{e}] transfers in detail");
        assert_eq!(wang["transfers"].as_array().unwrap().len(), 1, "[{e}] the first placement");
        assert_eq!(wang["in_charge_of"], json!([]), "[{e}]");
        let li = s.get(&format!("/api/v1/people/{}", org.person("李明"))).await.json();
        assert_eq!(li["in_charge_of"], json!([org.unit("ZHK")]), "[{e}] 分管");

        // derived supervision flag
        assert_eq!(wang["in_supervision_scope"], true, "[{e}] 乡科级 party member");
        assert_eq!(li["in_supervision_scope"], false, "[{e}] 县处级 is supervised higher up");
        let zhou = s.get(&format!("/api/v1/people/{}", org.person("周伟"))).await.json();
        assert_eq!(zhou["supervision_override"], true, "[{e}]");
        assert_eq!(zhou["in_supervision_scope"], true, "[{e}] hand override");
        let new_leader = s
            .post_json(
                "/api/v1/people",
                &json!({"name": "孙县长", "gender": "男", "unit_id": org.unit("XWB"), "rank": "县处级",
                        "political_status": "中共党员", "roles": ["班子成员"]}),
            )
            .await;
        assert_eq!(new_leader.status, StatusCode::CREATED, "[{e}] {}", new_leader.text());
        assert_eq!(new_leader.json()["in_supervision_scope"], false, "[{e}] 县处级");
        let township = s
            .post_json(
                "/api/v1/people",
                &json!({"name": "钱科长", "gender": "女", "unit_id": org.unit("DCS"), "rank": "township",
                        "political_status": "party_member", "exercises_public_power": false}),
            )
            .await;
        assert_eq!(township.status, StatusCode::CREATED, "[{e}] {}", township.text());
        assert_eq!(township.json()["in_supervision_scope"], true, "[{e}] 乡科级党员");
        let total = 7;

        // search by name and by unit name
        let by_name = s.get("/api/v1/people?q=王芳").await.json();
        assert_eq!(names(&by_name), vec!["王芳"], "[{e}] q by name");
        let by_unit = s.get(&format!("/api/v1/people?q={}", "督查室")).await.json();
        assert_eq!(sorted(names(&by_unit)), sorted(vec!["赵强".into(), "钱科长".into()]), "[{e}] q by unit name");
        let by_title = s.get("/api/v1/people?q=主任").await.json();
        assert_eq!(names(&by_title), vec!["李明"], "[{e}] q by title");
        let wildcard = s.get("/api/v1/people?q=%25").await.json();
        assert_eq!(wildcard["total"], 0, "[{e}] % is literal");

        // paging
        let all = s.get("/api/v1/people?per_page=200").await.json();
        assert_eq!(all["total"], total, "[{e}]");
        let all_names = names(&all);
        let page2 = s.get("/api/v1/people?per_page=2&page=2").await.json();
        assert_eq!(page2["total"], total, "[{e}]");
        assert_eq!(page2["page"], 2, "[{e}]");
        assert_eq!(page2["per_page"], 2, "[{e}]");
        assert_eq!(names(&page2), all_names[2..4].to_vec(), "[{e}] page 2 is items 3 and 4");
        let last = s.get("/api/v1/people?per_page=2&page=4").await.json();
        assert_eq!(names(&last), all_names[6..].to_vec(), "[{e}] last page");
        let beyond = s.get("/api/v1/people?per_page=2&page=99").await.json();
        assert_eq!(names(&beyond), Vec::<String>::new(), "[{e}] beyond the end");
        let huge = s.get("/api/v1/people?per_page=100000").await;
        assert_eq!(huge.status, StatusCode::OK, "[{e}]");
        assert!(huge.json()["per_page"].as_i64().unwrap() <= 200, "[{e}] per_page is capped");

        // unit filter with and without the units below
        let zhk = org.unit("ZHK");
        let sub = s.get(&format!("/api/v1/people?unit={zhk}&include_sub=true")).await.json();
        assert_eq!(sorted(names(&sub)), sorted(vec!["王芳".into(), "周伟".into()]), "[{e}] 综合科 and below");
        let only = s.get(&format!("/api/v1/people?unit={zhk}&include_sub=false")).await.json();
        assert_eq!(names(&only), vec!["王芳"], "[{e}] 综合科 only");
        let whole = s.get(&format!("/api/v1/people?unit={}&include_sub=true", org.unit("XWB"))).await.json();
        assert_eq!(whole["total"], total, "[{e}] the root's subtree is everyone");
        let bad_bool = s.get("/api/v1/people?include_sub=maybe").await;
        assert_api_error(&e, "include_sub=maybe", &bad_bool, 400, Some("include_sub"));

        // PATCH changing the unit adds a transfer
        let wang_id = org.person("王芳");
        let r = s.patch_json(&format!("/api/v1/people/{wang_id}"), &json!({"unit_id": org.unit("DCS")})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] transfer: {}", r.text());
        assert_eq!(r.json()["unit_name"], "督查室", "[{e}]");
        let detail = s.get(&format!("/api/v1/people/{wang_id}")).await.json();
        let transfers = detail["transfers"].as_array().unwrap();
        assert_eq!(transfers.len(), 2, "[{e}] {detail}");
        assert_eq!(transfers[1]["from_unit_id"], org.unit("ZHK"), "[{e}]");
        assert_eq!(transfers[1]["to_unit_id"], org.unit("DCS"), "[{e}]");
        assert_eq!(detail["birth_date"], "1985-03-01", "[{e}] PATCH keeps other fields");
        // a PATCH that changes nothing about the unit, status or post adds no transfer
        let r = s.patch_json(&format!("/api/v1/people/{wang_id}"), &json!({"birth_date": "1985-03-02"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let detail = s.get(&format!("/api/v1/people/{wang_id}")).await.json();
        assert_eq!(detail["transfers"].as_array().unwrap().len(), 2, "[{e}]");
        // a new post (职务) is kept in the history (a 任前廉政谈话 becomes due)
        let r = s.patch_json(&format!("/api/v1/people/{wang_id}"), &json!({"title": "副科长"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let detail = s.get(&format!("/api/v1/people/{wang_id}")).await.json();
        let transfers = detail["transfers"].as_array().unwrap();
        assert_eq!(transfers.len(), 3, "[{e}] {detail}");
        assert_eq!(
            (transfers[2]["from_title"].as_str(), transfers[2]["to_title"].as_str()),
            (Some("科长"), Some("副科长"))
        );
        assert_eq!(detail["title"], "副科长", "[{e}]");

        // invalid writes
        let people_before = s.count("people").await;
        let audit_before = s.audit_count().await;
        let transfers_before = s.count("person_transfers").await;
        let li_id = org.person("李明");
        let base = |extra: Value| {
            let mut v = json!({"name": "测试", "gender": "男", "unit_id": org.unit("XWB"), "rank": "township",
                               "political_status": "中共党员"});
            for (k, val) in extra.as_object().unwrap() {
                v[k] = val.clone();
            }
            v
        };
        let cases: Vec<(&str, Method, String, Value, u16, &str)> = vec![
            ("unknown unit", Method::POST, "/api/v1/people".into(), base(json!({"unit_id": 999999})), 422, "unit_id"),
            (
                "move to unknown unit",
                Method::PATCH,
                format!("/api/v1/people/{wang_id}"),
                json!({"unit_id": 999999}),
                422,
                "unit_id",
            ),
            ("no unit", Method::POST, "/api/v1/people".into(), base(json!({"unit_id": null})), 422, "unit_id"),
            (
                "in charge as cadre",
                Method::POST,
                "/api/v1/people".into(),
                base(json!({"roles": ["cadre"], "in_charge_of": [org.unit("DCS")]})),
                422,
                "in_charge_of",
            ),
            (
                "in charge as cadre by PATCH",
                Method::PATCH,
                format!("/api/v1/people/{wang_id}"),
                json!({"in_charge_of": [org.unit("DCS")]}),
                422,
                "in_charge_of",
            ),
            (
                "in charge of unknown unit",
                Method::PATCH,
                format!("/api/v1/people/{li_id}"),
                json!({"in_charge_of": [999999]}),
                422,
                "in_charge_of",
            ),
            (
                "override without reason",
                Method::POST,
                "/api/v1/people".into(),
                base(json!({"supervision_override": false})),
                422,
                "supervision_override_reason",
            ),
            (
                "override with blank reason",
                Method::PATCH,
                format!("/api/v1/people/{wang_id}"),
                json!({"supervision_override": false, "supervision_override_reason": "　"}),
                422,
                "supervision_override_reason",
            ),
            ("empty name", Method::POST, "/api/v1/people".into(), base(json!({"name": " "})), 422, "name"),
            (
                "name of 31 chars",
                Method::POST,
                "/api/v1/people".into(),
                base(json!({"name": "名".repeat(31)})),
                422,
                "name",
            ),
            ("bad gender", Method::POST, "/api/v1/people".into(), base(json!({"gender": "未知"})), 422, "gender"),
            ("bad rank", Method::POST, "/api/v1/people".into(), base(json!({"rank": "处级"})), 422, "rank"),
            ("bad role", Method::POST, "/api/v1/people".into(), base(json!({"roles": ["班长"]})), 422, "roles"),
            (
                "bad date",
                Method::POST,
                "/api/v1/people".into(),
                base(json!({"birth_date": "1980-02-30"})),
                422,
                "birth_date",
            ),
            (
                "future date",
                Method::POST,
                "/api/v1/people".into(),
                base(json!({"birth_date": "2999-01-01"})),
                422,
                "birth_date",
            ),
            (
                "party date for 群众",
                Method::POST,
                "/api/v1/people".into(),
                base(json!({"political_status": "群众", "party_join_date": "2000-01-01"})),
                422,
                "party_join_date",
            ),
            (
                "unit_id as text",
                Method::POST,
                "/api/v1/people".into(),
                base(json!({"unit_id": "综合科"})),
                400,
                "unit_id",
            ),
            ("roles as text", Method::POST, "/api/v1/people".into(), base(json!({"roles": "cadre"})), 400, "roles"),
            ("unknown field", Method::POST, "/api/v1/people".into(), base(json!({"salary": 1})), 400, "salary"),
            (
                "unknown field by PATCH",
                Method::PATCH,
                format!("/api/v1/people/{wang_id}"),
                json!({"salary": 1}),
                400,
                "salary",
            ),
        ];
        for (what, method, path, body, status, field) in cases {
            let r = s.write_json(method, &path, &body).await;
            assert_api_error(&e, what, &r, status, Some(field));
        }
        let malformed = s.write_raw(Method::POST, "/api/v1/people", "application/json", "{\"name\": ").await;
        assert_api_error(&e, "malformed JSON", &malformed, 400, None);
        let missing = s.patch_json("/api/v1/people/999999", &json!({"title": "x"})).await;
        assert_api_error(&e, "PATCH unknown person", &missing, 404, None);

        assert_eq!(s.count("people").await, people_before, "[{e}] no person written");
        assert_eq!(s.count("person_transfers").await, transfers_before, "[{e}] no transfer written");
        assert_eq!(s.audit_count().await, audit_before, "[{e}] nothing audited");
        let still = s.get(&format!("/api/v1/people/{wang_id}")).await.json();
        assert_eq!(still["unit_name"], "督查室", "[{e}] unchanged");
        assert_eq!(still["supervision_override"], Value::Null, "[{e}] unchanged");
        s.finish().await;
    }
}

// ------------------------------------------------------------------ 7. Excel round trip

const XLSX_MAGIC: &[u8] = b"PK\x03\x04";

#[tokio::test]
async fn excel_template_export_and_round_trip() {
    // differences that are checked on every engine before the test fails on them
    let mut defects: Vec<String> = Vec::new();
    for s in servers().await {
        let e = s.engine.clone();
        seed_org(&s).await;

        // the template
        let r = s.get("/api/v1/people/import-template.xlsx").await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] template");
        assert!(r.header("content-type").is_some_and(|c| c.contains("spreadsheetml")), "[{e}] xlsx content type");
        assert!(r.header("content-disposition").is_some_and(|c| c.contains("attachment")), "[{e}] download");
        assert!(r.bytes.starts_with(XLSX_MAGIC), "[{e}] a zip file");
        let template = read_xlsx(&r.bytes);
        assert!(header_row(&template, &["姓名", "所在单位"]).is_some(), "[{e}] template headers: {template:?}");
        let units_template = read_xlsx(&s.download("/api/v1/units/import-template.xlsx").await);
        assert!(header_row(&units_template, &["单位编码", "单位名称"]).is_some(), "[{e}]");

        let people_xlsx = s.download("/api/v1/people/export.xlsx").await;
        let units_xlsx = s.download("/api/v1/units/export.xlsx").await;
        let people_sheet = read_xlsx(&people_xlsx);
        let units_sheet = read_xlsx(&units_xlsx);
        let n_people = s.count("people").await;
        let n_units = s.count("units").await;
        let h = header_row(&people_sheet, &["系统编号", "姓名"]).expect("people header");
        assert_eq!((people_sheet.len() - h - 1) as i64, n_people, "[{e}] one row per person");
        assert!(
            people_sheet.iter().any(|r| r.iter().any(|c| c == "1985-03-01")),
            "[{e}] dates exported as dates: {people_sheet:?}"
        );

        // validate only: the report, and nothing written
        let audit_before = s.audit_count().await;
        let report = s.import("/api/v1/people/import", people_xlsx.clone()).await;
        assert_eq!(report["valid"], n_people, "[{e}] {report}");
        assert_eq!(report["errors"], json!([]), "[{e}] {report}");
        assert_eq!(s.audit_count().await, audit_before, "[{e}] validation writes nothing");
        let report = s.import("/api/v1/units/import", units_xlsx.clone()).await;
        assert_eq!(report["valid"], n_units, "[{e}] {report}");
        assert_eq!(report["errors"], json!([]), "[{e}] {report}");
        assert_eq!(s.audit_count().await, audit_before, "[{e}] validation writes nothing");

        // the same database: re-importing the export changes nothing
        let person_updates = s.audit_count_of("person", "update").await;
        let in_charge_updates = s.audit_count_of("in_charge_of", "update").await;
        let transfers = s.count("person_transfers").await;
        let report = s.import("/api/v1/people/import?commit=true", people_xlsx.clone()).await;
        assert_eq!(report["errors"], json!([]), "[{e}] {report}");
        assert_eq!(report["created"], 0, "[{e}] {report}");
        assert_eq!(report["updated"], n_people, "[{e}] {report}");
        assert_eq!(s.count("people").await, n_people, "[{e}] no new person");
        assert_eq!(s.count("person_transfers").await, transfers, "[{e}] no transfer");
        assert_eq!(s.audit_count_of("person", "update").await, person_updates, "[{e}] no person changed");
        assert_eq!(s.audit_count_of("in_charge_of", "update").await, in_charge_updates, "[{e}] no 分管 changed");
        let unit_updates = s.audit_count_of("unit", "update").await;
        let report = s.import("/api/v1/units/import?commit=true", units_xlsx.clone()).await;
        assert_eq!(report["errors"], json!([]), "[{e}] {report}");
        assert_eq!(s.audit_count_of("unit", "update").await, unit_updates, "[{e}] no unit changed");
        assert_eq!(
            read_xlsx(&s.download("/api/v1/people/export.xlsx").await),
            people_sheet,
            "[{e}] the export after re-import is the same"
        );

        // a fresh database with the same units: import units, then people, then export again
        let s2 = Server::start(fresh_db(s.db.engine()).await).await;
        let report = s2.import("/api/v1/units/import?commit=true", units_xlsx.clone()).await;
        assert_eq!(report["errors"], json!([]), "[{e}] units into a fresh db: {report}");
        assert_eq!(report["created"], n_units, "[{e}] {report}");
        let units_again = read_xlsx(&s2.download("/api/v1/units/export.xlsx").await);
        assert_eq!(units_again, units_sheet, "[{e}] units export → import → export");

        // 系统编号 names records of the other database: as they are, every row is refused (an
        // unknown id is not silently turned into a new person) and nothing is written
        let audit_before = s2.audit_count().await;
        let report = s2.import("/api/v1/people/import?commit=true", people_xlsx.clone()).await;
        assert_eq!(report["valid"], 0, "[{e}] {report}");
        let refused: BTreeSet<String> =
            report["errors"].as_array().unwrap().iter().map(|x| x["column"].as_str().unwrap().to_string()).collect();
        assert_eq!(refused, BTreeSet::from(["系统编号".to_string()]), "[{e}] {report}");
        assert_eq!(report["errors"].as_array().unwrap().len() as i64, n_people, "[{e}] {report}");
        assert_eq!(s2.count("people").await, 0, "[{e}] nothing written");
        assert_eq!(s2.audit_count().await, audit_before, "[{e}] nothing audited");
        // with the 系统编号 column removed, as the message says, the rows are new people
        let report = s2
            .import("/api/v1/people/import?commit=true", write_xlsx(&without_column(&people_sheet, "系统编号")))
            .await;
        assert_eq!(report["errors"], json!([]), "[{e}] people into a fresh db: {report}");
        assert_eq!(report["created"], n_people, "[{e}] {report}");
        let people_again = without_column(&read_xlsx(&s2.download("/api/v1/people/export.xlsx").await), "系统编号");
        let people_before = without_column(&people_sheet, "系统编号");
        let mut rows_again = people_again.clone();
        let mut rows_before = people_before.clone();
        rows_again.sort();
        rows_before.sort();
        assert_eq!(rows_again, rows_before, "[{e}] the same people after export → import → export");
        if people_again != people_before {
            defects.push(format!(
                "[{e}] people export → import → export changes the row order (apart from 系统编号):\n  before: {:?}\n  after:  {:?}",
                people_before.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
                people_again.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
            ));
        }
        s2.finish().await;
        s.finish().await;
    }
    assert!(defects.is_empty(), "{}", defects.join("\n"));
}

// ------------------------------------------------------------------ 8. a real office file

fn office_file() -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("干部名单").unwrap();
    // row 1: a merged title; row 2 blank; row 3 the headers, in another order, with spaces
    sheet.merge_range(0, 0, 0, 6, "县委办公室干部花名册（2026年）", &Format::new().set_bold()).unwrap();
    let headers = ["姓　名", " 所在单位", "性别", "备注", "职级", "政治面貌", "出生日期　"];
    for (c, h) in headers.iter().enumerate() {
        sheet.write(2, c as u16, *h).unwrap();
    }
    sheet.set_column_hidden(3).unwrap(); // 备注
    /// name, unit, gender, note (hidden column), rank, political status, serial date, text date
    type Row<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, &'a str, Option<f64>, &'a str);
    let rows: [Row; 7] = [
        // Excel row 4: spaces around values, full-width digits in the date
        (" 王小明　", "综合科　", "男 ", "内部备注", "乡科级", "中共党员", None, "１９８０-０５-０１"),
        // row 5: the date as an Excel serial number
        ("李小红", "督查室", "女", "", "科级以下", "群众", Some(29_000.0), ""),
        // row 6: 年月日
        ("张大伟", "信息科", "男", "", "职工", "共青团员", None, "1985年3月1日"),
        // row 7: dots
        ("刘晓", "　机关党支部", "女", "", "乡科级　", "中共预备党员", None, "1990.3.1"),
        // row 8: empty
        ("", "", "", "", "", "", None, ""),
        // row 9: unknown unit
        ("赵错误", "不存在科", "男", "", "乡科级", "中共党员", None, "1980-01-01"),
        // row 10: a date that does not exist
        ("钱错误", "综合科", "男", "", "乡科级", "中共党员", None, "1980-13-45"),
    ];
    for (i, (name, unit, gender, note, rank, political, serial, date)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        for (c, v) in [(0u16, name), (1, unit), (2, gender), (3, note), (4, rank), (5, political)] {
            if !v.is_empty() {
                sheet.write(r, c, *v).unwrap();
            }
        }
        match serial {
            Some(n) => {
                sheet.write(r, 6, *n).unwrap();
            }
            None if !date.is_empty() => {
                sheet.write(r, 6, *date).unwrap();
            }
            None => {}
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn import_of_a_real_office_file() {
    // differences that are checked on every engine before the test fails on them
    let mut defects: Vec<String> = Vec::new();
    for s in servers().await {
        let e = s.engine.clone();
        seed_org(&s).await;
        let file = office_file();
        let people_before = s.count("people").await;
        let audit_before = s.audit_count().await;

        let report = s.import("/api/v1/people/import", file.clone()).await;
        assert_eq!(report["valid"], 4, "[{e}] {report}");
        let errors: BTreeSet<(i64, String)> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["row"].as_i64().unwrap(), x["column"].as_str().unwrap().to_string()))
            .collect();
        let expected: BTreeSet<(i64, String)> = [(9, "所在单位".to_string()), (10, "出生日期".to_string())].into();
        assert_eq!(errors, expected, "[{e}] errors name Excel rows and columns: {report}");
        if report["errors"].as_array().unwrap().len() != expected.len() {
            defects.push(format!("[{e}] one message per bad cell, not the same problem twice: {report}"));
        }
        for x in report["errors"].as_array().unwrap() {
            assert!(has_cjk(x["message"].as_str().unwrap()), "[{e}] Chinese message: {x}");
        }
        assert_eq!(s.count("people").await, people_before, "[{e}] validation writes nothing");
        assert_eq!(s.audit_count().await, audit_before, "[{e}] validation writes nothing");

        let report = s.import("/api/v1/people/import?commit=true", file).await;
        assert_eq!(report["committed"], true, "[{e}] {report}");
        assert_eq!(report["created"], 4, "[{e}] {report}");
        assert_eq!(s.count("people").await, people_before + 4, "[{e}] exactly the good rows");

        let serial_date = NaiveDate::from_ymd_opt(1899, 12, 30)
            .unwrap()
            .checked_add_days(chrono::Days::new(29_000))
            .unwrap()
            .to_string();
        let expected = [
            ("王小明", "综合科", "male", "township", "party_member", "1980-05-01".to_string()),
            ("李小红", "督查室", "female", "below_section", "masses", serial_date),
            ("张大伟", "信息科", "male", "staff", "league", "1985-03-01".to_string()),
            ("刘晓", "机关党支部", "female", "township", "probationary", "1990-03-01".to_string()),
        ];
        for (name, unit, gender, rank, political, birth) in expected {
            let found = s.get(&format!("/api/v1/people?q={name}")).await.json();
            assert_eq!(found["total"], 1, "[{e}] {name} imported once: {found}");
            let p = &found["items"][0];
            assert_eq!(p["name"], name, "[{e}] name trimmed");
            assert_eq!(p["unit_name"], unit, "[{e}] {name}");
            assert_eq!(p["gender"], gender, "[{e}] {name}");
            assert_eq!(p["rank"], rank, "[{e}] {name}");
            assert_eq!(p["political_status"], political, "[{e}] {name}");
            assert_eq!(p["birth_date"], birth.as_str(), "[{e}] {name} birth date");
        }
        // the imported people's current-year lists exist at once
        let li = s.get("/api/v1/people?q=李小红").await.json()["items"][0]["id"].as_i64().unwrap();
        let year = qingfeng_store::fulfilment::this_year();
        let items = s.get(&format!("/api/v1/responsibility-items?year={year}&person={li}")).await.json();
        let codes: Vec<&str> = items["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&"DUTY-CADRE-1"), "[{e}] 李小红's list after the import: {items}");
        for bad in ["赵错误", "钱错误"] {
            let found = s.get(&format!("/api/v1/people?q={bad}")).await.json();
            assert_eq!(found["total"], 0, "[{e}] {bad} not written");
        }

        // not an Excel file, and a sheet without the required columns: 400 naming the file
        let r = s.upload("/api/v1/people/import", b"name,unit\n".to_vec()).await;
        assert_api_error(&e, "CSV uploaded as Excel", &r, 400, Some("file"));
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write(0, 0, "姓名").unwrap();
        let r = s.upload("/api/v1/people/import", wb.save_to_buffer().unwrap()).await;
        let err = assert_api_error(&e, "missing columns", &r, 400, Some("file"));
        assert!(err["message"].as_str().unwrap().contains("性别"), "[{e}] names the missing column: {err}");
        s.finish().await;
    }
    assert!(defects.is_empty(), "{}", defects.join("\n"));
}

// ------------------------------------------------------------------ 9. pages

fn tag_attrs<'a>(html: &'a str, tag: &str, attr: &str) -> Vec<Option<&'a str>> {
    let open = format!("<{tag}");
    let needle = format!("{attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let end = after.find('>').unwrap_or(after.len());
        let inside = &after[..end];
        // `<linkfoo` or `<scripts` are other tags
        if inside.starts_with(|c: char| c.is_whitespace() || c == '>') || inside.is_empty() {
            out.push(inside.find(&needle).map(|j| {
                let v = &inside[j + needle.len()..];
                &v[..v.find('"').unwrap_or(v.len())]
            }));
        }
        rest = &after[end..];
    }
    out
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

#[tokio::test]
async fn pages() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;

        let login = s.send(s.anon.get(s.url("/login"))).await;
        assert_eq!(login.status, StatusCode::OK, "[{e}] login page");
        assert!(login.text().contains("登录"), "[{e}] login page text");
        let signed_in_login = s.get("/login").await;
        assert!(signed_in_login.status.is_redirection(), "[{e}] a signed-in user is sent on from /login");

        let page = s.get("/org").await;
        assert_eq!(page.status, StatusCode::OK, "[{e}] /org: {}", page.text());
        let html = page.text();
        for (_, name, _, _, _) in support::UNITS {
            assert!(html.contains(name), "[{e}] /org shows unit {name}");
        }
        for name in ["李明", "王芳", "赵强", "陈静", "周伟"] {
            assert!(html.contains(name), "[{e}] /org shows person {name}");
        }
        let scripts = tag_attrs(&html, "script", "src");
        assert!(!scripts.is_empty(), "[{e}] the page loads scripts");
        for src in scripts {
            let src = src.unwrap_or_else(|| panic!("[{e}] inline <script> would break the CSP"));
            assert!(src.starts_with("/assets/"), "[{e}] local script: {src}");
            let r = s.send(s.anon.get(s.url(src))).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] {src} is served");
        }
        let links = tag_attrs(&html, "link", "href");
        assert!(!links.is_empty(), "[{e}] the page loads a stylesheet");
        for href in links {
            let href = href.unwrap_or_else(|| panic!("[{e}] <link> without href"));
            if href.starts_with("data:") {
                continue; // an inline empty favicon: nothing is fetched
            }
            assert!(href.starts_with("/assets/"), "[{e}] local link: {href}");
            let r = s.send(s.anon.get(s.url(href))).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] {href} is served");
        }
        assert!(!html.contains("<style"), "[{e}] no inline <style>");
        assert!(!html.contains(" style=\""), "[{e}] no inline style attribute");

        // security headers
        let csp = page.header("content-security-policy").expect("CSP header");
        assert!(!csp.contains("unsafe-inline"), "[{e}] CSP: {csp}");
        assert!(!csp.contains("unsafe-eval"), "[{e}] CSP: {csp}");
        assert!(csp.contains("default-src 'self'"), "[{e}] CSP: {csp}");
        assert!(page.header("x-frame-options").is_some() || csp.contains("frame-ancestors"), "[{e}] framing denied");
        assert_eq!(page.header("x-content-type-options").as_deref(), Some("nosniff"), "[{e}]");
        assert!(page.header("referrer-policy").is_some(), "[{e}] Referrer-Policy");

        // the htmx partial
        let part = s.get("/org/people?q=王芳").await;
        assert_eq!(part.status, StatusCode::OK, "[{e}] partial");
        let part = part.text();
        assert!(part.contains("<table"), "[{e}] partial is the table");
        assert!(!part.contains("<html"), "[{e}] partial is not a full page");
        assert!(part.contains("王芳") && !part.contains("赵强"), "[{e}] partial filtered: {part}");
        let by_unit = s.get(&format!("/org?unit={}", org.unit("DCS"))).await.text();
        assert!(by_unit.contains("赵强") && !by_unit.contains("王芳</a>"), "[{e}] unit filter on the page");

        // a person form: invalid, valid, without the CSRF token
        let people_before = s.count("people").await;
        let unit = org.unit("ZHK").to_string();
        let fields = |name: &'static str, csrf: Option<&str>| {
            let mut v = vec![
                ("name", name.to_string()),
                ("gender", "male".to_string()),
                ("unit_id", unit.clone()),
                ("rank", "township".to_string()),
                ("political_status", "party_member".to_string()),
                ("roles", "cadre".to_string()),
                ("status", "active".to_string()),
                ("birth_date", "1988-08-08".to_string()),
                ("exercises_public_power", "true".to_string()),
            ];
            if let Some(c) = csrf {
                v.push(("csrf_token", c.to_string()));
            }
            let pairs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form(&pairs)
        };
        let post_form = |body: String| {
            s.client
                .post(s.url("/org/people/new"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body)
        };
        let invalid = s.send(post_form(fields("", Some(&s.csrf)))).await;
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] empty name");
        let text = invalid.text();
        assert!(text.contains("姓名不能为空"), "[{e}] the form says what is wrong");
        assert!(text.contains("1988-08-08"), "[{e}] the form keeps what was typed");
        assert_eq!(s.count("people").await, people_before, "[{e}] nothing written");

        let no_csrf = s.send(post_form(fields("孙表单", None))).await;
        assert_eq!(no_csrf.status, StatusCode::FORBIDDEN, "[{e}] form without csrf_token");
        let wrong_csrf = s.send(post_form(fields("孙表单", Some("wrong")))).await;
        assert_eq!(wrong_csrf.status, StatusCode::FORBIDDEN, "[{e}] form with a wrong csrf_token");
        assert_eq!(s.count("people").await, people_before, "[{e}] nothing written");

        let ok = s.send(post_form(fields("孙表单", Some(&s.csrf)))).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{e}] valid form: {}", ok.text());
        let location = ok.header("location").expect("Location");
        let id: i64 = location
            .strip_prefix("/org/people/")
            .and_then(|x| x.parse().ok())
            .unwrap_or_else(|| panic!("[{e}] redirect to the person: {location}"));
        let detail = s.get(&format!("/api/v1/people/{id}")).await.json();
        assert_eq!(detail["name"], "孙表单", "[{e}]");
        assert_eq!(detail["birth_date"], "1988-08-08", "[{e}]");
        assert_eq!(detail["unit_id"], org.unit("ZHK"), "[{e}]");
        let shown = s.get(&location).await;
        assert_eq!(shown.status, StatusCode::OK, "[{e}] detail page");
        assert!(shown.text().contains("孙表单"), "[{e}] detail page");

        // logout through the page form ends the session
        let cookie_client_logout = s
            .send(
                s.client
                    .post(s.url("/logout"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(form(&[("csrf_token", s.csrf.as_str())])),
            )
            .await;
        assert_eq!(cookie_client_logout.status, StatusCode::SEE_OTHER, "[{e}] logout");
        let after = s.get("/org").await;
        assert!(after.status.is_redirection(), "[{e}] signed out");
        s.finish().await;
    }
}
