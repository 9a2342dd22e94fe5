//! 廉政档案 and 党风廉政意见回复: the standard wording of the reply the 纪检组 gives when the
//! organisation department asks whether a cadre may be promoted, as a pure function of what the
//! file holds (measures and their 影响期, clues under check, findings still being rectified).
//!
//! The wording follows the usual practice of 党风廉政意见回复: "经查，截至X年X月X日，未发现XX同志
//! 有违反党风廉政建设规定的问题"; a measure still in its 影响期 makes the cadre 不宜提拔或者进一步
//! 使用 (中国共产党纪律处分条例, 公职人员政务处分法, 党政领导干部选拔任用工作条例); a clue still under
//! check that may bear on the decision makes the reply 暂缓 until the check is concluded.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::text::{check_max, check_required, trim_all};
use crate::FieldErrors;

pub const ADDRESSEE_MAX: usize = 100;
pub const PURPOSE_MAX: usize = 200;
pub const BODY_MAX: usize = 5000;

/// A reply as the 纪检组 writes it (generating a draft takes the first two; editing all three).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ReplyFields {
    /// 主送: who asked (e.g. 中共XX县委组织部)
    pub addressee: String,
    /// why they asked (e.g. 拟提拔为副主任); may be empty
    pub purpose: String,
    /// the text (one paragraph a line); empty when generating: the standard wording is drafted
    pub body: String,
}

impl ReplyFields {
    /// Checks the fields; `body_required` once the text exists (editing).
    pub fn validate(&self, body_required: bool) -> Result<ReplyFields, FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "addressee", "主送单位", &self.addressee, ADDRESSEE_MAX);
        check_max(&mut e, "purpose", "征求意见事由", trim_all(&self.purpose), PURPOSE_MAX);
        if body_required {
            check_required(&mut e, "body", "回复正文", &self.body, BODY_MAX);
        } else {
            check_max(&mut e, "body", "回复正文", trim_all(&self.body), BODY_MAX);
        }
        e.into_result()?;
        Ok(ReplyFields {
            addressee: trim_all(&self.addressee).to_string(),
            purpose: trim_all(&self.purpose).to_string(),
            body: self.body.trim().replace("\r\n", "\n"),
        })
    }
}

/// "2026年12月2日", as official documents write a date.
pub fn cn_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// A 四种形态 measure or sanction on the file.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureFact {
    /// 批评教育, 诫勉, 政务记过 …
    pub label: String,
    pub decided_on: NaiveDate,
    pub deciding_body: String,
    /// the last day it affects promotion (None: no 影响期)
    pub effect_until: Option<NaiveDate>,
}

impl MeasureFact {
    pub fn in_effect_on(&self, day: NaiveDate) -> bool {
        self.effect_until.is_some_and(|u| u >= day)
    }
}

/// What the reply is drawn from.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyFacts {
    pub person_name: String,
    /// "县委办公室综合科科长" (unit and post), may be empty
    pub post: String,
    /// the day the facts are stated for (截至)
    pub as_of: NaiveDate,
    /// every measure recorded about the person, in any order
    pub measures: Vec<MeasureFact>,
    /// clues about the person still under check (None: the clue register is not kept here)
    pub open_clues: Option<u32>,
    /// findings the person is responsible for that are not signed off, and of them overdue
    pub open_findings: u32,
    pub overdue_findings: u32,
}

/// The reply's conclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conclusion {
    /// 未发现违反党风廉政建设规定的问题 (measures past their 影响期 are stated)
    Clean,
    /// a clue is still under check: 暂缓, answer again when it is concluded
    Pending,
    /// a measure is still in its 影响期: 不宜提拔或者进一步使用
    NotSuitable,
}

impl Conclusion {
    pub const ALL: &'static [Conclusion] = &[Conclusion::Clean, Conclusion::Pending, Conclusion::NotSuitable];

    pub fn key(self) -> &'static str {
        match self {
            Conclusion::Clean => "clean",
            Conclusion::Pending => "pending",
            Conclusion::NotSuitable => "not_suitable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Conclusion::Clean => "未发现违反党风廉政建设规定的问题",
            Conclusion::Pending => "有问题线索尚在核查，暂缓",
            Conclusion::NotSuitable => "处于影响期内，不宜提拔或者进一步使用",
        }
    }

    pub fn from_key(key: &str) -> Option<Conclusion> {
        Conclusion::ALL.iter().copied().find(|c| c.key() == key)
    }
}

/// The conclusion the facts call for: a measure in its 影响期 first, then an open clue.
pub fn conclusion(f: &ReplyFacts) -> Conclusion {
    if f.measures.iter().any(|m| m.in_effect_on(f.as_of)) {
        Conclusion::NotSuitable
    } else if f.open_clues.unwrap_or(0) > 0 {
        Conclusion::Pending
    } else {
        Conclusion::Clean
    }
}

/// The reply's title.
pub fn reply_title(person_name: &str) -> String {
    format!("关于{person_name}同志党风廉政情况的回复意见")
}

fn measure_sentence(name: &str, m: &MeasureFact, as_of: NaiveDate) -> String {
    let body = if m.deciding_body.trim().is_empty() {
        String::new()
    } else {
        format!("经{}决定，", m.deciding_body.trim())
    };
    let head = format!("{}，{name}同志受到{}", cn_date(m.decided_on), m.label);
    match m.effect_until {
        Some(u) if u >= as_of => format!("{body}{head}，影响期至{}，目前仍在影响期内。", cn_date(u)),
        Some(u) => format!("{body}{head}，影响期已于{}届满。", cn_date(u)),
        None => format!("{body}{head}。"),
    }
}

/// The reply's body, one paragraph per line: the facts as of `as_of` and the conclusion.
pub fn reply_body(f: &ReplyFacts) -> String {
    let name = f.person_name.trim();
    let who = format!("{}{name}同志", f.post.trim());
    let mut paras = vec![format!(
        "根据征求党风廉政意见的要求，我组对{who}的党风廉政情况进行了核查，查阅了其廉政档案、信访举报和问题线索处置、\
         监督检查发现问题及整改等情况。现将有关情况回复如下："
    )];
    let mut measures: Vec<&MeasureFact> = f.measures.iter().collect();
    measures.sort_by_key(|m| m.decided_on);
    let date = cn_date(f.as_of);
    if measures.is_empty() {
        paras.push(format!("经查，截至{date}，未发现{name}同志有违反党风廉政建设规定的问题。"));
    } else {
        let facts: String = measures.iter().map(|m| measure_sentence(name, m, f.as_of)).collect();
        paras.push(format!("经查，截至{date}，{facts}除上述情况外，未发现该同志有其他违反党风廉政建设规定的问题。"));
    }
    if let Some(n) = f.open_clues.filter(|n| *n > 0) {
        paras.push(format!("目前，有反映{name}同志问题的线索{n}件正在核查处置中，尚未办结。"));
    }
    if f.open_findings > 0 {
        let overdue = if f.overdue_findings > 0 {
            format!("（其中逾期未完成{}个）", f.overdue_findings)
        } else {
            String::new()
        };
        paras.push(format!(
            "{name}同志作为责任人的问题{}个尚在整改中{overdue}，请督促其按期完成整改。",
            f.open_findings
        ));
    }
    paras.push(match conclusion(f) {
        Conclusion::NotSuitable => "根据《中国共产党纪律处分条例》《中华人民共和国公职人员政务处分法》等有关规定，\
            该同志在影响期内不宜提拔或者进一步使用。"
            .to_string(),
        Conclusion::Pending => "鉴于有关问题线索尚未核查了结，建议暂缓使用，待核查结束后我组再行回复。".to_string(),
        Conclusion::Clean => "特此回复。".to_string(),
    });
    if conclusion(f) != Conclusion::Clean {
        paras.push("特此回复。".into());
    }
    paras.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts() -> ReplyFacts {
        ReplyFacts {
            person_name: "王芳".into(),
            post: "综合科科长".into(),
            as_of: d("2026-12-02"),
            measures: vec![],
            open_clues: Some(0),
            open_findings: 0,
            overdue_findings: 0,
        }
    }

    fn sanction(decided: &str, until: Option<&str>) -> MeasureFact {
        MeasureFact {
            label: "政务记过".into(),
            decided_on: d(decided),
            deciding_body: "县纪委监委".into(),
            effect_until: until.map(d),
        }
    }

    #[test]
    fn a_clean_file_reads_the_standard_sentence() {
        let f = facts();
        assert_eq!(conclusion(&f), Conclusion::Clean);
        let body = reply_body(&f);
        assert!(body.contains("经查，截至2026年12月2日，未发现王芳同志有违反党风廉政建设规定的问题。"), "{body}");
        assert!(body.contains("综合科科长王芳同志"), "{body}");
        assert!(body.ends_with("特此回复。"), "{body}");
        assert!(!body.contains("不宜提拔") && !body.contains("暂缓"), "{body}");
    }

    #[test]
    fn a_sanction_in_its_effect_period_makes_the_cadre_unsuitable() {
        let mut f = facts();
        f.measures.push(sanction("2026-03-05", Some("2027-03-04")));
        assert_eq!(conclusion(&f), Conclusion::NotSuitable);
        let body = reply_body(&f);
        assert!(
            body.contains(
                "经县纪委监委决定，2026年3月5日，王芳同志受到政务记过，影响期至2027年3月4日，目前仍在影响期内。"
            ),
            "{body}"
        );
        assert!(body.contains("不宜提拔或者进一步使用"), "{body}");
        assert!(body.contains("除上述情况外，未发现该同志有其他"), "{body}");
        // the last day of the 影响期 still counts
        f.as_of = d("2027-03-04");
        assert_eq!(conclusion(&f), Conclusion::NotSuitable);
        f.as_of = d("2027-03-05");
        assert_eq!(conclusion(&f), Conclusion::Clean);
        assert!(reply_body(&f).contains("影响期已于2027年3月4日届满"), "{}", reply_body(&f));
    }

    #[test]
    fn an_open_clue_postpones_and_open_findings_are_stated() {
        let mut f = facts();
        f.open_clues = Some(2);
        f.open_findings = 3;
        f.overdue_findings = 1;
        assert_eq!(conclusion(&f), Conclusion::Pending);
        let body = reply_body(&f);
        assert!(body.contains("线索2件正在核查处置中"), "{body}");
        assert!(body.contains("问题3个尚在整改中（其中逾期未完成1个）"), "{body}");
        assert!(body.contains("建议暂缓使用"), "{body}");
        // a measure in effect outweighs the clue
        f.measures.push(sanction("2026-06-01", Some("2027-05-31")));
        assert_eq!(conclusion(&f), Conclusion::NotSuitable);
        // without a clue register the reply says nothing about clues
        f.open_clues = None;
        f.measures.clear();
        assert_eq!(conclusion(&f), Conclusion::Clean);
        assert!(!reply_body(&f).contains("正在核查处置中"));
    }

    #[test]
    fn fields_name_what_is_wrong() {
        let e = ReplyFields::default().validate(true).unwrap_err();
        assert_eq!(e.for_field("addressee"), Some("主送单位不能为空"));
        assert_eq!(e.for_field("body"), Some("回复正文不能为空"));
        let ok = ReplyFields { addressee: " 县委组织部 ".into(), ..Default::default() }.validate(false).unwrap();
        assert_eq!(ok.addressee, "县委组织部");
        let long = ReplyFields { addressee: "部".into(), body: "字".repeat(BODY_MAX + 1), ..Default::default() };
        assert!(long.validate(true).unwrap_err().for_field("body").unwrap().contains("5000"));
    }

    #[test]
    fn keys_round_trip() {
        for c in Conclusion::ALL {
            assert_eq!(Conclusion::from_key(c.key()), Some(*c));
        }
        assert_eq!(cn_date(d("2026-01-09")), "2026年1月9日");
        assert_eq!(reply_title("李明"), "关于李明同志党风廉政情况的回复意见");
    }
}
