//! 公务接待: receptions recorded through the API with their checks (R-REC-1…8) on every save,
//! the dry run that writes nothing, every R-REC-2 boundary from 1 to 40 guests, bad input
//! refused naming the field with nothing written, data scope on reads and writes, the 纪检组
//! told of failed checks and turning one into a finding, the scanned 公函, the register export
//! and the validate-then-commit import.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, write_xlsx, Org, Server};

fn day(offset: i64) -> String {
    (qingfeng_store::fulfilment::today() - chrono::Duration::days(offset)).to_string()
}

/// 综合科 receives two people of 市农业农村局 for a day with one 工作餐 in the canteen.
pub(crate) fn reception(org: &Org, guests: i64, accompanying: i64) -> Value {
    let list: Vec<Value> = (0..guests)
        .map(|i| json!({"unit": "市农业农村局", "name": format!("来宾{}", i + 1), "post": "干部"}))
        .collect();
    json!({
        "unit_id": org.unit("ZHK"), "letter_ref": "市农函〔2026〕12号", "letter_date": day(10),
        "letter_unit": "市农业农村局", "guest_city": "临江市", "guests": list,
        "purpose": "调研高标准农田建设", "starts_on": day(3), "ends_on": day(2), "venues": "项目现场",
        "meals": [{"date": day(3), "kind": "工作餐", "guests": guests, "accompanying": accompanying,
                   "cost": "300", "venue_kind": "机关食堂"}],
        "list_signed_by": "李明", "has_invoice": true, "has_letter_copy": true, "has_list": true
    })
}

fn check<'a>(checks: &'a Value, rule: &str) -> &'a Value {
    checks.as_array().unwrap().iter().find(|c| c["rule"] == json!(rule)).unwrap_or_else(|| panic!("{rule} in {checks}"))
}

async fn create(s: &Server, body: &Value) -> Value {
    let r = s.post_json("/api/v1/receptions", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] create: {}", s.engine, r.text());
    r.json()
}

#[tokio::test]
async fn a_reception_is_checked_on_save_and_the_dry_run_writes_nothing() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let r = create(&s, &reception(&org, 2, 2)).await;
        let checks = r["checks"].as_array().unwrap();
        assert_eq!(checks.len(), 8, "[{e}] {r}");
        assert!(checks.iter().all(|c| c["ok"] == json!(true)), "[{e}] {r}");
        assert!(
            check(&r["checks"], "R-REC-7")["message"].as_str().unwrap().contains("未设置"),
            "[{e}] no default ceiling"
        );
        assert!(check(&r["checks"], "R-REC-2")["source"].as_str().unwrap().contains("第十条"), "[{e}]");
        assert_eq!((r["failed_rules"].clone(), r["total_cents"].clone()), (json!(""), json!(30_000)), "[{e}]");
        // the dry run: 10 guests and 4 accompanying diners fails R-REC-2, nothing is written
        let audit = s.audit_count().await;
        let answer = s.post_json("/api/v1/receptions/check", &reception(&org, 10, 4)).await;
        assert_eq!(answer.status, StatusCode::OK, "[{e}] {}", answer.text());
        let c = check(&answer.json()["checks"], "R-REC-2").clone();
        assert_eq!(c["ok"], json!(false), "[{e}] {c}");
        assert!(c["message"].as_str().unwrap().contains("上限 3 人"), "[{e}] {c}");
        let mut no_letter = reception(&org, 11, 5);
        no_letter["letter_ref"] = json!("");
        let answer = s.post_json("/api/v1/receptions/check", &no_letter).await.json();
        assert_eq!(check(&answer["checks"], "R-REC-1")["ok"], json!(false), "[{e}] {answer}");
        let c = check(&answer["checks"], "R-REC-2");
        assert_eq!(c["ok"], json!(false), "[{e}] 11 guests allow 4, not 5: {answer}");
        assert!(c["message"].as_str().unwrap().contains("上限 4 人"), "[{e}] {c}");
        let eleven = s.post_json("/api/v1/receptions/check", &reception(&org, 11, 4)).await.json();
        assert_eq!(
            check(&eleven["checks"], "R-REC-2")["ok"],
            json!(true),
            "[{e}] 11 guests allow 4 (one third counted up, issue 14): {eleven}"
        );
        assert_eq!(s.count("receptions").await, 1, "[{e}] nothing written by the dry run");
        assert_eq!(s.audit_count().await, audit, "[{e}] nothing audited by the dry run");
        // saved, the failed rules are kept and listed; an edit that fixes them clears them
        let bad = create(&s, &no_letter).await;
        assert_eq!(bad["failed_rules"], "R-REC-1,R-REC-2", "[{e}] {bad}");
        assert_eq!(s.get("/api/v1/receptions?failed=true").await.json()["total"], 1, "[{e}]");
        assert_eq!(s.get("/api/v1/receptions").await.json()["total"], 2, "[{e}]");
        let id = bad["id"].as_i64().unwrap();
        let fixed =
            s.patch_json(&format!("/api/v1/receptions/{id}"), &json!({"letter_ref": "市农函〔2026〕13号"})).await;
        assert_eq!(fixed.status, StatusCode::OK, "[{e}] {}", fixed.text());
        assert_eq!(fixed.json()["failed_rules"], "R-REC-2", "[{e}] 11 guests, 5 accompanying");
        assert_eq!(s.audit_count_of("reception", "create").await, 2, "[{e}]");
        assert_eq!(s.audit_count_of("reception", "update").await, 1, "[{e}]");
        // the local settings: a ceiling of 70 元 a head fails 300 元 for 4 people (75 each)
        let admin = qingfeng_store::Actor::system();
        qingfeng_store::settings::set(&s.db, &admin, "reception.meal_ceiling_yuan", "70").await.unwrap();
        let c = s.post_json("/api/v1/receptions/check", &reception(&org, 2, 2)).await.json();
        assert_eq!(check(&c["checks"], "R-REC-7")["ok"], json!(false), "[{e}] {c}");
        qingfeng_store::settings::set(&s.db, &admin, "reception.meal_ceiling_yuan", "75").await.unwrap();
        let c = s.post_json("/api/v1/receptions/check", &reception(&org, 2, 2)).await.json();
        assert_eq!(check(&c["checks"], "R-REC-7")["ok"], json!(true), "[{e}] exactly 75 a head: {c}");
        // spending for the 三公经费 budgets
        let year = qingfeng_store::fulfilment::today().format("%Y").to_string().parse::<i32>().unwrap();
        let by_unit = qingfeng_store::receptions::spending_by_unit_year(&s.db, year).await.unwrap();
        let starts = chrono::NaiveDate::parse_from_str(&day(3), "%Y-%m-%d").unwrap();
        let year_of = starts.format("%Y").to_string().parse::<i32>().unwrap();
        let by_unit = if year_of == year {
            by_unit
        } else {
            qingfeng_store::receptions::spending_by_unit_year(&s.db, year_of).await.unwrap()
        };
        assert_eq!(by_unit, vec![(org.unit("ZHK"), 60_000)], "[{e}]");
        // … and the 三公经费 page counts them as the unit's 公务接待 spending
        let exec = s.get(&format!("/api/v1/budgets?year={year_of}")).await.json();
        let line = exec
            .as_array()
            .or_else(|| exec["items"].as_array())
            .and_then(|l| {
                l.iter()
                    .find(|x| x["unit_id"] == json!(org.unit("ZHK")) && x["category"] == json!("reception"))
                    .cloned()
            })
            .unwrap_or_else(|| panic!("[{e}] no 公务接待 line for 综合科: {exec}"));
        assert_eq!(line["recorded_cents"], json!(60_000), "[{e}] {line}");
        s.finish().await;
    }
}

#[tokio::test]
async fn rec2_every_boundary_from_1_to_40_guests_through_the_api() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        for g in 1..=40_i64 {
            let max = if g <= 10 { 3 } else { (g + 2) / 3 };
            for (acc, ok) in [(max, true), (max + 1, false)] {
                let r = s.post_json("/api/v1/receptions/check", &reception(&org, g, acc)).await;
                assert_eq!(r.status, StatusCode::OK, "[{e}] {g}/{acc}: {}", r.text());
                assert_eq!(
                    check(&r.json()["checks"], "R-REC-2")["ok"],
                    json!(ok),
                    "[{e}] {g} guests, {acc} accompanying"
                );
            }
        }
        assert_eq!(s.count("receptions").await, 0, "[{e}]");
        s.finish().await;
    }
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        type Spoil = Box<dyn Fn(&mut Value)>;
        let cases: Vec<(&str, Spoil, &str)> = vec![
            ("negative guests", Box::new(|b| b["meals"][0]["guests"] = json!(-2)), "meals[0].guests"),
            ("negative accompanying", Box::new(|b| b["meals"][0]["accompanying"] = json!(-1)), "meals[0].accompanying"),
            ("a negative cost", Box::new(|b| b["meals"][0]["cost"] = json!("-300")), "meals[0].cost"),
            ("a negative hotel cost", Box::new(|b| b["accommodation_cost"] = json!("-1")), "accommodation_cost"),
            ("a negative guest count", Box::new(|b| b["guest_count"] = json!(-1)), "guest_count"),
            ("a meal after the reception", Box::new(|b| b["meals"][0]["date"] = json!(day(1))), "meals[0].date"),
            ("a meal before the reception", Box::new(|b| b["meals"][0]["date"] = json!(day(4))), "meals[0].date"),
            (
                "more accompanying diners than people at the table",
                Box::new(|b| b["meals"][0]["diners"] = json!(1)),
                "meals[0].accompanying",
            ),
            (
                "more guests at the table than guests",
                Box::new(|b| b["meals"][0]["guests"] = json!(5)),
                "meals[0].guests",
            ),
            ("an end before the start", Box::new(|b| b["ends_on"] = json!(day(5))), "ends_on"),
            ("no unit", Box::new(|b| b["unit_id"] = Value::Null), "unit_id"),
            ("an unknown meal kind", Box::new(|b| b["meals"][0]["kind"] = json!("夜宵")), "meals[0].kind"),
        ];
        let audit = s.audit_count().await;
        for (what, change, field) in cases {
            let mut body = reception(&org, 2, 2);
            change(&mut body);
            let r = s.post_json("/api/v1/receptions", &body).await;
            assert_api_error(&e, what, &r, 422, Some(field));
            let r = s.post_json("/api/v1/receptions/check", &body).await;
            assert_api_error(&e, what, &r, 422, Some(field));
        }
        let r = s.post_json("/api/v1/receptions", &json!({"unit_id": org.unit("ZHK"), "guests": "两人"})).await;
        assert_eq!(r.status.as_u16() / 100, 4, "[{e}] a wrong type is refused: {}", r.text());
        assert_eq!(s.count("receptions").await, 0, "[{e}] nothing written");
        assert_eq!(s.count("reception_meals").await, 0, "[{e}] nothing written");
        assert_eq!(s.audit_count().await, audit, "[{e}] nothing audited");
        s.finish().await;
    }
}

#[tokio::test]
async fn scope_limits_reads_and_writes_and_the_group_turns_a_failed_check_into_a_finding() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let group = user(&s, "jijian", Some(org.person("陈静")), &["supervisor"]).await;
        let clerk = user(&s, "clerk", Some(org.person("王芳")), &["office_clerk"]).await;
        // the clerk of 综合科 records for 综合科 (and below), not for the office above it
        let mut body = reception(&org, 10, 4);
        let r = clerk.post(&s, "/api/v1/receptions", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        body["unit_id"] = json!(org.unit("XWB"));
        let r = clerk.post(&s, "/api/v1/receptions", &body).await;
        assert_api_error(&e, "a unit outside the clerk's scope", &r, 422, Some("unit_id"));
        let r = clerk.post(&s, "/api/v1/receptions/check", &body).await;
        assert_api_error(&e, "the dry run checks scope too", &r, 422, Some("unit_id"));
        let office = create(&s, &body).await;
        let r = clerk.get(&s, &format!("/api/v1/receptions/{}", office["id"])).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] outside the clerk's scope");
        let r = clerk.patch(&s, &format!("/api/v1/receptions/{}", office["id"]), &json!({"purpose": "x"})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] {}", r.text());
        assert_eq!(clerk.get(&s, "/api/v1/receptions").await.json()["total"], 1, "[{e}]");
        let member = user(&s, "zhao", Some(org.person("赵强")), &["member"]).await;
        assert_eq!(member.get(&s, "/api/v1/receptions").await.status, StatusCode::FORBIDDEN, "[{e}] no reception:read");
        let leader = user(&s, "leader", Some(org.person("李明")), &["leader"]).await;
        assert_eq!(leader.get(&s, "/api/v1/receptions").await.json()["total"], 1, "[{e}] 综合科 is in 李明's charge");
        assert_eq!(
            leader.post(&s, "/api/v1/receptions", &reception(&org, 2, 2)).await.status,
            StatusCode::FORBIDDEN,
            "[{e}] leaders read"
        );
        // the 纪检组 is told, sees both and turns the failed R-REC-2 into a finding, once
        let told = group.get(&s, "/api/v1/notifications?kind=reception_checks_failed").await.json();
        assert_eq!(told["total"], 2, "[{e}] {told}");
        let page = group.get(&s, "/receptions/flagged").await.text();
        assert!(page.contains("转为问题") && page.contains("R-REC-2"), "[{e}] the group's list");
        let r = group.post(&s, &format!("/api/v1/receptions/{id}/findings"), &json!({"rule": "R-REC-2"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let fid = r.json()["finding_id"].as_i64().unwrap();
        let f = s.get(&format!("/api/v1/findings/{fid}")).await.json();
        assert_eq!(f["category"], "reception", "[{e}] 提供或接受超标准接待: {f}");
        let text = f["description"].as_str().unwrap();
        assert!(text.contains("R-REC-2") && text.contains(&format!("/receptions/{id}")), "[{e}] {text}");
        assert_eq!(f["unit_id"].as_i64(), Some(org.unit("ZHK")), "[{e}]");
        let r = group.post(&s, &format!("/api/v1/receptions/{id}/findings"), &json!({"rule": "R-REC-2"})).await;
        assert_api_error(&e, "the same rule twice", &r, 409, None);
        let r = group.post(&s, &format!("/api/v1/receptions/{id}/findings"), &json!({"rule": "R-REC-1"})).await;
        assert_api_error(&e, "a check that passed", &r, 409, None);
        let r = group.post(&s, &format!("/api/v1/receptions/{id}/findings"), &json!({"rule": "R-DEC-1"})).await;
        assert_api_error(&e, "a rule receptions are not checked against", &r, 400, Some("rule"));
        let r = clerk.post(&s, &format!("/api/v1/receptions/{id}/findings"), &json!({"rule": "R-REC-2"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] only the group converts");
        assert_eq!(s.get(&format!("/api/v1/receptions/{id}")).await.json()["findings"][0][1], fid, "[{e}]");
        let r = group.post(&s, "/api/v1/receptions", &reception(&org, 2, 2)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] the group records nothing of others");
        s.finish().await;
    }
}

fn import_header() -> Vec<String> {
    [
        "接待单位",
        "公函文号",
        "公函日期",
        "派出单位",
        "来宾所在城市",
        "接待对象（姓名 职务，多人用；分隔）",
        "接待对象人数",
        "公务活动项目",
        "开始日期",
        "结束日期",
        "活动场所",
        "用餐日期",
        "用餐类型",
        "就餐接待对象人数",
        "陪餐人数",
        "餐费（元）",
        "是否饮酒",
        "是否有香烟或高档酒水",
        "用餐场所类型",
        "用餐场所",
        "住宿费（元）",
        "交通费（元）",
        "审签人",
        "报销凭证（票据、公函、清单、审批单）",
    ]
    .map(String::from)
    .to_vec()
}

fn import_row(unit: &str, letter: &str, guests: &str, acc: &str, cost: &str, meal_day: &str) -> Vec<String> {
    let (d10, d5) = (day(10), day(5));
    [
        unit,
        letter,
        &d10,
        "市财政局",
        "临江市",
        "王一 处长；赵二 科长",
        "2",
        "预算绩效评价",
        &d5,
        &d5,
        "县财政局",
        meal_day,
        "工作餐",
        guests,
        acc,
        cost,
        "否",
        "否",
        "机关食堂",
        "机关食堂",
        "",
        "",
        "李明",
        "票据、公函、清单",
    ]
    .map(String::from)
    .to_vec()
}

#[tokio::test]
async fn import_reports_bad_rows_and_flags_rule_failures_and_the_register_exports() {
    for s in servers().await {
        let e = s.engine.clone();
        seed_org(&s).await;
        let template = s.download("/api/v1/receptions/import-template.xlsx").await;
        assert!(read_xlsx(&template).concat().join("|").contains("陪餐人数"), "[{e}] template");
        let d5 = day(5);
        let bad = write_xlsx(&[
            import_header(),
            import_row("综合科", "市财函〔2026〕3号", "2", "2", "200", &d5),
            import_row("不存在的单位", "x", "2", "2", "200", &d5),
            import_row("综合科", "x", "-2", "2", "200", &d5),
            import_row("综合科", "x", "2", "2", "200", &day(1)),
            import_row("综合科", "", "2", "4", "200", &d5),
        ]);
        let report = s.import("/api/v1/receptions/import?commit=true", bad).await;
        let cols: Vec<(i64, &str)> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["row"].as_i64().unwrap(), x["column"].as_str().unwrap()))
            .collect();
        assert_eq!(cols, [(3, "接待单位"), (4, "就餐接待对象人数"), (5, "用餐日期")], "[{e}] {report}");
        assert_eq!(report["committed"], json!(false), "[{e}] {report}");
        assert_eq!(s.count("receptions").await, 0, "[{e}] nothing written");
        let warned = report["warnings"].to_string();
        assert!(
            warned.contains("第 6 行") && warned.contains("R-REC-1"),
            "[{e}] the rule-failing row is named: {warned}"
        );
        let good = write_xlsx(&[
            import_header(),
            import_row("综合科", "市财函〔2026〕3号", "2", "2", "200", &d5),
            import_row("综合科", "", "2", "4", "200", &d5),
        ]);
        let report = s.import("/api/v1/receptions/import?commit=true", good).await;
        assert_eq!(report["created"], 2, "[{e}] {report}");
        let flagged = s.get("/api/v1/receptions?failed=true").await.json();
        assert_eq!(flagged["total"], 1, "[{e}] the row that fails a rule is imported and flagged: {flagged}");
        assert_eq!(flagged["items"][0]["failed_rules"], "R-REC-1,R-REC-2", "[{e}] {flagged}");
        let all = s.get("/api/v1/receptions").await.json();
        let ok = all["items"].as_array().unwrap().iter().find(|r| r["failed_rules"] == "").unwrap().clone();
        let full = s.get(&format!("/api/v1/receptions/{}", ok["id"])).await.json();
        assert_eq!(full["guests"][1]["name"], "赵二", "[{e}] {full}");
        assert_eq!(full["guests"][1]["unit_name"], "市财政局", "[{e}] {full}");
        // the register
        let rows = read_xlsx(&s.download("/api/v1/receptions/export.xlsx").await);
        let flat = rows.concat().join("|");
        assert!(flat.contains("公务接待清单登记台账") && flat.contains("预算绩效评价"), "[{e}] {flat}");
        assert!(
            flat.contains("无公函") && flat.contains("R-REC-1、R-REC-2") && flat.contains("200.00"),
            "[{e}] {flat}"
        );
        s.finish().await;
    }
}

/// Uploads a file to a reception.
async fn attach(s: &Server, id: i64, bytes: &[u8], name: &str) -> crate::support::Resp {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let url = s.url(&format!("/api/v1/receptions/{id}/files"));
    s.send(s.client.post(url).header("X-CSRF-Token", &s.csrf).multipart(form)).await
}

#[tokio::test]
async fn the_scanned_letter_is_kept_with_the_reception_and_pages_render() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let r = create(&s, &reception(&org, 2, 2)).await;
        let id = r["id"].as_i64().unwrap();
        let other = create(&s, &reception(&org, 2, 1)).await["id"].as_i64().unwrap();
        let up = attach(&s, id, b"%PDF-1.4 letter", "公函.pdf").await;
        assert_eq!(up.status, StatusCode::CREATED, "[{e}] {}", up.text());
        let fid = up.json()["id"].as_i64().unwrap();
        assert_eq!(s.download(&format!("/api/v1/receptions/{id}/files/{fid}")).await, b"%PDF-1.4 letter", "[{e}]");
        let r = s.get(&format!("/api/v1/receptions/{other}/files/{fid}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] a file is read through its own reception");
        let r = attach(&s, id, b"MZ", "x.exe").await;
        assert_api_error(&e, "a file type not accepted", &r, 400, Some("file"));
        let page = s.get(&format!("/receptions/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{e}]");
        let text = page.text();
        assert!(text.contains("公函.pdf") && text.contains("R-REC-8") && text.contains("市农函"), "[{e}]");
        for path in [
            "/receptions",
            "/receptions/new",
            "/receptions/flagged",
            "/receptions/import",
            &format!("/receptions/{id}/edit"),
        ] {
            let r = s.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] {path}: {}", r.text());
        }
        // the form's live check answers the panel
        let form = [
            ("csrf_token", s.csrf.as_str()),
            ("unit_id", &org.unit("ZHK").to_string()),
            ("starts_on", &day(3)),
            ("m_date", &day(3)),
            ("m_kind", "working"),
            ("m_guests", "10"),
            ("m_acc", "4"),
            ("m_cost", "500"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let panel = s.send(s.client.post(s.url("/receptions/check")).form(&form)).await.text();
        assert!(panel.contains("R-REC-2") && panel.contains("不符合") && panel.contains("上限 3 人"), "[{e}] {panel}");
        s.finish().await;
    }
}
