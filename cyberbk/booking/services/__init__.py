"""The booking feature's rules, one module a sub-domain: slots, bookings, cases, referrals,
parent requests, reminders and the counselor's overview."""
