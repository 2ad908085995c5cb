//! WhatsApp message templates as Meta describes them (`components` with `{{n}}`
//! placeholders in the header, the body and URL buttons): the variables a template
//! needs and its text once filled in. Shared by the picker's live preview and the
//! server that checks and sends it.
use serde::{Deserialize, Serialize};

/// A URL button whose address ends in a variable (`https://shop.example/o/{{1}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrlButton {
    /// Position among the template's buttons (Meta's `index`).
    pub index: usize,
    pub text: String,
    pub url: String,
}

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
    /// Buttons that need a value (the end of their URL).
    #[serde(default)]
    pub url_buttons: Vec<UrlButton>,
}

/// One value the agent fills in, in the order of `params`: the body's `{{1}}…{{n}}`,
/// then the header's, then each URL button's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Slot {
    Body(usize),
    Header(usize),
    Button { index: usize, text: String },
}

/// The values of a filled template, by component, as the Cloud API wants them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filled {
    pub body: Vec<String>,
    pub header: Vec<String>,
    /// (button index, URL suffix).
    pub buttons: Vec<(usize, String)>,
}

impl TemplateView {
    /// Reads Meta's `components` array; `None` when it has no text body, or a media
    /// header (image, video, document, location) the picker cannot fill.
    pub fn from_components(
        id: i64,
        name: String,
        language: String,
        category: String,
        components: &str,
    ) -> Option<TemplateView> {
        let components: Vec<serde_json::Value> = serde_json::from_str(components).ok()?;
        let of_type = |kind: &str| {
            components
                .iter()
                .find(|c| c.get("type").and_then(|t| t.as_str()) == Some(kind))
        };
        let text_of = |kind: &str| {
            of_type(kind)
                .filter(|c| {
                    c.get("format")
                        .and_then(|f| f.as_str())
                        .is_none_or(|f| f == "TEXT")
                })
                .and_then(|c| c.get("text").and_then(|t| t.as_str()))
                .map(str::to_owned)
        };
        let media_header = of_type("HEADER")
            .and_then(|c| c.get("format").and_then(|f| f.as_str()))
            .is_some_and(|f| f != "TEXT");
        if media_header {
            return None;
        }
        let url_buttons = of_type("BUTTONS")
            .and_then(|c| c.get("buttons"))
            .and_then(|b| b.as_array())
            .map(|buttons| {
                buttons
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.get("type").and_then(|t| t.as_str()) == Some("URL"))
                    .filter_map(|(index, b)| {
                        let url = b.get("url")?.as_str()?;
                        (!placeholders(url).is_empty()).then(|| UrlButton {
                            index,
                            text: b
                                .get("text")
                                .and_then(|t| t.as_str())
                                .unwrap_or_default()
                                .to_owned(),
                            url: url.to_owned(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(TemplateView {
            id,
            name,
            language,
            category,
            header: text_of("HEADER"),
            body: text_of("BODY")?,
            footer: text_of("FOOTER"),
            url_buttons,
        })
    }

    fn body_variables(&self) -> usize {
        placeholders(&self.body).into_iter().max().unwrap_or(0)
    }

    fn header_variables(&self) -> usize {
        self.header
            .as_deref()
            .map(|h| placeholders(h).into_iter().max().unwrap_or(0))
            .unwrap_or(0)
    }

    /// Every value the template needs, in the order of `params`.
    pub fn slots(&self) -> Vec<Slot> {
        (1..=self.body_variables())
            .map(Slot::Body)
            .chain((1..=self.header_variables()).map(Slot::Header))
            .chain(self.url_buttons.iter().map(|b| Slot::Button {
                index: b.index,
                text: b.text.clone(),
            }))
            .collect()
    }

    /// How many values the template needs.
    pub fn variable_count(&self) -> usize {
        self.slots().len()
    }

    /// `params` split by component (trimmed; missing values empty).
    pub fn split(&self, params: &[String]) -> Filled {
        let value = |i: usize| {
            params
                .get(i)
                .map(|p| p.trim().to_owned())
                .unwrap_or_default()
        };
        let mut filled = Filled::default();
        for (i, slot) in self.slots().into_iter().enumerate() {
            match slot {
                Slot::Body(_) => filled.body.push(value(i)),
                Slot::Header(_) => filled.header.push(value(i)),
                Slot::Button { index, .. } => filled.buttons.push((index, value(i))),
            }
        }
        filled
    }

    /// The body with `{{n}}` replaced by its value (left as is when missing).
    pub fn render(&self, params: &[String]) -> String {
        fill(&self.body, &self.split(params).body)
    }

    /// The header with its values, when it has text.
    pub fn render_header(&self, params: &[String]) -> Option<String> {
        let header = self.header.as_deref()?;
        Some(fill(header, &self.split(params).header))
    }

    /// Every value must be filled: the position (from 1) of the first empty one.
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

    #[test]
    fn header_and_url_button_variables_follow_the_body() {
        let t = TemplateView::from_components(
            1,
            "envio".into(),
            "es".into(),
            "UTILITY".into(),
            &serde_json::json!([
                {"type": "HEADER", "format": "TEXT", "text": "Pedido {{1}}"},
                {"type": "BODY", "text": "Hola {{1}}"},
                {"type": "BUTTONS", "buttons": [
                    {"type": "QUICK_REPLY", "text": "Gracias"},
                    {"type": "URL", "text": "Seguir envío", "url": "https://shop.example/t/{{1}}"},
                    {"type": "URL", "text": "Tienda", "url": "https://shop.example"}]}
            ])
            .to_string(),
        )
        .unwrap();
        assert_eq!(
            t.slots(),
            vec![
                Slot::Body(1),
                Slot::Header(1),
                Slot::Button {
                    index: 1,
                    text: "Seguir envío".into()
                }
            ]
        );
        let params = vec!["Ana".to_owned(), "A-17".to_owned(), " XYZ ".to_owned()];
        assert_eq!(t.render(&params), "Hola Ana");
        assert_eq!(t.render_header(&params).as_deref(), Some("Pedido A-17"));
        assert_eq!(
            t.split(&params),
            Filled {
                body: vec!["Ana".into()],
                header: vec!["A-17".into()],
                buttons: vec![(1, "XYZ".into())]
            }
        );
        assert_eq!(t.first_missing(&params[..2]), Some(3));
        let image_header = serde_json::json!([{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "Hola"}]);
        assert!(TemplateView::from_components(
            2,
            "foto".into(),
            "es".into(),
            "MARKETING".into(),
            &image_header.to_string()
        )
        .is_none());
    }
}
