//! Written reports as .docx (GB/T 9704-2012): the office's annual report on fulfilling the
//! primary responsibility (R-RES-4), a leader's 述责述廉 draft, a cadre's 廉政档案 and a
//! 党风廉政意见回复. Each kind checks its own permission and scope; the parts only people can
//! write are left as marked paragraphs (【待填写：…】).

use chrono::Datelike;
use qingfeng_domain::access::Permission;
use qingfeng_domain::integrity::cn_date;
use qingfeng_domain::responsibility::{EntryKind, MeetingType};
use qingfeng_domain::talks::TalkKind;
use qingfeng_domain::time::office_today;
use qingfeng_office::docx::Document;
use qingfeng_store::org::units;
use qingfeng_store::reports::{self as figures, AnnualFigures};

use crate::auth::Principal;
use crate::features::integrity_files::documents::{bytes, file_document, reply_document};
use crate::features::integrity_files::replies;
use crate::features::integrity_files::service::{assemble, open, IntegrityFile, Viewer};
use crate::features::responsibility::service::year_param;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The kinds of report, by the name the URL gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AnnualResponsibility,
    AccountabilityStatement,
    IntegrityFile,
    IntegrityReply,
}

impl Kind {
    pub const ALL: &'static [Kind] =
        &[Kind::AnnualResponsibility, Kind::AccountabilityStatement, Kind::IntegrityFile, Kind::IntegrityReply];

    pub fn key(self) -> &'static str {
        match self {
            Kind::AnnualResponsibility => "annual-responsibility",
            Kind::AccountabilityStatement => "accountability-statement",
            Kind::IntegrityFile => "integrity-file",
            Kind::IntegrityReply => "integrity-reply",
        }
    }

    /// `annual-responsibility.docx` → the kind; anything else → None (a 404).
    pub fn from_file(file: &str) -> Option<Kind> {
        let key = file.strip_suffix(".docx")?;
        Kind::ALL.iter().copied().find(|k| k.key() == key)
    }
}

/// The query parameters the kinds read.
pub const PARAMS: &[&str] = &["year", "person", "id"];

fn required(params: &Params, key: &str, what: &str) -> ApiResult<i64> {
    params.int(key)?.ok_or_else(|| ApiError::bad_request(format!("缺少参数 {key}（{what}）"), Some(key)))
}

/// The document `file` names, with its file name.
pub async fn document(state: &AppState, p: &Principal, file: &str, params: &Params) -> ApiResult<(Vec<u8>, String)> {
    let kind = Kind::from_file(file).ok_or(ApiError::NotFound)?;
    match kind {
        Kind::AnnualResponsibility => {
            if !p.can(Permission::AnnualReport) {
                return Err(ApiError::Forbidden("没有生成主体责任年度报告的权限".into()));
            }
            let year = year_param(params)?;
            let office = office_name(state).await?;
            let a = figures::annual(&state.db, &p.scope, year, office_today()).await?;
            let title = format!("{office}{year}年度落实党风廉政建设主体责任情况报告");
            Ok((bytes(annual(&title, &office, &a))?, format!("{title}.docx")))
        }
        Kind::AccountabilityStatement => {
            let person = match params.int("person")? {
                Some(id) => id,
                None => p.person_id.ok_or_else(|| {
                    ApiError::bad_request("缺少参数 person（述责述廉人员编号）：您的账号未关联人员", Some("person"))
                })?,
            };
            let year = year_param(params)?;
            let (person, viewer) = open(state, p, person).await?;
            let file = assemble(state, p, person, viewer).await?;
            let entries = figures::person_entries(&state.db, file.person.id, year).await?;
            let title = format!("{}同志{year}年度述责述廉报告", file.person.name);
            Ok((bytes(statement(&title, &file, year, &entries))?, format!("{title}.docx")))
        }
        Kind::IntegrityFile => {
            let person = required(params, "person", "人员编号")?;
            let (person, viewer) = open(state, p, person).await?;
            let file = assemble(state, p, person, viewer).await?;
            let name = format!("{}同志廉政档案.docx", file.person.name);
            Ok((bytes(file_document(&file))?, name))
        }
        Kind::IntegrityReply => {
            let id = required(params, "id", "意见回复编号")?;
            let r = replies::get(state, p, id).await?;
            let name = format!("关于{}同志党风廉政情况的回复意见.docx", r.person_name);
            Ok((bytes(reply_document(&r))?, name))
        }
    }
}

async fn office_name(state: &AppState) -> ApiResult<String> {
    Ok(units::root_name(&state.db).await?.unwrap_or_else(|| "本单位".to_string()))
}

/// "会议研究12次、专题学习3次" from (key, count) pairs and a labelling of the keys.
fn counted(rows: &[(String, i64)], label: impl Fn(&str) -> String) -> String {
    let parts: Vec<String> = rows.iter().map(|(k, n)| format!("{}{n}次", label(k))).collect();
    if parts.is_empty() {
        "无".into()
    } else {
        parts.join("、")
    }
}

fn entry_kind(k: &str) -> String {
    EntryKind::from_key(k).map_or_else(|| k.to_string(), |x| x.label().to_string())
}

fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The annual report on fulfilling the primary responsibility (R-RES-4).
fn annual(title: &str, office: &str, a: &AnnualFigures) -> Document {
    let y = a.year;
    let meetings: i64 = a.meetings_by_type.iter().map(|(_, n)| n).sum();
    let meeting_types = counted(&a.meetings_by_type, |k| {
        MeetingType::from_key(k).map_or("其他会议".to_string(), |m| m.label().to_string())
    });
    let entries: i64 = a.entries_by_kind.iter().map(|(_, n)| n).sum();
    let talks: i64 = a.talks_by_kind.iter().map(|(_, n)| n).sum();
    let talk_kinds =
        counted(&a.talks_by_kind, |k| TalkKind::from_key(k).map_or_else(|| k.to_string(), |x| x.label().to_string()));
    let campaigns = if a.campaigns.is_empty() { "无".to_string() } else { a.campaigns.join("、") };
    Document::new()
        .title(title)
        .to_fill("主送机关（如：中共××县委、县纪委监委）")
        .paragraph(format!(
            "{y}年，{office}党组织认真履行党风廉政建设主体责任，坚持党风廉政建设与业务工作同部署、同落实、同检查、同考核。\
             现将{y}年度落实党风廉政建设主体责任情况报告如下。"
        ))
        .heading("一、履行主体责任的主要做法和成效")
        .subheading("（一）研究部署党风廉政建设工作")
        .paragraph(format!(
            "全年召开会议研究部署党风廉政建设工作{meetings}次（{meeting_types}）；召开“三重一大”决策会议{}次，集体研究决定事项{}项。",
            a.decision_meetings, a.decision_topics
        ))
        .subheading("（二）分解责任、传导压力")
        .paragraph(format!(
            "制定{y}年度党风廉政建设责任清单{}份，明确责任事项{}项，签订党风廉政建设责任书{}份。各级责任主体登记履职台账{entries}条（{}）。",
            a.lists,
            a.items,
            a.pledges,
            counted(&a.entries_by_kind, entry_kind)
        ))
        .subheading("（三）开展谈心谈话和廉政谈话")
        .paragraph(format!("全年开展谈心谈话和廉政谈话{talks}次（{talk_kinds}）。"))
        .subheading("（四）加强学习教育和警示教育")
        .paragraph(format!(
            "组织学习教育和警示教育{}次，应参加{}人次，实际参加{}人次，参学率{}。",
            a.study_sessions,
            a.attendances,
            a.present,
            percent(a.present, a.attendances)
        ))
        .subheading("（五）监督检查和问题整改")
        .paragraph(format!(
            "全年发现问题{}个，已验收销号{}个；制定整改措施{}条，已完成{}条，逾期未完成{}条。开展专项整治：{campaigns}。",
            a.findings, a.findings_signed_off, a.measures, a.measures_done, a.measures_overdue
        ))
        .to_fill("其他特色做法和取得的成效")
        .heading("二、存在的问题和不足")
        .to_fill("对照上述情况查找的问题和不足，分析原因")
        .heading("三、下一步工作打算")
        .to_fill("针对问题提出的改进措施和下一年度工作安排")
        .issuer(format!("中共{office}"), cn_date(office_today()))
}

/// The entries of one section of a file dated in `year`.
fn in_year<'a>(f: &'a IntegrityFile, key: &str, year: i64) -> Vec<&'a str> {
    f.sections
        .iter()
        .filter(|s| s.key == key)
        .flat_map(|s| &s.entries)
        .filter(|e| i64::from(e.date.year()) == year)
        .map(|e| e.text.as_str())
        .collect()
}

fn listed(intro: &str, texts: &[&str], none: &str) -> String {
    if texts.is_empty() {
        none.to_string()
    } else {
        format!("{intro}{}。", texts.iter().map(|t| t.trim_end_matches('。')).collect::<Vec<_>>().join("；"))
    }
}

/// A leader's 述责述廉 draft from their own records of `year`.
fn statement(title: &str, f: &IntegrityFile, year: i64, entries: &[(String, i64)]) -> Document {
    let p = &f.person;
    let items = f.fulfilment.iter().find(|y| y.year == year).map_or_else(
        || "本年度未分解到本人的责任事项。".to_string(),
        |y| {
            let rate = y.tally.rate.map_or("暂无到期要求".to_string(), |r| format!("落实率{r}%"));
            format!(
                "本年度承担党风廉政建设责任事项{}项，已完成{}项，逾期{}项，{rate}。",
                y.tally.items, y.tally.completed, y.tally.overdue
            )
        },
    );
    let total: i64 = entries.iter().map(|(_, n)| n).sum();
    let mut doc = Document::new()
        .title(title)
        .paragraph(format!(
            "{year}年，本人担任{}{}，认真履行党风廉政建设“一岗双责”。现将本人履行党风廉政建设责任和廉洁自律情况报告如下。",
            p.unit_name, p.title
        ))
        .heading("一、履行党风廉政建设责任情况")
        .paragraph(items)
        .paragraph(format!("全年参加和开展履职活动{total}次（{}），均已登记履职台账。", counted(entries, entry_kind)))
        .paragraph(listed("开展和参加谈话：", &in_year(f, "talks", year), "本年度未登记谈话记录。"))
        .paragraph(listed("参加学习教育：", &in_year(f, "study", year), "本年度无应参加的学习教育记录。"))
        .paragraph(listed("作为责任人的问题和整改：", &in_year(f, "findings", year), "本年度无本人负责整改的问题。"))
        .to_fill("其他履行主体责任的做法和成效")
        .heading("二、个人廉洁自律情况")
        .paragraph(listed(
            "报告个人有关事项：",
            &in_year(f, "personal_reports", year),
            "本年度无个人有关事项报告记录。",
        ))
        .paragraph(listed("报告婚丧喜庆事宜：", &in_year(f, "family_events", year), "本年度无婚丧喜庆事宜。"));
    if matches!(f.viewer, Viewer::Own | Viewer::Group) {
        doc = doc.paragraph(listed(
            "受到的处理或处分：",
            &in_year(f, "discipline", year),
            "本年度未受到运用“四种形态”的处理或党纪政务处分。",
        ));
    }
    doc.to_fill("执行中央八项规定及其实施细则精神、廉洁自律的具体情况")
        .heading("三、存在的问题和不足")
        .to_fill("对照检查查找的问题和不足")
        .heading("四、下一步努力方向")
        .to_fill("改进措施和努力方向")
        .issuer(p.name.clone(), cn_date(office_today()))
}
