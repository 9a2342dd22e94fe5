// `sqlx::migrate!` embeds the migrations at compile time; without this, adding a migration file
// does not rebuild the crate and a binary may start without it (sqlx's documented remedy).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
