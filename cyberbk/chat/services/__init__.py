"""The live chat's rules, one module a sub-domain: rooms and seats, messages, moderation,
presence (open sockets), the homes' overview, service hours and video."""
