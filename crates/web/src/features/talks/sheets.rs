//! 谈心谈话 in Excel: the export of the talks the reader may see (a discipline talk's topics and
//! summary stay blank for those who may not read them), and the validate-then-commit import of
//! talks an office kept in a spreadsheet. Every row is checked as the form checks a talk; a row
//! with a 记录编号 is a talk already recorded (an exported file imports back without doubling).

use std::collections::HashMap;

use qingfeng_domain::ledger::EntryDraft;
use qingfeng_domain::talks::{FollowUpFields, TalkDraft, TalkFields, TalkKind};
use qingfeng_domain::text::trim_all;
use qingfeng_office::{CellValue, Column};
use qingfeng_store::imports;
use qingfeng_store::talks::TalkFilter;

use super::service;
use crate::auth::Principal;
use crate::http::{import_flow::ImportPage, sheet_import::SheetImport, ApiError, Nav};
use crate::sheets::heading::Heading;
use crate::sheets::names::{people_named, person_named, UnitIndex};
use crate::sheets::{read_upload, ImportReport, RowError};
use crate::AppState;

const HEADERS: [&str; 11] = [
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
const C_ID: usize = 10;

/// The columns, in order; `for_writing` adds the drop-down of the talk kinds.
pub fn columns(for_writing: bool) -> Vec<Column> {
    let kinds = Column::text(HEADERS[2], 12.0).required();
    let kinds =
        if for_writing { kinds.choices(TalkKind::ALL.iter().map(|k| k.label().to_string()).collect()) } else { kinds };
    vec![
        Column::text(HEADERS[0], 6.0),
        Column::date(HEADERS[1], 12.0).required(),
        kinds,
        Column::text(HEADERS[3], 16.0).required(),
        Column::text(HEADERS[4], 12.0),
        Column::text(HEADERS[5], 16.0).required(),
        Column::text(HEADERS[6], 20.0).required(),
        Column::text(HEADERS[7], 24.0),
        Column::text(HEADERS[8], 40.0),
        Column::text(HEADERS[9], 30.0),
        Column::integer(HEADERS[C_ID], 9.0),
    ]
}

fn field_column(field: &str) -> &'static str {
    match field {
        "date" => HEADERS[1],
        "unit_id" => HEADERS[3],
        "place" => HEADERS[4],
        "talkers" => HEADERS[5],
        "counterparts" | "participants" => HEADERS[6],
        "topics" => HEADERS[7],
        "summary" => HEADERS[8],
        "follow_ups" => HEADERS[9],
        _ => HEADERS[2],
    }
}

pub fn template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template("谈心谈话", Some("谈心谈话记录"), &columns(true))?)
}

fn names(v: &[qingfeng_store::ledger::Named]) -> String {
    v.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join("、")
}

/// One follow-up as the sheet writes it: "姓名：事项（2026-03-01 前）".
fn follow_up_text(name: &str, content: &str, deadline: impl std::fmt::Display) -> String {
    format!("{name}：{content}（{deadline} 前）")
}

pub async fn export(state: &AppState, p: &Principal, filter: &TalkFilter) -> Result<Vec<u8>, ApiError> {
    let talks = service::list(state, p, filter, None).await?.items;
    let rows: Vec<Vec<CellValue>> = talks
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let follow_ups: Vec<String> =
                t.follow_ups.iter().map(|f| follow_up_text(&f.person_name, &f.content, f.deadline)).collect();
            let summary = if t.summary_hidden {
                "（仅纪检监察组和当事人可见）".to_string()
            } else {
                t.talk.summary.clone()
            };
            vec![
                CellValue::from((n + 1) as i64),
                t.talk.entry_date.into(),
                t.kind_label.clone().into(),
                t.talk.unit_name.clone().into(),
                t.talk.place.clone().into(),
                names(&t.talkers).into(),
                names(&t.counterparts).into(),
                t.talk.topics.clone().into(),
                summary.into(),
                follow_ups.join("；").into(),
                t.talk.id.into(),
            ]
        })
        .collect();
    let kind = filter.kind.as_deref().and_then(TalkKind::from_key);
    let heading = Heading::load(&state.db, &p.scope, "谈心谈话记录")
        .await?
        .filter("年度", filter.year.map(|y| y.to_string()))
        .filter("谈话类型", kind.map(|k| k.label().to_string()));
    Ok(heading.table("谈心谈话", &columns(false), &rows).print_columns(9).write()?)
}

/// Names in a cell: "张三、李四" (also separated by ，,;；).
fn split_names(cell: &str) -> Vec<String> {
    cell.split(['、', '，', ',', ';', '；', ' ']).map(trim_all).filter(|x| !x.is_empty()).map(str::to_string).collect()
}

/// The people a cell names (in the unit, when names repeat), or the cell's message.
fn people_of(
    people: &HashMap<String, Vec<(i64, String)>>,
    cell: &str,
    unit_path: Option<&str>,
) -> Result<Vec<i64>, String> {
    split_names(cell).iter().map(|n| person_named(people, n, unit_path)).collect()
}

/// Follow-ups as the sheet writes them, separated by "；": "姓名：事项（2026-03-01 前）".
fn follow_ups_of(
    people: &HashMap<String, Vec<(i64, String)>>,
    cell: &str,
    unit_path: Option<&str>,
) -> Result<Vec<FollowUpFields>, String> {
    let mut out = Vec::new();
    for part in cell.split(['；', ';']).map(trim_all).filter(|x| !x.is_empty()) {
        let bad = || format!("后续事项“{part}”应写成“姓名：事项（2026-03-01 前）”");
        let (name, rest) = part.split_once('：').or_else(|| part.split_once(':')).ok_or_else(bad)?;
        let rest = rest.trim().strip_suffix('）').or_else(|| rest.trim().strip_suffix(')')).ok_or_else(bad)?;
        let (content, deadline) = rest.rsplit_once('（').or_else(|| rest.rsplit_once('(')).ok_or_else(bad)?;
        out.push(FollowUpFields {
            person_id: Some(person_named(people, trim_all(name), unit_path)?),
            deadline: deadline.trim().trim_end_matches('前').trim().to_string(),
            content: content.trim().to_string(),
        });
    }
    Ok(out)
}

/// What one row of the sheet reads as: the talk's fields, or the errors of its cells.
struct RowRead {
    fields: TalkFields,
    errors: Vec<(&'static str, String)>,
}

fn read_row(units: &UnitIndex, people: &HashMap<String, Vec<(i64, String)>>, c: &[String]) -> RowRead {
    let mut errors = Vec::new();
    let unit = match units.resolve(&c[3]) {
        Ok(u) => Some(u),
        Err(m) => {
            errors.push((HEADERS[3], m));
            None
        }
    };
    let path = unit.map(|u| u.path.as_str());
    let mut side = |col: usize| match people_of(people, &c[col], path) {
        Ok(ids) => ids,
        Err(m) => {
            errors.push((HEADERS[col], m));
            vec![]
        }
    };
    let (talkers, counterparts) = (side(5), side(6));
    let follow_ups = follow_ups_of(people, &c[9], path).unwrap_or_else(|m| {
        errors.push((HEADERS[9], m));
        vec![]
    });
    let fields = TalkFields {
        talk_kind: c[2].clone(),
        date: c[1].clone(),
        place: c[4].clone(),
        unit_id: unit.map(|u| u.id),
        talkers,
        counterparts,
        topics: c[7].clone(),
        summary: c[8].clone(),
        follow_ups,
        reason: String::new(),
    };
    RowRead { fields, errors }
}

/// Validates every row as the talk form does; with `commit`, writes the valid ones in one
/// transaction. Rows with a 记录编号 of a recorded talk are left as they are.
pub async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, columns(false)).await?;
    let (mut report, bad) = ImportReport::of_table(&table);
    let units = UnitIndex::load(&state.db).await?;
    let mut all_names: Vec<String> =
        table.rows.iter().flat_map(|r| [5, 6].into_iter().flat_map(|i| split_names(&r.cells[i]))).collect();
    all_names.extend(table.rows.iter().flat_map(|r| {
        r.cells[9]
            .split(['；', ';'])
            .filter_map(|x| x.split_once('：').map(|(n, _)| trim_all(n).to_string()))
            .collect::<Vec<_>>()
    }));
    let people = people_named(&state.db, &all_names).await?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut accepted: Vec<(TalkDraft, EntryDraft)> = Vec::new();
    let mut recorded = 0;
    for r in &table.rows {
        let c = &r.cells;
        if let Ok(id) = trim_all(&c[C_ID]).parse::<i64>() {
            match qingfeng_store::talks::get(&state.db, &p.scope, id).await {
                Ok(_) => recorded += 1,
                Err(qingfeng_store::StoreError::NotFound) => report.errors.push(RowError {
                    row: r.row_number,
                    column: HEADERS[C_ID].into(),
                    message: format!("记录编号 {id} 不存在或不在您的数据范围内；新谈话请留空"),
                }),
                Err(e) => return Err(e.into()),
            }
            continue;
        }
        let RowRead { fields, mut errors } = read_row(&units, &people, c);
        if !errors.is_empty() {
            // the other cells' own checks too, so that one upload names every error
            if let Err(fe) = fields.validate(qingfeng_domain::time::office_today()) {
                let more: Vec<(&str, String)> = fe.0.into_iter().map(|f| (field_column(&f.field), f.message)).collect();
                let named: Vec<&str> = errors.iter().map(|x| x.0).collect();
                errors.extend(more.into_iter().filter(|(col, _)| !named.contains(col)));
            }
        } else if !bad.contains(&r.row_number) {
            match service::validate(state, p, &fields).await {
                Ok((d, entry)) => {
                    let key = format!("{}|{}|{:?}|{:?}", d.date, d.kind.key(), d.talkers, d.counterparts);
                    match seen.insert(key, r.row_number) {
                        Some(first) => {
                            errors.push((HEADERS[6], format!("与第{first}行是同一次谈话（日期、类型和人员相同）")))
                        }
                        None => accepted.push((d, entry)),
                    }
                }
                Err(ApiError::Invalid(fe)) => {
                    errors.extend(fe.0.into_iter().map(|f| (field_column(&f.field), f.message)))
                }
                Err(e) => errors.push((HEADERS[2], e.parts().1)),
            }
        }
        report.add_row_errors(&table, r.row_number, errors);
    }
    if recorded > 0 {
        report.warnings.push(format!("{recorded} 行有记录编号，是已登记的谈话，未重复导入"));
    }
    report.errors.sort_by_key(|e| e.row);
    report.valid = accepted.len();
    if commit && !accepted.is_empty() {
        let skipped = table.rows.len() - accepted.len();
        report.record(imports::talks(&state.db, &p.actor(), &accepted, skipped).await?);
    }
    Ok(report)
}

/// What the import page says of the sheet.
const IMPORT_RULES: &[&str] = &[
    "每行一次谈话：谈话人、谈话对象可填多人，用“、”分隔；重名时按所属单位确定。",
    "后续事项写成“姓名：事项（2026-03-01 前）”，多项用“；”分隔。",
    "诫勉谈话只能由纪检监察组导入；有“记录编号”的行是已登记的谈话，不重复导入。",
];

/// The sheet of the import page and of `POST …/import`.
pub struct TalkSheet;

impl SheetImport for TalkSheet {
    const TITLE: &'static str = "谈话记录";
    const TEMPLATE_FILE: &'static str = "谈心谈话导入模板.xlsx";
    const KIND: &'static str = "talks";
    const NOUN: &'static str = "次谈话";

    async fn template(_state: &AppState) -> Result<Vec<u8>, ApiError> {
        template()
    }

    fn page(p: &Principal) -> ImportPage {
        let mut page = ImportPage::new(
            Nav::new(p, "talks"),
            "谈话记录导入",
            "/talks/import",
            "/api/v1/talks/import-template.xlsx",
        );
        page.rules = IMPORT_RULES;
        page
    }

    async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
        import(state, p, bytes, commit).await
    }
}
