//! Data scope of plans and tasks: the SQL conditions under which an operator sees a task or a
//! plan.

use crate::query::subtree_range;
use crate::{Arg, Scope};

/// OR-parts (with `?` marks) matching a unit column against the scope's subtrees and units.
fn unit_parts(scope: &Scope, path_col: &str, id_col: &str) -> (Vec<String>, Vec<Arg>) {
    let mut parts = Vec::new();
    let mut values: Vec<Arg> = Vec::new();
    for path in &scope.subtrees {
        let (lo, hi) = subtree_range(path);
        parts.push(format!("({path_col} >= ? AND {path_col} < ?)"));
        values.push(lo.into());
        values.push(hi.into());
    }
    for id in &scope.units {
        parts.push(format!("{id_col} = ?"));
        values.push((*id).into());
    }
    (parts, values)
}

fn or_condition(parts: Vec<String>, values: Vec<Arg>) -> (String, Vec<Arg>) {
    if parts.is_empty() {
        ("1 = 0".to_string(), vec![])
    } else {
        (format!("({})", parts.join(" OR ")), values)
    }
}

/// The visibility condition of a task aliased `t` with its lead unit joined as `lu`; None for 全部.
pub(super) fn task_visible(scope: &Scope) -> Option<(String, Vec<Arg>)> {
    if scope.all {
        return None;
    }
    let (mut parts, mut values) = unit_parts(scope, "lu.path", "lu.id");
    if let Some(pid) = scope.person_id {
        parts.push("t.lead_person_id = ?".into());
        values.push(pid.into());
    }
    let (sp, sv) = unit_parts(scope, "su.path", "su.id");
    if !sp.is_empty() {
        parts.push(format!(
            "EXISTS (SELECT 1 FROM task_support_units ts JOIN units su ON su.id = ts.unit_id WHERE ts.task_id = t.id AND ({}))",
            sp.join(" OR ")
        ));
        values.extend(sv);
    }
    Some(or_condition(parts, values))
}

/// The visibility condition of a plan aliased `wp` with its unit joined as `u`; None for 全部.
pub(crate) fn plan_visible(scope: &Scope) -> Option<(String, Vec<Arg>)> {
    let (tc, tv) = task_visible(scope)?;
    let (mut parts, mut values) = unit_parts(scope, "u.path", "u.id");
    parts.push(format!(
        "EXISTS (SELECT 1 FROM tasks t JOIN units lu ON lu.id = t.lead_unit_id WHERE t.plan_id = wp.id AND {tc})"
    ));
    values.extend(tv);
    Some(or_condition(parts, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_is_parameterized() {
        let s = Scope { subtrees: vec!["/1/5/".into()], units: vec![9], person_id: Some(4), ..Default::default() };
        let (c, v) = task_visible(&s).unwrap();
        assert!(!c.contains("/1/5/") && c.matches('?').count() == v.len(), "{c}");
        assert!(task_visible(&Scope::all()).is_none());
        assert_eq!(task_visible(&Scope::default()).unwrap().0, "1 = 0");
        let (c, v) = plan_visible(&s).unwrap();
        assert_eq!(c.matches('?').count(), v.len());
    }
}
