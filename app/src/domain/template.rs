//! WhatsApp message templates as Meta describes them (`components` with `{{n}}`
//! placeholders): the variables a template needs and its text once filled in. Shared
//! by the picker's live preview and the server that checks and sends it.
use serde::{Deserialize, Serialize};

/// A template as the picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub id: i64,
    pub name: String,
    pub language: String,
    pub category: String,
    pub header: Option<String>,
    pub body: String,
    pub footer: Option<String>,
}

impl TemplateView {
    /// Reads Meta's `components` array; `None` when it has no text body.
    pub fn from_components(
        id: i64,
        name: String,
        language: String,
        category: String,
        components: &str,
    ) -> Option<TemplateView> {
        let components: Vec<serde_json::Value> = serde_json::from_str(components).ok()?;
        let text_of = |kind: &str| {
            components
                .iter()
                .find(|c| c.get("type").and_then(|t| t.as_str()) == Some(kind))
                .filter(|c| {
                    c.get("format")
                        .and_then(|f| f.as_str())
                        .is_none_or(|f| f == "TEXT")
                })
                .and_then(|c| c.get("text").and_then(|t| t.as_str()))
                .map(str::to_owned)
        };
        Some(TemplateView {
            id,
            name,
            language,
            category,
            header: text_of("HEADER"),
            body: text_of("BODY")?,
            footer: text_of("FOOTER"),
        })
    }

    /// How many body parameters the template needs (the highest `{{n}}`).
    pub fn variable_count(&self) -> usize {
        placeholders(&self.body).into_iter().max().unwrap_or(0)
    }

    /// The body with `{{n}}` replaced by `params[n - 1]` (left as is when missing).
    pub fn render(&self, params: &[String]) -> String {
        fill(&self.body, params)
    }

    /// Every variable must be filled: the index (from 1) of the first empty one.
    pub fn first_missing(&self, params: &[String]) -> Option<usize> {
        (1..=self.variable_count()).find(|n| params.get(n - 1).is_none_or(|p| p.trim().is_empty()))
    }
}

/// The `n` of every `{{n}}` in `text`, in order.
pub fn placeholders(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                if let Ok(n) = after[..end].trim().parse::<usize>() {
                    if n > 0 {
                        found.push(n);
                    }
                }
                rest = &after[end + 2..];
            }
            None => break,
        }
    }
    found
}

fn fill(text: &str, params: &[String]) -> String {
    super::fill_placeholders(text, |name| {
        let index = name.parse::<usize>().ok()?.checked_sub(1)?;
        params
            .get(index)
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(body: &str) -> TemplateView {
        TemplateView::from_components(
            1,
            "t".into(),
            "es".into(),
            "UTILITY".into(),
            &serde_json::json!([{"type": "HEADER", "format": "TEXT", "text": "Pedido"},
                {"type": "BODY", "text": body}, {"type": "FOOTER", "text": "Tienda"}])
            .to_string(),
        )
        .unwrap()
    }

    #[test]
    fn reads_components_and_counts_variables() {
        let t = template("Hola {{1}}, tu pedido {{2}} llega {{ 2 }}.");
        assert_eq!(t.header.as_deref(), Some("Pedido"));
        assert_eq!(t.footer.as_deref(), Some("Tienda"));
        assert_eq!(t.variable_count(), 2);
        assert_eq!(placeholders("{{0}} {{x}} {{3}}"), vec![3]);
        assert!(
            TemplateView::from_components(1, "t".into(), "es".into(), "U".into(), "[]").is_none()
        );
    }

    #[test]
    fn renders_and_requires_every_variable() {
        let t = template("Hola {{1}}, tu pedido {{2}} ya está en camino.");
        let params = vec!["Ana".to_owned(), " A-17 ".to_owned()];
        assert_eq!(
            t.render(&params),
            "Hola Ana, tu pedido A-17 ya está en camino."
        );
        assert_eq!(t.first_missing(&params), None);
        assert_eq!(
            t.render(&params[..1]),
            "Hola Ana, tu pedido {{2}} ya está en camino."
        );
        assert_eq!(t.first_missing(&["Ana".into(), "  ".into()]), Some(2));
        assert_eq!(t.first_missing(&[]), Some(1));
        assert_eq!(fill("{{1", &[]), "{{1");
    }
}
