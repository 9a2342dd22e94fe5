//! 学习教育: a session is a ledger entry whose present attendees are its participants (credited
//! as any entry), attendance names only the branch's members or the unit's people, make-ups are
//! recorded later and audited, absentees are told to make up; per-person figures, the branch
//! calendar against the ledger's R-BR credits, the sign-in sheet and the young-cadre view.

use chrono::Datelike;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, Org, Server};

fn today() -> chrono::NaiveDate {
    qingfeng_store::fulfilment::today()
}

async fn put_member(s: &Server, branch: i64, person: i64) {
    let r = s
        .post_json(
            &format!("/api/v1/party-branches/{branch}/members"),
            &json!({"person_id": person, "date": "2025-01-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.engine, r.text());
}

/// 机关党支部: 陈静 (书记), 王芳 and 孙党员 (督查室, born 2000) as members.
async fn branch(s: &Server, org: &Org) -> (i64, i64) {
    let b = org.unit("JGDZB");
    put_member(s, b, org.person("陈静")).await;
    let r = s
        .write_json(
            Method::PUT,
            &format!("/api/v1/party-branches/{b}/committee"),
            &json!({"person_id": org.person("陈静"), "post": "书记", "date": "2025-01-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.engine, r.text());
    put_member(s, b, org.person("王芳")).await;
    let r = s
        .post_json(
            "/api/v1/people",
            &json!({"name": "孙党员", "gender": "男", "unit_id": org.unit("DCS"), "rank": "below_section",
                   "political_status": "中共党员", "roles": ["cadre"], "birth_date": "2000-05-01", "party_branch_id": b}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.engine, r.text());
    (b, r.json()["id"].as_i64().unwrap())
}

fn ids(v: &Value) -> Vec<i64> {
    let mut out: Vec<i64> = v.as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect();
    out.sort();
    out
}

#[tokio::test]
async fn sessions_credit_the_present_and_record_absences_and_make_ups() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let year = today().year();
        let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let (b, sun) = branch(&s, &org).await;
        let (chen, wang, zhao) = (org.person("陈静"), org.person("王芳"), org.person("赵强"));
        let zhibu = user(&s, "zhibu1", Some(chen), &["branch_secretary"]).await;
        let sun_user = user(&s, "sun", Some(sun), &["member"]).await;
        let wang_user = user(&s, "wangfang", Some(wang), &["member"]).await;

        let body = |rows: Value| {
            json!({"kind": "meeting", "meeting_type": "支委会", "date": today(), "place": "三楼会议室",
                   "topic": "学习《中国共产党纪律处分条例》", "materials": "条例全文", "organiser_id": chen,
                   "unit_id": b, "attendance": rows})
        };
        let good_rows = json!([{"person_id": chen, "status": "present"}, {"person_id": wang, "status": "出席"},
                               {"person_id": sun, "status": "absent", "reason": "病假"}]);

        // bad input: 4xx naming the field, nothing written
        let before = s.count("ledger_entries").await;
        let r =
            zhibu.post(&s, "/api/v1/study-sessions", &body(json!([{"person_id": zhao, "status": "present"}]))).await;
        let err = assert_api_error(&e, "outsider", &r, 422, Some("attendance"));
        assert!(err.to_string().contains("不是本支部党员"), "[{e}] {err}");
        let r = zhibu.post(&s, "/api/v1/study-sessions", &body(json!([{"person_id": sun, "status": "absent"}]))).await;
        assert_api_error(&e, "absence without reason", &r, 422, Some("attendance"));
        let mut other = body(good_rows.clone());
        other["unit_id"] = json!(org.unit("DCS"));
        let r = zhibu.post(&s, "/api/v1/study-sessions", &other).await;
        assert_api_error(&e, "unit outside scope", &r, 422, Some("unit_id"));
        let mut other = body(good_rows.clone());
        other["kind"] = json!("inspection");
        assert_api_error(&e, "kind", &zhibu.post(&s, "/api/v1/study-sessions", &other).await, 422, Some("kind"));
        let mut other = body(good_rows.clone());
        other["date"] = json!("2099-01-01");
        assert_api_error(&e, "future", &zhibu.post(&s, "/api/v1/study-sessions", &other).await, 422, Some("date"));
        assert_eq!((s.count("ledger_entries").await, s.count("study_sessions").await), (before, 0), "[{e}]");

        // the 支部书记 records the branch's 支委会: the present are the entry's participants
        let r = zhibu.post(&s, "/api/v1/study-sessions", &body(good_rows)).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let d = r.json();
        let id = d["session"]["id"].as_i64().unwrap();
        assert_eq!(
            (d["session"]["present"].as_i64(), d["session"]["absent"].as_i64()),
            (Some(2), Some(1)),
            "[{e}] {d}"
        );
        let entry = s.get(&format!("/api/v1/ledger-entries/{id}")).await.json();
        let mut want = vec![chen, wang];
        want.sort();
        assert_eq!(ids(&entry["participants"]), want, "[{e}] {entry}");
        assert_eq!(entry["meeting_type"], "branch_committee", "[{e}]");
        assert_eq!(s.audit_count_of("study_session", "create").await, 1, "[{e}]");
        // the absentee is told to make up
        let n = sun_user.get(&s, "/api/v1/notifications").await.text();
        assert!(n.contains("待补学") && n.contains(&format!("/study/{id}")), "[{e}] {n}");

        // a member sees the session, only her own row, and the count of the others
        let mine = wang_user.get(&s, &format!("/api/v1/study-sessions/{id}")).await.json();
        assert_eq!(
            (mine["attendance"].as_array().unwrap().len(), mine["hidden"].as_i64()),
            (1, Some(2)),
            "[{e}] {mine}"
        );
        let r = wang_user
            .post(&s, &format!("/api/v1/study-sessions/{id}/makeups"), &json!({"person_id": sun, "date": today()}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] a member may not write: {}", r.text());

        // make-up: only for an absentee, after the session, once
        let path = format!("/api/v1/study-sessions/{id}/makeups");
        let r = zhibu.post(&s, &path, &json!({"person_id": wang, "date": today()})).await;
        assert_api_error(&e, "present person", &r, 422, Some("person_id"));
        let r = zhibu.post(&s, &path, &json!({"person_id": sun, "date": "2020-01-01"})).await;
        assert_api_error(&e, "before the session", &r, 422, Some("date"));
        let r = zhibu.post(&s, &path, &json!({"person_id": sun, "date": today(), "note": "自学条例并交心得"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let r = zhibu.post(&s, &path, &json!({"person_id": sun, "date": today()})).await;
        assert_api_error(&e, "twice", &r, 422, Some("person_id"));
        assert_eq!(s.audit_count_of("study_makeup", "create").await, 1, "[{e}]");
        let trail = s.get("/system/audit").await.text();
        assert!(trail.contains("补学") && trail.contains("缺席人员"), "[{e}] audit in words");

        // per person and year
        let figures = s.get(&format!("/api/v1/study-sessions/attendance?year={year}")).await.json();
        let of = |p: i64| figures.as_array().unwrap().iter().find(|f| f["person_id"] == p).cloned().unwrap();
        assert_eq!(
            (of(sun)["attended"].as_i64(), of(sun)["missed"].as_i64(), of(sun)["made_up"].as_i64()),
            (Some(0), Some(1), Some(1)),
            "[{e}]"
        );
        assert_eq!((of(wang)["attended"].as_i64(), of(wang)["missed"].as_i64()), (Some(1), Some(0)), "[{e}]");
        let py = s.get(&format!("/api/v1/study-sessions/attendance/{sun}?year={year}")).await.json();
        assert_eq!(py["sessions"][0]["makeup_date"], json!(today()), "[{e}] {py}");

        // a 党课 through the study API and a 党员大会 through the ledger: one record, every list
        let lecture = json!({"kind": "party_lecture", "date": today(), "topic": "书记讲党课", "unit_id": b,
                             "attendance": [{"person_id": chen, "status": "present"}, {"person_id": wang, "status": "present"}]});
        assert_eq!(zhibu.post(&s, "/api/v1/study-sessions", &lecture).await.status, StatusCode::CREATED, "[{e}]");
        let congress = json!({"kind": "meeting", "meeting_type": "党员大会", "date": today(), "content": "党员大会",
                              "unit_id": b, "participants": [chen, wang, sun]});
        assert_eq!(s.post_json("/api/v1/ledger-entries", &congress).await.status, StatusCode::CREATED, "[{e}]");
        calendar_matches_the_ledger(&s, b, chen, year).await;

        // the sign-in sheet
        let rows = read_xlsx(&s.download(&format!("/api/v1/study-sessions/{id}/attendance.xlsx")).await);
        let text = format!("{rows:?}");
        assert!(text.contains("支委会签到表") && text.contains("本人签名"), "[{e}] {text}");
        let sun_row = rows.iter().find(|r| r.iter().any(|c| c == "孙党员")).unwrap();
        assert!(sun_row.contains(&"缺席".to_string()) && sun_row.contains(&"病假".to_string()), "[{e}] {sun_row:?}");

        young_cadres(&s, &org, sun, wang).await;
        pages(&s, b, id).await;
        s.finish().await;
    }
}

/// Every slot's count equals the ledger entries credited to the rule's item in that period.
async fn calendar_matches_the_ledger(s: &Server, b: i64, chen: i64, year: i32) {
    let e = &s.engine;
    let cal = s.get(&format!("/api/v1/study-sessions/calendar/{b}?year={year}")).await.json();
    let items = s.get(&format!("/api/v1/responsibility-items?year={year}&per_page=200")).await.json();
    let month = today().month() as usize;
    for row in cal["rows"].as_array().unwrap() {
        let code = row["code"].as_str().unwrap();
        let item = items["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| {
                i["code"] == code
                    && if code == "R-BR-6" {
                        i["person_id"] == chen
                    } else {
                        i["unit_id"] == b && i["person_id"].is_null()
                    }
            })
            .unwrap_or_else(|| panic!("[{e}] no item {code}"));
        let credited = s.list_total(&format!("/api/v1/ledger-entries?item={}&year={year}", item["id"])).await;
        let slots = row["slots"].as_array().unwrap();
        let sum: i64 = slots.iter().map(|x| x["count"].as_i64().unwrap()).sum();
        assert_eq!(sum, credited, "[{e}] {code}: {row}");
        let expected = match code {
            "R-BR-1" | "R-BR-2" | "R-BR-6" => 1,
            _ => 0,
        };
        assert_eq!(credited, expected, "[{e}] {code}");
        let per = slots.len();
        let slot = &slots[(month - 1) * per / 12];
        assert_eq!(slot["count"].as_i64(), Some(expected), "[{e}] {code}: {row}");
        assert_eq!(slot["state"], if expected > 0 { "met" } else { "open" }, "[{e}] {code}: {row}");
        assert!(row["source"].as_str().unwrap().contains("支部工作条例"), "[{e}] {row}");
    }
}

async fn young_cadres(s: &Server, org: &Org, sun: i64, wang: i64) {
    let e = &s.engine;
    // a ledger entry of kind 谈心谈话 outside the talks module does not count as a talk held
    // with 孙党员; a talk of the module with him as 谈话对象 does
    let entry = json!({"kind": "talk", "date": today(), "content": "谈心", "unit_id": org.unit("DCS"),
                       "participants": [sun, wang]});
    assert_eq!(s.post_json("/api/v1/ledger-entries", &entry).await.status, StatusCode::CREATED, "[{e}]");
    let v = s.get("/api/v1/young-cadres").await.json();
    let row = v["rows"].as_array().unwrap().iter().find(|r| r["person_id"] == sun).cloned().unwrap();
    assert_eq!(row["talks"], json!(0), "[{e}] {row}");
    assert_eq!(row["risk_points"], json!([]), "[{e}] {row}");
    let talk = json!({"talk_kind": "谈心谈话", "date": today(), "unit_id": org.unit("DCS"),
                      "talkers": [org.person("陈静")], "counterparts": [sun], "topics": "成长"});
    assert_eq!(s.post_json("/api/v1/talks", &talk).await.status, StatusCode::CREATED, "[{e}]");
    // the risk points of his post: 督查室's accepted point (the register of this year)
    let point = json!({"unit_id": org.unit("DCS"), "category": "岗位职责风险", "post": "督查督办", "power": "督查",
        "point": "督查走过场、通报失实", "manifestation": "只听汇报不看现场", "level": "中",
        "measures": [{"text": "督查事项清单化", "person_id": org.person("赵强")}]});
    let r = s.post_json("/api/v1/risk-points", &point).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
    let pid = r.json()["id"].as_i64().unwrap();
    let submit = json!({"unit_id": org.unit("DCS"), "year": today().year()});
    assert_eq!(s.post_json("/api/v1/risk-points/submit", &submit).await.status, StatusCode::OK, "[{e}]");
    let jj = user(s, "jj", Some(org.person("周伟")), &["supervisor"]).await;
    let r = jj.post(s, &format!("/api/v1/risk-points/{pid}/accept"), &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());

    let v = s.get("/api/v1/young-cadres").await.json();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(v["max_age"], 35, "[{e}]");
    let row = rows.iter().find(|r| r["person_id"] == sun).unwrap_or_else(|| panic!("[{e}] {v}"));
    assert_eq!((row["missed"].as_i64(), row["made_up"].as_i64()), (Some(1), Some(1)), "[{e}] {row}");
    assert_eq!(row["talks"], json!(1), "[{e}] {row}");
    let points: Vec<i64> = row["risk_points"].as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect();
    assert_eq!(points, vec![pid], "[{e}] {row}");
    let gaps = row["gaps"].to_string();
    assert!(!gaps.contains("没有谈心谈话") && gaps.contains("未参加警示教育"), "[{e}] {gaps}");
    assert!(!gaps.contains("未补学"), "[{e}] made up: {gaps}");
    assert!(!rows.iter().any(|r| r["person_id"] == wang), "[{e}] 王芳 (1985) is not young at 35");
    let r = s.write_json(Method::PUT, "/api/v1/settings", &json!({"youth.max_age": "60"})).await;
    assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
    let v = s.get("/api/v1/young-cadres").await.json();
    assert!(v["rows"].as_array().unwrap().iter().any(|r| r["person_id"] == wang), "[{e}] {v}");
    let page = s.get("/young-cadres").await.text();
    assert!(page.contains("孙党员") && page.contains("60 岁以下"), "[{e}]");
    assert!(page.contains(&format!("href=\"/risk/{pid}\"")) && page.contains("中风险·督查督办"), "[{e}] {page}");
}

async fn pages(s: &Server, b: i64, id: i64) {
    let e = &s.engine;
    for (path, needle) in [
        ("/study".to_string(), "学习《中国共产党纪律处分条例》"),
        (format!("/study/new?unit={b}"), "孙党员"),
        (format!("/study/{id}"), "已补学"),
        ("/study/people".to_string(), "孙党员"),
        (format!("/study/calendar?branch={b}"), "第十二条"),
    ] {
        let r = s.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {path}");
        assert!(r.text().contains(needle), "[{e}] {path} lacks {needle}");
    }
}

/// A session of the branch: 陈静 and 王芳 present, 孙党员 absent (公差). Returns (branch, 孙, id).
async fn session_of_three(s: &Server, org: &Org, meeting: &str, topic: &str) -> (i64, i64, i64) {
    let (b, sun) = branch(s, org).await;
    let (chen, wang) = (org.person("陈静"), org.person("王芳"));
    let body = json!({"kind": "meeting", "meeting_type": meeting, "date": today(), "topic": topic,
        "organiser_id": chen, "unit_id": b, "attendance": [
            {"person_id": chen, "status": "present"}, {"person_id": wang, "status": "present"},
            {"person_id": sun, "status": "absent", "reason": "公差"}]});
    let r = s.post_json("/api/v1/study-sessions", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.engine, r.text());
    (b, sun, r.json()["session"]["id"].as_i64().unwrap())
}

/// A study session corrected through the ledger's correction path: the attendance follows the
/// corrected participants in the same transaction, audited; the list and the figures count the
/// current version only.
#[tokio::test]
async fn a_ledger_correction_keeps_attendance_in_step() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (b, sun, id) = session_of_three(&s, &org, "支委会", "专题学习").await;
        let (chen, wang) = (org.person("陈静"), org.person("王芳"));
        let path = format!("/api/v1/study-sessions/{id}/makeups");
        assert_eq!(s.post_json(&path, &json!({"person_id": sun, "date": today()})).await.status, StatusCode::CREATED);

        // the organiser corrects the entry: 王芳 was not there after all, 陈静 was
        let fix = |reason: &str| {
            json!({"kind": "meeting", "meeting_type": "支委会", "date": today(), "content": "专题学习",
                   "unit_id": b, "participants": [chen], "reason": reason})
        };
        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/versions"), &fix("")).await;
        assert_api_error(&e, "no reason", &r, 422, Some("reason"));
        assert_eq!(s.audit_count_of("study_attendance", "update").await, 0, "[{e}] nothing written");
        let r = s.post_json(&format!("/api/v1/ledger-entries/{id}/versions"), &fix("王芳当天请假，登记有误")).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let new_id = r.json()["id"].as_i64().unwrap();
        let v = s.get(&format!("/api/v1/study-sessions/{new_id}")).await.json();
        let status = |p: i64| {
            let row = v["attendance"].as_array().unwrap().iter().find(|a| a["person_id"] == p).cloned();
            row.map(|r| (r["status"].as_str().unwrap().to_string(), r["makeup_date"].is_null()))
        };
        assert_eq!(status(chen), Some(("present".into(), true)), "[{e}] {v}");
        assert_eq!(status(wang), Some(("absent".into(), true)), "[{e}] 王芳 now absent: {v}");
        assert_eq!(status(sun), Some(("absent".into(), false)), "[{e}] 孙 still absent, his make-up kept: {v}");
        assert_eq!(v["session"]["topic"], json!("专题学习"), "[{e}] the session is kept: {v}");
        assert_eq!(s.audit_count_of("study_attendance", "update").await, 1, "[{e}] audited");
        // one session in the list, the current version; figures count it once
        let list = s.get(&format!("/api/v1/study-sessions?year={}", today().year())).await.json();
        assert_eq!(list["total"], json!(1), "[{e}] {list}");
        assert_eq!(list["items"][0]["id"], json!(new_id), "[{e}] {list}");
        let figures = s.get(&format!("/api/v1/study-sessions/attendance?year={}", today().year())).await.json();
        let of = |p: i64| figures.as_array().unwrap().iter().find(|f| f["person_id"] == p).cloned().unwrap();
        assert_eq!((of(wang)["attended"].as_i64(), of(wang)["missed"].as_i64()), (Some(0), Some(1)), "[{e}]");
        assert_eq!((of(sun)["missed"].as_i64(), of(sun)["made_up"].as_i64()), (Some(1), Some(1)), "[{e}]");
        assert_eq!(of(chen)["attended"].as_i64(), Some(1), "[{e}]");
        // the old version stays readable as history
        let old = s.get(&format!("/api/v1/study-sessions/{id}")).await;
        assert_eq!(old.status, StatusCode::OK, "[{e}]");
        s.finish().await;
    }
}

/// The sign-in sheet filled in and imported as the session's attendance: every row checked
/// against the branch's members, each error named by row and column, nothing written until the
/// valid rows are accepted; then a correction of the session with the present as participants.
#[tokio::test]
async fn attendance_imports_from_the_sign_in_sheet() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (_b, sun, id) = session_of_three(&s, &org, "党员大会", "党员大会").await;
        let (chen, wang) = (org.person("陈静"), org.person("王芳"));
        let sheet = read_xlsx(&s.download(&format!("/api/v1/study-sessions/{id}/attendance.xlsx")).await);
        let head = crate::support::header_row(&sheet, &["姓名", "出席情况"]).expect("header");
        let mut rows: Vec<Vec<String>> = sheet[head..].to_vec();
        let set = |rows: &mut Vec<Vec<String>>, name: &str, status: &str, reason: &str| {
            let r = rows.iter_mut().find(|r| r[1] == name).unwrap();
            r[4] = status.into();
            r[5] = reason.into();
        };
        set(&mut rows, "孙党员", "出席", "");
        set(&mut rows, "王芳", "缺席", "");
        let line = |cells: [&str; 8]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        rows.push(line(["4", "赵强", "督查室", "", "出席", "", "", ""]));
        rows.push(line(["5", "陈静", "", "", "出席", "", "", ""]));
        rows.push(line(["6", "孙党员", "", "", "迟到", "", "", ""]));
        let path = format!("/api/v1/study-sessions/{id}/attendance/import");
        let entries = s.count("ledger_entries").await;
        let report = s.import(&path, crate::support::write_xlsx(&rows)).await;
        let errs: Vec<(u64, String, String)> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["row"].as_u64().unwrap(), x["column"].as_str().unwrap().into(), x["message"].to_string()))
            .collect();
        let has = |col: &str, text: &str| errs.iter().any(|(_, c, m)| c == col && m.contains(text));
        assert!(has("缺席原因", "缺席应写明原因"), "[{e}] {errs:?}");
        assert!(has("姓名", "不是本支部党员"), "[{e}] 赵强 is no member: {errs:?}");
        assert!(has("姓名", "同一人"), "[{e}] 陈静 twice: {errs:?}");
        assert!(has("出席情况", "出席情况应为"), "[{e}] {errs:?}");
        assert_eq!(report["valid"], 2, "[{e}] 陈静 and 孙党员: {report}");
        assert_eq!(s.count("ledger_entries").await, entries, "[{e}] nothing written before the confirmation");

        set(&mut rows, "王芳", "缺席", "病假");
        let rows: Vec<Vec<String>> = rows.into_iter().take(4).collect();
        let done = s.import(&format!("{path}?commit=true"), crate::support::write_xlsx(&rows)).await;
        assert_eq!(done["committed"], true, "[{e}] {done}");
        assert_eq!(s.audit_count_of("study_attendance", "import").await, 1, "[{e}]");
        let list = s.get(&format!("/api/v1/study-sessions?year={}", today().year())).await.json();
        assert_eq!(list["total"], 1, "[{e}] {list}");
        let new_id = list["items"][0]["id"].as_i64().unwrap();
        assert_ne!(new_id, id, "[{e}] a correction");
        let v = s.get(&format!("/api/v1/study-sessions/{new_id}")).await.json();
        let of = |p: i64| {
            let a = v["attendance"].as_array().unwrap().iter().find(|a| a["person_id"] == p).cloned().unwrap();
            (a["status"].as_str().unwrap().to_string(), a["reason"].as_str().unwrap().to_string())
        };
        assert_eq!(of(sun), ("present".into(), String::new()), "[{e}] {v}");
        assert_eq!(of(wang), ("absent".into(), "sick".into()), "[{e}] {v}");
        assert_eq!(of(chen), ("present".into(), String::new()), "[{e}] {v}");
        let entry = s.get(&format!("/api/v1/ledger-entries/{new_id}")).await.json();
        let mut want = vec![chen, sun];
        want.sort();
        assert_eq!(ids(&entry["participants"]), want, "[{e}] the present are the participants: {entry}");
        let page = s.get(&format!("/study/{new_id}/attendance/import")).await.text();
        assert!(page.contains("导入签到表") && page.contains("签到表模板"), "[{e}]");
        s.finish().await;
    }
}
