"""People, roles and classes (rombel), and who may use which page (decorators). No routes
of its own: every feature uses it."""
