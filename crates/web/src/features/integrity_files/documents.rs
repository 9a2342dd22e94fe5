//! The 廉政档案 and the 党风廉政意见回复 as Word documents laid out to GB/T 9704-2012.

use qingfeng_domain::integrity::{cn_date, reply_title};
use qingfeng_office::docx::{DocTable, Document};
use qingfeng_store::integrity::IntegrityReply;

use super::service::IntegrityFile;
use crate::http::{ApiError, ApiResult};

/// Who signs replies out.
pub const ISSUER: &str = "派驻纪检监察组";
/// The prefix of a reply's number: 纪检廉复〔2026〕3号.
pub const NUMBER_PREFIX: &str = "纪检廉复";

const ORDINALS: [&str; 12] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];

/// "一、", "二、" … for the n-th (0-based) heading.
pub fn ordinal(n: usize) -> &'static str {
    ORDINALS.get(n).copied().unwrap_or("")
}

pub fn bytes(doc: Document) -> ApiResult<Vec<u8>> {
    doc.into_bytes().map_err(|e| ApiError::Internal(e.to_string()))
}

/// The file as this reader sees it: basic facts, then each section in time order.
pub fn file_document(f: &IntegrityFile) -> Document {
    let p = &f.person;
    let or_dash = |d: Option<chrono::NaiveDate>| d.map_or("—".to_string(), cn_date);
    let mut doc = Document::new()
        .title(format!("{}同志廉政档案", p.name))
        .subtitle(format!("（截至{}）", cn_date(f.as_of)))
        .table(DocTable {
            headers: ["姓名", "单位", "职务", "出生日期", "入党时间"].map(String::from).to_vec(),
            widths: vec![2, 4, 3, 3, 3],
            rows: vec![vec![
                p.name.clone(),
                p.unit_name.clone(),
                p.title.clone(),
                or_dash(p.birth_date),
                or_dash(p.party_join_date),
            ]],
        });
    for (n, s) in f.sections.iter().enumerate() {
        doc = doc.heading(format!("{}、{}", ordinal(n), s.label));
        if !s.note.is_empty() {
            doc = doc.paragraph(s.note.clone());
        }
        if !s.shown {
            continue;
        }
        if s.entries.is_empty() {
            doc = doc.paragraph("无记录。");
        } else {
            doc = doc.table(DocTable {
                headers: ["日期", "内容"].map(String::from).to_vec(),
                widths: vec![2, 9],
                rows: s.entries.iter().map(|e| vec![e.date.to_string(), e.text.clone()]).collect(),
            });
        }
    }
    if !f.replies.is_empty() {
        doc = doc.heading(format!("{}、党风廉政意见回复", ordinal(f.sections.len())));
        doc = doc.table(DocTable {
            headers: ["文号", "主送", "结论", "签发"].map(String::from).to_vec(),
            widths: vec![3, 3, 5, 3],
            rows: f
                .replies
                .iter()
                .map(|r| vec![number(r), r.addressee.clone(), r.conclusion_label.clone(), signed(r)])
                .collect(),
        });
    }
    doc.paragraph(format!("本档案由系统根据各模块记录自动汇集，查阅人身份：{}。", f.viewer.label()))
}

fn number(r: &IntegrityReply) -> String {
    if r.number.is_empty() {
        "（草稿）".into()
    } else {
        format!("{NUMBER_PREFIX}{}", r.number)
    }
}

fn signed(r: &IntegrityReply) -> String {
    match (&r.signed_on, &r.signer_name) {
        (Some(d), Some(n)) => format!("{n} {d}"),
        _ => "未签发".into(),
    }
}

/// The reply as sent: title, number, addressee, the text, issuer and date (the signing day, or
/// the day the facts are stated for while it is a draft).
pub fn reply_document(r: &IntegrityReply) -> Document {
    let mut doc =
        Document::new().title(reply_title(&r.person_name)).reference(number(r)).line(format!("{}：", r.addressee));
    for para in r.body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        doc = doc.paragraph(para.to_string());
    }
    doc.issuer(ISSUER, cn_date(r.signed_on.unwrap_or(r.as_of)))
}
