//! Reading meetings: the list with its filters, one meeting with its members, topics and
//! checks, the topics a register entry may point at, and the meetings whose checks fail.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::decisions::{
    checks, Body, Check, DecidedBy, MeetingDraft, MeetingFields, Member, MemberFields, Recusal, RecusalFields, Speech,
    SpeechFields, Topic, TopicCategory, TopicFields, TopicResult, Vote, VoteFields, VotingMethod,
};
use serde::Serialize;

use crate::query::{fetch_page, like_contains};
use crate::{args, Arg, Db, Page, Paging, QueryBuilder, Scope, StoreResult};

/// A meeting as the list shows it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DecisionMeetingSummary))]
pub struct MeetingSummary {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// Body key (party_group, office, branch_committee, branch_assembly, other)
    pub body: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub chair_name: String,
    pub members: i64,
    pub present: i64,
    pub topics: i64,
    /// topics of the four 三重一大 kinds
    pub major_topics: i64,
    /// rules whose checks failed at the last save, comma separated ("" when all passed)
    pub failed_rules: String,
    #[sqlx(skip)]
    pub body_label: String,
}

/// A person named in a record.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DecisionNamed))]
pub struct Named {
    pub person_id: i64,
    pub name: String,
    /// the view (a speech), the reason (a recusal) or the vote key
    pub text: String,
}

/// A member who should attend, with attendance.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DecisionMember))]
pub struct MeetingMember {
    pub person_id: i64,
    pub name: String,
    pub title: String,
    pub present: bool,
    pub absence_reason: String,
    pub written_opinion: String,
}

/// One member's vote, with its label.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicVote {
    pub person_id: i64,
    pub name: String,
    /// Vote key (yes, no, abstain, defer)
    pub vote: String,
    pub vote_label: String,
}

/// A topic with its views (in speaking order), votes and recusals.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DecisionTopic))]
pub struct MeetingTopic {
    /// stable while the meeting is edited: what register entries and 督查督办 point at
    pub id: i64,
    pub meeting_id: i64,
    pub position: i64,
    pub title: String,
    /// TopicCategory key
    pub category: String,
    /// cents (大额度资金运作)
    pub amount_cents: Option<i64>,
    /// DecidedBy key
    pub decided_by: String,
    /// VotingMethod key, "" when not recorded
    pub voting_method: String,
    /// TopicResult key, "" when not recorded
    pub result: String,
    #[sqlx(skip)]
    pub category_label: String,
    #[sqlx(skip)]
    pub decided_by_label: String,
    #[sqlx(skip)]
    pub voting_method_label: String,
    #[sqlx(skip)]
    pub result_label: String,
    #[sqlx(skip)]
    pub amount: String,
    #[sqlx(skip)]
    pub speeches: Vec<Named>,
    #[sqlx(skip)]
    pub votes: Vec<TopicVote>,
    #[sqlx(skip)]
    pub recusals: Vec<Named>,
    /// counts of 同意, 不同意, 弃权, 缓议
    #[sqlx(skip)]
    pub counts: [usize; 4],
}

/// A meeting with everything its record holds and its checks.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DecisionMeeting))]
pub struct Meeting {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub body: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub chair_id: i64,
    pub chair_name: String,
    pub recorder_id: Option<i64>,
    pub recorder_name: Option<String>,
    pub item_by_item: bool,
    pub failed_rules: String,
    pub recorded_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[sqlx(skip)]
    pub body_label: String,
    #[sqlx(skip)]
    pub members: Vec<MeetingMember>,
    #[sqlx(skip)]
    pub topics: Vec<MeetingTopic>,
    /// every check of the record as stored (R-DEC-1…7, R-DEC-9)
    #[sqlx(skip)]
    pub checks: Vec<Check>,
    /// failed checks the 纪检组 turned into findings: (rule, finding id)
    #[sqlx(skip)]
    pub findings: Vec<(String, i64)>,
}

impl Meeting {
    /// The record as entered, for PATCH and the edit form.
    pub fn fields(&self) -> MeetingFields {
        MeetingFields {
            unit_id: Some(self.unit_id),
            body: self.body.clone(),
            held_on: self.held_on.to_string(),
            place: self.place.clone(),
            chair_id: Some(self.chair_id),
            recorder_id: self.recorder_id,
            item_by_item: self.item_by_item,
            members: self
                .members
                .iter()
                .map(|m| MemberFields {
                    person_id: Some(m.person_id),
                    present: m.present,
                    absence_reason: m.absence_reason.clone(),
                    written_opinion: m.written_opinion.clone(),
                })
                .collect(),
            topics: self.topics.iter().map(MeetingTopic::fields).collect(),
        }
    }

    /// The record as stored, as the domain's draft (for the checks and diffs).
    pub fn draft(&self) -> MeetingDraft {
        MeetingDraft {
            unit_id: self.unit_id,
            body: Body::from_key(&self.body).unwrap_or(Body::Other),
            held_on: self.held_on,
            place: self.place.clone(),
            chair_id: self.chair_id,
            recorder_id: self.recorder_id,
            item_by_item: self.item_by_item,
            members: self
                .members
                .iter()
                .map(|m| Member {
                    person_id: m.person_id,
                    present: m.present,
                    absence_reason: m.absence_reason.clone(),
                    written_opinion: m.written_opinion.clone(),
                })
                .collect(),
            topics: self.topics.iter().map(MeetingTopic::draft).collect(),
        }
    }

    /// The failed checks.
    pub fn failed(&self) -> Vec<&Check> {
        self.checks.iter().filter(|c| !c.ok).collect()
    }

    pub fn present(&self) -> usize {
        self.members.iter().filter(|m| m.present).count()
    }

    pub fn name_of(&self, person_id: i64) -> String {
        self.members
            .iter()
            .find(|m| m.person_id == person_id)
            .map_or_else(|| format!("#{person_id}"), |m| m.name.clone())
    }
}

impl MeetingTopic {
    fn fields(&self) -> TopicFields {
        TopicFields {
            title: self.title.clone(),
            category: self.category.clone(),
            amount: self.amount_cents.map(|c| format!("{}.{:02}", c / 100, c % 100)).unwrap_or_default(),
            decided_by: self.decided_by.clone(),
            voting_method: self.voting_method.clone(),
            result: self.result.clone(),
            speeches: self
                .speeches
                .iter()
                .map(|s| SpeechFields { person_id: Some(s.person_id), view: s.text.clone() })
                .collect(),
            votes: self
                .votes
                .iter()
                .map(|v| VoteFields { person_id: Some(v.person_id), vote: v.vote.clone() })
                .collect(),
            recusals: self
                .recusals
                .iter()
                .map(|r| RecusalFields { person_id: Some(r.person_id), reason: r.text.clone() })
                .collect(),
        }
    }

    fn draft(&self) -> Topic {
        Topic {
            title: self.title.clone(),
            category: TopicCategory::from_key(&self.category).unwrap_or(TopicCategory::General),
            amount_cents: self.amount_cents,
            decided_by: DecidedBy::from_key(&self.decided_by).unwrap_or(DecidedBy::Meeting),
            voting_method: VotingMethod::from_key(&self.voting_method),
            result: TopicResult::from_key(&self.result),
            speeches: self.speeches.iter().map(|s| Speech { person_id: s.person_id, view: s.text.clone() }).collect(),
            votes: self.votes.iter().filter_map(|v| Vote::from_key(&v.vote).map(|x| (v.person_id, x))).collect(),
            recusals: self
                .recusals
                .iter()
                .map(|r| Recusal { person_id: r.person_id, reason: r.text.clone() })
                .collect(),
        }
    }

    fn complete(&mut self) {
        self.category_label = TopicCategory::from_key(&self.category).map_or("", TopicCategory::label).into();
        self.decided_by_label = DecidedBy::from_key(&self.decided_by).map_or("", DecidedBy::label).into();
        self.voting_method_label = VotingMethod::from_key(&self.voting_method).map_or("", VotingMethod::label).into();
        self.result_label = TopicResult::from_key(&self.result).map_or("", TopicResult::label).into();
        self.amount = self.amount_cents.map(qingfeng_domain::decisions::format_amount).unwrap_or_default();
        for v in &mut self.votes {
            v.vote_label = Vote::from_key(&v.vote).map_or("", Vote::label).into();
        }
        for (i, k) in Vote::ALL.iter().enumerate() {
            self.counts[i] = self.votes.iter().filter(|v| v.vote == k.key()).count();
        }
    }
}

/// 仅本人: meetings the person should attend (the chair is one of them).
const SELF_COND: &str = "m.id IN (SELECT sx.meeting_id FROM decision_members sx WHERE sx.person_id = ?)";

fn restrict(scope: &Scope, q: &mut QueryBuilder) {
    scope.restrict_with(q, "u.path", "u.id", Some(SELF_COND));
}

/// Filters of the meeting list (all optional).
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub year: Option<i32>,
    pub unit_id: Option<i64>,
    pub include_sub: bool,
    pub body: Option<Body>,
    /// only meetings with a failed check
    pub failed: bool,
    /// only meetings with a topic of this category
    pub category: Option<TopicCategory>,
    pub q: Option<String>,
}

const SUMMARY_COLS: &str = "m.id, m.unit_id, u.name AS unit_name, m.body, m.held_on, m.place, c.name AS chair_name, \
    (SELECT COUNT(*) FROM decision_members x WHERE x.meeting_id = m.id) AS members, \
    (SELECT COUNT(*) FROM decision_members x WHERE x.meeting_id = m.id AND x.present = TRUE) AS present, \
    (SELECT COUNT(*) FROM decision_topics t WHERE t.meeting_id = m.id) AS topics, \
    (SELECT COUNT(*) FROM decision_topics t WHERE t.meeting_id = m.id AND t.category <> 'general') AS major_topics, \
    m.failed_rules";
const FROM: &str = " FROM decision_meetings m JOIN units u ON u.id = m.unit_id JOIN people c ON c.id = m.chair_id";

async fn query(db: &Db, scope: &Scope, f: &MeetingFilter) -> StoreResult<QueryBuilder> {
    let mut q = QueryBuilder::new();
    restrict(scope, &mut q);
    if let Some(y) = f.year {
        let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
        let to = NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or_default();
        q.and("m.held_on >= ? AND m.held_on < ?", args![from, to]);
    }
    if let Some(u) = f.unit_id {
        crate::query::restrict_to_unit(db, &mut q, "u.path", "m.unit_id", u, f.include_sub).await?;
    }
    if let Some(b) = f.body {
        q.and("m.body = ?", args![b.key()]);
    }
    if f.failed {
        q.and("m.failed_rules <> ''", vec![]);
    }
    if let Some(c) = f.category {
        q.and("m.id IN (SELECT meeting_id FROM decision_topics WHERE category = ?)", args![c.key()]);
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        q.and(
            "(m.place LIKE ? ESCAPE '\\' OR m.id IN (SELECT meeting_id FROM decision_topics WHERE title LIKE ? ESCAPE '\\'))",
            args![pat.clone(), pat],
        );
    }
    Ok(q)
}

/// Meetings in scope, newest first.
pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &MeetingFilter,
    paging: Option<Paging>,
) -> StoreResult<Page<MeetingSummary>> {
    let q = query(db, scope, f).await?;
    let from = format!("{FROM}{}", q.where_clause());
    let mut page: Page<MeetingSummary> =
        fetch_page(db, SUMMARY_COLS, &from, "m.held_on DESC, m.id DESC", q.args(), paging).await?;
    for m in &mut page.items {
        m.body_label = Body::from_key(&m.body).map_or("", Body::label).into();
    }
    Ok(page)
}

const COLS: &str =
    "m.id, m.unit_id, u.name AS unit_name, u.path AS unit_path, m.body, m.held_on, m.place, m.chair_id, \
    c.name AS chair_name, m.recorder_id, r.name AS recorder_name, m.item_by_item, m.failed_rules, \
    a.username AS recorded_by, m.created_at, m.updated_at";

/// One meeting with its record and checks; NotFound outside the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<Meeting> {
    let mut q = QueryBuilder::new();
    q.and("m.id = ?", args![id]);
    restrict(scope, &mut q);
    let sql = format!(
        "SELECT {COLS}{FROM} LEFT JOIN people r ON r.id = m.recorder_id LEFT JOIN accounts a ON a.id = m.account_id{}",
        q.where_clause()
    );
    let mut m: Meeting = db.fetch_one(&sql, q.args()).await?;
    m.body_label = Body::from_key(&m.body).map_or("", Body::label).into();
    m.members = db
        .fetch_all(
            "SELECT x.person_id, p.name, p.title, x.present, x.absence_reason, x.written_opinion \
             FROM decision_members x JOIN people p ON p.id = x.person_id WHERE x.meeting_id = $1 ORDER BY x.position",
            args![id],
        )
        .await?;
    m.topics = topics_of(db, id).await?;
    m.checks = checks(&m.draft());
    m.findings = crate::findings::check_findings(db, &super::write::CHECK_LINK, id).await?;
    Ok(m)
}

async fn named(db: &Db, sql: &str, topic_ids: &[i64]) -> StoreResult<Vec<(i64, Named)>> {
    if topic_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=topic_ids.len()).map(|i| format!("${i}")).collect();
    let rows: Vec<(i64, i64, String, String)> = db
        .fetch_all(&sql.replace("{ids}", &marks.join(", ")), topic_ids.iter().map(|i| Arg::from(*i)).collect())
        .await?;
    Ok(rows.into_iter().map(|(t, person_id, name, text)| (t, Named { person_id, name, text })).collect())
}

async fn topics_of(db: &Db, meeting_id: i64) -> StoreResult<Vec<MeetingTopic>> {
    let mut topics: Vec<MeetingTopic> = db
        .fetch_all(
            "SELECT id, meeting_id, position, title, category, amount_cents, decided_by, voting_method, result \
             FROM decision_topics WHERE meeting_id = $1 ORDER BY position",
            args![meeting_id],
        )
        .await?;
    let ids: Vec<i64> = topics.iter().map(|t| t.id).collect();
    let speeches = named(
        db,
        "SELECT s.topic_id, s.person_id, p.name, s.view FROM decision_speeches s JOIN people p ON p.id = s.person_id \
         WHERE s.topic_id IN ({ids}) ORDER BY s.topic_id, s.position",
        &ids,
    )
    .await?;
    let votes = named(
        db,
        "SELECT v.topic_id, v.person_id, p.name, v.vote FROM decision_votes v JOIN people p ON p.id = v.person_id \
         JOIN decision_topics t ON t.id = v.topic_id JOIN decision_members x ON x.meeting_id = t.meeting_id \
         AND x.person_id = v.person_id WHERE v.topic_id IN ({ids}) ORDER BY v.topic_id, x.position",
        &ids,
    )
    .await?;
    let recusals = named(
        db,
        "SELECT r.topic_id, r.person_id, p.name, r.reason FROM decision_recusals r JOIN people p ON p.id = r.person_id \
         WHERE r.topic_id IN ({ids}) ORDER BY r.topic_id, r.person_id",
        &ids,
    )
    .await?;
    for t in &mut topics {
        t.speeches = speeches.iter().filter(|(id, _)| *id == t.id).map(|(_, n)| n.clone()).collect();
        t.votes = votes
            .iter()
            .filter(|(id, _)| *id == t.id)
            .map(|(_, n)| TopicVote {
                person_id: n.person_id,
                name: n.name.clone(),
                vote: n.text.clone(),
                vote_label: String::new(),
            })
            .collect();
        t.recusals = recusals.iter().filter(|(id, _)| *id == t.id).map(|(_, n)| n.clone()).collect();
        t.complete();
    }
    Ok(topics)
}

/// A topic a register entry may point at.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicOption {
    pub id: i64,
    pub meeting_id: i64,
    pub held_on: NaiveDate,
    pub body: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub category: String,
    pub amount_cents: Option<i64>,
}

/// The topics in scope decided by a meeting, newest first, capped.
pub async fn topic_options(db: &Db, scope: &Scope) -> StoreResult<Vec<TopicOption>> {
    let mut q = QueryBuilder::new();
    q.and("t.decided_by = 'meeting'", vec![]);
    restrict(scope, &mut q);
    db.fetch_all(
        &format!(
            "SELECT t.id, t.meeting_id, m.held_on, m.body, m.unit_id, u.name AS unit_name, t.title, t.category, t.amount_cents \
             FROM decision_topics t JOIN decision_meetings m ON m.id = t.meeting_id JOIN units u ON u.id = m.unit_id{} \
             ORDER BY m.held_on DESC, t.meeting_id DESC, t.position LIMIT 500",
            q.where_clause()
        ),
        q.args(),
    )
    .await
}

/// Meetings in scope since `since` whose checks failed at their last save (the dashboard).
pub async fn year_failures(db: &Db, scope: &Scope, since: NaiveDate) -> StoreResult<Vec<MeetingSummary>> {
    let f = MeetingFilter { failed: true, ..Default::default() };
    let mut q = query(db, scope, &f).await?;
    q.and("m.held_on >= ?", args![since]);
    let page = fetch_page(
        db,
        SUMMARY_COLS,
        &format!("{FROM}{}", q.where_clause()),
        "m.held_on DESC, m.id DESC",
        q.args(),
        Some(Paging::new(Some(1), Some(20))),
    )
    .await?;
    let mut items: Vec<MeetingSummary> = page.items;
    for m in &mut items {
        m.body_label = Body::from_key(&m.body).map_or("", Body::label).into();
    }
    Ok(items)
}

/// Whether a topic belongs to a meeting the scope reaches.
pub async fn topic_in_scope(db: &Db, scope: &Scope, topic_id: i64) -> StoreResult<bool> {
    let mut q = QueryBuilder::new();
    q.and("t.id = ?", args![topic_id]);
    restrict(scope, &mut q);
    let row: Option<(i64,)> = db
        .fetch_optional(
            &format!(
                "SELECT t.id FROM decision_topics t JOIN decision_meetings m ON m.id = t.meeting_id \
                 JOIN units u ON u.id = m.unit_id{}",
                q.where_clause()
            ),
            q.args(),
        )
        .await?;
    Ok(row.is_some())
}
