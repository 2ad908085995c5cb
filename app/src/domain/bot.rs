//! Agent bots' rules: when a customer's message asks for a person, the conversation
//! leaves the bot for the team's queue (issue 30), whatever the bot would answer.

/// Words that, in a short message, ask for a person (Spanish and English, accents
/// folded). A long message that merely mentions one ("el agente de aduanas dijo…")
/// stays with the bot: only a request about as long as a sentence hands it over.
const PERSON_WORDS: &[&str] = &[
    "persona",
    "personas",
    "humano",
    "humana",
    "agente",
    "operador",
    "operadora",
    "asesor",
    "asesora",
    "human",
    "person",
    "agent",
    "operator",
    "representative",
];

/// At most this many words for a message to count as a request for a person.
const MAX_WORDS: usize = 8;

/// Whether a customer's message asks to talk to a person.
pub fn asks_for_person(text: &str) -> bool {
    let folded: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(fold_accent)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    !words.is_empty() && words.len() <= MAX_WORDS && words.iter().any(|w| PERSON_WORDS.contains(w))
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'ä' | 'â' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::asks_for_person;

    #[test]
    fn a_short_request_for_a_person_hands_over() {
        for text in [
            "Quiero hablar con una persona",
            "¿Puedo hablar con un HUMANO?",
            "agente",
            "Talk to a human, please",
            "I want a real person",
            "Pásame con un asesor",
        ] {
            assert!(asks_for_person(text), "{text}");
        }
    }

    #[test]
    fn other_messages_stay_with_the_bot() {
        for text in [
            "",
            "Hola, ¿dónde está mi pedido?",
            "Personalmente prefiero el azul",
            "El agente de aduanas me dijo que el paquete llegaría el martes pero no ha llegado nada todavía",
        ] {
            assert!(!asks_for_person(text), "{text}");
        }
    }
}
