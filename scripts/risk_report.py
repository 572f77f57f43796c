"""`make risk-report`: how well the problem box's risk check hears the test corpus.

Prints recall on tests/data/risk_corpus_risky.txt, the false-alarm rate on
tests/data/risk_corpus_everyday.txt, every miss and false alarm, and the time per story.
Given an instance (--instance or CYBERBK_INSTANCE_PATH), it also prints the flags the
counselors marked as wrong there: the concept and the matched words only, never a story,
and on this screen only (nothing is sent anywhere).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cyberbk.problembox import risk  # noqa: E402

DATA = ROOT / "tests" / "data"
RECALL_BUDGET = 0.95
FALSE_ALARM_BUDGET = 0.05


def load(name):
    """The corpus file's texts: one a line, without comments and blank lines."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def evaluate():
    """(risky texts, everyday texts, misses, false alarms as (text, flags))."""
    risky, everyday = load("risk_corpus_risky.txt"), load("risk_corpus_everyday.txt")
    misses = [text for text in risky if not risk.check(text)]
    alarms = [(text, flags) for text in everyday if (flags := risk.check(text))]
    return risky, everyday, misses, alarms


def time_per_story(texts, rounds=3):
    """Mean seconds per text of the check, with the caches as a running server has them."""
    for text in texts:
        risk.check(text)
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            risk.check(text)
    return (time.perf_counter() - started) / (rounds * len(texts))


def long_story_time(texts):
    """Seconds for one story as long as the form allows, made of unseen words."""
    story = " ".join(texts)[:5000]
    story = " ".join(word + "x" for word in story.split())
    started = time.perf_counter()
    risk.check(story)
    return time.perf_counter() - started


def describe(flags):
    return "; ".join(f"{flag.concept}: {', '.join(flag.words)}" for flag in flags)


def marked_wrong(instance):
    os.environ["CYBERBK_INSTANCE_PATH"] = str(Path(instance).resolve())
    from cyberbk import create_app
    from cyberbk.extensions import db
    from cyberbk.problembox.models import RiskFlag

    app = create_app()
    with app.app_context():
        rows = db.session.scalars(db.select(RiskFlag).order_by(RiskFlag.concept)).all()
        return ([(row.concept, row.words) for row in rows if row.marked_wrong], len(rows))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", default=os.environ.get("CYBERBK_INSTANCE_PATH"),
                        help="an instance folder whose counselors' marks to print")
    args = parser.parse_args(argv)
    risky, everyday, misses, alarms = evaluate()
    recall = 1 - len(misses) / len(risky)
    false_alarms = len(alarms) / len(everyday)
    print(f"Risky texts:    {len(risky)}  flagged {len(risky) - len(misses)}  "
          f"recall {recall:.1%} (budget >= {RECALL_BUDGET:.0%})")
    print(f"Everyday texts: {len(everyday)}  flagged {len(alarms)}  "
          f"false alarms {false_alarms:.1%} (budget <= {FALSE_ALARM_BUDGET:.0%})")
    print(f"\nMisses ({len(misses)}):")
    for text in misses:
        print(f"  - {text}")
    print(f"\nFalse alarms ({len(alarms)}):")
    for text, flags in alarms:
        print(f"  - {text}  [{describe(flags)}]")
    per_story = time_per_story(risky + everyday)
    print(f"\nSpeed: {per_story * 1e3:.3f} ms per story on average; a 5000-character story "
          f"of unseen words {long_story_time(risky + everyday) * 1e3:.1f} ms")
    if args.instance:
        wrong, total = marked_wrong(args.instance)
        print(f"\nFlags marked wrong by counselors in {args.instance}: {len(wrong)} of {total}")
        for concept, words in wrong:
            print(f"  - {concept}: {words}")
    ok = recall >= RECALL_BUDGET and false_alarms <= FALSE_ALARM_BUDGET
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
