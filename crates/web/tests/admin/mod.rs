//! 系统管理 in the interface: 用户管理 (create, disable, reset, link, roles; bulk creation with
//! first passwords that must be changed), 角色管理 (never wider than the grantor), 参数设置
//! (validated, secrets write-only, audited), through the pages' form posts and the API.

use qingfeng_store::args;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_api_error, login, read_xlsx, seed_org, servers, sign_in, user, Resp, Server, CHANGED};

/// A form post as the admin's browser sends it.
async fn admin_form(s: &Server, path: &str, fields: &[(&str, &str)]) -> Resp {
    let mut all: Vec<(&str, &str)> = vec![("csrf_token", s.csrf.as_str())];
    all.extend_from_slice(fields);
    s.send(s.client.post(s.url(path)).form(&all)).await
}

fn account_id_from(r: &Resp) -> i64 {
    let loc = r.header("location").unwrap_or_else(|| panic!("a redirect: {} {}", r.status, r.text()));
    loc.trim_start_matches("/system/users/").split('?').next().unwrap().parse().expect("account id")
}

/// The text of the first `<strong class="mono">` (a password shown once).
fn shown_password(html: &str) -> String {
    let start = html.find("<strong class=\"mono\">").expect("a password on the page") + "<strong class=\"mono\">".len();
    html[start..start + html[start..].find('<').unwrap()].to_string()
}

async fn last_audit(s: &Server, entity: &str, entity_id: &str) -> Value {
    let (diff,): (String,) =
        s.db.fetch_one(
            "SELECT diff FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC LIMIT 1",
            args![entity, entity_id],
        )
        .await
        .expect("an audit record");
    serde_json::from_str(&diff).unwrap()
}

#[tokio::test]
async fn users_created_disabled_reset_and_given_roles_on_the_pages() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let wang = org.person("王芳").to_string();

        let page = s.get("/system/users/new").await;
        assert_eq!(page.status, StatusCode::OK, "[{e}] new account page");
        assert!(page.text().contains("王芳（综合科）"), "[{e}] people without an account are offered");

        let bad = admin_form(
            &s,
            "/system/users/new",
            &[("username", "王 芳"), ("password", "x"), ("person_id", &wang), ("roles", "member")],
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] bad username");
        assert!(bad.text().contains("用户名应为"), "[{e}] names the field");

        let ok = admin_form(
            &s,
            "/system/users/new",
            &[("username", "wangfang"), ("password", "Init#2026ab"), ("person_id", &wang), ("roles", "member")],
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{e}] created: {}", ok.text());
        let id = account_id_from(&ok);
        let a = s.get(&format!("/api/v1/accounts/{id}")).await.json();
        assert_eq!(a["person_id"].to_string(), wang, "[{e}] linked to 王芳");
        assert_eq!(a["roles"], json!(["member"]), "[{e}]");
        assert_eq!(a["must_change_password"], true, "[{e}]");

        // the list and its filters
        let list = s.get("/system/users?q=王芳").await.text();
        let admin_link = format!("href=\"/system/users/{}\"", s.admin_id);
        assert!(list.contains("wangfang") && !list.contains(&admin_link), "[{e}] filtered by name");
        let list = s.get("/system/users?role=member&status=enabled").await.text();
        assert!(list.contains("wangfang"), "[{e}] by role and status");
        let list = s.get(&format!("/system/users?unit={}", org.unit("DCS"))).await.text();
        assert!(!list.contains("wangfang"), "[{e}] by unit: 王芳 is not in 督查室");

        // roles and person through the account page's form
        let r = admin_form(
            &s,
            &format!("/system/users/{id}"),
            &[("person_id", &wang), ("roles", "branch_secretary"), ("roles", "member")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] roles saved: {}", r.text());
        let a = s.get(&format!("/api/v1/accounts/{id}")).await.json();
        assert_eq!(a["roles"], json!(["branch_secretary", "member"]), "[{e}]");

        // disable: no sign-in; enable again
        let r = admin_form(&s, &format!("/system/users/{id}/disabled"), &[("disabled", "true")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] disabled");
        assert_eq!(s.get(&format!("/api/v1/accounts/{id}")).await.json()["disabled"], true);
        let (_, refused) = login(&s, "wangfang", "Init#2026ab").await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "[{e}] a disabled account cannot sign in");
        assert!(s.get("/system/users?status=disabled").await.text().contains("wangfang"), "[{e}] 停用 filter");
        let r = admin_form(&s, &format!("/system/users/{id}/disabled"), &[("disabled", "false")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] enabled");

        // reset: a random password shown once; it must be changed before anything else
        let r = admin_form(&s, &format!("/system/users/{id}/reset-password"), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] reset: {}", r.text());
        let pw = shown_password(&r.text());
        assert!(pw.len() >= 12, "[{e}] a strong password: {pw}");
        let u = sign_in(&s, "wangfang", &pw).await;
        let blocked = u.get(&s, "/api/v1/units").await;
        let err = assert_api_error(&e, "before the change", &blocked, 403, None);
        assert_eq!(err["code"], "password_change_required", "[{e}] a clear code");
        let page = u.get(&s, "/org").await;
        assert_eq!(page.header("location").as_deref(), Some("/account/password"), "[{e}] pages lead to the change");
        let r = u
            .send(&s, Method::PUT, "/api/v1/me/password", Some(&json!({"old_password": pw, "new_password": CHANGED})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] changed");
        assert_eq!(u.get(&s, "/api/v1/units").await.status, StatusCode::OK, "[{e}] then everything opens");
        s.finish().await;
    }
}

#[tokio::test]
async fn an_operator_grants_only_what_they_hold() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let r = s
            .post_json(
                "/api/v1/roles",
                &json!({"key": "op_unit", "name": "科室管理员", "scope": "own_unit_and_below",
                        "permissions": ["unit:read", "person:read", "account:read", "account:write", "role:read", "role:write"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] operator role: {}", r.text());
        let op = user(&s, "op1", Some(org.person("王芳")), &["op_unit", "member"]).await;

        // the form offers only roles the operator may give
        let page = op.get(&s, "/system/users/new").await.text();
        assert!(
            page.contains("一般干部") && !page.contains("系统管理员") && !page.contains("纪检监察组"),
            "[{e}] {page}"
        );
        assert!(!page.contains("李明"), "[{e}] only people in the operator's scope");
        let zhou = org.person("周伟").to_string();
        let r = op
            .form(
                &s,
                "/system/users/new",
                &[("username", "zhouwei"), ("password", "Init#2026ab"), ("person_id", &zhou), ("roles", "supervisor")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] granting 纪检监察组 refused");
        assert!(r.text().contains("不能授予超出自己权限的角色"), "[{e}] says why");
        let r = op
            .form(
                &s,
                "/system/users/new",
                &[("username", "zhouwei"), ("password", "Init#2026ab"), ("person_id", &zhou), ("roles", "member")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] 一般干部 for 周伟 in 信息科: {}", r.text());

        // a role wider than the operator's: refused on the page and by the API
        let r = op
            .form(
                &s,
                "/system/roles",
                &[("key", "wide"), ("name", "全局"), ("scope", "all"), ("permissions", "unit:read")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] 全部 refused");
        assert!(r.text().contains("不能定义超出自己数据范围的角色"), "[{e}] {}", r.text());
        let r = op
            .form(
                &s,
                "/system/roles",
                &[("key", "perm"), ("name", "权限"), ("scope", "own_unit"), ("permissions", "finding:sign_off")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] a permission not held");
        let dcs = org.unit("DCS").to_string();
        let r = op
            .form(
                &s,
                "/system/roles",
                &[("key", "c1"), ("name", "督查"), ("scope", "custom"), ("units", &dcs), ("permissions", "unit:read")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] a unit outside the scope");
        let r = op
            .post(&s, "/api/v1/roles", &json!({"key": "wide", "name": "全局", "scope": "all", "permissions": []}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] API refuses too");
        assert_eq!(s.count("roles").await, 1, "[{e}] nothing but the operator role written");

        // within: 自定义 (信息科, below 综合科) with a permission held
        let xxk = org.unit("XXK").to_string();
        let r = op
            .form(
                &s,
                "/system/roles",
                &[
                    ("key", "xxk_reader"),
                    ("name", "信息科查阅"),
                    ("scope", "custom"),
                    ("units", &xxk),
                    ("permissions", "unit:read"),
                    ("permissions", "person:read"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] within the operator's: {}", r.text());
        let roles = s.get("/api/v1/roles").await.json();
        let saved =
            roles["items"].as_array().unwrap().iter().find(|r| r["key"] == "xxk_reader").expect("saved").clone();
        assert_eq!(saved["units"], json!([org.unit("XXK")]), "[{e}]");
        assert_eq!(saved["permissions"], json!(["person:read", "unit:read"]), "[{e}]");
        let page = s.get("/system/roles/xxk_reader").await.text();
        assert!(page.contains("信息科查阅") && page.contains("单位与人员"), "[{e}] grouped checklist");
        assert!(s.get("/system/roles").await.text().contains("信息科查阅"), "[{e}] listed");
        s.finish().await;
    }
}

#[tokio::test]
async fn bulk_accounts_with_first_passwords_that_must_be_changed() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let page = s.get("/system/users/bulk").await.text();
        for name in ["王芳", "赵强", "陈静"] {
            assert!(page.contains(name), "[{e}] {name} has no account yet");
        }
        let (wang, zhao) = (org.person("王芳").to_string(), org.person("赵强").to_string());
        let bad =
            admin_form(&s, "/system/users/bulk", &[("prefix", "9x"), ("person_ids", &wang), ("roles", "member")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] bad prefix");
        assert!(bad.text().contains("用户名前缀应为"), "[{e}]");
        let before = s.audit_count_of("account", "create").await;
        let r = admin_form(
            &s,
            "/system/users/bulk",
            &[("prefix", "gb"), ("person_ids", &wang), ("person_ids", &zhao), ("roles", "member")],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] bulk: {}", r.text());
        assert_eq!(s.audit_count_of("account", "create").await, before + 2, "[{e}] one audit record each");
        let html = r.text();
        let wang_user = format!("gb{:04}", org.person("王芳"));
        assert!(html.contains(&wang_user), "[{e}] username rule: prefix + 人员编号");
        // the rows of the printed list: username and password cells
        let cells: Vec<String> =
            html.split("<td class=\"mono\">").skip(1).map(|c| c[..c.find('<').unwrap()].to_string()).collect();
        assert_eq!(cells.len(), 4, "[{e}] two accounts, username and password each");
        let (user1, pw1) = (cells[0].clone(), cells[1].clone());

        // the same list as .xlsx
        let xlsx = admin_form(
            &s,
            "/system/users/bulk/xlsx",
            &[
                ("username", &cells[0]),
                ("password", &cells[1]),
                ("name", "王芳"),
                ("unit", "综合科"),
                ("username", &cells[2]),
                ("password", &cells[3]),
                ("name", "赵强"),
                ("unit", "督查室"),
            ],
        )
        .await;
        assert_eq!(xlsx.status, StatusCode::OK, "[{e}] xlsx: {}", xlsx.text());
        let rows = read_xlsx(&xlsx.bytes);
        assert!(rows.iter().any(|r| r.contains(&user1) && r.contains(&pw1)), "[{e}] the sheet lists {user1}: {rows:?}");

        // each first password works once and must be changed
        let u = sign_in(&s, &user1, &pw1).await;
        let err = assert_api_error(&e, "first sign-in", &u.get(&s, "/api/v1/people").await, 403, None);
        assert_eq!(err["code"], "password_change_required", "[{e}]");
        assert_eq!(u.get(&s, "/dashboard").await.header("location").as_deref(), Some("/account/password"), "[{e}]");
        let r = u.form(&s, "/account/password", &[("old_password", &pw1), ("new_password", CHANGED)]).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] changed on the page");
        assert_eq!(u.get(&s, "/api/v1/people").await.status, StatusCode::OK, "[{e}] then it opens");

        // people who have an account are refused; the API answers the passwords as JSON
        let again =
            admin_form(&s, "/system/users/bulk", &[("prefix", "gb"), ("person_ids", &wang), ("roles", "member")]).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] already has one");
        assert!(again.text().contains("王芳已有账号"), "[{e}]");
        let r = s
            .post_json("/api/v1/accounts/bulk", &json!({"person_ids": [org.person("陈静")], "roles": ["member"]}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] API bulk: {}", r.text());
        let row = &r.json()[0];
        assert_eq!(row["username"], format!("qf{:04}", org.person("陈静")), "[{e}] default prefix");
        let pw = row["password"].as_str().unwrap();
        assert!(qingfeng_domain::access::check_password(pw, 8, 3).is_ok(), "[{e}] meets the policy: {pw}");
        let (_, ok) = login(&s, row["username"].as_str().unwrap(), pw).await;
        assert_eq!(ok.status, StatusCode::OK, "[{e}] the password signs in");
        assert_eq!(ok.json()["must_change_password"], true, "[{e}]");
        s.finish().await;
    }
}

#[tokio::test]
async fn settings_validated_secret_and_audited() {
    for s in servers().await {
        let e = s.engine.clone();
        let page = s.get("/system/settings").await;
        assert_eq!(page.status, StatusCode::OK, "[{e}] settings page");
        let html = page.text();
        for text in [
            "登录失败锁定次数",
            "默认 5",
            "临期提醒天数",
            "SMTP 服务器",
            "Webhook 签名密钥",
            "回头看间隔（月）",
            "最长重试间隔（秒）",
        ] {
            assert!(html.contains(text), "[{e}] the page shows {text}");
        }
        let before = s.audit_count().await;
        let r = admin_form(&s, "/system/settings", &[("login.max_failures", "0"), ("smtp.from", "qingfeng")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] invalid");
        let text = r.text();
        assert!(text.contains("登录失败锁定次数应为 1–100 之间的整数"), "[{e}] names the setting");
        assert!(text.contains("发件人地址“qingfeng”不是有效的邮箱地址"), "[{e}] names the setting");
        assert_eq!(s.audit_count().await, before, "[{e}] nothing written");

        let r = admin_form(
            &s,
            "/system/settings",
            &[("reminder.lead_days", "7"), ("webhook.secret", "s3cret-value"), ("webhook.url", "http://10.1.2.3/hook")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] saved: {}", r.text());
        let lead = last_audit(&s, "setting", "reminder.lead_days").await;
        assert_eq!(lead, json!({"label": "临期提醒天数", "value": ["（默认）", "7"]}), "[{e}] audited in words");
        let secret = last_audit(&s, "setting", "webhook.secret").await;
        assert!(!secret.to_string().contains("s3cret"), "[{e}] a secret never reaches the trail: {secret}");
        assert_eq!(secret["value"], json!(["（默认）", "已设置"]), "[{e}]");
        let page = s.get("/system/settings").await.text();
        assert!(!page.contains("s3cret") && page.contains("已设置（留空则不变）"), "[{e}] write-only");
        assert_eq!(qingfeng_store::settings::lead_days(&s.db).await.unwrap(), 7, "[{e}] the readers see it");

        // the API: the same rules
        let list = s.get("/api/v1/settings").await.json();
        let item = |k: &str| list["items"].as_array().unwrap().iter().find(|i| i["key"] == k).unwrap().clone();
        assert_eq!(item("webhook.secret")["value"], Value::Null, "[{e}]");
        assert_eq!(item("webhook.secret")["is_set"], true, "[{e}]");
        assert_eq!(item("reminder.lead_days")["value"], "7", "[{e}]");
        let r = s.write_json(Method::PUT, "/api/v1/settings", &json!({"outbound.backoff_max_seconds": "30"})).await;
        let err = assert_api_error(&e, "max below base", &r, 422, Some("outbound.backoff_max_seconds"));
        assert!(err["message"].as_str().unwrap().contains("不能短于首次重试间隔"), "[{e}] {err}");
        let r = s.write_json(Method::PUT, "/api/v1/settings", &json!({"no.such": "1"})).await;
        assert_api_error(&e, "unknown key", &r, 422, Some("no.such"));
        let r = s
            .write_json(Method::PUT, "/api/v1/settings", &json!({"reminder.lead_days": null, "webhook.url": "ftp://x"}))
            .await;
        assert_api_error(&e, "bad url", &r, 422, Some("webhook.url"));
        let r = s.write_json(Method::PUT, "/api/v1/settings", &json!({"reminder.lead_days": null})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] back to the default: {}", r.text());
        assert_eq!(qingfeng_store::settings::lead_days(&s.db).await.unwrap(), 5, "[{e}] default again");
        s.finish().await;
    }
}
