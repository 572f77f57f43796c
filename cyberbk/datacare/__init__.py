"""Care of the school's data: backups, restore, the new school year."""
