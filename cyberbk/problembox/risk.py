"""Finding risk terms (self-harm, suicide, abuse, violence, bullying) the way SMP students write.

Students write "pengeen matiii", "gk kuat lg", "bundir", "akunggakkuatlagi" or
"m4ti". Both the text and every term go through the same normalisation
(lower case, accents and leetspeak undone, y read as i), and each term becomes
a regular expression in which:

- every letter may repeat ("matiii", "nggaaak");
- a word may be any of its common slang spellings (SYNONYMS: "gak", "ga",
  "nggak", "tdk" ... all mean "tidak"), so a counselor writes a term once in
  plain Indonesian and its variants match too;
- words may be glued together ("pengenmati", "akunggakkuatlagi"), or have
  one extra word between them ("pengen banget mati"), and take -ku, -mu,
  -nya or -lah;
- a term must end where a word ends, or where a glued particle such as "aja"
  follows, so "pengen mati" does not match "mau matikan lampu";
- very short spellings ("g", "lg", "kys") must stand as words of their own,
  so that "yang kuat lagi" is not read as "g kuat lagi".
"""

import re
import unicodedata
from functools import lru_cache

# Built-in terms, in plain Indonesian; SYNONYMS widen them to slang. A school
# can replace the list (PROBLEMBOX_RISK_TERMS) and counselors can add terms.
DEFAULT_RISK_TERMS = (
    # suicide
    "bunuh diri", "bundir", "ingin mati", "mati saja", "mending mati", "akhiri hidup",
    "mengakhiri hidup", "tidak ingin hidup", "capek hidup", "hidup tidak ada artinya",
    "tidak ada gunanya hidup", "hidup tidak berguna", "gantung diri", "minum racun",
    "loncat dari gedung", "suicide", "unalive", "kys",
    # self-harm
    "menyakiti diri", "sayat tangan", "sayat diri", "self harm", "selfharm", "cutting",
    # despair
    "tidak kuat lagi", "sudah tidak kuat", "putus asa", "tidak ada harapan",
    # abuse and violence
    "dipukul", "disiksa", "dianiaya", "kdrt", "kekerasan", "dilecehkan", "pelecehan",
    "diperkosa", "diancam", "dikeroyok", "ingin bunuh", "bawa pisau", "bawa sajam",
    # bullying
    "dibully", "bully", "perundungan", "dipalak", "dikucilkan", "diejek terus",
)

# Each row: the plain word first, then how students also write it.
SYNONYMS = (
    ("tidak", "gak", "ga", "nggak", "ngga", "enggak", "engga", "gk", "g", "tdk", "tak",
     "ndak", "nda", "kagak", "kaga", "ora"),
    ("ingin", "pengen", "pengin", "pingin", "kepengen", "kepingin", "pgn", "pngn", "pen",
     "mau", "mo", "hendak"),
    ("mati", "mampus", "modar", "matek", "mokad", "meninggal"),
    ("bunuh", "bnh", "membunuh", "bunuhin"),
    ("diri", "dri"),
    ("hidup", "idup", "hdp"),
    ("lagi", "lg", "lgi"),
    ("saja", "aja", "aj", "ae", "wae"),
    ("sudah", "udah", "udh", "dah", "sdh", "wis", "wes"),
    ("capek", "cape", "capai", "cpk", "lelah", "letih"),
    ("kuat", "kuwat", "sanggup", "tahan", "betah"),
    ("menyakiti", "nyakitin", "nyakiti", "sakitin", "menyakitin", "melukai", "ngelukain",
     "lukain", "lukai"),
    ("dipukul", "dipukuli", "dipukulin", "digebuk", "digebukin", "ditampar", "ditonjok",
     "dihajar", "ditendang"),
    ("dilecehkan", "dilecehin", "digrepe", "digrepein", "diraba", "dicabuli"),
    ("dibully", "dibuli", "dirundung"),
    ("sayat", "nyayat", "menyayat", "silet", "nyilet", "cutting"),
    ("loncat", "lompat", "terjun"),
    ("bawa", "bw", "membawa"),
    ("terus", "trs", "trus", "mulu", "melulu"),
)

# Intensifiers and small words dropped before matching, so that "capek banget
# sama hidup" reads as "capek hidup".
FILLERS = frozenset(("banget", "bgt", "bngt", "bener", "bnr", "sekali", "skali", "sih", "deh",
                     "dong", "tuh", "kok", "sama", "ama", "dengan", "dgn", "rasanya", "kayaknya",
                     "kyknya", "beneran", "pokoknya"))

# A one-word term this long may sit inside a longer word ("akubundiraja");
# shorter ones must be words of their own.
FREE_WORD = 5
# The first word of a phrase, this long, may be glued to the word before it.
FREE_START = 3
SUFFIX = "(?:ku|mu|nya|lah)?"
# Between two words of a term: nothing, a space, or one extra word.
JOIN = "(?: ?| [a-z]+ )"
# After a term: the end of the word, or a particle glued to it ("pengenmatiaja").
END = "(?=$|[^a-z]|(?:s?aja|aj|w?ae|lagi|lg|deh|dong|sih|lah|ia|iah|gitu|kali|ah)(?![a-z]))"

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s", "y": "i"})


def normalise(text):
    """Lower-case words of letters a-z, single-spaced, leetspeak and fillers gone.

    Runs of a letter are cut to two: enough for "gakkuat" to keep both words'
    k, and it keeps every term's backtracking short on hostile input.
    """
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_LEET)
    text = re.sub(r"(.)\1{2,}", r"\1\1", re.sub(r"[^a-z]+", " ", text))
    return " ".join(word for word in text.split() if word not in FILLERS)


def squeeze(word):
    """Collapse repeated letters: "nggaaak" -> "ngak"."""
    return re.sub(r"(.)\1+", r"\1", word)


def _spellings():
    table = {}
    for row in SYNONYMS:
        spellings = tuple(dict.fromkeys(squeeze(normalise(word)) for word in row))
        for spelling in spellings:
            table.setdefault(spelling, spellings)
    return table


_SPELLINGS = _spellings()


def _letters(spelling):
    return "".join(re.escape(ch) + "+" for ch in spelling)


def _word_pattern(word, first, last):
    alternatives = []
    for spelling in sorted(_SPELLINGS.get(word, (word,)), key=len, reverse=True):
        pattern = _letters(spelling) + SUFFIX
        if first and last:
            if len(spelling) < FREE_WORD:
                pattern = "(?<![a-z])" + pattern + END
        else:
            if first and len(spelling) < FREE_START:
                pattern = "(?<![a-z])" + pattern
            if last:
                pattern += END
        alternatives.append(pattern)
    return "(?:" + "|".join(alternatives) + ")"


@lru_cache(maxsize=1024)
def compile_term(term):
    """The regular expression for one term, or None when it has no letters."""
    words = [squeeze(word) for word in normalise(term).split()]
    if not words:
        return None
    parts = [_word_pattern(word, index == 0, index == len(words) - 1)
             for index, word in enumerate(words)]
    return re.compile(JOIN.join(parts))


@lru_cache(maxsize=1024)
def term_spellings(term):
    """For each word of the term, the set of its spellings (squeezed)."""
    return tuple(frozenset(_SPELLINGS.get(word, (word,)))
                 for word in (squeeze(word) for word in normalise(term).split()))


@lru_cache(maxsize=8)
def _plan(terms):
    """(spelling, the words it spells) for every spelling of the terms, and each term with
    the set of its words; a word is its set of spellings."""
    words_of = {}
    for term in terms:
        for word in term_spellings(term):
            for spelling in word:
                words_of.setdefault(spelling, set()).add(word)
    return (tuple(words_of.items()),
            tuple((term, frozenset(term_spellings(term))) for term in terms))


def find_terms(text, terms):
    """The terms (as given) that occur in `text`, in the order of `terms`.

    A term's expression lets every letter repeat, so where it matches, the text with
    its repeated letters squeezed holds one spelling of each of its words as it is.
    Checking that first (a substring test per spelling) leaves the expressions, which
    cost about a microsecond per character and term, for the few terms that may match.
    """
    spellings, plan = _plan(tuple(terms))
    normalised = normalise(text)
    squeezed = squeeze(normalised)
    present = set()
    for spelling, words in spellings:
        if spelling in squeezed:
            present |= words
    found = []
    for term, words in plan:
        if (words and words <= present and compile_term(term).search(normalised)
                and term not in found):
            found.append(term)
    return found
