"""The school's own settings: name, contacts, service hours, logo, crisis contacts."""
