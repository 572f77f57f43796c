"""`make bench`: CyberBK's performance budgets, measured side by side in one run."""
