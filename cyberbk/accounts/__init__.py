"""People, roles and classes (rombel). No routes of its own: admin and auth use it."""
