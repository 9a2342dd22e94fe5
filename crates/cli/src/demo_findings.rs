//! Demo data for 问题整改: about thirty findings of the demo 县委办 in every state of the flow —
//! just recorded, fed back, under rectification (some with overdue measures), waiting for
//! sign-off, returned, signed off, looked back at (held, and one that recurred and was reopened) —
//! the unit's own 自查 findings, and a 违规吃喝专项整治 campaign with its findings. Dates are
//! relative to today, and every row is written through the store's flow functions, so the
//! timelines and the audit trail read as if the people had done it.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use qingfeng_domain::findings::{
    CampaignDraft, Category, FindingDraft, LookBackResult, MeasureDraft, Origin, Severity, Source, UpdateDraft,
};
use qingfeng_store::findings as store;
use qingfeng_store::fulfilment::today;
use qingfeng_store::{args, Actor, Db};

/// How far along the flow a demo finding gets.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Recorded,
    FedBack,
    /// measures made; `overdue` leaves one past its deadline
    Rectifying {
        overdue: bool,
    },
    Requested,
    /// requested, returned with a reason, a supplementary measure under way
    Returned,
    /// signed off `n` days ago (no look-back yet)
    SignedOff(i64),
    LookedBack(LookBackResult),
}

struct Spec {
    unit: &'static str,
    source: Source,
    category: Category,
    severity: Severity,
    /// found this many days ago
    found: i64,
    text: &'static str,
    measures: &'static [&'static str],
    stage: Stage,
    campaign: bool,
}

use Category as C;
use Source as S;
use Stage::*;

const SPECS: &[Spec] = &[
    // 违规吃喝专项整治 (the campaign started 100 days ago)
    Spec {
        unit: "XWB-JDB",
        source: S::Inspection,
        category: C::PublicDining,
        severity: Severity::Serious,
        found: 95,
        text: "接待办以“工作餐”名义在县城酒店安排公款宴请，超出接待清单人数，并提供酒水。",
        measures: &["退还超标准部分费用，相关责任人作出书面检查", "修订公务接待管理办法，严格执行接待清单和公函制度"],
        stage: SignedOff(20),
        campaign: true,
    },
    Spec {
        unit: "XWB-ZHK",
        source: S::Inspection,
        category: C::ClientBanquets,
        severity: Severity::Serious,
        found: 88,
        text: "综合科个别干部接受服务企业安排的宴请，未按规定报告。",
        measures: &["对当事干部进行谈话提醒并责令检查", "开展一次警示教育，签订廉洁承诺书"],
        stage: Rectifying { overdue: true },
        campaign: true,
    },
    Spec {
        unit: "XWB-CWS",
        source: S::Audit,
        category: C::PublicDining,
        severity: Severity::General,
        found: 80,
        text: "财务室报销的三张餐费发票无公函、无接待清单。",
        measures: &["补充完善报销手续，无法补正的费用由个人承担", "建立公务接待报销“三单”审核台账"],
        stage: Requested,
        campaign: true,
    },
    Spec {
        unit: "XWB-MSK",
        source: S::Patrol,
        category: C::Reception,
        severity: Severity::General,
        found: 70,
        text: "接待上级调研组时陪餐人数超过规定，且安排了两次工作餐。",
        measures: &["对照接待规定逐项整改，明确陪餐人数核定程序"],
        stage: Returned,
        campaign: true,
    },
    Spec {
        unit: "XWB-DCS",
        source: S::Petition,
        category: C::PublicDining,
        severity: Severity::General,
        found: 40,
        text: "群众反映督查室下乡督查期间在乡镇食堂超标准就餐。",
        measures: &["核实情况，按标准补交伙食费", "督查下乡一律执行“四不两直”、自行解决就餐"],
        stage: Rectifying { overdue: false },
        campaign: true,
    },
    Spec {
        unit: "XWB-JDB",
        source: S::Inspection,
        category: C::PublicDining,
        severity: Severity::General,
        found: 12,
        text: "接待办公务接待费用未实行“一事一结”，存在月底集中报销。",
        measures: &[],
        stage: FedBack,
        campaign: true,
    },
    Spec {
        unit: "XWB-ZYS",
        source: S::Visit,
        category: C::ClientBanquets,
        severity: Severity::General,
        found: 3,
        text: "走访中发现政研室调研期间接受被调研单位安排的便餐。",
        measures: &[],
        stage: Recorded,
        campaign: true,
    },
    // 形式主义官僚主义
    Spec {
        unit: "XWB-XXK",
        source: S::Inspection,
        category: C::Formalism,
        severity: Severity::General,
        found: 150,
        text: "信息科要求各乡镇重复报送同类信息材料，增加基层负担。",
        measures: &["清理规范报送事项，同一事项只报一次", "建立信息报送事项清单并向基层公开"],
        stage: Rectifying { overdue: true },
        campaign: false,
    },
    Spec {
        unit: "XWB-DCS",
        source: S::HigherFeedback,
        category: C::Inaction,
        severity: Severity::Serious,
        found: 130,
        text: "督查室对群众反映强烈的督办事项推诿拖延，超期两个月未办结。",
        measures: &["限期办结积压督办事项", "建立督办事项超期预警和问责机制"],
        stage: Rectifying { overdue: true },
        campaign: false,
    },
    Spec {
        unit: "XWB-MSK",
        source: S::SelfCheck,
        category: C::Formalism,
        severity: Severity::General,
        found: 60,
        text: "（自查）文件审核把关不严，部分文件篇幅冗长、照抄照搬上级文件。",
        measures: &["制定发文审核要点，精简文件篇幅"],
        stage: SignedOff(15),
        campaign: false,
    },
    Spec {
        unit: "XWB-ZHK",
        source: S::Visit,
        category: C::Formalism,
        severity: Severity::General,
        found: 25,
        text: "调研发现综合科会议过多过长，部分会议以会议落实会议。",
        measures: &["压减会议数量，能合并的合并召开", "推行短会、视频会"],
        stage: Rectifying { overdue: false },
        campaign: false,
    },
    Spec {
        unit: "XWB-DAK",
        source: S::Inspection,
        category: C::Inaction,
        severity: Severity::General,
        found: 8,
        text: "档案科对查档申请答复不及时，群众多次往返。",
        measures: &[],
        stage: FedBack,
        campaign: false,
    },
    // 享乐主义奢靡之风 beyond the campaign
    Spec {
        unit: "XWB-ZHK",
        source: S::Audit,
        category: C::Vehicles,
        severity: Severity::Serious,
        found: 300,
        text: "公务用车存在节假日未封存、个别车辆无派车单出车的情况。",
        measures: &["节假日车辆一律封存停驶", "严格执行派车单制度，完善用车登记"],
        stage: LookedBack(LookBackResult::Recurred),
        campaign: false,
    },
    Spec {
        unit: "XWB-CWS",
        source: S::Audit,
        category: C::Allowances,
        severity: Severity::Serious,
        found: 320,
        text: "违规发放加班补贴，未履行审批程序。",
        measures: &["清退违规发放的补贴", "修订津补贴发放审批流程"],
        stage: LookedBack(LookBackResult::Held),
        campaign: false,
    },
    Spec {
        unit: "XWB-RSK",
        source: S::Petition,
        category: C::Gifts,
        severity: Severity::General,
        found: 290,
        text: "反映人事科干部春节期间收受下属单位赠送的土特产。",
        measures: &["当事人退还礼品并作出检查", "节前开展廉洁提醒"],
        stage: LookedBack(LookBackResult::Held),
        campaign: false,
    },
    Spec {
        unit: "XWB-JYK",
        source: S::Inspection,
        category: C::FamilyEvents,
        severity: Severity::General,
        found: 260,
        text: "机要科干部操办子女升学宴，未按规定事前报告。",
        measures: &["当事人作出书面检查，退还礼金", "重申婚丧喜庆事宜报告制度"],
        stage: SignedOff(200),
        campaign: false,
    },
    Spec {
        unit: "XWB-BMB",
        source: S::Patrol,
        category: C::PublicTravel,
        severity: Severity::Serious,
        found: 250,
        text: "外出学习考察期间变相安排旅游景点参观。",
        measures: &["相关费用由个人承担", "严格外出学习考察审批，行程公开"],
        stage: SignedOff(190),
        campaign: false,
    },
    Spec {
        unit: "XWB-ZHK",
        source: S::Inspection,
        category: C::Buildings,
        severity: Severity::General,
        found: 45,
        text: "办公用房超标准配备，个别办公室面积超出规定。",
        measures: &["调整腾退超标办公用房"],
        stage: Rectifying { overdue: false },
        campaign: false,
    },
    Spec {
        unit: "XWB-JDB",
        source: S::SelfCheck,
        category: C::HedonismOther,
        severity: Severity::General,
        found: 35,
        text: "（自查）接待用烟酒台账登记不全，出入库手续不完整。",
        measures: &["清点库存，完善出入库台账"],
        stage: Requested,
        campaign: false,
    },
    // 主体责任 and the disciplines
    Spec {
        unit: "XWB-XXK",
        source: S::Patrol,
        category: C::PrimaryResponsibility,
        severity: Severity::Serious,
        found: 110,
        text: "信息科党风廉政建设责任书未签订，科室会议未专题研究党风廉政建设。",
        measures: &["补签责任书", "每季度召开一次党风廉政建设专题科务会", "建立科室廉政风险点台账"],
        stage: Rectifying { overdue: true },
        campaign: false,
    },
    Spec {
        unit: "XWB-FGS",
        source: S::Inspection,
        category: C::PrimaryResponsibility,
        severity: Severity::General,
        found: 90,
        text: "法规室“一岗双责”落实不到位，谈心谈话记录缺失。",
        measures: &["按规定开展谈心谈话并如实记录"],
        stage: Requested,
        campaign: false,
    },
    Spec {
        unit: "XWB-RSK",
        source: S::Patrol,
        category: C::Organizational,
        severity: Severity::General,
        found: 140,
        text: "个别干部个人有关事项报告不如实，漏报房产信息。",
        measures: &["当事人补报并作出说明", "开展个人有关事项报告专题培训"],
        stage: SignedOff(100),
        campaign: false,
    },
    Spec {
        unit: "XWB-BMB",
        source: S::Inspection,
        category: C::Work,
        severity: Severity::Serious,
        found: 120,
        text: "涉密文件管理不规范，借阅登记不完整。",
        measures: &["全面清查涉密文件", "完善借阅登记和定期核查制度"],
        stage: Rectifying { overdue: true },
        campaign: false,
    },
    Spec {
        unit: "XWB-DCS",
        source: S::SelfCheck,
        category: C::Work,
        severity: Severity::General,
        found: 20,
        text: "（自查）督查通报印发前未经集体研究。",
        measures: &["建立督查通报集体研究制度"],
        stage: Rectifying { overdue: false },
        campaign: false,
    },
    Spec {
        unit: "XWB-MSK",
        source: S::Visit,
        category: C::Mass,
        severity: Severity::General,
        found: 30,
        text: "群众来电接听记录不全，个别诉求未及时转办。",
        measures: &["完善来电登记转办流程", "每周核对转办结果"],
        stage: Rectifying { overdue: false },
        campaign: false,
    },
    Spec {
        unit: "XWB-ZYS",
        source: S::Inspection,
        category: C::Integrity,
        severity: Severity::General,
        found: 200,
        text: "政研室课题经费使用不规范，部分支出依据不足。",
        measures: &["补充完善经费支出依据", "建立课题经费使用审核制度"],
        stage: SignedOff(130),
        campaign: false,
    },
    Spec {
        unit: "XWB-XXK",
        source: S::HigherFeedback,
        category: C::Political,
        severity: Severity::General,
        found: 15,
        text: "上级反馈：信息科理论学习中心组学习流于形式，学习记录雷同。",
        measures: &[],
        stage: FedBack,
        campaign: false,
    },
    Spec {
        unit: "XWB-JYK",
        source: S::Inspection,
        category: C::Life,
        severity: Severity::General,
        found: 5,
        text: "个别干部工作日午间饮酒。",
        measures: &[],
        stage: Recorded,
        campaign: false,
    },
    Spec {
        unit: "XWB-DAK",
        source: S::Audit,
        category: C::Conduct,
        severity: Severity::General,
        found: 75,
        text: "档案数字化外包项目验收把关不严。",
        measures: &["重新组织项目验收", "完善外包项目验收制度"],
        stage: Rectifying { overdue: true },
        campaign: false,
    },
];

/// 09:30 China time on a day.
pub(crate) fn at(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(1, 30, 0).expect("valid time").and_utc()
}

pub(crate) struct People {
    /// unit id, head, another member, the 分管 leader
    pub(crate) by_code: std::collections::HashMap<String, (i64, i64, i64, Option<i64>)>,
}

pub(crate) async fn people(db: &Db) -> anyhow::Result<People> {
    let mut by_code = std::collections::HashMap::new();
    let units: Vec<(i64, String)> =
        db.fetch_all("SELECT id, code FROM units WHERE code LIKE 'XWB-%' ORDER BY id", vec![]).await?;
    for (id, code) in units {
        let ps: Vec<(i64,)> = db
            .fetch_all("SELECT id FROM people WHERE unit_id = $1 AND status = 'active' ORDER BY id LIMIT 3", args![id])
            .await?;
        if ps.is_empty() {
            continue;
        }
        let leader: Option<(i64,)> = db
            .fetch_optional(
                "SELECT person_id FROM in_charge_of WHERE unit_id = $1 ORDER BY person_id LIMIT 1",
                args![id],
            )
            .await?;
        let head = ps[0].0;
        let other = ps.get(1).map_or(head, |p| p.0);
        by_code.insert(code, (id, head, other, leader.map(|l| l.0)));
    }
    Ok(People { by_code })
}

/// Findings that show a point of the demo risk register: (finding text, (unit code, post)).
const RISK_LINKS: &[(&str, (&str, &str))] = &[
    ("财务室报销的三张餐费发票无公函、无接待清单。", ("XWB-CWS", "财务报销")),
    ("公务用车存在节假日未封存、个别车辆无派车单出车的情况。", ("XWB-ZHK", "公务用车管理")),
];

/// Seeds the findings, naming the risk points of `risk` (see [`crate::demo_risk::seed`]) where
/// [`RISK_LINKS`] says; returns how many were written (reopened recurrences included).
pub async fn seed(db: &Db, risk: &HashMap<(&'static str, &'static str), i64>) -> anyhow::Result<usize> {
    let today = today();
    let group = Actor { username: "派驻纪检监察组".into(), ..Actor::system() };
    let days = |n: i64| today - Duration::days(n);
    let people = people(db).await?;
    let root: (i64,) = db.fetch_one("SELECT id FROM units WHERE code = 'XWB'", vec![]).await?;
    // the campaign, linked to the tasks of the plans about conduct (or the first ones) when there are any
    let mut tasks: Vec<(i64,)> = db
        .fetch_all(
            "SELECT id FROM tasks WHERE title LIKE '%作风%' OR title LIKE '%八项规定%' OR title LIKE '%接待%' \
             OR title LIKE '%吃喝%' ORDER BY id LIMIT 2",
            vec![],
        )
        .await?;
    if tasks.is_empty() {
        tasks = db.fetch_all("SELECT id FROM tasks ORDER BY id LIMIT 2", vec![]).await?;
    }
    let campaign = store::create_campaign(
        db,
        &group,
        &CampaignDraft {
            name: "违规吃喝问题专项整治".into(),
            start_date: days(100),
            end_date: today + Duration::days(60),
            goals:
                "聚焦违规公款吃喝、违规接受管理和服务对象宴请、超标准接待等问题，逐项建立问题清单、整改清单、责任清单，\
                    做到问题不查清不放过、整改不到位不销号。"
                    .into(),
            unit_ids: vec![root.0],
            task_ids: tasks.into_iter().map(|t| t.0).collect(),
        },
        at(days(100)),
    )
    .await?;

    let mut written = 0;
    for spec in SPECS {
        let Some(&(unit_id, head, other, leader)) = people.by_code.get(spec.unit) else {
            continue;
        };
        let unit_name: (String,) = db.fetch_one("SELECT name FROM units WHERE id = $1", args![unit_id]).await?;
        let unit = Actor { username: unit_name.0, ..Actor::system() };
        let origin = if spec.source == Source::SelfCheck { Origin::SelfCheck } else { Origin::Supervision };
        let found = days(spec.found);
        let draft = FindingDraft {
            unit_id,
            source: spec.source,
            category: spec.category,
            description: spec.text.into(),
            severity: spec.severity,
            found_on: found,
            responsible_leader_id: leader,
            responsible_person_id: Some(head),
            campaign_id: spec.campaign.then_some(campaign),
            risk_point_id: RISK_LINKS.iter().find(|l| l.0 == spec.text).and_then(|l| risk.get(&l.1).copied()),
        };
        let recorder = if origin == Origin::SelfCheck { &unit } else { &group };
        let id = store::create(db, recorder, &draft, origin, at(found)).await?;
        written += 1;
        if spec.stage == Recorded {
            continue;
        }
        if origin == Origin::Supervision {
            store::feedback(
                db,
                &group,
                id,
                "请于收到之日起 7 日内制定整改措施，按期报告整改进展。",
                at(found + Duration::days(2)),
            )
            .await?;
        }
        if spec.stage == FedBack {
            continue;
        }
        written += rectify(db, &group, &unit, id, spec, found, today, head, other, leader).await?;
    }
    Ok(written)
}

/// Makes the plan and walks the finding to its stage; returns the number of reopened findings.
#[allow(clippy::too_many_arguments)]
async fn rectify(
    db: &Db,
    group: &Actor,
    unit: &Actor,
    id: i64,
    spec: &Spec,
    found: NaiveDate,
    today: NaiveDate,
    head: i64,
    other: i64,
    leader: Option<i64>,
) -> anyhow::Result<usize> {
    let planned = found + Duration::days(6);
    // deadlines: an overdue plan ended 10 days ago; a plan on track ends in a month; a finished
    // one ended before its sign-off
    let done_by = match spec.stage {
        SignedOff(n) => today - Duration::days(n + 8),
        LookedBack(_) => found + Duration::days(45),
        Requested | Returned => today - Duration::days(6),
        _ => today,
    };
    let mut ids = Vec::new();
    for (i, text) in spec.measures.iter().enumerate() {
        let deadline = match spec.stage {
            Rectifying { overdue: true } if i == 0 => today - Duration::days(10),
            Rectifying { .. } => today + Duration::days(30 + 10 * i as i64),
            _ => done_by + Duration::days(5),
        };
        let m = MeasureDraft {
            text: (*text).into(),
            responsible_leader_id: leader,
            responsible_person_id: if i % 2 == 0 { head } else { other },
            deadline: deadline.max(found),
        };
        ids.push(store::add_measure(db, unit, id, &m, at(planned)).await?);
    }
    let progress_on = (found + Duration::days(15)).min(today);
    for (i, mid) in ids.iter().enumerate() {
        let completes = match spec.stage {
            Rectifying { overdue } => !overdue && i > 0,
            _ => true,
        };
        let date = if completes { done_by.max(progress_on) } else { progress_on };
        let u = UpdateDraft {
            update_date: date,
            text: if completes {
                "已按要求整改到位".into()
            } else {
                "正在推进整改，已完成前期摸排".into()
            },
            evidence: if completes { "整改情况报告、相关制度文件".into() } else { String::new() },
            completes,
        };
        store::add_update(db, unit, *mid, &u, at(date)).await?;
    }
    match spec.stage {
        Requested | Returned | SignedOff(_) | LookedBack(_) => {
            store::request_sign_off(
                db,
                unit,
                id,
                "整改情况报告及佐证材料已报送纪检监察组",
                "",
                at(done_by + Duration::days(1)),
            )
            .await?;
        }
        _ => return Ok(0),
    }
    if spec.stage == Returned {
        store::return_finding(
            db,
            group,
            id,
            "陪餐人数核定程序未形成制度文件，整改不彻底，请补充措施。",
            at(done_by + Duration::days(3)),
        )
        .await?;
        let m = MeasureDraft {
            text: "以办公室名义印发公务接待陪餐人数核定办法".into(),
            responsible_leader_id: leader,
            responsible_person_id: head,
            deadline: today + Duration::days(20),
        };
        store::add_measure(db, unit, id, &m, at(done_by + Duration::days(4))).await?;
        return Ok(0);
    }
    if spec.stage == Requested {
        return Ok(0);
    }
    let signed = match spec.stage {
        SignedOff(n) => today - Duration::days(n),
        _ => found + Duration::days(50),
    };
    store::sign_off(db, group, id, "经核查，整改措施全部落实到位，同意销号。", at(signed)).await?;
    let LookedBack(result) = spec.stage else { return Ok(0) };
    let looked = (signed + Duration::days(185)).min(today);
    let note = match result {
        LookBackResult::Held => "回头看未发现问题反弹，整改成果得到巩固。",
        LookBackResult::Recurred => "回头看发现国庆假期仍有一辆公务用车未封存，问题反弹。",
    };
    let reopened = store::look_back(db, group, id, result, note, at(looked)).await?;
    let Some(new_id) = reopened else { return Ok(0) };
    // the reopened problem: fed back and under rectification again, its first measure overdue
    store::feedback(db, group, new_id, "问题反弹，请重新制定整改措施，举一反三。", at(looked + Duration::days(1)))
        .await?;
    let m = MeasureDraft {
        text: "建立节假日公务用车封存检查制度，由分管领导签字确认".into(),
        responsible_leader_id: leader,
        responsible_person_id: head,
        deadline: (looked + Duration::days(20)).min(today - Duration::days(1)).max(looked),
    };
    store::add_measure(db, unit, new_id, &m, at(looked + Duration::days(3))).await?;
    Ok(1)
}

#[cfg(test)]
mod tests {
    use qingfeng_domain::findings::FindingState;
    use qingfeng_store::findings::{list, stats, FindingFilter};
    use qingfeng_store::Scope;

    use super::*;

    #[tokio::test]
    async fn demo_findings_cover_the_flow() {
        for db in qingfeng_store::testing::engines().await {
            crate::demo::seed_demo(&db).await.unwrap().expect("empty database is seeded");
            let risk = crate::demo_risk::seed(&db).await.unwrap();
            let n = seed(&db, &risk).await.unwrap();
            assert!((28..=34).contains(&n), "{n} findings");
            let today = today();
            let all = list(&db, &Scope::all(), &FindingFilter::default(), None, today).await.unwrap();
            assert_eq!(all.total as usize, n);
            for s in FindingState::ALL {
                assert!(all.items.iter().any(|f| f.state == s.key()), "no demo finding is {}", s.label());
            }
            let s = stats(&db, &Scope::all(), &FindingFilter::default(), today).await.unwrap();
            assert!(s.total.overdue_measures >= 4, "{:?}", s.total);
            assert!(s.total.rate.is_some());
            assert_eq!((s.look_back.held, s.look_back.recurred, s.look_back.reopened), (2, 1, 1), "{:?}", s.look_back);
            assert!(s.look_back.due_now >= 2, "{:?}", s.look_back);
            assert!(all.items.iter().any(|f| f.origin == "self"));
            let (campaign,): (i64,) = db.fetch_one("SELECT id FROM campaigns", vec![]).await.unwrap();
            let f = FindingFilter { campaign_id: Some(campaign), ..Default::default() };
            assert!(list(&db, &Scope::all(), &f, None, today).await.unwrap().total >= 5);
            // every finding has its timeline, and the audit chain holds
            let (no_steps,): (i64,) = db
                .fetch_one("SELECT COUNT(*) FROM findings f WHERE NOT EXISTS (SELECT 1 FROM finding_steps s WHERE s.finding_id = f.id)", vec![])
                .await
                .unwrap();
            assert_eq!(no_steps, 0);
            // the register: four high points, one returned, one waiting, two points findings show
            let reg = qingfeng_store::risk::list(&db, &Scope::all(), &Default::default(), None, today).await.unwrap();
            let count =
                |f: &dyn Fn(&qingfeng_store::risk::RiskPoint) -> bool| reg.items.iter().filter(|p| f(p)).count();
            assert_eq!(count(&|p| p.level == "high" && p.state == "accepted"), 5);
            assert_eq!(count(&|p| p.state == "returned"), 1);
            assert_eq!(count(&|p| p.state == "submitted"), 1);
            assert_eq!(count(&|p| p.occurred()), 2, "the points findings show have occurred");
            assert!(matches!(
                qingfeng_store::audit::verify(&db).await.unwrap(),
                qingfeng_store::audit::Verification::Intact { .. }
            ));
            db.close().await;
        }
    }
}
