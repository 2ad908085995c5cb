-- Custom attributes (Atributos personalizados): fields administrators add to contacts
-- or conversations, each with a type; the values live on the contact or conversation
-- as one JSON object by key (Chatwoot's custom_attributes).
CREATE TABLE custom_attribute_definitions (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    attribute_key TEXT NOT NULL,
    display_name TEXT NOT NULL,
    display_type TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    list_values TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX custom_attribute_definitions_key ON custom_attribute_definitions (account_id, model, attribute_key);

ALTER TABLE contacts ADD COLUMN custom_attributes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE conversations ADD COLUMN custom_attributes TEXT NOT NULL DEFAULT '{}';
