-- S7: Meta's parameter_format (POSITIONAL {{1}} or NAMED {{nombre}}) decides how a
-- template's values are sent (parameter_name for named ones).
ALTER TABLE whatsapp_templates ADD COLUMN parameter_format TEXT NOT NULL DEFAULT 'POSITIONAL';
