//! The responsibility chain end to end: lists from roles, one ledger entry counted toward every
//! list it serves, immutable entries with versions, fulfilment and the dashboard.

use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, Org, Server};

fn today() -> String {
    qingfeng_store::fulfilment::today().to_string()
}

fn year() -> i64 {
    i64::from(qingfeng_store::fulfilment::today().year())
}

async fn items_of(s: &Server, person: i64) -> Vec<Value> {
    let r = s.get(&format!("/api/v1/responsibility-items?year={}&person={person}&per_page=100", year())).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.engine, r.text());
    r.json()["items"].as_array().unwrap().clone()
}

fn find<'a>(items: &'a [Value], code: &str) -> &'a Value {
    items.iter().find(|i| i["code"] == json!(code)).unwrap_or_else(|| panic!("no item {code} in {items:?}"))
}

#[tokio::test]
async fn lists_entries_versions_and_fulfilment() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (li, wang, chen) = (org.person("李明"), org.person("王芳"), org.person("陈静"));

        // a unit-specific item (X) for 综合科 heads, then the lists of the year
        let r = s
            .post_json(
                "/api/v1/responsibility-templates",
                &json!({"code": "ZHK-1", "text": "每月检查公文处理廉政风险点", "owner_role": "division_head", "req_count": 1,
                        "req_period": "month", "kinds": ["inspection"], "source": "本单位廉政风险防控制度", "unit_id": org.unit("ZHK")}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] template: {}", r.text());
        let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year()})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] generate: {}", r.text());
        let first = r.json();
        // the people's own lists were made as they were created: the units' lists and the new
        // template's item are what is left
        assert!(first["items_created"].as_u64().unwrap() > 5, "[{e}] {first}");
        assert_eq!(first["lists_created"], json!(2), "[{e}] the office's and the branch's: {first}");

        // roles, levels and units decide the items
        let principal_items = items_of(&s, li).await;
        for code in ["DUTY-PRINCIPAL-1", "DUTY-PRINCIPAL-4"] {
            find(&principal_items, code);
        }
        let head_items = items_of(&s, wang).await;
        find(&head_items, "DUTY-HEAD-1");
        find(&head_items, "ZHK-1");
        assert!(head_items.iter().all(|i| !i["code"].as_str().unwrap().starts_with("DUTY-PRINCIPAL")), "[{e}]");
        find(&items_of(&s, chen).await, "R-BR-6");
        let units = s
            .get(&format!(
                "/api/v1/responsibility-items?year={}&unit={}&include_sub=false&per_page=100",
                year(),
                org.unit("XWB")
            ))
            .await
            .json();
        assert!(
            units["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["code"] == json!("R-RES-1") && i["person_id"].is_null()),
            "[{e}] {units}"
        );

        // the search finds an item by its text, its person's name or its unit's name
        let all = s.get(&format!("/api/v1/responsibility-items?year={}&per_page=200", year())).await.json();
        assert!(all["total"].as_i64().unwrap() < 200, "[{e}] one page holds them all");
        let all = all["items"].as_array().unwrap().clone();
        let zhk_name =
            s.get(&format!("/api/v1/units/{}", org.unit("ZHK"))).await.json()["name"].as_str().unwrap().to_string();
        let zhk_part: String = zhk_name.chars().take(2).collect();
        for q in ["王芳", "芳", "公文处理", "廉政", zhk_part.as_str(), "%"] {
            let holds = |v: &Value| v.as_str().is_some_and(|t| t.contains(q));
            let mut expected: Vec<i64> = all
                .iter()
                .filter(|i| holds(&i["text"]) || holds(&i["person_name"]) || holds(&i["unit_name"]))
                .map(|i| i["id"].as_i64().unwrap())
                .collect();
            let query = serde_urlencoded::to_string([("q", q)]).unwrap();
            let path = format!("/api/v1/responsibility-items?year={}&per_page=200&{query}", year());
            let found = s.get(&path).await.json();
            let mut ids: Vec<i64> =
                found["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
            ids.sort();
            expected.sort();
            assert_eq!(ids, expected, "[{e}] q={q}");
            assert!(!ids.is_empty() || q == "%", "[{e}] q={q} finds something");
        }

        // an item edited by hand survives regeneration
        let item = find(&head_items, "DUTY-HEAD-2")["id"].as_i64().unwrap();
        let r = s
            .patch_json(
                &format!("/api/v1/responsibility-items/{item}"),
                &json!({"text": "每季度与本科室干部谈心谈话", "req_period": "quarter"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let again = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year()})).await.json();
        assert_eq!(again["items_created"], json!(0), "[{e}] {again}");
        assert!(again["items_kept_edited"].as_u64().unwrap() >= 1, "[{e}] {again}");
        let kept = s.get(&format!("/api/v1/responsibility-items/{item}")).await.json();
        assert_eq!(kept["text"], json!("每季度与本科室干部谈心谈话"), "[{e}]");
        assert_eq!(kept["edited"], json!(true));

        // bad entries: named fields, nothing written
        let before = s.count("ledger_entries").await;
        let base = json!({"kind": "meeting", "meeting_type": "special", "date": today(), "content": "专题会议", "unit_id": org.unit("XWB"),
                          "participants": [li, wang]});
        for (patch, field) in [
            (json!({"participants": [999_999]}), "participants"),
            (json!({"items": [999_999]}), "items"),
            (json!({"date": "2099-01-01"}), "date"),
            (json!({"kind": "聚餐"}), "kind"),
            (json!({"content": ""}), "content"),
            (json!({"meeting_type": ""}), "meeting_type"),
            (json!({"meeting_type": "茶话会"}), "meeting_type"),
        ] {
            let mut body = base.clone();
            for (k, v) in patch.as_object().unwrap() {
                body[k] = v.clone();
            }
            let r = s.post_json("/api/v1/ledger-entries", &body).await;
            assert_api_error(&e, &format!("entry with bad {field}"), &r, 422, Some(field));
        }
        assert_eq!(s.count("ledger_entries").await, before, "[{e}] a refused entry was written");

        // one record, every list: one meeting counts for the principal, the head and the unit
        let r = s.post_json("/api/v1/ledger-entries", &base).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let entry = r.json();
        let id = entry["id"].as_i64().unwrap();
        let credited: Vec<i64> =
            entry["credited_items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
        let head_meeting = find(&head_items, "DUTY-HEAD-1")["id"].as_i64().unwrap();
        let principal_meeting = find(&principal_items, "DUTY-PRINCIPAL-1")["id"].as_i64().unwrap();
        let unit_meeting = units["items"].as_array().unwrap().iter().find(|i| i["code"] == json!("R-RES-1")).unwrap()
            ["id"]
            .as_i64()
            .unwrap();
        for (what, item) in [("head", head_meeting), ("principal", principal_meeting), ("unit", unit_meeting)] {
            assert!(credited.contains(&item), "[{e}] the meeting should count for the {what}: {entry}");
        }
        let status = s.get(&format!("/api/v1/responsibility-items/{head_meeting}")).await.json();
        let current = status["status"]["periods"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(current["done"], json!(1), "[{e}] {status}");

        // a submitted entry is never changed: a correction is a new version with a reason
        let r = s.patch_json(&format!("/api/v1/ledger-entries/{id}"), &json!({"content": "改"})).await;
        let err = assert_api_error(&e, "edit a submitted entry", &r, 409, None);
        assert!(err["message"].as_str().unwrap().contains("新版本"), "[{e}] {err}");
        let mut v2 = base.clone();
        v2["participants"] = json!([li]);
        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/versions"), &v2).await;
        assert_api_error(&e, "version without reason", &r, 422, Some("reason"));
        v2["reason"] = json!("王芳未参会，参会人员登记有误");
        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/versions"), &v2).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let second = r.json();
        assert_eq!(second["version"], json!(2));
        assert_eq!(second["history"].as_array().unwrap().len(), 2, "[{e}]");
        let status = s.get(&format!("/api/v1/responsibility-items/{head_meeting}")).await.json();
        let current = status["status"]["periods"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(current["done"], json!(0), "[{e}] the corrected entry no longer counts for 王芳: {status}");
        let old = s.get(&format!("/api/v1/ledger-entries/{id}")).await.json();
        assert_eq!(old["current"], json!(false), "[{e}] the old version stays visible as history");
        assert_eq!(old["content"], json!("专题会议"));
        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/versions"), &v2).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{e}] correcting a superseded version: {}", r.text());

        // attachments: type and size limits, then a round trip
        let id2 = second["id"].as_i64().unwrap();
        let upload = |name: &'static str, bytes: Vec<u8>| {
            let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
            s.client
                .post(s.url(&format!("/api/v1/ledger-entries/{id2}/attachments")))
                .header("X-CSRF-Token", &s.csrf)
                .multipart(reqwest::multipart::Form::new().part("file", part))
        };
        let r = s.send(upload("run.exe", b"MZ".to_vec())).await;
        assert_api_error(&e, "exe attachment", &r, 400, Some("file"));
        let pdf = b"%PDF-1.4 minutes of the meeting".to_vec();
        let r = s.send(upload("会议纪要.pdf", pdf.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let att = r.json()["id"].as_i64().unwrap();
        let back = s.get(&format!("/api/v1/ledger-attachments/{att}")).await;
        assert_eq!((back.status, back.bytes.clone()), (StatusCode::OK, pdf), "[{e}]");

        // fulfilment: the dashboard data and one person's items
        let f = s.get(&format!("/api/v1/fulfilment?year={}", year())).await;
        assert_eq!(f.status, StatusCode::OK, "[{e}] {}", f.text());
        let f = f.json();
        assert!(f["total"]["items"].as_u64().unwrap() > 10, "[{e}] {f}");
        let levels: Vec<&str> =
            f["by_level"].as_array().unwrap().iter().map(|l| l["level"].as_str().unwrap()).collect();
        assert!(levels.contains(&"leadership") && levels.contains(&"middle"), "[{e}] {levels:?}");
        assert!(!f["by_unit"].as_array().unwrap().is_empty(), "[{e}]");
        let mine = s.get(&format!("/api/v1/fulfilment?year={}&person={li}", year())).await.json();
        assert!(
            mine["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"].as_i64() == Some(principal_meeting) && i["status"]["done"] == json!(1)),
            "[{e}] {mine}"
        );
        // the same snapshot is reused until something changes
        let again = s.get(&format!("/api/v1/fulfilment?year={}", year())).await.json();
        assert_eq!(again["snapshot"]["id"], f["snapshot"]["id"], "[{e}] a fresh snapshot is reused");
        dashboard_matches_items(&s, &org).await;

        // Excel in the office layouts
        let rows = read_xlsx(&s.download(&format!("/api/v1/responsibility-lists/export.xlsx?year={}", year())).await);
        assert!(
            rows.iter().any(|r| r.iter().any(|c| c == "责任事项"))
                && rows.iter().any(|r| r.iter().any(|c| c.contains("每季度在科室"))),
            "[{e}]"
        );
        pledge_to_print_and_sign(&s, li).await;
        let rows = read_xlsx(&s.download("/api/v1/ledger-entries/export.xlsx").await);
        let v2_row = rows.iter().find(|r| r.iter().any(|c| c == "第2版")).expect("the second version's row");
        assert_eq!(v2_row[6], "李明", "[{e}] its participants: {v2_row:?}");
        let items: Vec<&str> =
            second["credited_items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
        assert!(!items.is_empty(), "[{e}] {second}");
        assert_eq!(v2_row[8], items.join("；"), "[{e}] the items it counts for, as the entry's page names them");

        // pages
        for path in [
            "/dashboard",
            "/responsibility",
            "/ledger",
            &format!("/ledger/{id2}"),
            &format!("/responsibility/items/{head_meeting}"),
            "/responsibility/templates",
        ] {
            let r = s.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] GET {path}: {}", r.text());
        }
        let form = [("csrf_token", s.csrf.as_str()), ("kind", "meeting"), ("date", "2000-01-01"), ("content", "")];
        let r = s.send(s.client.post(s.url("/ledger/new")).form(&form)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}]");
        assert!(r.text().contains("内容不能为空") && r.text().contains("所属单位不能为空"), "[{e}]");
        s.finish().await;
    }
}

/// A person's 责任书 as a Word document: title, parties, every item with its requirement and
/// source, signature and date lines; the signing date is then recorded back on the list.
async fn pledge_to_print_and_sign(s: &Server, person: i64) {
    let e = &s.engine;
    let lists = s.get(&format!("/api/v1/responsibility-lists?year={}&person={person}", year())).await.json();
    let list = &lists["items"][0];
    let id = list["id"].as_i64().expect("the person has a list");
    let r = s.get(&format!("/api/v1/responsibility-lists/{id}/pledge.docx")).await;
    assert_eq!(r.status, StatusCode::OK, "[{e}] pledge.docx");
    assert!(r.header("content-type").unwrap_or_default().contains("wordprocessingml"), "[{e}]");
    let text = crate::support::docx_text(&r.bytes);
    let detail = s.get(&format!("/api/v1/responsibility-lists/{id}")).await.json();
    let items = detail["items"].as_array().unwrap();
    assert!(!items.is_empty(), "[{e}]");
    assert!(text.contains(&format!("{}年度党风廉政建设责任书", year())), "[{e}] {text}");
    let name = list["person_name"].as_str().unwrap();
    assert!(text.contains(&format!("乙方（责任承担）：{name}")), "[{e}] {text}");
    for item in items.iter().filter(|i| i["active"] == json!(true)) {
        assert!(text.contains(item["text"].as_str().unwrap()), "[{e}] item {} missing", item["text"]);
    }
    assert!(text.contains("甲方（签字）") && text.contains("乙方（签字）") && text.contains("日期："), "[{e}]");
    assert!(!text.contains("条款待核实"), "[{e}] unconfirmed articles are not printed");
    // signed on paper, the date is recorded back
    let r = s.patch_json(&format!("/api/v1/responsibility-lists/{id}"), &json!({"pledge_date": "2026-02-20"})).await;
    assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
    assert_eq!(r.json()["pledge_date"], "2026-02-20", "[{e}]");
}

/// The counts the dashboard shows, from the items behind them: (items, done, completed,
/// due soon, overdue).
fn tally_of_items(items: &[Value]) -> [u64; 5] {
    let mut t = [0; 5];
    for i in items {
        let st = &i["status"];
        t[0] += 1;
        t[1] += st["done"].as_u64().unwrap();
        for (k, state) in [(2, "completed"), (3, "due_soon"), (4, "overdue")] {
            t[k] += u64::from(st["state"] == json!(state));
        }
    }
    t
}

fn tally_shown(t: &Value) -> [u64; 5] {
    ["items", "done", "completed", "due_soon", "overdue"].map(|k| t[k].as_u64().unwrap())
}

/// Every number on the dashboard is the sum of the items it stands for, whether it comes from
/// subtree roll-ups (a scope holding whole subtrees) or from the units' own rows (a scope of
/// single units), and the bars add up to the total.
async fn dashboard_matches_items(s: &Server, org: &Org) {
    let e = &s.engine;
    // a cadre in 信息科, two levels down, so that subtree roll-ups hold more than one unit
    let r = s
        .post_json(
            "/api/v1/people",
            &json!({"name": "孙丽", "gender": "女", "unit_id": org.unit("XXK"), "title": "科员", "rank": "below_section",
                    "political_status": "中共党员"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
    let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year()})).await;
    assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
    let nested = s.get(&items_under(Some(org.unit("XXK")), false)).await.json();
    assert!(nested["total"].as_i64().unwrap() > 0, "[{e}] 信息科 has items: {nested}");
    let units = [None, Some(org.unit("XWB")), Some(org.unit("ZHK")), Some(org.unit("DCS"))];
    admin_dashboard_matches_items(s, org.unit("XWB"), &units).await;
    // a move changes the subtrees: 信息科 goes under 督查室, and back
    for parent in ["DCS", "ZHK"] {
        let r =
            s.patch_json(&format!("/api/v1/units/{}", org.unit("XXK")), &json!({"parent_id": org.unit(parent)})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] move 信息科: {}", r.text());
        admin_dashboard_matches_items(s, org.unit("XWB"), &units).await;
    }

    let r = s.get(&format!("{}&level=top", items_under(None, true))).await;
    assert_api_error(e, "unknown level", &r, 400, Some("level"));

    // the red drill-down pages through every flagged item, its total on every page
    let f = s.get(&format!("/api/v1/fulfilment?year={}", year())).await.json();
    let red = f["red"]["total"].as_i64().unwrap();
    assert!(red > 4, "[{e}] enough red items to page: {f}");
    // each red item says what is missing, as the items page does, not its stored due date
    for i in f["red"]["items"].as_array().unwrap() {
        let missing = i["missing"].as_str().unwrap();
        assert!(missing.contains("未开展"), "[{e}] a red item names its missing periods: {i}");
    }
    let dash = s.get(&format!("/dashboard?year={}", year())).await.text();
    let first = f["red"]["items"][0]["missing"].as_str().unwrap();
    assert!(dash.contains(&format!("<strong class=\"missing\">{first}</strong>")), "[{e}] the dashboard: {first}");
    let mut seen = std::collections::BTreeSet::new();
    for page in 1..=(red + 1) / 2 + 1 {
        let r = s.get(&format!("/responsibility/items?year={}&state=overdue&per_page=2&page={page}", year())).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] page {page}: {}", r.text());
        let html = r.text();
        assert!(html.contains(&format!("共 {red} 项")), "[{e}] page {page} shows the total");
        let ids: Vec<String> = html
            .split("href=\"/responsibility/items/")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_string())
            .collect();
        assert!(ids.len() <= 2, "[{e}] page {page}: {ids:?}");
        seen.extend(ids);
    }
    assert_eq!(seen.len() as i64, red, "[{e}] every red item on exactly one page");

    // a scope of one unit (综合科 without 信息科 below it) reads the units' own rows
    let r = s
        .post_json(
            "/api/v1/roles",
            &json!({"key": "own_unit_viewer", "name": "本科室查看", "scope": "own_unit",
                    "permissions": ["fulfilment:read", "responsibility:read"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] define role: {}", r.text());
    let viewer = user(s, "wangfang_view", Some(org.person("王芳")), &["own_unit_viewer"]).await;
    let f = viewer.get(s, &format!("/api/v1/fulfilment?year={}", year())).await;
    assert_eq!(f.status, StatusCode::OK, "[{e}] {}", f.text());
    let f = f.json();
    let items = s.get(&items_under(Some(org.unit("ZHK")), false)).await.json();
    assert_eq!(tally_shown(&f["total"]), tally_of_items(items["items"].as_array().unwrap()), "[{e}] own unit: {f}");
    let shown: Vec<i64> = f["by_unit"].as_array().unwrap().iter().map(|b| b["unit_id"].as_i64().unwrap()).collect();
    assert_eq!(shown, vec![org.unit("ZHK")], "[{e}] only the unit in scope is a bar: {f}");

    leader_dashboard_matches_items(s, org).await;

    // 仅本人 (一般干部): no unit to roll up, so the dashboard page is one's own items
    let sun = s.get("/api/v1/people?q=孙丽").await.json()["items"][0]["id"].as_i64().unwrap();
    let member = user(s, "sunli", Some(sun), &["member"]).await;
    let r = member.get(s, "/dashboard").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] {}", r.text());
    let to = r.header("location").unwrap();
    assert_eq!(to, format!("/responsibility/items?person={sun}"), "[{e}]");
    let page = member.get(s, &to).await;
    assert_eq!(page.status, StatusCode::OK, "[{e}] {}", page.text());
    assert!(page.text().contains("每季度参加廉政专题学习"), "[{e}] her own item is listed");
    assert!(page.text().contains("我的") && !page.text().contains("返回落实情况"), "[{e}] no way back to itself");
}

/// A 分管领导 (班子成员 of the office, in charge of 综合科): the dashboard counts what their items
/// list shows, their own items (whose unit is outside the 分管 subtree) included.
async fn leader_dashboard_matches_items(s: &Server, org: &Org) {
    let e = &s.engine;
    let r = s
        .post_json(
            "/api/v1/people",
            &json!({"name": "钱进", "gender": "男", "unit_id": org.unit("XWB"), "title": "副主任", "rank": "county",
                    "political_status": "中共党员", "roles": ["leadership_member"], "in_charge_of": [org.unit("ZHK")]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
    let qian = r.json()["id"].as_i64().unwrap();
    let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year()})).await;
    assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
    let leader = user(s, "qianjin", Some(qian), &["leader"]).await;
    let f = leader.get(s, &format!("/api/v1/fulfilment?year={}", year())).await;
    assert_eq!(f.status, StatusCode::OK, "[{e}] {}", f.text());
    let f = f.json();
    let items = leader.get(s, &items_under(None, true)).await.json();
    let items = items["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["person_id"] == json!(qian)), "[{e}] own items listed");
    assert!(items.iter().any(|i| i["unit_id"] == json!(org.unit("ZHK"))), "[{e}] 综合科 listed");
    assert_eq!(tally_shown(&f["total"]), tally_of_items(items), "[{e}] leader total: {f}");
    let levels: u64 = f["by_level"].as_array().unwrap().iter().map(|b| b["tally"]["items"].as_u64().unwrap()).sum();
    assert_eq!(levels + f["discipline"]["items"].as_u64().unwrap(), items.len() as u64, "[{e}] levels: {f}");
    for level in f["by_level"].as_array().unwrap() {
        let key = level["level"].as_str().unwrap();
        let behind = leader.get(s, &format!("{}&level={key}", items_under(None, true))).await.json();
        assert_eq!(
            tally_shown(&level["tally"]),
            tally_of_items(behind["items"].as_array().unwrap()),
            "[{e}] {key}: {f}"
        );
    }
    let leadership = f["by_level"].as_array().unwrap().iter().find(|l| l["level"] == json!("leadership"));
    assert!(leadership.is_some(), "[{e}] own 班子成员 items counted: {f}");
}

fn items_under(unit: Option<i64>, sub: bool) -> String {
    let unit = unit.map(|u| format!("&unit={u}&include_sub={sub}")).unwrap_or_default();
    format!("/api/v1/responsibility-items?year={}&per_page=500{unit}", year())
}

/// The admin's dashboard, whole and for each of `units`, against the items behind it (`root`:
/// the one root unit, whose bar holds only its own items).
async fn admin_dashboard_matches_items(s: &Server, root: i64, units: &[Option<i64>]) {
    let e = &s.engine;
    for &unit in units {
        let q = unit.map(|u| format!("&unit={u}")).unwrap_or_default();
        let f = s.get(&format!("/api/v1/fulfilment?year={}{q}", year())).await.json();
        let items = s.get(&items_under(unit, true)).await.json();
        let expected = tally_of_items(items["items"].as_array().unwrap());
        assert_eq!(tally_shown(&f["total"]), expected, "[{e}] total for unit {unit:?}: {f}");
        // the bars hold everything but the selected unit's own items
        let own = match unit {
            Some(u) => tally_of_items(s.get(&items_under(Some(u), false)).await.json()["items"].as_array().unwrap())[0],
            None => 0,
        };
        let bars: u64 = f["by_unit"].as_array().unwrap().iter().map(|b| b["tally"]["items"].as_u64().unwrap()).sum();
        assert_eq!(bars + own, expected[0], "[{e}] bars for unit {unit:?}: {f}");
        // each bar is its unit's subtree, but the root's own bar (本级)
        for bar in f["by_unit"].as_array().unwrap() {
            let id = bar["unit_id"].as_i64().unwrap();
            let items = s.get(&items_under(Some(id), id != root)).await.json();
            let expected = tally_of_items(items["items"].as_array().unwrap());
            assert_eq!(tally_shown(&bar["tally"]), expected, "[{e}] bar of unit {id} under {unit:?}: {f}");
        }
        let levels: u64 = f["by_level"].as_array().unwrap().iter().map(|b| b["tally"]["items"].as_u64().unwrap()).sum();
        assert_eq!(levels + f["discipline"]["items"].as_u64().unwrap(), expected[0], "[{e}] levels: {f}");
        // each level drills down to its items, and to its red ones
        for level in f["by_level"].as_array().unwrap() {
            let key = level["level"].as_str().unwrap();
            let items = s.get(&format!("{}&level={key}", items_under(unit, true))).await.json();
            let behind = tally_of_items(items["items"].as_array().unwrap());
            assert_eq!(tally_shown(&level["tally"]), behind, "[{e}] level {key} under {unit:?}: {f}");
            let red = level["tally"]["overdue"].as_u64().unwrap();
            let page = s.get(&format!("/responsibility/items?year={}{q}&level={key}&state=overdue", year())).await;
            assert!(page.text().contains(&format!("共 {red} 项")), "[{e}] red of level {key} under {unit:?}");
        }
    }
}
