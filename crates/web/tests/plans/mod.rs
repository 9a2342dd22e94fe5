//! 工作要点 and 任务分解 end to end: the task tree and its rules, progress and states, data scope,
//! the 任务分解表 export → import round trip, and the pages.

use std::collections::BTreeMap;

use qingfeng_store::plans::today;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_api_error, header_row, read_xlsx, seed_org, servers, user, write_xlsx, Org, Server};

const PLAN_TITLE: &str = "2026年党风廉政建设工作要点";

async fn create_plan(s: &Server, org: &Org, title: &str) -> i64 {
    let r = s.post_json("/api/v1/work-plans", &json!({"year": 2026, "unit_id": org.unit("XWB"), "title": title})).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] create plan: {}", s.engine, r.text());
    r.json()["id"].as_i64().expect("plan id")
}

async fn create_task(s: &Server, body: Value) -> Value {
    let r = s.post_json("/api/v1/tasks", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] create task {body}: {}", s.engine, r.text());
    r.json()
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

/// A three-level tree: 1 (县委办) → 1.1 (综合科) → 1.1.1 (信息科), and 2 (督查室, deadline passed).
pub(crate) struct Tree {
    pub(crate) plan: i64,
    t1: i64,
    t11: i64,
    t111: i64,
    t2: i64,
}

pub(crate) async fn build_tree(s: &Server, org: &Org, title: &str) -> Tree {
    let plan = create_plan(s, org, title).await;
    let t1 = create_task(
        s,
        json!({"plan_id": plan, "title": "落实全面从严治党主体责任，层层传导压力", "lead_unit_id": org.unit("XWB"),
               "lead_person_id": org.person("李明"), "support_unit_ids": [org.unit("DCS"), org.unit("JGDZB")],
               "deadline": "2099-12-31", "business_work": "年度重点工作目标考核"}),
    )
    .await;
    let t11 = create_task(
        s,
        json!({"plan_id": plan, "parent_id": id(&t1), "title": "制定科室责任清单", "lead_unit_id": org.unit("ZHK"),
               "lead_person_id": org.person("王芳"), "support_unit_ids": [org.unit("DCS")], "deadline": "2099-06-30"}),
    )
    .await;
    let t111 = create_task(
        s,
        json!({"plan_id": plan, "parent_id": id(&t11), "title": "开展廉政风险点排查", "lead_unit_id": org.unit("XXK"),
               "deadline": "2099-05-31", "business_work": "信息化项目建设"}),
    )
    .await;
    let t2 = create_task(
        s,
        json!({"plan_id": plan, "title": "开展作风建设专项督查", "lead_unit_id": org.unit("DCS"),
               "lead_person_id": org.person("赵强"), "deadline": "2020-01-31"}),
    )
    .await;
    Tree { plan, t1: id(&t1), t11: id(&t11), t111: id(&t111), t2: id(&t2) }
}

#[tokio::test]
async fn task_tree_rules_progress_and_states() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;

        // a plan needs its year, unit and title
        let r = s.post_json("/api/v1/work-plans", &json!({})).await;
        assert_api_error(&e, "empty plan", &r, 422, Some("year"));
        let r = s.post_json("/api/v1/work-plans", &json!({"year": 2026, "unit_id": 99999, "title": "x"})).await;
        assert_api_error(&e, "plan of an unknown unit", &r, 422, Some("unit_id"));

        let t = build_tree(&s, &org, PLAN_TITLE).await;
        let plan = s.get(&format!("/api/v1/work-plans/{}", t.plan)).await;
        assert_eq!(plan.status, StatusCode::OK, "[{e}] plan: {}", plan.text());
        let plan = plan.json();
        assert_eq!(plan["title"], PLAN_TITLE);
        assert_eq!(plan["task_count"], 4, "[{e}] {plan}");
        let tasks = plan["tasks"].as_array().expect("tasks");
        let shape: Vec<(String, i64, i64)> = tasks
            .iter()
            .map(|x| (x["number"].as_str().unwrap().to_string(), x["depth"].as_i64().unwrap(), id(x)))
            .collect();
        assert_eq!(
            shape,
            vec![("1".into(), 0, t.t1), ("1.1".into(), 1, t.t11), ("1.1.1".into(), 2, t.t111), ("2".into(), 0, t.t2)],
            "[{e}] tree order, numbers and depths"
        );
        assert_eq!(tasks[0]["lead_unit_name"], "县委办公室");
        assert_eq!(tasks[0]["lead_person_name"], "李明");
        assert_eq!(tasks[0]["support_units"].as_array().unwrap().len(), 2, "[{e}] support units");
        assert_eq!(tasks[0]["business_work"], "年度重点工作目标考核");

        // a sub-task may not end after its parent: 422 naming the field, nothing written
        let other = create_plan(&s, &org, "另一份工作要点").await;
        let (n_tasks, n_audit) = (s.count("tasks").await, s.audit_count().await);
        let r = s
            .post_json(
                "/api/v1/tasks",
                &json!({"plan_id": t.plan, "parent_id": t.t11, "title": "超期的下级任务", "lead_unit_id": org.unit("XXK"),
                        "deadline": "2099-07-01"}),
            )
            .await;
        let err = assert_api_error(&e, "sub-task after parent's deadline", &r, 422, Some("deadline"));
        assert!(err["message"].as_str().unwrap().contains("2099-06-30"), "[{e}] the parent's deadline is named: {err}");
        // the same through PATCH: moving a parent's deadline before its sub-task's
        let r = s.patch_json(&format!("/api/v1/tasks/{}", t.t11), &json!({"deadline": "2099-05-01"})).await;
        assert_api_error(&e, "parent before its sub-task", &r, 422, Some("deadline"));
        // a task cannot move under its own sub-task, nor under a task of another plan
        let r = s.patch_json(&format!("/api/v1/tasks/{}", t.t1), &json!({"parent_id": t.t111})).await;
        assert_api_error(&e, "cycle", &r, 422, Some("parent_id"));
        let r = s
            .post_json(
                "/api/v1/tasks",
                &json!({"plan_id": other, "parent_id": t.t1, "title": "跨要点", "lead_unit_id": org.unit("ZHK"),
                        "deadline": "2099-01-01"}),
            )
            .await;
        assert_api_error(&e, "parent in another plan", &r, 422, Some("parent_id"));
        let r = s.post_json("/api/v1/tasks", &json!({"plan_id": t.plan, "title": "", "deadline": "明天"})).await;
        let err = assert_api_error(&e, "empty task", &r, 422, None);
        let fields: Vec<&str> =
            err["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        for f in ["title", "lead_unit_id", "deadline"] {
            assert!(fields.contains(&f), "[{e}] {f} reported in {err}");
        }
        let r = s.post_json("/api/v1/tasks", &json!({"plan_id": t.plan, "bogus": 1})).await;
        assert_api_error(&e, "unknown field", &r, 400, Some("bogus"));
        assert_eq!(s.count("tasks").await, n_tasks, "[{e}] nothing written");
        assert_eq!(s.audit_count().await, n_audit, "[{e}] nothing audited");

        // a valid PATCH is audited with the changed field only
        let r = s.patch_json(&format!("/api/v1/tasks/{}", t.t11), &json!({"title": "制定并公示科室责任清单"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] patch: {}", r.text());
        assert_eq!(r.json()["title"], "制定并公示科室责任清单");
        let (diff,): (String,) =
            s.db.fetch_one(
                "SELECT diff FROM audit_log WHERE entity = 'task' AND action = 'update' ORDER BY id DESC LIMIT 1",
                vec![],
            )
            .await
            .unwrap();
        let diff: Value = serde_json::from_str(&diff).unwrap();
        assert_eq!(diff.as_object().unwrap().keys().collect::<Vec<_>>(), vec!["title"], "[{e}] {diff}");

        // states: 未开始 until an update, 逾期 after the deadline
        let state = |v: &Value| v["state_label"].as_str().unwrap_or_default().to_string();
        assert_eq!(state(&s.get(&format!("/api/v1/tasks/{}", t.t1)).await.json()), "未开始", "[{e}]");
        assert_eq!(state(&s.get(&format!("/api/v1/tasks/{}", t.t2)).await.json()), "逾期", "[{e}]");

        // an update dated after the deadline needs a reason
        let n_updates = s.count("task_updates").await;
        let r = s
            .post_json(
                &format!("/api/v1/tasks/{}/updates", t.t2),
                &json!({"update_date": "2024-03-01", "text": "已完成两个科室的督查"}),
            )
            .await;
        let err = assert_api_error(&e, "late update without reason", &r, 422, Some("late_reason"));
        assert!(err["message"].as_str().unwrap().contains("2020-01-31"), "[{e}] {err}");
        assert_eq!(s.count("task_updates").await, n_updates, "[{e}] nothing written");
        let r = s
            .post_json(
                &format!("/api/v1/tasks/{}/updates", t.t2),
                &json!({"update_date": "2024-03-01", "text": "已完成两个科室的督查", "late_reason": "督查人员抽调参加巡察"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] late update with reason: {}", r.text());
        assert_eq!(r.json()["task"]["state_label"], "逾期", "[{e}] still overdue");
        let r = s
            .post_json(
                &format!("/api/v1/tasks/{}/updates", t.t2),
                &json!({"update_date": "2999-01-01", "text": "未来", "late_reason": "x"}),
            )
            .await;
        assert_api_error(&e, "future update", &r, 422, Some("update_date"));

        // progress makes a task 进行中; completing needs every sub-task completed
        let today = today().to_string();
        let r = s
            .post_json(
                &format!("/api/v1/tasks/{}/updates", t.t111),
                &json!({"update_date": today, "text": "已排查风险点 12 个"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] update: {}", r.text());
        assert_eq!(r.json()["task"]["state_label"], "进行中", "[{e}]");
        let r = s
            .post_json(
                &format!("/api/v1/tasks/{}/updates", t.t11),
                &json!({"update_date": today, "text": "清单已印发", "completes": true}),
            )
            .await;
        assert_api_error(&e, "completion with open sub-tasks", &r, 422, Some("completes"));
        let r = s
            .post_json(
                &format!("/api/v1/tasks/{}/updates", t.t111),
                &json!({"update_date": today, "text": "排查完毕，制定防控措施 12 条", "evidence": "县委办〔2026〕3号",
                        "completes": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] completion: {}", r.text());
        let done = r.json();
        assert_eq!(done["completes"], true);
        assert_eq!(done["task"]["state_label"], "已完成", "[{e}] {done}");
        assert_eq!(done["task"]["state"], "completed");
        assert_eq!(done["task"]["completed_on"], today.as_str());
        let r = s
            .post_json(
                &format!("/api/v1/tasks/{}/updates", t.t111),
                &json!({"update_date": today, "text": "再次报完成", "completes": true}),
            )
            .await;
        assert_api_error(&e, "second completion", &r, 422, Some("completes"));
        let detail = s.get(&format!("/api/v1/tasks/{}", t.t111)).await.json();
        assert_eq!(detail["updates"].as_array().unwrap().len(), 2, "[{e}] updates listed");
        assert_eq!(detail["updates"][0]["text"], "排查完毕，制定防控措施 12 条", "[{e}] newest first");
        assert_eq!(detail["latest_update"], "排查完毕，制定防控措施 12 条");
        assert_eq!(s.audit_count_of("task", "complete").await, 1, "[{e}] completion audited");
        assert_eq!(s.audit_count_of("task_update", "create").await, 3, "[{e}] updates audited");

        // the list: envelope, filters by state (key or label), unit and text
        let list = s.get(&format!("/api/v1/tasks?plan={}", t.plan)).await.json();
        for k in ["items", "total", "page", "per_page"] {
            assert!(list.get(k).is_some(), "[{e}] list envelope has {k}: {list}");
        }
        assert_eq!(list["total"], 4);
        assert_eq!(s.list_total(&format!("/api/v1/tasks?plan={}&state=overdue", t.plan)).await, 1, "[{e}]");
        assert_eq!(s.list_total(&format!("/api/v1/tasks?plan={}&state=已完成", t.plan)).await, 1, "[{e}]");
        assert_eq!(s.list_total(&format!("/api/v1/tasks?plan={}&state=not_started", t.plan)).await, 2, "[{e}]");
        assert_eq!(s.list_total(&format!("/api/v1/tasks?plan={}&state=in_progress", t.plan)).await, 0, "[{e}]");
        assert_eq!(
            s.list_total(&format!("/api/v1/tasks?unit={}", org.unit("ZHK"))).await,
            2,
            "[{e}] 综合科 and 信息科 below it"
        );
        assert_eq!(s.list_total(&format!("/api/v1/tasks?unit={}", org.unit("DCS"))).await, 3, "[{e}] lead or support");
        assert_eq!(s.list_total("/api/v1/tasks?q=风险点").await, 1, "[{e}]");
        let r = s.get("/api/v1/tasks?state=done").await;
        assert_api_error(&e, "bad state", &r, 400, Some("state"));
        let plans = s.get("/api/v1/work-plans?year=2026").await.json();
        assert_eq!(plans["total"], 2, "[{e}] {plans}");
        assert_eq!(s.list_total("/api/v1/work-plans?year=2025").await, 0, "[{e}]");
        s.finish().await;
    }
}

// ------------------------------------------------------------------ scope

#[tokio::test]
async fn tasks_follow_the_data_scope() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let t = build_tree(&s, &org, PLAN_TITLE).await;
        // 赵强's account as principal of 督查室: sees tasks led or supported by 督查室 only
        let dcs = user(&s, "ducha", Some(org.person("赵强")), &["principal"]).await;
        // 1.1.1 is led by 信息科, under 综合科: another unit's task
        for (m, path, body) in [
            (Method::GET, format!("/api/v1/tasks/{}", t.t111), None),
            (Method::PATCH, format!("/api/v1/tasks/{}", t.t111), Some(json!({"title": "改"}))),
            (
                Method::POST,
                format!("/api/v1/tasks/{}/updates", t.t111),
                Some(json!({"update_date": today().to_string(), "text": "越权报进展"})),
            ),
            (Method::GET, format!("/tasks/{}", t.t111), None),
        ] {
            let r = dcs.send(&s, m.clone(), &path, body.as_ref()).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] {m} {path} out of scope: {}", r.text());
        }
        let list = dcs.send(&s, Method::GET, "/api/v1/tasks", None).await.json();
        let mut seen: Vec<i64> = list["items"].as_array().unwrap().iter().map(id).collect();
        seen.sort();
        let mut expected = vec![t.t1, t.t11, t.t2]; // 1 and 1.1 have 督查室 as a support unit, 2 is led by it
        expected.sort();
        assert_eq!(seen, expected, "[{e}] visible tasks");
        assert_eq!(list["total"], 3);
        // the plan is visible through its tasks, with the visible tasks only, numbered in the whole plan
        let plan = dcs.send(&s, Method::GET, &format!("/api/v1/work-plans/{}", t.plan), None).await;
        assert_eq!(plan.status, StatusCode::OK, "[{e}] plan through its tasks: {}", plan.text());
        let numbers: Vec<String> = plan.json()["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["number"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(numbers, vec!["1", "1.1", "2"], "[{e}]");
        // a plan with no task of 督查室 stays hidden
        let hidden = create_plan(&s, &org, "综合科专项工作要点").await;
        let r = dcs.send(&s, Method::GET, &format!("/api/v1/work-plans/{hidden}"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] hidden plan");
        // the lead unit reports progress and breaks its task down, but may not move its own deadline
        let r = dcs
            .send(&s, Method::PATCH, &format!("/api/v1/tasks/{}", t.t2), Some(&json!({"deadline": "2099-01-01"})))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] lead unit edits its own task: {}", r.text());
        let r = dcs
            .send(
                &s,
                Method::POST,
                &format!("/api/v1/tasks/{}/updates", t.t2),
                Some(&json!({"update_date": today().to_string(), "text": "督查已全部完成", "late_reason": "人员抽调"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] lead unit reports progress: {}", r.text());
        let r = dcs
            .send(
                &s,
                Method::POST,
                "/api/v1/tasks",
                Some(&json!({"plan_id": t.plan, "parent_id": t.t2, "title": "督查室内部分工", "lead_unit_id": org.unit("DCS"),
                             "deadline": "2020-01-15"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] 一级抓一级: {}", r.text());
        let sub = id(&r.json());
        let r = dcs
            .send(&s, Method::PATCH, &format!("/api/v1/tasks/{sub}"), Some(&json!({"title": "督查室内部分工方案"})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] the deployer edits its sub-task: {}", r.text());
        // but not a first-level task of the plan, nor a lead unit outside its scope
        let r = dcs
            .send(
                &s,
                Method::POST,
                "/api/v1/tasks",
                Some(&json!({"plan_id": t.plan, "title": "一级任务", "lead_unit_id": org.unit("DCS"), "deadline": "2099-01-01"})),
            )
            .await;
        assert_eq!(r.status.as_u16(), 422, "[{e}] first-level task by a lower unit: {}", r.text());
        assert_eq!(r.json()["error"]["field"], "parent_id");
        let r = dcs
            .send(
                &s,
                Method::POST,
                "/api/v1/tasks",
                Some(&json!({"plan_id": t.plan, "parent_id": t.t2, "title": "派给综合科", "lead_unit_id": org.unit("ZHK"),
                             "deadline": "2020-01-15"})),
            )
            .await;
        assert_eq!(r.status.as_u16(), 422, "[{e}] lead unit out of scope: {}", r.text());
        assert_eq!(r.json()["error"]["field"], "lead_unit_id");
        s.finish().await;
    }
}

// ------------------------------------------------------------------ Excel

/// (number, title, lead unit, person, support units, deadline, business work) of every task.
async fn tree_rows(s: &Server, plan: i64) -> Vec<(String, String, String, String, String, String, String)> {
    let v = s.get(&format!("/api/v1/work-plans/{plan}")).await.json();
    v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let support: Vec<String> = t["support_units"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["name"].as_str().unwrap().to_string())
                .collect();
            (
                t["number"].as_str().unwrap().to_string(),
                t["title"].as_str().unwrap().to_string(),
                t["lead_unit_name"].as_str().unwrap().to_string(),
                t["lead_person_name"].as_str().unwrap_or_default().to_string(),
                support.join("、"),
                t["deadline"].as_str().unwrap().to_string(),
                t["business_work"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const HEADERS: [&str; 9] =
    ["序号", "工作任务", "牵头单位", "责任人", "配合单位", "完成时限", "同部署业务工作", "进展情况", "状态"];

#[tokio::test]
async fn task_sheet_round_trip() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let t = build_tree(&s, &org, PLAN_TITLE).await;
        // a second first-level task with its own sub-task, to check sibling order
        let t3 = create_task(
            &s,
            json!({"plan_id": t.plan, "title": "加强警示教育", "lead_unit_id": org.unit("JGDZB"), "deadline": "2099-09-30"}),
        )
        .await;
        create_task(
            &s,
            json!({"plan_id": t.plan, "parent_id": id(&t3), "title": "组织观看警示教育片", "lead_unit_id": org.unit("JGDZB"),
                   "lead_person_id": org.person("陈静"), "deadline": "2099-08-31"}),
        )
        .await;
        let r = s
            .post_json(
                &format!("/api/v1/tasks/{}/updates", t.t11),
                &json!({"update_date": today().to_string(), "text": "初稿已完成"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());

        let template = read_xlsx(&s.download("/api/v1/work-plans/tasks-template.xlsx").await);
        assert!(header_row(&template, &HEADERS).is_some(), "[{e}] template header: {template:?}");

        let bytes = s.download(&format!("/api/v1/work-plans/{}/tasks.xlsx", t.plan)).await;
        let sheet = read_xlsx(&bytes);
        let h = header_row(&sheet, &HEADERS).expect("export header");
        let col = |name: &str| sheet[h].iter().position(|c| c == name).unwrap();
        let numbers: Vec<&str> = sheet[h + 1..].iter().map(|r| r[col("序号")].as_str()).collect();
        assert_eq!(numbers, vec!["1", "1.1", "1.1.1", "2", "3", "3.1"], "[{e}] hierarchical numbers");
        let row11 = &sheet[h + 2];
        assert_eq!(row11[col("牵头单位")], "综合科");
        assert_eq!(row11[col("责任人")], "王芳");
        assert_eq!(row11[col("配合单位")], "督查室");
        assert_eq!(row11[col("完成时限")], "2099-06-30");
        assert_eq!(row11[col("进展情况")], "初稿已完成");
        assert_eq!(row11[col("状态")], "进行中");
        assert_eq!(sheet[h + 4][col("状态")], "逾期");
        assert_eq!(sheet[h + 1][col("配合单位")], "机关党支部、督查室", "[{e}] support units in tree order");

        // into a second plan: validate (nothing written), then commit
        let second = create_plan(&s, &org, "2026年工作要点（复制）").await;
        let n_tasks = s.count("tasks").await;
        let path = format!("/api/v1/work-plans/{second}/tasks/import");
        let report = s.import(&path, bytes.clone()).await;
        assert_eq!(report["valid"], 6, "[{e}] {report}");
        assert_eq!(report["committed"], false);
        assert!(report["errors"].as_array().unwrap().is_empty(), "[{e}] {report}");
        assert_eq!(s.count("tasks").await, n_tasks, "[{e}] validation writes nothing");
        let report = s.import(&format!("{path}?commit=true"), bytes.clone()).await;
        assert_eq!(report["committed"], true, "[{e}] {report}");
        assert_eq!(report["created"], 6);
        assert_eq!(tree_rows(&s, second).await, tree_rows(&s, t.plan).await, "[{e}] the same tree");
        // importing the same sheet again updates the same tasks: nothing new
        let report = s.import(&format!("{path}?commit=true"), bytes).await;
        assert_eq!((report["created"].as_i64(), report["updated"].as_i64()), (Some(0), Some(6)), "[{e}] {report}");
        assert_eq!(tree_rows(&s, second).await, tree_rows(&s, t.plan).await, "[{e}] still the same tree");
        assert_eq!(s.count("tasks").await, n_tasks + 6);

        // a hand-made sheet: every problem reported with its row and column, only good rows written
        let mut rows: Vec<Vec<String>> = vec![HEADERS.iter().map(|h| h.to_string()).collect()];
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<String>>();
        rows.push(row(&["1", "全面从严治党", "县委办公室", "李明", "综合科、DCS", "2099年6月30日"]));
        rows.push(row(&["1.1", "晚于上级的任务", "综合科", "", "", "2099/7/31"]));
        rows.push(row(&["2.1", "没有上级的任务", "综合科", "", "", "2099-01-01"]));
        rows.push(row(&["一", "坏序号", "综合科", "", "", "2099-01-01"]));
        rows.push(row(&["3", "未知单位", "不存在的单位", "", "", "2099-01-01"]));
        rows.push(row(&["4", "坏日期", "综合科", "", "", "下月底"]));
        rows.push(row(&["5", "未知责任人", "综合科", "查无此人", "", "2099-01-01"]));
        rows.push(row(&["1", "重复序号", "综合科", "", "", "2099-01-01"]));
        let third = create_plan(&s, &org, "第三份工作要点").await;
        let report = s.import(&format!("/api/v1/work-plans/{third}/tasks/import?commit=true"), write_xlsx(&rows)).await;
        let errors: BTreeMap<i64, String> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["row"].as_i64().unwrap(), x["column"].as_str().unwrap().to_string()))
            .collect();
        let expected: BTreeMap<i64, String> =
            [(3, "完成时限"), (4, "序号"), (5, "序号"), (6, "牵头单位"), (7, "完成时限"), (8, "责任人"), (9, "序号")]
                .into_iter()
                .map(|(r, c)| (r, c.to_string()))
                .collect();
        assert_eq!(errors, expected, "[{e}] {report}");
        for x in report["errors"].as_array().unwrap() {
            assert!(crate::support::has_cjk(x["message"].as_str().unwrap()), "[{e}] Chinese message: {x}");
        }
        assert_eq!(report["valid"], 1, "[{e}] {report}");
        assert_eq!(report["created"], 1);
        let third_rows = tree_rows(&s, third).await;
        assert_eq!(third_rows.len(), 1);
        assert_eq!(third_rows[0].4, "综合科、督查室", "[{e}] units by name or code");
        assert_eq!(third_rows[0].5, "2099-06-30", "[{e}] an office date format");

        // an out-of-scope operator cannot import into someone else's plan
        let hidden = create_plan(&s, &org, "综合科专项工作要点").await;
        let dcs = user(&s, "ducha", Some(org.person("赵强")), &["principal"]).await;
        let part = reqwest::multipart::Part::bytes(write_xlsx(&rows)).file_name("t.xlsx");
        let r = s
            .send(
                dcs.client
                    .post(s.url(&format!("/api/v1/work-plans/{hidden}/tasks/import")))
                    .header("X-CSRF-Token", &dcs.csrf)
                    .multipart(reqwest::multipart::Form::new().part("file", part)),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] import into a plan out of scope: {}", r.text());
        s.finish().await;
    }
}

// ------------------------------------------------------------------ pages

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

#[tokio::test]
async fn task_pages() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let t = build_tree(&s, &org, PLAN_TITLE).await;
        let r = s
            .post_json(
                &format!("/api/v1/tasks/{}/updates", t.t111),
                &json!({"update_date": today().to_string(), "text": "风险点排查完毕", "completes": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());

        let org_page = s.get("/org").await.text();
        assert!(org_page.contains("href=\"/plans\""), "[{e}] the sidebar links 任务分解");

        let page = s.get("/plans").await;
        assert_eq!(page.status, StatusCode::OK, "[{e}] /plans: {}", page.text());
        let html = page.text();
        assert!(html.contains(PLAN_TITLE), "[{e}] the plan is listed");
        for title in ["落实全面从严治党主体责任", "制定科室责任清单", "开展廉政风险点排查", "开展作风建设专项督查"]
        {
            assert!(html.contains(title), "[{e}] the tree shows {title}");
        }
        assert!(html.contains("class=\"tag late\">逾期"), "[{e}] overdue in red");
        assert!(html.contains("class=\"tag ok\">已完成"), "[{e}] completed in green");
        assert!(html.contains("depth-2"), "[{e}] indented sub-tasks");
        assert!(html.contains(&format!("/api/v1/work-plans/{}/tasks.xlsx", t.plan)), "[{e}] export button");
        assert!(html.contains(&format!("/plans/{}/import", t.plan)), "[{e}] import link");
        assert!(!html.contains("<style") && !html.contains(" style=\""), "[{e}] no inline style");
        let filtered = s.get(&format!("/plans/{}?state=overdue", t.plan)).await.text();
        assert!(
            filtered.contains("开展作风建设专项督查") && !filtered.contains("制定科室责任清单"),
            "[{e}] state filter"
        );

        let page = s.get(&format!("/tasks/{}", t.t2)).await;
        assert_eq!(page.status, StatusCode::OK, "[{e}] task page: {}", page.text());
        let html = page.text();
        assert!(html.contains("开展作风建设专项督查") && html.contains("督查室"), "[{e}] task facts");
        assert!(html.contains("name=\"csrf_token\""), "[{e}] the form carries the CSRF token");
        assert!(html.contains("name=\"late_reason\""), "[{e}] late reason field");
        assert!(s.get(&format!("/tasks/{}", t.t111)).await.text().contains("风险点排查完毕"), "[{e}] updates listed");

        let post = |path: String, body: String| {
            s.client.post(s.url(&path)).header("Content-Type", "application/x-www-form-urlencoded").body(body)
        };
        // a late update without a reason: the page again with the error, nothing written
        let n = s.count("task_updates").await;
        let r = s
            .send(post(
                format!("/tasks/{}/updates", t.t2),
                form(&[("csrf_token", &s.csrf), ("update_date", "2024-05-01"), ("text", "督查报告已提交")]),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] late update form");
        assert!(r.text().contains("请填写逾期原因"), "[{e}] the reason is asked for");
        assert_eq!(s.count("task_updates").await, n);
        let r = s
            .send(post(
                format!("/tasks/{}/updates", t.t2),
                form(&[
                    ("csrf_token", &s.csrf),
                    ("update_date", "2024-05-01"),
                    ("text", "督查报告已提交"),
                    ("late_reason", "等待被督查单位整改材料"),
                    ("completes", "true"),
                ]),
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] update form: {}", r.text());
        assert!(s.get(&format!("/tasks/{}", t.t2)).await.text().contains("逾期完成"), "[{e}] completed late");
        // without the CSRF token nothing is written
        let r = s
            .send(post(format!("/tasks/{}/updates", t.t2), form(&[("update_date", "2024-05-01"), ("text", "x")])))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] no CSRF token");
        assert_eq!(s.count("task_updates").await, n + 1);

        // the plan and task forms
        assert_eq!(s.get("/plans/new").await.status, StatusCode::OK, "[{e}] plan form");
        let unit = org.unit("XWB").to_string();
        let r = s
            .send(post(
                "/plans/new".into(),
                form(&[("csrf_token", &s.csrf), ("year", "2027"), ("unit_id", &unit), ("title", "2027年工作要点")]),
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] new plan: {}", r.text());
        let location = r.header("location").unwrap();
        let new_plan: i64 = location.trim_start_matches("/plans/").parse().unwrap();
        let form_page = s.get(&format!("/plans/{new_plan}/tasks/new")).await;
        assert_eq!(form_page.status, StatusCode::OK, "[{e}] task form");
        assert!(form_page.text().contains("name=\"csrf_token\""));
        let lead = org.unit("ZHK").to_string();
        let r = s
            .send(post(
                format!("/plans/{new_plan}/tasks/new"),
                form(&[("csrf_token", &s.csrf), ("title", ""), ("lead_unit_id", &lead), ("deadline", "2027-06-30")]),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] empty title");
        let r = s
            .send(post(
                format!("/plans/{new_plan}/tasks/new"),
                form(&[
                    ("csrf_token", &s.csrf),
                    ("title", "落实一岗双责"),
                    ("lead_unit_id", &lead),
                    ("deadline", "2027-06-30"),
                ]),
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] new task: {}", r.text());
        assert!(s.get(&format!("/plans/{new_plan}")).await.text().contains("落实一岗双责"));
        let edit = s.get(&format!("/tasks/{}/edit", t.t11)).await;
        assert_eq!(edit.status, StatusCode::OK, "[{e}] edit form: {}", edit.text());
        assert!(edit.text().contains("制定科室责任清单"));

        let import = s.get(&format!("/plans/{}/import", t.plan)).await;
        assert_eq!(import.status, StatusCode::OK, "[{e}] import page");
        assert!(import.text().contains("tasks-template.xlsx"), "[{e}] template link");

        // the page flow: upload → report with a confirmation token → confirm writes the valid rows
        let fourth = create_plan(&s, &org, "第四份工作要点").await;
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<String>>();
        let sheet = write_xlsx(&[
            HEADERS.iter().map(|h| h.to_string()).collect(),
            row(&["1", "页面导入的任务", "综合科", "", "", "2099-06-30"]),
            row(&["2", "坏日期", "综合科", "", "", "下月底"]),
        ]);
        let post = |plan: i64, form: reqwest::multipart::Form| {
            s.send(
                s.client.post(s.url(&format!("/plans/{plan}/import"))).header("X-CSRF-Token", &s.csrf).multipart(form),
            )
        };
        let upload = reqwest::multipart::Form::new()
            .text("commit", "false")
            .part("file", reqwest::multipart::Part::bytes(sheet).file_name("tasks.xlsx"));
        let html = post(fourth, upload).await.text();
        assert!(html.contains("校验结果"), "[{e}] {html}");
        let token = html.split("name=\"pending\" value=\"").nth(1).and_then(|x| x.split('"').next()).unwrap();
        let confirm = || reqwest::multipart::Form::new().text("commit", "true").text("pending", token.to_string());
        let before = s.count("tasks").await;
        let r = post(t.plan, confirm()).await;
        assert!(r.text().contains("已失效"), "[{e}] a token is taken only by the plan it was made for");
        assert_eq!(s.count("tasks").await, before, "[{e}]");
        let r = post(fourth, confirm()).await;
        assert!(r.text().contains("导入完成：新增 1 项任务"), "[{e}] {}", r.text());
        assert_eq!(s.count("tasks").await, before + 1, "[{e}] only the valid row");
        let r = post(fourth, confirm()).await;
        assert!(r.text().contains("已失效"), "[{e}] a token is used once");
        s.finish().await;
    }
}
