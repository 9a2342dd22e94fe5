//! The password page: changing one's own password (the first thing an account with an initial
//! or reset password does).

use askama::Template;
use axum::http::StatusCode;

use crate::auth::{Ctx, Principal};
use crate::features::accounts::service::change_own_password;
use crate::http::{render, ApiError, FormPairs, Nav, PageError, PageResult};

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage {
    nav: Nav,
    must_change: bool,
    done: bool,
    errors: qingfeng_domain::FieldErrors,
}

pub async fn password(p: Principal) -> PageResult {
    render(&PasswordPage {
        nav: Nav::new(&p, "password"),
        must_change: p.must_change_password,
        done: false,
        errors: Default::default(),
    })
}

pub async fn change_password(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    match change_own_password(&state, &p, &form.get("old_password"), &form.get("new_password")).await {
        Ok(()) => render(&PasswordPage {
            nav: Nav::new(&p, "password"),
            must_change: false,
            done: true,
            errors: Default::default(),
        }),
        Err(ApiError::Invalid(errors)) => {
            let mut res = render(&PasswordPage {
                nav: Nav::new(&p, "password"),
                must_change: p.must_change_password,
                done: false,
                errors,
            })?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(PageError(e)),
    }
}
