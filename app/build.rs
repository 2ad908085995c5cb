//! Compiles `locales/*.json` into the typed `i18n` module (leptos_i18n), so a missing
//! translation key is a build error rather than a blank label.
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    // The migrations are embedded by `sqlx::migrate!`: a new one must rebuild the crate.
    println!("cargo::rerun-if-changed=migrations");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("i18n");
    let config = Config::new("es")
        .and_then(|c| c.add_locale("en"))
        .expect("locale configuration")
        // Lets `t_string!` fill {{ count }} for attributes such as aria-label.
        .parse_options(ParseOptions::new().interpolate_display(true));
    let infos = TranslationsInfos::parse(config).expect("locales/*.json parse");
    infos.rerun_if_locales_changed();
    infos.emit_diagnostics();
    infos
        .generate_i18n_module(out)
        .expect("i18n module generation");
}
