//! Every .xlsx export is ready for paper: converted to PDF by LibreOffice (one `soffice` call for
//! all of them, it is slow to start), page 1 shows every printed column's header and the title,
//! and every page repeats the header row and numbers itself "第 N 页 共 M 页".
//!
//! Without `soffice` the conversion is skipped with a loud message, unless
//! `QINGFENG_REQUIRE_OFFICE` is set (scripts/test.sh sets it and installs LibreOffice).

use std::path::Path;

use reqwest::StatusCode;
use serde_json::json;

use crate::findings::{cast, seed_findings};
use crate::plans::build_tree;
use crate::support::{
    convert_all, header_row, pdf_pages as pages, read_xlsx, seed_org, servers, soffice_or_skip, Server,
};

const FINDINGS: [&str; 10] =
    ["序号", "问题描述", "问题类别", "整改措施", "责任领导", "责任人", "整改时限", "整改进展", "完成情况", "是否销号"];
const TASKS: [&str; 10] = [
    "工作项目",
    "序号",
    "工作任务",
    "牵头单位",
    "责任人",
    "配合单位",
    "完成时限",
    "同部署业务工作",
    "进展情况",
    "状态",
];
const RESPONSIBILITY: [&str; 8] = ["序号", "责任主体", "岗位", "责任事项", "工作要求", "落实情况", "状态", "依据"];
const LEDGER: [&str; 11] =
    ["序号", "日期", "类型", "会议类型", "所属单位", "地点", "参加人员", "主要内容", "计入责任事项", "版本", "登记人"];
const PEOPLE: [&str; 17] = [
    "系统编号",
    "姓名",
    "性别",
    "单位编码",
    "所在单位",
    "职务",
    "职级",
    "政治面貌",
    "责任角色",
    "人员状态",
    "出生日期",
    "入党时间",
    "行使公权力",
    "监督对象",
    "监督对象手动调整",
    "调整理由",
    "分管单位编码",
];
const UNITS: [&str; 5] = ["单位编码", "单位名称", "单位类型", "上级单位编码", "排序号"];
const AUDIT: [&str; 9] = ["序号", "时间", "账号", "地址", "操作", "对象", "对象编号", "变更内容", "哈希"];
const LOGINS: [&str; 4] = ["时间", "账号", "地址", "结果"];

/// One export: file name, where to get it, the title it prints and the printed headers.
struct Export {
    name: &'static str,
    path: String,
    title: String,
    headers: &'static [&'static str],
}

fn year() -> i32 {
    use chrono::Datelike;
    qingfeng_store::fulfilment::today().year()
}

/// Data behind every export: findings with measures, a plan's task tree, the responsibility
/// lists of the year, ledger entries, and enough audit records to fill more than one page.
async fn seed(s: &Server) -> Vec<Export> {
    let org = seed_org(s).await;
    let c = cast(s, &org).await;
    seed_findings(s, &org, &c.jijian, &c.zhk).await;
    let tree = build_tree(s, &org, "2026年党风廉政建设工作要点").await;
    let r = s.post_json("/api/v1/responsibility-lists/generate", &json!({"year": year()})).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] generate: {}", s.engine, r.text());
    for i in 0..12 {
        let body = json!({"kind": "meeting", "meeting_type": "专题会议", "date": qingfeng_store::fulfilment::today().to_string(),
            "content": format!("第{i}次党风廉政建设专题会议，传达学习上级文件精神，研究部署本单位党风廉政建设工作"),
            "unit_id": org.unit("XWB"), "place": "三楼会议室", "participants": [org.person("李明"), org.person("王芳")]});
        let r = s.post_json("/api/v1/ledger-entries", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] entry: {}", s.engine, r.text());
    }
    // seed_org's root unit
    let root_name =
        s.get(&format!("/api/v1/units/{}", org.unit("XWB"))).await.json()["name"].as_str().unwrap().to_string();
    let y = year();
    let plan = format!("/api/v1/work-plans/{}/tasks.xlsx", tree.plan);
    let responsibility = format!("/api/v1/responsibility-lists/export.xlsx?year={y}");
    let exports: [(&str, &str, String, &'static [&'static str]); 8] = [
        ("findings", "/api/v1/findings/export.xlsx", "问题整改台账".into(), &FINDINGS),
        ("tasks", &plan, "2026年度党风廉政建设任务分解表".into(), &TASKS),
        ("responsibility", &responsibility, format!("{y}年度党风廉政建设责任清单"), &RESPONSIBILITY),
        ("ledger", "/api/v1/ledger-entries/export.xlsx", "党风廉政建设履职台账".into(), &LEDGER),
        ("people", "/api/v1/people/export.xlsx", "人员信息表".into(), &PEOPLE),
        ("units", "/api/v1/units/export.xlsx", "单位信息表".into(), &UNITS),
        ("audit", "/api/v1/audit-log/export.xlsx", "操作日志".into(), &AUDIT),
        ("logins", "/api/v1/login-log/export.xlsx", "登录日志".into(), &LOGINS),
    ];
    exports
        .into_iter()
        .map(|(name, path, list, headers)| Export {
            name,
            path: path.to_string(),
            title: format!("{root_name}{list}"),
            headers,
        })
        .collect()
}

#[tokio::test]
async fn every_export_prints_on_a4_with_its_headers_on_every_page() {
    let mut files: Vec<(Export, Vec<u8>)> = Vec::new();
    for s in servers().await {
        let e = s.engine.clone();
        let exports = seed(&s).await;
        for x in exports {
            let r = s.send(s.client.get(s.url(&x.path))).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] {}: {}", x.path, r.text());
            let rows = read_xlsx(&r.bytes);
            let h = header_row(&rows, x.headers).unwrap_or_else(|| panic!("[{e}] {}: headers in {rows:?}", x.name));
            assert_eq!(h, 2, "[{e}] {}: the title and the note line above the header", x.name);
            assert_eq!(rows[0][0], x.title, "[{e}] {}: title", x.name);
            assert!(rows[1][0].contains("导出日期："), "[{e}] {}: note line {:?}", x.name, rows[1][0]);
            assert!(rows.len() > h + 1, "[{e}] {}: has data", x.name);
            if files.len() < 8 {
                files.push((x, r.bytes.clone()));
            }
        }
        // the list pages print what they show: a 打印 button and the print stylesheet
        for page in ["/findings", "/ledger", "/org", &format!("/responsibility?year={}", year())] {
            let html = s.get(page).await.text();
            assert!(html.contains("data-print>打印</button>"), "[{e}] {page} has a 打印 button");
        }
        let css = s.get("/assets/app.css").await.text();
        assert!(css.contains("@media print") && css.contains(".sidebar"), "[{e}] the print stylesheet");
        s.finish().await;
    }

    let Some(soffice) = soffice_or_skip("the exports") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("qingfeng-print-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut paths = Vec::new();
    for (x, bytes) in &files {
        let path = dir.join(format!("{}.xlsx", x.name));
        std::fs::write(&path, bytes).expect("write export");
        paths.push(path);
    }
    convert_all(&soffice, &dir, &paths);
    if let Some(keep) = std::env::var_os("QINGFENG_KEEP_PRINTS") {
        for (x, _) in &files {
            let _ =
                std::fs::copy(dir.join(format!("{}.pdf", x.name)), Path::new(&keep).join(format!("{}.pdf", x.name)));
        }
    }
    let mut multi_page = Vec::new();
    for (x, _) in &files {
        let pages = pages(&dir.join(format!("{}.pdf", x.name)));
        assert!(!pages.is_empty(), "{}: an empty PDF", x.name);
        let flat = |p: &str| p.split_whitespace().collect::<String>();
        assert!(flat(&pages[0]).contains(&x.title), "{}: page 1 shows the title:\n{}", x.name, pages[0]);
        let total = pages.len();
        for (n, page) in pages.iter().enumerate() {
            for h in x.headers {
                assert!(page.contains(h), "{}: page {} lacks the header {h}:\n{page}", x.name, n + 1);
            }
            let footer = format!("第{}页共{total}页", n + 1);
            assert!(flat(page).contains(&footer), "{}: page {} lacks “{footer}”:\n{page}", x.name, n + 1);
        }
        if total > 1 {
            multi_page.push(x.name);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!multi_page.is_empty(), "at least one export runs over several pages, so that repeating is tested");
}
