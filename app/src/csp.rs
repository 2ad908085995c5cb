//! The Content-Security-Policy of every page Charla renders. Scripts run only with
//! the nonce Leptos puts on its own inline scripts (hydration, streamed resources) or
//! when loaded by them (`'strict-dynamic'`: the WASM glue imports itself), and the
//! WASM may compile (`'wasm-unsafe-eval'`); no inline event handler, `javascript:`
//! address or injected `<script>` can run even if one ever reached the page.
//! `frame-ancestors` is added per response by the server (dashboard or widget).

/// The policy for a page whose inline scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    [
        "default-src 'self'".to_owned(),
        // 'self' only for browsers without 'strict-dynamic', which ignore the rest.
        format!("script-src 'nonce-{nonce}' 'strict-dynamic' 'self' 'wasm-unsafe-eval'"),
        // Emails keep their inline styles inside their sandboxed frame (a srcdoc
        // frame inherits this policy); styles cannot run code.
        "style-src 'self' 'unsafe-inline'".to_owned(),
        // Remote images only appear in an email's frame, and only when the agent asks.
        "img-src 'self' data: blob: https: http:".to_owned(),
        // Recorded voice and picked files are previewed from blob: addresses.
        "media-src 'self' blob:".to_owned(),
        "connect-src 'self'".to_owned(),
        "font-src 'self'".to_owned(),
        "frame-src 'self'".to_owned(),
        "worker-src 'self'".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'self'".to_owned(),
        "form-action 'self'".to_owned(),
    ]
    .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_need_the_nonce() {
        let policy = page_policy("abc");
        assert!(policy.contains("script-src 'nonce-abc' 'strict-dynamic'"));
        assert!(
            !policy.contains("'unsafe-inline' 'wasm")
                && !policy.contains("script-src 'unsafe-inline'")
        );
        assert!(policy.contains("object-src 'none'"));
    }
}
