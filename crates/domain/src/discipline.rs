//! 四种形态 and sanctions: what the 纪检组 decided about a person (a first-form talk, an
//! organisational adjustment, a party or government sanction), when and by whom, the finding
//! behind it, and how long it affects promotion (影响期). Read only by the 纪检组 and the
//! person concerned.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_past_date, check_required, trim_all};
use crate::FieldErrors;

keyed_enum!(
    /// 四种形态 (中国共产党纪律处分条例, 2023).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Form {
        First = ("first", "第一种形态"),
        Second = ("second", "第二种形态"),
        Third = ("third", "第三种形态"),
        Fourth = ("fourth", "第四种形态"),
    }
);

impl Form {
    /// What the form covers, as the regulation words it.
    pub fn meaning(self) -> &'static str {
        match self {
            Form::First => "谈话提醒、批评教育、责令检查、诫勉",
            Form::Second => "党纪轻处分、组织调整",
            Form::Third => "党纪重处分、重大职务调整",
            Form::Fourth => "严重违纪涉嫌违法立案审查",
        }
    }
}

keyed_enum!(
    /// The measure or sanction applied: the first-form measures, organisational adjustments, the
    /// five party sanctions and the six government sanctions (政务处分).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Measure {
        TalkReminder = ("talk_reminder", "谈话提醒"),
        Criticism = ("criticism", "批评教育"),
        OrderedReview = ("ordered_review", "责令检查"),
        Admonition = ("admonition", "诫勉"),
        OrgAdjustment = ("org_adjustment", "组织调整"),
        MajorAdjustment = ("major_adjustment", "重大职务调整"),
        PartyWarning = ("party_warning", "党内警告"),
        PartySeriousWarning = ("party_serious_warning", "党内严重警告"),
        PartyPostRemoval = ("party_post_removal", "撤销党内职务"),
        PartyProbation = ("party_probation", "留党察看"),
        PartyExpulsion = ("party_expulsion", "开除党籍"),
        GovWarning = ("gov_warning", "政务警告"),
        GovDemerit = ("gov_demerit", "政务记过"),
        GovMajorDemerit = ("gov_major_demerit", "政务记大过"),
        GovDemotion = ("gov_demotion", "政务降级"),
        GovDismissal = ("gov_dismissal", "政务撤职"),
        GovExpulsion = ("gov_expulsion", "政务开除"),
    }
);

/// Where a measure comes from; the interface names the regulation without an article number
/// (RULES.md: the article numbers of the 影响期 are not confirmed).
pub const PARTY_SOURCE: &str = "中国共产党纪律处分条例";
pub const GOV_SOURCE: &str = "中华人民共和国公职人员政务处分法";
pub const CADRE_SOURCE: &str = "党政领导干部选拔任用工作条例";

impl Measure {
    /// The forms a measure may be recorded under: first-form measures only under the first,
    /// light sanctions and adjustments under the second, heavy ones under the third or, when
    /// the case went to 立案审查 for a suspected crime, the fourth.
    pub fn forms(self) -> &'static [Form] {
        use Measure::*;
        match self {
            TalkReminder | Criticism | OrderedReview | Admonition => &[Form::First],
            OrgAdjustment | PartyWarning | PartySeriousWarning | GovWarning | GovDemerit | GovMajorDemerit => {
                &[Form::Second]
            }
            MajorAdjustment | PartyPostRemoval | PartyProbation | PartyExpulsion | GovDemotion | GovDismissal
            | GovExpulsion => &[Form::Third, Form::Fourth],
        }
    }

    /// A party or government sanction (党纪政务处分), as the 四风 report counts them.
    pub fn is_sanction(self) -> bool {
        self.is_party() || self.is_government()
    }

    pub fn is_party(self) -> bool {
        use Measure::*;
        matches!(self, PartyWarning | PartySeriousWarning | PartyPostRemoval | PartyProbation | PartyExpulsion)
    }

    pub fn is_government(self) -> bool {
        use Measure::*;
        matches!(self, GovWarning | GovDemerit | GovMajorDemerit | GovDemotion | GovDismissal | GovExpulsion)
    }

    /// The regulation the measure and its 影响期 come from.
    pub fn source(self) -> &'static str {
        if self.is_party() {
            PARTY_SOURCE
        } else if self.is_government() {
            GOV_SOURCE
        } else {
            CADRE_SOURCE
        }
    }

    /// The 参数设置 key of the measure's 影响期 in months, if it has one.
    pub fn effect_setting(self) -> Option<&'static str> {
        EFFECT_MONTHS.iter().find(|(m, _, _)| *m == self).map(|(_, key, _)| *key)
    }

    /// The default 影响期 in months (0: none).
    pub fn effect_default(self) -> i64 {
        EFFECT_MONTHS.iter().find(|(m, _, _)| *m == self).map_or(0, |(_, _, d)| *d)
    }
}

/// 影响期 in months by measure: settings with these defaults. 政务处分法 fixes the government
/// periods (警告 6, 记过 12, 记大过 18, 降级/撤职 24); the party and cadre periods follow the
/// usual reading of the 条例 and are local settings until confirmed.
pub const EFFECT_MONTHS: &[(Measure, &str, i64)] = &[
    (Measure::Admonition, "discipline.effect_months.admonition", 6),
    (Measure::OrgAdjustment, "discipline.effect_months.org_adjustment", 12),
    (Measure::MajorAdjustment, "discipline.effect_months.major_adjustment", 24),
    (Measure::PartyWarning, "discipline.effect_months.party_warning", 12),
    (Measure::PartySeriousWarning, "discipline.effect_months.party_serious_warning", 18),
    (Measure::PartyPostRemoval, "discipline.effect_months.party_post_removal", 24),
    (Measure::PartyProbation, "discipline.effect_months.party_probation", 36),
    (Measure::PartyExpulsion, "discipline.effect_months.party_expulsion", 60),
    (Measure::GovWarning, "discipline.effect_months.gov_warning", 6),
    (Measure::GovDemerit, "discipline.effect_months.gov_demerit", 12),
    (Measure::GovMajorDemerit, "discipline.effect_months.gov_major_demerit", 18),
    (Measure::GovDemotion, "discipline.effect_months.gov_demotion", 24),
    (Measure::GovDismissal, "discipline.effect_months.gov_dismissal", 24),
];

pub const BODY_MAX: usize = 100;
pub const TEXT_MAX: usize = 2000;

/// A record as entered (form, JSON).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RecordFields {
    /// the person concerned
    pub person_id: Option<i64>,
    /// `first` … `fourth` (第一种形态 …); key or label
    pub form: String,
    /// the measure or sanction, key or label (e.g. `criticism`, 批评教育, 政务记过)
    pub measure: String,
    /// 决定日期, YYYY-MM-DD, not in the future
    pub decided_on: String,
    /// 决定机关 (e.g. 县纪委监委, 派驻纪检监察组)
    pub deciding_body: String,
    /// the finding behind it (optional)
    pub finding_id: Option<i64>,
    /// the 问题线索 behind it (optional)
    pub clue_id: Option<i64>,
    /// 主要事实和依据
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordDraft {
    pub person_id: i64,
    pub form: Form,
    pub measure: Measure,
    pub decided_on: NaiveDate,
    pub deciding_body: String,
    pub finding_id: Option<i64>,
    pub clue_id: Option<i64>,
    pub basis: String,
}

impl RecordFields {
    pub fn validate(&self, today: NaiveDate) -> Result<RecordDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.person_id.is_none() {
            e.push("person_id", "请选择被处理人");
        }
        let form = Form::parse(&self.form);
        if form.is_none() {
            e.push("form", format!("形态应为{}之一", Form::label_list()));
        }
        let measure = Measure::parse(&self.measure);
        match (form, measure) {
            (_, None) => e.push("measure", format!("处理或处分应为{}之一", Measure::label_list())),
            (Some(f), Some(m)) if !m.forms().contains(&f) => {
                let allowed: Vec<&str> = m.forms().iter().map(|f| f.label()).collect();
                e.push("measure", format!("“{}”属于{}，与所选{}不符", m.label(), allowed.join("或"), f.label()));
            }
            _ => {}
        }
        let decided_on = check_past_date(&mut e, "decided_on", "决定日期", &self.decided_on, today);
        check_required(&mut e, "deciding_body", "决定机关", &self.deciding_body, BODY_MAX);
        check_required(&mut e, "basis", "主要事实和依据", &self.basis, TEXT_MAX);
        check_max(&mut e, "basis", "主要事实和依据", trim_all(&self.basis), TEXT_MAX);
        e.into_result()?;
        Ok(RecordDraft {
            person_id: self.person_id.expect("checked"),
            form: form.expect("checked"),
            measure: measure.expect("checked"),
            decided_on: decided_on.expect("checked"),
            deciding_body: trim_all(&self.deciding_body).to_string(),
            finding_id: self.finding_id,
            clue_id: self.clue_id,
            basis: trim_all(&self.basis).to_string(),
        })
    }
}

impl RecordDraft {
    /// The fields as entered, for the edit form and a merge patch.
    pub fn fields(&self) -> RecordFields {
        RecordFields {
            person_id: Some(self.person_id),
            form: self.form.key().into(),
            measure: self.measure.key().into(),
            decided_on: self.decided_on.to_string(),
            deciding_body: self.deciding_body.clone(),
            finding_id: self.finding_id,
            clue_id: self.clue_id,
            basis: self.basis.clone(),
        }
    }

    /// The last day the record still affects promotion, given the measure's 影响期 in months
    /// (none for 0): a period of six months from 2026-03-15 ends on 2026-09-14.
    pub fn effect_until(&self, months: i64) -> Option<NaiveDate> {
        let months = u32::try_from(months).ok().filter(|m| *m > 0)?;
        self.decided_on.checked_add_months(Months::new(months)).and_then(|d| d.pred_opt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn fields() -> RecordFields {
        RecordFields {
            person_id: Some(3),
            form: "第二种形态".into(),
            measure: "政务记过".into(),
            decided_on: "2026-03-15".into(),
            deciding_body: " 县纪委监委 ".into(),
            finding_id: Some(9),
            clue_id: None,
            basis: "违规公款吃喝".into(),
        }
    }

    #[test]
    fn a_sanction_affects_promotion_for_its_period() {
        let d = fields().validate(today()).unwrap();
        assert_eq!((d.form, d.measure, d.deciding_body.as_str()), (Form::Second, Measure::GovDemerit, "县纪委监委"));
        assert!(d.measure.is_sanction() && d.measure.is_government());
        assert_eq!(d.measure.effect_default(), 12);
        assert_eq!(d.effect_until(6), NaiveDate::from_ymd_opt(2026, 9, 14));
        assert_eq!(d.effect_until(0), None);
        assert_eq!(d.fields().validate(today()).unwrap(), d);
        assert!(!Measure::Criticism.is_sanction() && Measure::Criticism.effect_setting().is_none());
    }

    #[test]
    fn a_measure_must_belong_to_its_form() {
        let f = RecordFields { form: "first".into(), ..fields() };
        let e = f.validate(today()).unwrap_err();
        assert_eq!(e.for_field("measure"), Some("“政务记过”属于第二种形态，与所选第一种形态不符"));
        let heavy = RecordFields { form: "fourth".into(), measure: "开除党籍".into(), ..fields() };
        assert_eq!(heavy.validate(today()).unwrap().form, Form::Fourth);
        for m in Measure::ALL {
            assert!(!m.forms().is_empty(), "{m:?}");
        }
    }

    #[test]
    fn every_missing_or_wrong_field_is_named() {
        let e = RecordFields::default().validate(today()).unwrap_err();
        for f in ["person_id", "form", "measure", "decided_on", "deciding_body", "basis"] {
            assert!(e.for_field(f).is_some(), "{f}");
        }
        let f = RecordFields { decided_on: "2026-12-02".into(), ..fields() };
        assert_eq!(f.validate(today()).unwrap_err().for_field("decided_on"), Some("决定日期不能晚于今天"));
    }
}
