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

#[tokio::test]
async fn rank_dictionary_edited_then_used_by_a_person() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let page = s.get("/system/dicts?dict=rank").await;
        assert_eq!(page.status, StatusCode::OK, "[{e}] dict page");
        assert!(page.text().contains("一级主任科员"), "[{e}] seeded names");

        // a name without a level, and a repeated one: errors naming the row
        let bad = admin_form(
            &s,
            "/system/dicts/rank",
            &[
                ("order", "10"),
                ("value", "正科级"),
                ("maps_to", "township"),
                ("order", "20"),
                ("value", "正科级"),
                ("maps_to", "township"),
                ("order", "30"),
                ("value", "见习"),
                ("maps_to", ""),
            ],
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}]");
        let text = bad.text();
        assert!(
            text.contains("第 2 行：职级“正科级”重复") && text.contains("第 3 行：请为职级“见习”选择对应层级"),
            "[{e}] {text}"
        );

        // the office's list: 正科级, 副科级 (乡科级), 一级科员 (科级以下), 见习 listed first by its 排序
        let before = s.audit_count_of("dict", "update").await;
        let ok = admin_form(
            &s,
            "/system/dicts/rank",
            &[
                ("order", "10"),
                ("value", "正科级"),
                ("maps_to", "township"),
                ("order", "20"),
                ("value", "副科级"),
                ("maps_to", "乡科级"),
                ("order", "30"),
                ("value", "一级科员"),
                ("maps_to", "below_section"),
                ("order", "5"),
                ("value", "见习期"),
                ("maps_to", "below_section"),
                // 周伟 (seeded as 职工) carries that name, so it stays
                ("order", "40"),
                ("value", "职工"),
                ("maps_to", "staff"),
                ("order", "50"),
                ("value", ""),
                ("maps_to", ""),
            ],
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{e}] saved: {}", ok.text());
        assert_eq!(s.audit_count_of("dict", "update").await, before + 1, "[{e}] audited");
        let audit = last_audit(&s, "dict", "rank").await;
        assert_eq!(audit["label"], "职级", "[{e}]");
        assert_eq!(
            audit["entries"][1],
            json!([
                "见习期（科级以下）",
                "正科级（乡科级）",
                "副科级（乡科级）",
                "一级科员（科级以下）",
                "职工（职工）"
            ]),
            "[{e}] in words"
        );
        let list = s.get("/api/v1/dicts/rank").await.json();
        assert_eq!(list["total"], 5, "[{e}] {list}");

        // a person gets 副科级 on the form: stored as the name, ruled as 乡科级
        let unit = org.unit("ZHK").to_string();
        let r = admin_form(
            &s,
            "/org/people/new",
            &[
                ("name", "吴字典"),
                ("gender", "male"),
                ("unit_id", &unit),
                ("rank", "副科级"),
                ("political_status", "party_member"),
                ("roles", "cadre"),
                ("status", "active"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] person saved: {}", r.text());
        let found = s.get("/api/v1/people?q=吴字典").await.json();
        let p = &found["items"][0];
        assert_eq!((p["rank"].as_str(), p["rank_name"].as_str()), (Some("township"), Some("副科级")), "[{e}] {p}");
        assert_eq!(p["in_supervision_scope"], true, "[{e}] the rules use the level");
        let id = p["id"].as_i64().unwrap();
        assert!(s.get(&format!("/org/people/{id}")).await.text().contains("副科级"), "[{e}] shown by name");
        // the API and import accept names of the dictionary, and refuse others by name
        let r = s.patch_json(&format!("/api/v1/people/{id}"), &json!({"rank": "处长"})).await;
        let err = assert_api_error(&e, "unknown rank", &r, 422, Some("rank"));
        assert!(err["message"].as_str().unwrap().contains("不在职级字典中"), "[{e}] {err}");
        let export = read_xlsx(&s.download("/api/v1/people/export.xlsx?q=吴字典").await);
        assert!(export.iter().any(|row| row.contains(&"副科级".to_string())), "[{e}] exported by name: {export:?}");

        // a name in use can be neither removed nor re-mapped
        let r =
            admin_form(&s, "/system/dicts/rank", &[("order", "10"), ("value", "副科级"), ("maps_to", "county")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}]");
        assert!(r.text().contains("职级“副科级”已有 1 人使用，不能改变其对应层级"), "[{e}]");
        let r = s
            .write_json(
                Method::PUT,
                "/api/v1/dicts/rank",
                &json!({"entries": [{"value": "正科级", "maps_to": "township"}, {"value": "职工", "maps_to": "staff"}]}),
            )
            .await;
        let err = assert_api_error(&e, "remove a used name", &r, 422, Some("entries"));
        assert!(err["message"].as_str().unwrap().contains("不能删除"), "[{e}] {err}");
        // 职务 is a plain list offered on the form
        let r = s
            .write_json(
                Method::PUT,
                "/api/v1/dicts/title",
                &json!({"entries": [{"value": "办公室主任"}, {"value": "秘书"}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] titles: {}", r.text());
        assert!(s.get("/org/people/new").await.text().contains("<option value=\"秘书\">"), "[{e}] offered on the form");
        s.finish().await;
    }
}

#[tokio::test]
async fn responsibility_templates_edited_on_the_page() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let list = s.get("/api/v1/responsibility-templates").await.json();
        let t = list["items"][0].clone();
        let id = t["id"].as_i64().unwrap();
        let page = s.get("/responsibility/templates").await.text();
        assert!(page.contains(&format!("/responsibility/templates/{id}/edit")), "[{e}] a 修改 link per template");
        let edit = s.get(&format!("/responsibility/templates/{id}/edit")).await;
        assert_eq!(edit.status, StatusCode::OK, "[{e}] edit page");
        assert!(edit.text().contains(&format!("修改事项 {}", t["code"].as_str().unwrap())), "[{e}]");

        let kinds: Vec<String> = t["kinds"].as_str().unwrap().split(',').map(String::from).collect();
        let count = t["req_count"].to_string();
        let mut fields: Vec<(&str, &str)> = vec![
            ("code", t["code"].as_str().unwrap()),
            ("owner_role", t["owner_role"].as_str().unwrap()),
            ("text", "每季度至少专题研究一次党风廉政建设（本县细化）"),
            ("req_count", &count),
            ("req_period", t["req_period"].as_str().unwrap()),
            ("source", t["source"].as_str().unwrap()),
            ("inactive", "1"),
        ];
        for k in &kinds {
            fields.push(("kinds", k));
        }
        let path = format!("/responsibility/templates/{id}");
        let mut bad = fields.clone();
        bad[3] = ("req_count", "0");
        let r = admin_form(&s, &path, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] a count of 0");
        let mut renamed = fields.clone();
        renamed[0] = ("code", "NEW-1");
        let r = admin_form(&s, &path, &renamed).await;
        assert!(r.text().contains("事项编号不能修改"), "[{e}] the code stays");
        let r = admin_form(&s, &path, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] saved: {}", r.text());
        let after = s.get("/api/v1/responsibility-templates").await.json();
        let changed = after["items"].as_array().unwrap().iter().find(|x| x["id"] == id).unwrap().clone();
        assert_eq!(changed["text"], "每季度至少专题研究一次党风廉政建设（本县细化）", "[{e}]");
        assert_eq!(changed["active"], false, "[{e}] 停用");
        assert!(s.get("/responsibility/templates").await.text().contains("（已停用）"), "[{e}]");

        // a new 本单位特有事项 through the same form, for a unit
        let unit = org.unit("ZHK").to_string();
        let r = admin_form(
            &s,
            "/responsibility/templates",
            &[
                ("code", "X-ZHK-1"),
                ("owner_role", t["owner_role"].as_str().unwrap()),
                ("unit_id", &unit),
                ("text", "每月检查公文处理保密情况"),
                ("req_count", "1"),
                ("req_period", "month"),
                ("source", "本单位保密工作制度"),
                ("kinds", &kinds[0]),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] X created: {}", r.text());
        s.finish().await;
    }
}

/// 角色管理: a custom role nobody holds is deleted (audited); refused while accounts hold it
/// (saying how many), for a built-in role, and to an operator without its permissions.
#[tokio::test]
async fn a_custom_role_is_deleted_once_nobody_holds_it() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let define = |key: &'static str, perms: Value| {
            let s = &s;
            async move {
                let body = json!({"key": key, "name": format!("角色{key}"), "scope": "own_unit", "permissions": perms});
                let r = s.post_json("/api/v1/roles", &body).await;
                assert_eq!(r.status, StatusCode::CREATED, "[{}] define {key}: {}", s.engine, r.text());
            }
        };
        define("clerk", json!(["ledger:read"])).await;
        define("op_roles", json!(["role:read", "role:write"])).await;
        define("wide", json!(["ledger:read", "ledger:write"])).await;
        user(&s, "clerk1", Some(org.person("王芳")), &["clerk"]).await;
        user(&s, "clerk2", Some(org.person("赵强")), &["clerk"]).await;
        let op = user(&s, "op_r", Some(org.person("陈静")), &["op_roles"]).await;
        let audit = s.audit_count_of("role", "delete").await;

        // refused while accounts hold it, on the API and the page
        let r = s.write_json(Method::DELETE, "/api/v1/roles/clerk", &json!(null)).await;
        let err = assert_api_error(&e, "a role two accounts hold", &r, 409, None);
        assert!(err["message"].as_str().unwrap().contains("2 个账号"), "[{e}] says how many: {err}");
        let r = admin_form(&s, "/system/roles/clerk/delete", &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] the page refuses");
        assert!(r.text().contains("删除失败") && r.text().contains("2 个账号"), "[{e}] {}", r.text());
        // a built-in role; a role wider than the operator
        let r = s.write_json(Method::DELETE, "/api/v1/roles/member", &json!(null)).await;
        assert_api_error(&e, "a built-in role", &r, 409, None);
        let r = op.send(&s, Method::DELETE, "/api/v1/roles/wide", None).await;
        assert_api_error(&e, "a role wider than the operator", &r, 403, None);
        assert_eq!(s.audit_count_of("role", "delete").await, audit, "[{e}] nothing deleted");

        // once nobody holds it: deleted from the page, audited, gone
        for name in ["clerk1", "clerk2"] {
            let id = s.get(&format!("/api/v1/accounts?q={name}")).await.json()["items"][0]["id"].as_i64().unwrap();
            let r = s.patch_json(&format!("/api/v1/accounts/{id}"), &json!({"roles": ["member"]})).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        }
        let page = s.get("/system/roles/clerk").await.text();
        assert!(page.contains("/system/roles/clerk/delete"), "[{e}] the role page offers 删除角色");
        assert!(!s.get("/system/roles/member").await.text().contains("/delete"), "[{e}] not for a built-in");
        let r = admin_form(&s, "/system/roles/clerk/delete", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] {}", r.text());
        assert!(s.get(&r.header("location").unwrap()).await.text().contains("已删除角色“角色clerk”"), "[{e}]");
        let roles = s.get("/api/v1/roles").await.text();
        assert!(!roles.contains("\"clerk\""), "[{e}] gone: {roles}");
        assert_eq!(s.audit_count_of("role", "delete").await, audit + 1, "[{e}] audited");
        assert!(s.get("/system/audit?entity=role").await.text().contains("删除角色"), "[{e}] the trail in words");
        let r = s.write_json(Method::DELETE, "/api/v1/roles/clerk", &json!(null)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] deleted once");
        // the operator deletes a role within their permissions
        define("reader", json!(["role:read"])).await;
        let r = op.send(&s, Method::DELETE, "/api/v1/roles/reader", None).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        s.finish().await;
    }
}

#[tokio::test]
async fn an_account_keeps_an_email_address_for_notifications() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let u = user(&s, "wangfang", Some(org.person("王芳")), &["member"]).await;
        let id = s.get("/api/v1/accounts?q=wangfang").await.json()["items"][0]["id"].as_i64().unwrap();
        let r = s.patch_json(&format!("/api/v1/accounts/{id}"), &json!({"email": "wangfang at xwb"})).await;
        assert_api_error(&e, "a bad address", &r, 422, Some("email"));
        let r = s.patch_json(&format!("/api/v1/accounts/{id}"), &json!({"email": " wangfang@xwb.example "})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()["email"], json!("wangfang@xwb.example"), "[{e}] {}", r.text());
        assert!(s.audit_count_of("account", "update").await > 0, "[{e}]");
        // a member cannot set anyone's address
        let r = u.patch(&s, &format!("/api/v1/accounts/{id}"), &json!({"email": "x@xwb.example"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}]");
        // the page shows it and takes it back out
        let admin = user(&s, "boss", None, &["admin"]).await;
        assert!(admin.get(&s, &format!("/system/users/{id}")).await.text().contains("wangfang@xwb.example"), "[{e}]");
        let r = admin
            .form(
                &s,
                &format!("/system/users/{id}"),
                &[("person_id", &org.person("王芳").to_string()), ("roles", "member"), ("email", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] {}", r.text());
        assert_eq!(s.get(&format!("/api/v1/accounts/{id}")).await.json()["email"], json!(null), "[{e}]");
        s.finish().await;
    }
}
