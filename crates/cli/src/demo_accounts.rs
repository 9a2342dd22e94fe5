//! Demo accounts: one sign-in per built-in role, each linked to a person of the demo 县委办, so
//! a visitor sees what that role sees — the 主要负责人 the whole office, the 分管领导 the
//! departments in that leader's charge (信息科, the one that lags, among them), the 纪检监察组
//! everything, a 支部书记 the branch they lead and its members, and a 一般干部 only their own items and
//! reminders.

use qingfeng_store::{accounts, args, Actor, Db};

/// (username, built-in role, how the person is found: SQL returning one person id)
const DEMO_ACCOUNTS: &[(&str, &str, &str)] = &[
    ("zhuren", "principal", "SELECT id FROM people WHERE roles LIKE '%principal%' ORDER BY id LIMIT 1"),
    (
        "fenguan",
        "leader",
        "SELECT c.person_id FROM in_charge_of c JOIN units u ON u.id = c.unit_id WHERE u.code = 'XWB-XXK' \
         ORDER BY c.person_id LIMIT 1",
    ),
    (
        "jijian",
        "supervisor",
        "SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE u.code = 'XWB-PZZ' ORDER BY p.id LIMIT 1",
    ),
    ("zhibu", "branch_secretary", "SELECT id FROM people WHERE roles LIKE '%branch_secretary%' ORDER BY id LIMIT 1"),
    (
        "ganbu",
        "member",
        "SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE u.code = 'XWB-XXK' AND p.roles = 'cadre' \
         AND p.title NOT LIKE '%科长%' ORDER BY p.id LIMIT 1",
    ),
];

/// The query that finds the person of a demo account.
pub(crate) fn person_sql(username: &str) -> Option<&'static str> {
    DEMO_ACCOUNTS.iter().find(|a| a.0 == username).map(|a| a.2)
}

/// Creates the demo accounts with `password`; returns (username, role name, person name) of
/// each. Accounts whose person or username is missing are skipped.
pub async fn seed(db: &Db, password: &str, must_change: bool) -> anyhow::Result<Vec<(String, String, String)>> {
    let actor = Actor { username: "demo".into(), ..Actor::system() };
    let mut created = Vec::new();
    for &(username, role, person_sql) in DEMO_ACCOUNTS {
        let Some((person,)) = db.fetch_optional::<(i64,)>(person_sql, vec![]).await? else { continue };
        if accounts::by_username(db, username).await?.is_some() {
            continue;
        }
        accounts::create(db, &actor, username, password, Some(person), &[role], must_change).await?;
        let (name,): (String,) = db.fetch_one("SELECT name FROM people WHERE id = $1", args![person]).await?;
        let role_name = qingfeng_domain::access::builtin_role(role).map_or(role, |r| r.name);
        created.push((username.to_string(), role_name.to_string(), name));
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_demo_account_finds_its_person() {
        for db in qingfeng_store::testing::engines().await {
            crate::demo::seed_demo(&db).await.unwrap().expect("an empty database gets the demo");
            let created = seed(&db, "Demo#2026x", false).await.unwrap();
            let names: Vec<&str> = created.iter().map(|c| c.0.as_str()).collect();
            assert_eq!(names, ["zhuren", "fenguan", "jijian", "zhibu", "ganbu"]);
            let (linked,): (i64,) = db
                .fetch_one("SELECT COUNT(DISTINCT person_id) FROM accounts WHERE username <> 'admin'", vec![])
                .await
                .unwrap();
            assert_eq!(linked, 5, "five different people");
            assert!(seed(&db, "Demo#2026x", false).await.unwrap().is_empty(), "a second run adds nothing");
            db.close().await;
        }
    }
}
