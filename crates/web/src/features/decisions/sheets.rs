//! 三重一大 in Office files: the 三重一大事项决策台账 (.xlsx, one row per topic), the per-meeting
//! 会议纪要 (.docx), and the R-DEC-8 register's template and validate-then-commit import of the
//! finance office's sheet (every row checked and every error reported; written only when every
//! row is valid and the import is confirmed).

use axum::response::Response;
use qingfeng_domain::decisions::register::{EntryKind, RegisterFields};
use qingfeng_office::docx::{DocTable, Document};
use qingfeng_office::{CellValue, Column, ReadRow};
use qingfeng_store::decisions::register as reg;
use qingfeng_store::decisions::{self as store, Meeting, MeetingFilter};
use qingfeng_store::{imports::Written, now};

use super::service;
use crate::auth::Principal;
use crate::http::{docx, import_flow::ImportPage, sheet_import::SheetImport, ApiError, Nav};
use crate::sheets::heading::Heading;
use crate::sheets::names::UnitIndex;
use crate::sheets::{read_upload, row_result, ImportReport, RowError};
use crate::AppState;

fn ledger_columns() -> Vec<Column> {
    vec![
        Column::text("序号", 6.0),
        Column::text("单位", 14.0),
        Column::text("会议", 10.0),
        Column::date("会议日期", 12.0),
        Column::text("主持人", 8.0),
        Column::text("议题", 30.0),
        Column::text("事项类别", 12.0),
        Column::text("金额（元）", 14.0),
        Column::text("决策方式", 12.0),
        Column::text("表决方式", 10.0),
        Column::text("应到/实到", 9.0),
        Column::text("同意/不同意/弃权/缓议", 14.0),
        Column::text("回避", 14.0),
        Column::text("表决结果", 9.0),
        Column::text("未通过的检查", 18.0),
        Column::integer("议题编号", 9.0),
    ]
}

/// The 三重一大事项决策台账 of the meetings the caller sees that match the filter.
pub async fn ledger(state: &AppState, p: &Principal, f: &MeetingFilter) -> Result<Vec<u8>, ApiError> {
    let list = store::list(&state.db, &p.scope, f, None).await?.items;
    let mut rows: Vec<Vec<CellValue>> = Vec::new();
    for s in list.iter().rev() {
        let m = store::get(&state.db, &p.scope, s.id).await?;
        let failed: Vec<String> = m.failed().iter().map(|c| c.rule.clone()).collect();
        for t in &m.topics {
            let recused: Vec<String> = t.recusals.iter().map(|r| format!("{}（{}）", r.name, r.text)).collect();
            rows.push(vec![
                (rows.len() as i64 + 1).into(),
                (&m.unit_name).into(),
                (&m.body_label).into(),
                m.held_on.into(),
                (&m.chair_name).into(),
                (&t.title).into(),
                (&t.category_label).into(),
                (&t.amount).into(),
                (&t.decided_by_label).into(),
                (&t.voting_method_label).into(),
                format!("{}/{}", m.members.len(), m.present()).into(),
                format!("{}/{}/{}/{}", t.counts[0], t.counts[1], t.counts[2], t.counts[3]).into(),
                recused.join("；").into(),
                (&t.result_label).into(),
                failed.join("、").into(),
                t.id.into(),
            ]);
        }
    }
    let heading = Heading::load(&state.db, &p.scope, "三重一大事项决策台账")
        .await?
        .unit(f.unit_id, f.include_sub)
        .filter("年度", f.year.map(|y| y.to_string()))
        .filter("会议", f.body.map(|b| b.label().to_string()))
        .filter("事项类别", f.category.map(|c| c.label().to_string()))
        .filter("检查未通过", f.failed.then(|| "是".to_string()))
        .filter("关键词", f.q.clone());
    let columns = ledger_columns();
    Ok(heading.table("三重一大事项决策台账", &columns, &rows).write()?)
}

fn member_line(m: &Meeting, present: bool) -> String {
    let names: Vec<String> = m
        .members
        .iter()
        .filter(|x| x.present == present)
        .map(|x| if present { x.name.clone() } else { format!("{}（{}）", x.name, x.absence_reason) })
        .collect();
    if names.is_empty() {
        "无".into()
    } else {
        names.join("、")
    }
}

/// The 会议纪要 of one meeting.
pub fn minutes(m: &Meeting) -> Document {
    let mut doc = Document::new()
        .title(format!("{}{}会议纪要", m.unit_name, m.body_label))
        .subtitle(format!("{}　{}", m.held_on.format("%Y年%-m月%-d日"), m.place))
        .line(format!("主持人：{}", m.chair_name))
        .line(format!("记录人：{}", m.recorder_name.clone().unwrap_or_else(|| "—".into())))
        .line(format!("应到会 {} 人，实到 {} 人：{}", m.members.len(), m.present(), member_line(m, true)))
        .line(format!("缺席：{}", member_line(m, false)));
    for x in m.members.iter().filter(|x| !x.present && !x.written_opinion.is_empty()) {
        doc = doc.line(format!("{}书面意见（不计入表决票）：{}", x.name, x.written_opinion));
    }
    for (i, t) in m.topics.iter().enumerate() {
        let amount = if t.amount.is_empty() { String::new() } else { format!("，金额 {} 元", t.amount) };
        doc = doc
            .heading(format!("议题{}：{}", i + 1, t.title))
            .line(format!("事项类别：{}{amount}；决策方式：{}", t.category_label, t.decided_by_label));
        for r in &t.recusals {
            doc = doc.line(format!("{}回避（{}），不参加讨论和表决。", r.name, r.text));
        }
        let rows: Vec<Vec<String>> = t
            .speeches
            .iter()
            .enumerate()
            .map(|(k, s)| vec![(k + 1).to_string(), s.name.clone(), s.text.clone()])
            .collect();
        if !rows.is_empty() {
            doc = doc.table(DocTable {
                headers: ["发言顺序", "发言人", "意见"].map(String::from).to_vec(),
                widths: vec![1, 2, 7],
                rows,
            });
        }
        let votes: Vec<String> = t.votes.iter().map(|v| format!("{}：{}", v.name, v.vote_label)).collect();
        doc = doc
            .line(format!(
                "表决方式：{}。同意 {} 票，不同意 {} 票，弃权 {} 票，缓议 {} 票。{}",
                if t.voting_method_label.is_empty() { "未记录" } else { &t.voting_method_label },
                t.counts[0],
                t.counts[1],
                t.counts[2],
                t.counts[3],
                if votes.is_empty() { String::new() } else { format!("（{}）", votes.join("，")) }
            ))
            .line(format!("表决结果：{}", if t.result_label.is_empty() { "未记录" } else { &t.result_label }));
    }
    let checks: Vec<Vec<String>> = m
        .checks
        .iter()
        .map(|c| vec![c.rule.clone(), if c.ok { "符合" } else { "不符合" }.into(), c.message.clone(), c.source.clone()])
        .collect();
    doc.heading("集体决策规则检查")
        .table(DocTable {
            headers: ["规则", "结论", "说明", "依据"].map(String::from).to_vec(),
            widths: vec![2, 1, 5, 3],
            rows: checks,
        })
        .signatures(vec![
            ("主持人".into(), m.chair_name.clone()),
            ("记录人".into(), m.recorder_name.clone().unwrap_or_default()),
        ])
}

/// The 会议纪要 as a .docx download.
pub fn minutes_response(m: &Meeting) -> Result<Response, ApiError> {
    let bytes = minutes(m).into_bytes().map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(docx(bytes, &format!("{}{}会议纪要（{}）.docx", m.unit_name, m.body_label, m.held_on)))
}

const H_UNIT: &str = "单位";
const H_KIND: &str = "类别";
const H_DATE: &str = "发生日期";
const H_MATTER: &str = "事项";
const H_AMOUNT: &str = "金额（元）";
const H_REF: &str = "收款方或凭证号";
const H_TOPIC: &str = "关联议题编号";
const H_NOTE: &str = "备注";

fn register_columns(for_writing: bool) -> Vec<Column> {
    let kinds: Vec<String> = EntryKind::ALL.iter().map(|k| k.label().to_string()).collect();
    let kind = Column::text(H_KIND, 10.0);
    vec![
        Column::text(H_UNIT, 16.0).required(),
        if for_writing { kind.choices(kinds) } else { kind },
        Column::date(H_DATE, 12.0).required(),
        Column::text(H_MATTER, 32.0).required(),
        Column::text(H_AMOUNT, 14.0),
        Column::text(H_REF, 18.0),
        Column::integer(H_TOPIC, 10.0),
        Column::text(H_NOTE, 20.0),
    ]
}

fn register_column(field: &str) -> &'static str {
    match field {
        "unit_id" => H_UNIT,
        "kind" => H_KIND,
        "occurred_on" => H_DATE,
        "matter" => H_MATTER,
        "amount" => H_AMOUNT,
        "reference" => H_REF,
        "topic_id" => H_TOPIC,
        _ => H_NOTE,
    }
}

pub fn template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template(
        "大额资金和人事任免台账",
        Some("大额资金支出和人事任免台账（财务、人事部门填报）"),
        &register_columns(true),
    )?)
}

async fn check_row(
    state: &AppState,
    p: &Principal,
    index: &UnitIndex,
    r: &ReadRow,
    errs: &mut Vec<RowError>,
) -> Result<Option<qingfeng_domain::decisions::register::RegisterDraft>, ApiError> {
    let (c, row) = (&r.cells, r.row_number);
    let unit = match index.resolve(&c[0]) {
        Ok(u) => Some(u.id),
        Err(m) => {
            errs.push(RowError { row, column: H_UNIT.into(), message: m });
            None
        }
    };
    let topic_id = match c[6].trim() {
        "" => None,
        t => match t.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errs.push(RowError {
                    row, column: H_TOPIC.into(), message: format!("关联议题编号“{t}”应为数字")
                });
                None
            }
        },
    };
    let f = RegisterFields {
        unit_id: unit,
        kind: c[1].clone(),
        occurred_on: c[2].clone(),
        matter: c[3].clone(),
        amount: c[4].clone(),
        reference: c[5].clone(),
        topic_id,
        note: c[7].clone(),
    };
    if unit.is_none() {
        return Ok(None);
    }
    row_result(service::validate_entry(state, p, &f).await, row, register_column, errs)
}

/// Validates every row; with `commit` and every row valid, writes them in one transaction.
pub async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, register_columns(false)).await?;
    let index = UnitIndex::load(&state.db).await?;
    let mut report = ImportReport::default();
    report.warn_unknown_columns(&table);
    for e in &table.errors {
        report.errors.push(RowError { row: e.row, column: e.column.clone(), message: e.message.clone() });
    }
    let mut drafts = Vec::new();
    for r in &table.rows {
        if table.errors.iter().any(|e| e.row == r.row_number) {
            continue;
        }
        let mut errs = Vec::new();
        if let Some(d) = check_row(state, p, &index, r, &mut errs).await? {
            if errs.is_empty() {
                drafts.push(d);
                report.valid += 1;
            }
        }
        report.errors.extend(errs);
    }
    if report.ready_to_write(commit, drafts.len()) {
        let created = reg::create_many(&state.db, &p.actor(), &drafts, now()).await?;
        report.record(Written { created, updated: 0 });
    }
    Ok(report)
}

/// The sheet of the import page and of `POST …/import`.
pub struct RegisterSheet;

impl SheetImport for RegisterSheet {
    const TITLE: &'static str = "大额资金和人事任免台账";
    const TEMPLATE_FILE: &'static str = "大额资金和人事任免台账导入模板.xlsx";
    const KIND: &'static str = "decision_register";
    const NOUN: &'static str = "条台账记录";

    async fn template(_state: &AppState) -> Result<Vec<u8>, ApiError> {
        template()
    }

    fn page(p: &Principal) -> ImportPage {
        ImportPage::new(
            Nav::new(p, "decision-register"),
            "大额资金和人事任免台账导入",
            "/decisions/register/import",
            "/api/v1/decision-register/import-template.xlsx",
        )
    }

    async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
        import(state, p, bytes, commit).await
    }
}
