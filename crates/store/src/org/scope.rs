//! Data scope (数据权限) resolved to concrete units and people, applied to queries as
//! parameterized conditions.

use crate::query::subtree_range;
use crate::{Arg, QueryBuilder};

/// What an operator may see. Built from the operator's roles by the service layer; the store only
/// applies it. An empty scope (nothing granted) sees nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// 全部
    pub all: bool,
    /// Subtrees by unit path (本部门及以下, 分管 units and below)
    pub subtrees: Vec<String>,
    /// Single units (本部门, 自定义)
    pub units: Vec<i64>,
    /// The operator's own person record (仅本人)
    pub person_id: Option<i64>,
    /// Party branches (unit ids) whose current members' records are in scope wherever those
    /// members sit (a 支部书记's branch)
    pub branch_members: Vec<i64>,
}

impl Scope {
    pub fn all() -> Self {
        Scope { all: true, ..Default::default() }
    }

    /// Adds the scope condition for a record that belongs to a unit (`unit_path_col`, the path of
    /// the record's unit) and optionally to a person (`person_col`).
    pub fn restrict(&self, q: &mut QueryBuilder, unit_path_col: &str, unit_id_col: &str, person_col: Option<&str>) {
        let cond = person_col.map(|c| format!("{c} = ?"));
        self.restrict_with(q, unit_path_col, unit_id_col, cond.as_deref());
    }

    /// Like [`Scope::restrict`], with the 仅本人 part given as a condition holding one `?` for
    /// the person id (e.g. "e.id IN (SELECT entry_id FROM ledger_participants WHERE person_id = ?)").
    pub fn restrict_with(
        &self,
        q: &mut QueryBuilder,
        unit_path_col: &str,
        unit_id_col: &str,
        person_cond: Option<&str>,
    ) {
        if self.all {
            return;
        }
        let mut parts: Vec<String> = Vec::new();
        let mut values: Vec<Arg> = Vec::new();
        for path in &self.subtrees {
            let (lo, hi) = subtree_range(path);
            parts.push(format!("({unit_path_col} >= ? AND {unit_path_col} < ?)"));
            values.push(lo.into());
            values.push(hi.into());
        }
        for id in &self.units {
            parts.push(format!("{unit_id_col} = ?"));
            values.push((*id).into());
        }
        if let (Some(pid), Some(cond)) = (self.person_id, person_cond) {
            parts.push(cond.to_string());
            values.extend(std::iter::repeat_n(Arg::from(pid), cond.matches('?').count()));
        }
        if let (false, Some(cond)) = (self.branch_members.is_empty(), person_cond) {
            let (part, args) = self.for_branch_members(cond);
            parts.push(part);
            values.extend(args);
        }
        if parts.is_empty() {
            q.and("1 = 0", vec![]);
        } else {
            q.and(&format!("({})", parts.join(" OR ")), values);
        }
    }

    /// The person condition `cond` for any current member of the branches, with its values.
    /// Where each `?` is compared by `= ?`, the members are one uncorrelated set
    /// (`person_id IN (SELECT … members)`), read once per query; the correlated form
    /// (`EXISTS (SELECT 1 FROM people … AND cond)`) is kept for any other shape. The correlated
    /// form runs the condition's sub-query for every row and member: under load a branch
    /// secretary's count of 2,000 findings took minutes and held a connection all along.
    fn for_branch_members(&self, cond: &str) -> (String, Vec<Arg>) {
        let marks = vec!["?"; self.branch_members.len()].join(", ");
        let branches = || self.branch_members.iter().map(|b| Arg::from(*b));
        let placeholders = cond.matches('?').count();
        if cond.matches("= ?").count() == placeholders {
            let members = format!("IN (SELECT qf_bm.id FROM people qf_bm WHERE qf_bm.party_branch_id IN ({marks}))");
            let args = (0..placeholders).flat_map(|_| branches()).collect();
            return (cond.replace("= ?", &members), args);
        }
        let part = format!(
            "EXISTS (SELECT 1 FROM people qf_bm WHERE qf_bm.party_branch_id IN ({marks}) AND {})",
            cond.replace('?', "qf_bm.id")
        );
        (part, branches().collect())
    }

    /// 仅本人: the operator's own records and no unit.
    pub fn is_self_only(&self) -> bool {
        !self.all
            && self.subtrees.is_empty()
            && self.units.is_empty()
            && self.branch_members.is_empty()
            && self.person_id.is_some()
    }

    /// Whether every unit of the subtree rooted at `unit_path` is inside the scope.
    pub fn covers_subtree(&self, unit_path: &str) -> bool {
        self.all || self.subtrees.iter().any(|p| unit_path.starts_with(p.as_str()))
    }

    /// Whether a unit (by id and path) is inside the scope.
    pub fn covers_unit(&self, unit_id: i64, unit_path: &str) -> bool {
        self.all || self.units.contains(&unit_id) || self.subtrees.iter().any(|p| unit_path.starts_with(p.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_scope_sees_nothing() {
        let mut q = QueryBuilder::new();
        Scope::default().restrict(&mut q, "u.path", "u.id", Some("p.id"));
        assert_eq!(q.where_clause(), " WHERE 1 = 0");
    }

    #[test]
    fn scope_is_parameterized() {
        let mut q = QueryBuilder::new();
        let s = Scope { subtrees: vec!["/1/5/".into()], units: vec![9], person_id: Some(4), ..Default::default() };
        s.restrict(&mut q, "u.path", "u.id", Some("p.id"));
        assert_eq!(q.where_clause(), " WHERE ((u.path >= $1 AND u.path < $2) OR u.id = $3 OR p.id = $4)");
        assert!(s.covers_unit(12, "/1/5/12/"));
        assert!(s.covers_unit(9, "/2/9/"));
        assert!(!s.covers_unit(50, "/1/50/"));
        assert!(s.covers_subtree("/1/5/12/"));
        assert!(!s.covers_subtree("/2/9/"), "a single unit is not its subtree");
    }

    #[test]
    fn branch_members_apply_the_person_condition_to_each_member() {
        let mut q = QueryBuilder::new();
        let s = Scope { units: vec![7], person_id: Some(4), branch_members: vec![7], ..Default::default() };
        s.restrict_with(&mut q, "u.path", "u.id", Some("e.id IN (SELECT entry_id FROM x WHERE person_id = ?)"));
        assert_eq!(
            q.where_clause(),
            " WHERE (u.id = $1 OR e.id IN (SELECT entry_id FROM x WHERE person_id = $2) OR e.id IN (SELECT entry_id \
             FROM x WHERE person_id IN (SELECT qf_bm.id FROM people qf_bm WHERE qf_bm.party_branch_id IN ($3))))"
        );
        assert!(!s.is_self_only());
        // a condition naming the person twice: each placeholder gets its values, in order
        let mut q = QueryBuilder::new();
        let s = Scope { person_id: Some(4), branch_members: vec![7, 8], ..Default::default() };
        s.restrict_with(&mut q, "u.path", "u.id", Some("(a = ? OR b = ?)"));
        assert_eq!(
            q.where_clause(),
            " WHERE ((a = $1 OR b = $2) OR (a IN (SELECT qf_bm.id FROM people qf_bm WHERE qf_bm.party_branch_id IN \
             ($3, $4)) OR b IN (SELECT qf_bm.id FROM people qf_bm WHERE qf_bm.party_branch_id IN ($5, $6))))"
        );
        assert_eq!(q.args().len(), 6);
        // any other shape keeps the correlated form
        let mut q = QueryBuilder::new();
        s.restrict_with(&mut q, "u.path", "u.id", Some("? IN (a, b)"));
        assert!(q.where_clause().contains(
            "EXISTS (SELECT 1 FROM people qf_bm WHERE qf_bm.party_branch_id IN ($2, $3) AND qf_bm.id IN (a, b))"
        ));
    }
}
