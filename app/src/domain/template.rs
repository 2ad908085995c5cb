//! WhatsApp message templates as Meta describes them (`components` with `{{1}}` or, for
//! `parameter_format: NAMED`, `{{nombre}}` placeholders in the header, the body and URL
//! buttons; an optional image, video or document header): the values a template needs,
//! its text once filled in, and why one cannot be sent. Shared by the picker's live
//! preview and the server that checks and sends it.
use serde::{Deserialize, Serialize};

/// A URL button whose address ends in a variable (`https://shop.example/o/{{1}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrlButton {
    /// Position among the template's buttons (Meta's `index`).
    pub index: usize,
    pub text: String,
    pub url: String,
}

/// A header that carries a file the agent picks when sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeaderMedia {
    Image,
    Video,
    Document,
}

impl HeaderMedia {
    fn of_format(format: &str) -> Option<HeaderMedia> {
        match format {
            "IMAGE" => Some(HeaderMedia::Image),
            "VIDEO" => Some(HeaderMedia::Video),
            "DOCUMENT" => Some(HeaderMedia::Document),
            _ => None,
        }
    }

    /// The Cloud API's media types for a template header (Meta accepts JPEG and PNG
    /// images, MP4 and 3GPP videos, PDF documents there).
    pub fn content_types(self) -> &'static [&'static str] {
        match self {
            HeaderMedia::Image => &["image/jpeg", "image/png"],
            HeaderMedia::Video => &["video/mp4", "video/3gpp"],
            HeaderMedia::Document => &["application/pdf"],
        }
    }

    pub fn accepts(self, content_type: &str) -> bool {
        self.content_types().contains(&content_type)
    }

    /// The file input's `accept` list.
    pub fn accept(self) -> String {
        self.content_types().join(",")
    }

    /// The parameter `type` (and the object's key) in a send request.
    pub fn cloud_type(self) -> &'static str {
        match self {
            HeaderMedia::Image => "image",
            HeaderMedia::Video => "video",
            HeaderMedia::Document => "document",
        }
    }
}

/// Why an approved template cannot be sent from Charla; the picker lists it, disabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum Unsupported {
    /// A header of this format (`LOCATION`, `PRODUCT`…).
    Header(String),
    /// A button of this type (`FLOW`, `OTP`, `COPY_CODE`, `CATALOG`…).
    Button(String),
    /// A component of this type (`CAROUSEL`, `LIMITED_TIME_OFFER`…).
    Component(String),
    /// No body text.
    NoBody,
}

/// A template as the picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub id: i64,
    pub name: String,
    pub language: String,
    pub category: String,
    /// `parameter_format: NAMED`: values are sent with their `parameter_name`.
    #[serde(default)]
    pub named: bool,
    /// A text header.
    pub header: Option<String>,
    #[serde(default)]
    pub header_media: Option<HeaderMedia>,
    pub body: String,
    pub footer: Option<String>,
    /// Buttons that need a value (the end of their URL).
    #[serde(default)]
    pub url_buttons: Vec<UrlButton>,
    #[serde(default)]
    pub unsupported: Option<Unsupported>,
}

/// One value the agent fills in, in the order of `params`: the body's variables, then
/// the header's, then each URL button's. Variables are named by what is between the
/// braces (`"1"` or `"nombre"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Slot {
    Body(String),
    Header(String),
    Button { index: usize, text: String },
}

/// The values of a filled template, by component, as the Cloud API wants them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filled {
    pub body: Vec<String>,
    /// The body's variable names, when the template is NAMED (else empty).
    pub body_names: Vec<String>,
    pub header: Vec<String>,
    pub header_names: Vec<String>,
    /// (button index, URL suffix).
    pub buttons: Vec<(usize, String)>,
}

/// What an agent chose to send: a template, its values in the order of
/// [`TemplateView::slots`], and the upload for a media header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateChoice {
    pub template_id: i64,
    pub params: Vec<String>,
    #[serde(default)]
    pub header_file: Option<i64>,
}

/// Buttons sent as they are (a quick reply, a fixed or variable address, a number).
const PLAIN_BUTTONS: &[&str] = &["QUICK_REPLY", "URL", "PHONE_NUMBER"];

impl TemplateView {
    /// Reads Meta's `parameter_format` and `components`; `None` only when the
    /// components are not a JSON array.
    pub fn from_components(
        id: i64,
        name: String,
        language: String,
        category: String,
        parameter_format: &str,
        components: &str,
    ) -> Option<TemplateView> {
        let components: Vec<serde_json::Value> = serde_json::from_str(components).ok()?;
        let str_of = |c: &serde_json::Value, key: &str| {
            c.get(key).and_then(|v| v.as_str()).map(str::to_owned)
        };
        let of_type = |kind: &str| {
            components
                .iter()
                .find(|c| c.get("type").and_then(|t| t.as_str()) == Some(kind))
        };
        let mut unsupported = components
            .iter()
            .filter_map(|c| str_of(c, "type"))
            .find(|kind| !["HEADER", "BODY", "FOOTER", "BUTTONS"].contains(&kind.as_str()))
            .map(Unsupported::Component);
        let mut header = None;
        let mut header_media = None;
        if let Some(c) = of_type("HEADER") {
            let format = str_of(c, "format").unwrap_or_else(|| "TEXT".to_owned());
            if format == "TEXT" {
                header = str_of(c, "text");
            } else if let Some(media) = HeaderMedia::of_format(&format) {
                header_media = Some(media);
            } else {
                unsupported.get_or_insert(Unsupported::Header(format));
            }
        }
        let buttons: Vec<&serde_json::Value> = of_type("BUTTONS")
            .and_then(|c| c.get("buttons"))
            .and_then(|b| b.as_array())
            .map(|b| b.iter().collect())
            .unwrap_or_default();
        if let Some(kind) = buttons
            .iter()
            .filter_map(|b| str_of(b, "type"))
            .find(|kind| !PLAIN_BUTTONS.contains(&kind.as_str()))
        {
            unsupported.get_or_insert(Unsupported::Button(kind));
        }
        let url_buttons = buttons
            .iter()
            .enumerate()
            .filter(|(_, b)| b.get("type").and_then(|t| t.as_str()) == Some("URL"))
            .filter_map(|(index, b)| {
                let url = str_of(b, "url")?;
                (!variables(&url, false).is_empty()).then(|| UrlButton {
                    index,
                    text: str_of(b, "text").unwrap_or_default(),
                    url,
                })
            })
            .collect();
        let body = of_type("BODY").and_then(|c| str_of(c, "text"));
        if body.is_none() {
            unsupported.get_or_insert(Unsupported::NoBody);
        }
        let body = body.unwrap_or_default();
        // Meta names the format; a template synced before it did still shows its
        // names between the braces.
        let named = parameter_format.eq_ignore_ascii_case("NAMED")
            || [Some(body.as_str()), header.as_deref()]
                .into_iter()
                .flatten()
                .flat_map(names_in)
                .any(|n| n.parse::<usize>().is_err());
        Some(TemplateView {
            id,
            name,
            language,
            category,
            named,
            header,
            header_media,
            body,
            footer: of_type("FOOTER").and_then(|c| str_of(c, "text")),
            url_buttons,
            unsupported,
        })
    }

    pub fn can_send(&self) -> bool {
        self.unsupported.is_none()
    }

    fn body_variables(&self) -> Vec<String> {
        variables(&self.body, self.named)
    }

    fn header_variables(&self) -> Vec<String> {
        self.header
            .as_deref()
            .map(|h| variables(h, self.named))
            .unwrap_or_default()
    }

    /// Every value the template needs, in the order of `params`.
    pub fn slots(&self) -> Vec<Slot> {
        self.body_variables()
            .into_iter()
            .map(Slot::Body)
            .chain(self.header_variables().into_iter().map(Slot::Header))
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
                Slot::Body(name) => {
                    filled.body.push(value(i));
                    if self.named {
                        filled.body_names.push(name);
                    }
                }
                Slot::Header(name) => {
                    filled.header.push(value(i));
                    if self.named {
                        filled.header_names.push(name);
                    }
                }
                Slot::Button { index, .. } => filled.buttons.push((index, value(i))),
            }
        }
        filled
    }

    /// The body with each variable replaced by its value (left as is when missing).
    pub fn render(&self, params: &[String]) -> String {
        let filled = self.split(params);
        fill(&self.body, &self.body_variables(), &filled.body)
    }

    /// The header with its values, when it has text.
    pub fn render_header(&self, params: &[String]) -> Option<String> {
        let header = self.header.as_deref()?;
        let filled = self.split(params);
        Some(fill(header, &self.header_variables(), &filled.header))
    }

    /// Every value must be filled: the position (from 1) of the first empty one.
    pub fn first_missing(&self, params: &[String]) -> Option<usize> {
        (1..=self.variable_count()).find(|n| params.get(n - 1).is_none_or(|p| p.trim().is_empty()))
    }
}

/// What is between each `{{` and `}}` of `text`, trimmed, in order.
fn names_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        found.push(after[..end].trim().to_owned());
        rest = &after[end + 2..];
    }
    found
}

/// A variable name Meta accepts: lower-case letters, digits and underscores.
fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The variables of `text`: for positional templates `"1"` up to the highest `{{n}}`
/// (Meta numbers them without gaps); for named ones each name once, in order.
pub fn variables(text: &str, named: bool) -> Vec<String> {
    let names = names_in(text);
    if named {
        let mut seen: Vec<String> = Vec::new();
        for name in names {
            if is_variable_name(&name) && !seen.contains(&name) {
                seen.push(name);
            }
        }
        seen
    } else {
        let highest = names
            .iter()
            .filter_map(|n| n.parse::<usize>().ok())
            .max()
            .unwrap_or(0);
        (1..=highest).map(|n| n.to_string()).collect()
    }
}

fn fill(text: &str, names: &[String], values: &[String]) -> String {
    super::fill_placeholders(text, |name| {
        let at = names.iter().position(|n| n == name)?;
        values
            .get(at)
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
    })
}

#[cfg(test)]
mod tests;
