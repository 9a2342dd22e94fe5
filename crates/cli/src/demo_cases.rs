//! Demo 典型案例: four published cases of the kinds the county's 警示教育 uses (one per common
//! discipline breach), so that the library, a 警示教育 entry and a case's 使用情况 have content.

use chrono::NaiveDate;
use qingfeng_domain::warning_cases::{Discipline, WarningCaseDraft};
use qingfeng_store::warning_cases;
use qingfeng_store::{now, Actor, Db};

/// (title, date, discipline, sanction, summary, lesson)
type Case = (&'static str, (i32, u32, u32), Discipline, &'static str, &'static str, &'static str);

const CASES: &[Case] = &[
    (
        "某县财政局原副局长违规收受礼金案",
        (2026, 3, 12),
        Discipline::Integrity,
        "党内严重警告、政务降级",
        "2023 年至 2025 年春节、中秋期间，先后收受管理服务对象所送礼金共计 4.2 万元。",
        "节日是“四风”问题易发期，“小节”不守终成大患。",
    ),
    (
        "某镇党委委员违规公款吃喝案",
        (2026, 4, 20),
        Discipline::Integrity,
        "党内警告",
        "以工作调研为名，在镇食堂安排超标准公务接待并饮酒，费用在其他项目中列支。",
        "公务接待须有公函、接待清单，工作餐不得饮酒。",
    ),
    (
        "某单位负责人政府采购中违规插手干预案",
        (2026, 5, 28),
        Discipline::Work,
        "撤销党内职务、政务撤职",
        "在办公设备采购中授意采购人员倾向特定供应商，造成国有资金损失 18 万元。",
        "“三重一大”事项须集体决策，权力运行要留痕可查。",
    ),
    (
        "某中心工作人员违规操办婚宴案",
        (2026, 8, 6),
        Discipline::Life,
        "批评教育、责令检查",
        "为子女操办婚宴超规模宴请 35 桌，邀请管理服务对象参加并收受礼金。",
        "婚丧喜庆事宜须事前报告，规模和范围要守规矩。",
    ),
];

/// Creates the cases (dated up to `today`); answers their ids, oldest first.
pub async fn seed(db: &Db, actor: &Actor, today: NaiveDate) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for (title, (y, m, d), discipline, sanction, summary, lesson) in CASES {
        let case_date = NaiveDate::from_ymd_opt(*y, *m, *d).expect("valid demo date");
        if case_date > today {
            continue;
        }
        let draft = WarningCaseDraft {
            title: title.to_string(),
            case_date,
            discipline: *discipline,
            sanction: sanction.to_string(),
            summary: summary.to_string(),
            lesson: lesson.to_string(),
            source: format!("县纪委监委通报〔{y}〕{m}号"),
        };
        ids.push(warning_cases::create(db, actor, &draft, now()).await?);
    }
    Ok(ids)
}
