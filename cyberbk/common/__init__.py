"""What every feature shares: school time, the BK vocabulary, the signals features talk
through, HTMX helpers, shared forms and the database engine settings.

Nothing here imports a feature or the core (accounts, school, audit): see
docs/architecture.md and the contracts in .importlinter.
"""
