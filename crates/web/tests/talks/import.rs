//! Talks from a spreadsheet: every row checked as the form checks a talk, each error named by
//! row and column, nothing written until the valid rows are accepted; an exported file imports
//! back without doubling the talks.

use reqwest::StatusCode;
use serde_json::Value;

use super::{branch, today, year};
use crate::support::{header_row, read_xlsx, seed_org, servers, write_xlsx};

const HEAD: [&str; 11] = [
    "序号",
    "谈话日期",
    "谈话类型",
    "所属单位",
    "地点",
    "谈话人",
    "谈话对象",
    "谈话主题",
    "谈话内容摘要",
    "后续事项",
    "记录编号",
];

fn row(cells: [&str; 11]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

fn errors_of(report: &Value, row: u64) -> Vec<(String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["row"] == row)
        .map(|e| (e["column"].as_str().unwrap().to_string(), e["message"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn talks_import_reports_every_row_and_writes_only_when_accepted() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (_b, _sun, _qian) = branch(&s, &org).await;
        let t = today();
        let sheet = vec![
            row(HEAD),
            row([
                "1",
                &t,
                "谈心谈话",
                "机关党支部",
                "会议室",
                "陈静",
                "王芳、孙党员",
                "工作作风",
                "谈了作风",
                "王芳：提交学习体会（2099-01-01 前）",
                "",
            ]),
            row(["2", &t, "闲聊", "机关党支部", "", "陈静", "王芳", "", "", "", ""]),
            row(["3", "2999-01-01", "谈心谈话", "机关党支部", "", "陈静", "无此人", "", "", "", ""]),
            row(["4", &t, "诫勉谈话", "督查室", "", "陈静", "赵强", "", "", "", ""]),
            row(["5", &t, "谈心谈话", "不存在的单位", "", "陈静", "王芳", "", "", "赵强 提交", ""]),
            row(["6", &t, "谈心谈话", "机关党支部", "", "陈静", "王芳、孙党员", "重复", "", "", ""]),
            row(["7", &t, "提醒谈话", "督查室", "", "陈静", "赵强", "按时报告", "", "", ""]),
        ];
        let (talks, entries) = (s.count("talks").await, s.count("ledger_entries").await);
        let report = s.import("/api/v1/talks/import", write_xlsx(&sheet)).await;
        assert_eq!(report["valid"], 2, "[{e}] rows 1 and 7: {report}");
        assert_eq!(report["committed"], false, "[{e}]");
        let has = |r: u64, col: &str, text: &str| {
            let errs = errors_of(&report, r);
            assert!(errs.iter().any(|(c, m)| c == col && m.contains(text)), "[{e}] row {r} {col} {text}: {errs:?}");
        };
        has(3, "谈话类型", "谈话类型应为");
        has(4, "谈话日期", "");
        has(4, "谈话对象", "无此人");
        has(5, "谈话类型", "纪检监察组");
        has(6, "所属单位", "不存在的单位");
        has(6, "后续事项", "姓名：事项");
        has(7, "谈话对象", "第2行");
        assert!(errors_of(&report, 2).is_empty() && errors_of(&report, 8).is_empty(), "[{e}] {report}");
        assert_eq!((s.count("talks").await, s.count("ledger_entries").await), (talks, entries), "[{e}] nothing yet");

        let done = s.import("/api/v1/talks/import?commit=true", write_xlsx(&sheet)).await;
        assert_eq!((done["committed"].as_bool(), done["created"].as_u64()), (Some(true), Some(2)), "[{e}] {done}");
        assert_eq!(s.count("talks").await, talks + 2, "[{e}]");
        assert_eq!(s.audit_count_of("talk", "import").await, 1, "[{e}] one summary record");
        let list = s.get(&format!("/api/v1/talks?year={}&kind=heart", year())).await.json();
        let t1 = &list["items"][0];
        assert_eq!(t1["counterparts"].as_array().unwrap().len(), 2, "[{e}] {list}");
        assert_eq!(t1["follow_ups"][0]["content"], "提交学习体会", "[{e}] {list}");

        // the export imports back: every row is a recorded talk, nothing doubled
        let exported = read_xlsx(&s.download(&format!("/api/v1/talks/export.xlsx?year={}", year())).await);
        let head = header_row(&exported, &HEAD).expect("header row in the export");
        let back = s.import("/api/v1/talks/import?commit=true", write_xlsx(&exported[head..])).await;
        assert_eq!((back["valid"].as_u64(), back["errors"].as_array().unwrap().len()), (Some(0), 0), "[{e}] {back}");
        assert!(back["warnings"].to_string().contains("2 行有记录编号"), "[{e}] {back}");
        assert_eq!(s.count("talks").await, talks + 2, "[{e}] nothing doubled");

        // the pages
        let page = s.get("/talks/import").await;
        assert_eq!(page.status, StatusCode::OK, "[{e}]");
        assert!(page.text().contains("后续事项写成"), "[{e}]");
        let template = read_xlsx(&s.download("/api/v1/talks/import-template.xlsx").await);
        assert!(header_row(&template, &HEAD).is_some(), "[{e}] {template:?}");
        s.finish().await;
    }
}
