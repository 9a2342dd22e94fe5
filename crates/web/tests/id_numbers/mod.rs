//! 身份证号: checked with its check character, unique, masked for those who do not manage
//! people; the people import refuses duplicates (in the file and against recorded people, by
//! 身份证号 or by name and birth date), warns about unknown columns and normalises names.

use qingfeng_domain::id_number::{check_char, mask};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, write_xlsx, Org, Server};

/// A valid number for the first 17 digits.
fn valid(first17: &str) -> String {
    format!("{first17}{}", check_char(first17).unwrap())
}

/// 王芳's number (born 1985-03-01, as seeded).
fn wang() -> String {
    valid("11010519850301002")
}

/// Gives 王芳 her number through the API.
async fn number_wang(s: &Server, org: &Org) {
    let r = s.patch_json(&format!("/api/v1/people/{}", org.person("王芳")), &json!({"id_number": wang()})).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.engine, r.text());
}

const HEADERS: [&str; 8] = ["系统编号", "姓名", "性别", "所在单位", "职级", "政治面貌", "出生日期", "身份证号"];

/// A people sheet: the headers above (plus `extra` headers), then one row per entry.
fn sheet(extra: &[&str], rows: &[[&str; 8]]) -> Vec<u8> {
    let mut all: Vec<Vec<String>> = vec![HEADERS.iter().chain(extra).map(|h| h.to_string()).collect()];
    all.extend(rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()));
    write_xlsx(&all)
}

/// The errors of a report as (row, column, message), by row.
fn errors(report: &Value) -> Vec<(i64, String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (e["row"].as_i64().unwrap(), e["column"].as_str().unwrap().into(), e["message"].as_str().unwrap().into())
        })
        .collect()
}

fn errors_of(report: &Value, row: i64) -> Vec<(String, String)> {
    errors(report).into_iter().filter(|e| e.0 == row).map(|e| (e.1, e.2)).collect()
}

async fn people_named(s: &Server, name: &str) -> Vec<Value> {
    let r = s.get(&format!("/api/v1/people?q={name}&per_page=100")).await;
    r.json()["items"].as_array().unwrap().iter().filter(|p| p["name"] == name).cloned().collect()
}

#[tokio::test]
async fn the_api_checks_masks_and_keeps_id_numbers_unique() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let wang_url = format!("/api/v1/people/{}", org.person("王芳"));

        // a wrong check character, a malformed number and a birth date that disagrees: 422 on the field
        let bad = format!("{}1", &wang()[..17]);
        let bad = if bad == wang() { format!("{}2", &wang()[..17]) } else { bad };
        let r = s.patch_json(&wang_url, &json!({"id_number": bad})).await;
        let err = assert_api_error(&e, "check digit", &r, 422, Some("id_number"));
        assert!(err["message"].as_str().unwrap().contains("校验位"), "[{e}] {err}");
        let r = s.patch_json(&wang_url, &json!({"id_number": "1101051985"})).await;
        assert_api_error(&e, "too short", &r, 422, Some("id_number"));
        let r = s.patch_json(&wang_url, &json!({"id_number": valid("11010519850302002")})).await;
        let err = assert_api_error(&e, "birth date", &r, 422, Some("id_number"));
        assert!(err["message"].as_str().unwrap().contains("不一致"), "[{e}] {err}");

        // a lower-case x is stored upper-case; the birth date comes from the number when missing
        let with_x = (0..1000).map(|n| format!("44030119900301{n:03}")).find(|p| check_char(p) == Some('X')).unwrap();
        let zhao_url = format!("/api/v1/people/{}", org.person("赵强"));
        let r = s.patch_json(&zhao_url, &json!({"id_number": format!("{with_x}x")})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()["id_number"], format!("{with_x}X"), "[{e}]");
        assert_eq!(r.json()["birth_date"], "1990-03-01", "[{e}] birth date from the number");

        number_wang(&s, &org).await;
        // unique: another person with the same number is a 422 naming the field, not a 500
        let r = s
            .post_json(
                "/api/v1/people",
                &json!({"name": "重号", "gender": "女", "unit_id": org.unit("ZHK"), "rank": "职工",
                        "political_status": "群众", "id_number": wang()}),
            )
            .await;
        let err = assert_api_error(&e, "taken on create", &r, 422, Some("id_number"));
        assert!(err["message"].as_str().unwrap().contains("已登记"), "[{e}] {err}");
        let r = s.patch_json(&zhao_url, &json!({"id_number": wang(), "birth_date": ""})).await;
        assert_api_error(&e, "taken on update", &r, 422, Some("id_number"));
        // the same person keeps their own number on any other change
        let r = s.patch_json(&wang_url, &json!({"title": "副科长"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());

        // the manager (admin) sees the number whole; 纪检监察组 reads people but does not manage them
        assert_eq!(s.get(&wang_url).await.json()["id_number"], wang(), "[{e}]");
        let masked = mask(&wang());
        assert_eq!(masked, format!("110***********{}", &wang()[14..]), "[{e}]");
        let jj = user(&s, "jijian_id", None, &["supervisor"]).await;
        assert_eq!(jj.get(&s, &wang_url).await.json()["id_number"], masked, "[{e}] one person");
        let list = jj.get(&s, "/api/v1/people?per_page=100").await.json();
        let listed = list["items"].as_array().unwrap().iter().find(|p| p["name"] == "王芳").unwrap().clone();
        assert_eq!(listed["id_number"], masked, "[{e}] the list");
        let page = jj.get(&s, &format!("/org/people/{}", org.person("王芳"))).await.text();
        assert!(page.contains(&masked) && !page.contains(&wang()), "[{e}] the person page");
        let admin_page = s.get(&format!("/org/people/{}", org.person("王芳"))).await.text();
        assert!(admin_page.contains(&wang()), "[{e}] the manager's person page");
        let export = read_xlsx(&jj.get(&s, "/api/v1/people/export.xlsx").await.bytes);
        assert!(export.iter().flatten().any(|c| *c == masked), "[{e}] the export, masked");
        assert!(!export.iter().flatten().any(|c| *c == wang()), "[{e}] the export holds no whole number");
        let admin_export = read_xlsx(&s.download("/api/v1/people/export.xlsx").await);
        assert!(admin_export.iter().flatten().any(|c| *c == wang()), "[{e}] the manager's export");

        // the audit trail keeps only the masked form
        let diffs: Vec<(String,)> =
            s.db.fetch_all("SELECT diff FROM audit_log WHERE entity = 'person'", vec![]).await.unwrap();
        assert!(diffs.iter().any(|(d,)| d.contains(&masked)), "[{e}] the change is audited");
        assert!(!diffs.iter().any(|(d,)| d.contains(&wang()[3..14])), "[{e}] no whole number in the trail");
        s.finish().await;
    }
}

#[tokio::test]
async fn import_refuses_the_same_person_twice_in_the_file() {
    for s in servers().await {
        let e = s.engine.clone();
        seed_org(&s).await;
        let a = valid("33010219900101001");
        let people_before = s.count("people").await;
        let file = sheet(
            &[],
            &[
                // rows 2 and 3: one 身份证号 twice
                ["", "新人甲", "男", "综合科", "职工", "群众", "", &a],
                ["", "新人乙", "男", "综合科", "职工", "群众", "", &a],
                // rows 4 and 5: no number, the same name (a full-width space inside) and birth date
                ["", "张\u{3000}三", "男", "督查室", "职工", "群众", "1990-05-06", ""],
                ["", "张三", "男", "信息科", "职工", "群众", "1990-05-06", ""],
                // row 6: the same name, another birth date: someone else
                ["", "张三", "男", "信息科", "职工", "群众", "1991-05-06", ""],
            ],
        );
        let report = s.import("/api/v1/people/import?commit=true", file).await;
        assert_eq!(
            errors_of(&report, 2),
            vec![("身份证号".to_string(), "与第 3 行身份证号重复".to_string())],
            "[{e}] {report}"
        );
        assert_eq!(errors_of(&report, 3), vec![("身份证号".into(), "与第 2 行身份证号重复".into())], "[{e}] {report}");
        for (row, other) in [(4, 5), (5, 4)] {
            let errs = errors_of(&report, row);
            assert_eq!(errs.len(), 1, "[{e}] row {row}: {report}");
            assert_eq!(errs[0].0, "姓名", "[{e}]");
            assert!(errs[0].1.starts_with(&format!("与第 {other} 行姓名、出生日期相同")), "[{e}] {errs:?}");
        }
        assert_eq!((report["valid"].as_i64(), report["created"].as_i64()), (Some(1), Some(1)), "[{e}] {report}");
        assert_eq!(s.count("people").await, people_before + 1, "[{e}] only row 6 written");
        assert!(people_named(&s, "新人甲").await.is_empty(), "[{e}]");
        s.finish().await;
    }
}

#[tokio::test]
async fn import_refuses_rows_repeating_recorded_people() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        number_wang(&s, &org).await;
        let (wang_id, li_id) = (org.person("王芳").to_string(), org.person("李明").to_string());
        let file = sheet(
            &[],
            &[
                // row 2: 王芳's number on a new row
                ["", "王芳芳", "女", "综合科", "乡科级", "中共党员", "", &wang()],
                // row 3: 李明 (no number) by name and birth date, a full-width space in the name
                ["", "李\u{3000}明", "男", "县委办公室", "县处级", "中共党员", "1970-02-03", ""],
            ],
        );
        let report = s.import("/api/v1/people/import?commit=true", file).await;
        let row2 = errors_of(&report, 2);
        assert_eq!(row2.len(), 1, "[{e}] {report}");
        assert_eq!(row2[0].0, "身份证号", "[{e}]");
        assert!(
            row2[0].1.contains(&format!("已有人员“王芳”（系统编号 {wang_id}）"))
                && row2[0].1.contains("请填写系统编号"),
            "[{e}] names the person and how to update them: {row2:?}"
        );
        let row3 = errors_of(&report, 3);
        assert_eq!(row3.len(), 1, "[{e}] {report}");
        assert_eq!(row3[0].0, "姓名", "[{e}]");
        assert!(row3[0].1.contains(&format!("已有人员“李明”（系统编号 {li_id}）姓名、出生日期相同")), "[{e}] {row3:?}");
        assert_eq!((report["valid"].as_i64(), report["committed"].as_bool()), (Some(0), Some(false)), "[{e}] {report}");
        assert!(people_named(&s, "王芳芳").await.is_empty(), "[{e}]");
        assert_eq!(people_named(&s, "李明").await.len(), 1, "[{e}] no second 李明");

        // the same people named by 系统编号 are updates, with or without the number
        let file = sheet(
            &[],
            &[
                [&wang_id, "王芳", "女", "综合科", "科级以下", "中共党员", "", &wang()],
                [&li_id, "李明", "男", "县委办公室", "县处级", "中共党员", "1970-02-03", ""],
            ],
        );
        let report = s.import("/api/v1/people/import?commit=true", file).await;
        assert_eq!(report["errors"], json!([]), "[{e}] {report}");
        assert_eq!((report["created"].as_i64(), report["updated"].as_i64()), (Some(0), Some(2)), "[{e}] {report}");

        // someone whose scope does not reach 王芳 is told of the duplicate without her name
        let r = s
            .post_json(
                "/api/v1/roles",
                &json!({"key": "dcs_import", "name": "督查室导入", "scope": "own_unit",
                        "permissions": ["person:read", "person:import"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let dcs = user(&s, "dcs_importer", Some(org.person("赵强")), &["dcs_import"]).await;
        let outside = sheet(&[], &[["", "王芳芳", "女", "督查室", "职工", "群众", "", &wang()]]);
        let r = dcs.upload(&s, "/api/v1/people/import", outside).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let msg = r.json()["errors"][0]["message"].as_str().unwrap_or_default().to_string();
        assert!(msg.contains("数据范围以外") && !msg.contains("王芳"), "[{e}] {msg}");
        s.finish().await;
    }
}

#[tokio::test]
async fn import_checks_numbers_warns_of_unknown_columns_and_keeps_masked_numbers() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        number_wang(&s, &org).await;
        let wang_id = org.person("王芳").to_string();
        let good = valid("33010219920202002");
        let bad_check = format!("{}{}", &good[..17], if good.ends_with('0') { '1' } else { '0' });
        let file = sheet(
            &["籍贯", "备 注"],
            &[
                // row 2: a wrong check character
                ["", "错号", "女", "综合科", "职工", "群众", "", &bad_check],
                // row 3: a new person with full-width spaces around and inside the name
                ["", "\u{3000}孙\u{3000}丽 ", "女", "综合科", "职工", "群众", "", &good],
                // row 4: 王芳 as a non-manager's export shows her: masked, kept as it is
                [&wang_id, "王芳", "女", "综合科", "乡科级", "中共党员", "1985-03-01", &mask(&wang())],
                // row 5: a masked number on a new row cannot be stored
                ["", "脱敏", "女", "综合科", "职工", "群众", "", &mask(&good)],
            ],
        );
        let report = s.import("/api/v1/people/import?commit=true", file.clone()).await;
        let row2 = errors_of(&report, 2);
        assert_eq!(row2, vec![("身份证号".to_string(), "身份证号校验位不正确，请核对号码".to_string())], "[{e}]");
        let row5 = errors_of(&report, 5);
        assert!(row5.len() == 1 && row5[0].0 == "身份证号" && row5[0].1.contains("脱敏"), "[{e}] {report}");
        assert!(errors_of(&report, 3).is_empty() && errors_of(&report, 4).is_empty(), "[{e}] {report}");
        let warnings = report["warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), 1, "[{e}] {report}");
        let w = warnings[0].as_str().unwrap();
        assert!(w.contains("“籍贯”") && w.contains("“备 注”"), "[{e}] unknown columns listed: {w}");
        assert_eq!((report["created"].as_i64(), report["updated"].as_i64()), (Some(1), Some(1)), "[{e}] {report}");
        let sun = people_named(&s, "孙丽").await;
        assert_eq!(sun.len(), 1, "[{e}] the name is normalised");
        assert_eq!(sun[0]["id_number"], good, "[{e}]");
        assert_eq!(sun[0]["birth_date"], "1992-02-02", "[{e}] birth date from the number");
        let wang_now = s.get(&format!("/api/v1/people/{wang_id}")).await.json();
        assert_eq!(wang_now["id_number"], wang(), "[{e}] a masked number leaves the number as it was");

        // a file without the 身份证号 column (an older template) leaves numbers as they are
        let old = write_xlsx(&[
            HEADERS[..7].iter().map(|h| h.to_string()).collect(),
            [wang_id.as_str(), "王芳", "女", "综合科", "乡科级", "中共党员", "1985-03-01"]
                .iter()
                .map(|c| c.to_string())
                .collect(),
        ]);
        let report = s.import("/api/v1/people/import?commit=true", old).await;
        assert_eq!(report["errors"], json!([]), "[{e}] {report}");
        assert_eq!(s.get(&format!("/api/v1/people/{wang_id}")).await.json()["id_number"], wang(), "[{e}]");

        // the validation page shows the warning beside the report
        let page = s.upload("/org/people-import", file).await;
        assert_eq!(page.status, StatusCode::OK, "[{e}]");
        let html = page.text();
        assert!(html.contains("提示") && html.contains("籍贯"), "[{e}] warning on the page: {html}");
        s.finish().await;
    }
}
