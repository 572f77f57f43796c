"""The risk check: which concepts of danger a student's story names, and with which words.

It hears Indonesian as SMP students write it, without a model: every word of the text gets
its *readings* (the word itself, its plain spelling from the slang lists, and the roots
its colloquial or formal affixes leave: "nyudahin" -> sudah, "nusuk" -> tusuk, "ngegores"
-> gores, "ngilang" -> hilang, "dilecehin" -> leceh), and each concept is a short list of
phrases in plain Indonesian that counselors can read (CONCEPTS). A phrase matches when its
words' readings follow one another in one sentence, with at most one other word between
two of them ("..." in a phrase allows up to four).

A phrase's words:
- `hilang` any form of the root: hilang, ilang, ngilang, menghilang, ngilangin;
- `hilang=` only without the -in/-kan/-i suffix (ngilang, not ngilangin a pimple);
  `sudah+` only with it (nyudahin, not udah);
- `di:pukul` only passive (dipukul, di pukul); `ke:` accidental (kegores, ketusuk);
  `N:gores` only the active nasal form (ngegores, menggores);
- `a|b` either word; `@self`, `@family`, `@body`, `@limb`, `@hit` a group (GROUPS).

Counselors add terms in plain words (RiskTerm); those match through the same readings, and
Sastrawi, the Indonesian stemmer, finds the roots of a term's formal words ("dilecehkan",
"digerayangi"). Sastrawi runs on the terms only, never on the student's text: on unknown
words it can take a large fraction of a second, and the check runs inside POST /kotak.

Nothing here cleans spelling or masks profanity: that must never happen before this check
("bundir" and its kin must reach it as written).
"""

import csv
import re
import unicodedata
from collections import namedtuple
from functools import lru_cache
from importlib import resources

from flask_babel import lazy_gettext as _l

Concept = namedtuple("Concept", "key label phrases")
Flag = namedtuple("Flag", "concept words")

# Words that may stand for each other; the first is how phrases write it.
SYNONYMS = (
    ("tidak", "gak", "ga", "nggak", "ngga", "enggak", "engga", "gk", "g", "tdk", "tak",
     "ndak", "nda", "kagak", "kaga", "ora", "ra", "gag", "gaa", "nggk", "gx"),
    ("ingin", "pengen", "pengin", "pingin", "kepengen", "kepingin", "pgn", "pngn", "pen",
     "mau", "mo", "hendak", "pen", "pgen", "pingin", "wanna", "want"),
    ("mati", "mampus", "modar", "matek", "mokad", "mti", "die"),
    ("bunuh", "bnh", "kill"),
    ("diri", "dri", "myself"),
    ("hidup", "idup", "hdp", "idp"),
    ("lagi", "lg", "lgi", "lgy"),
    ("saja", "aja", "aj", "ae", "wae", "doang"),
    ("sudah", "udah", "udh", "dah", "sdh", "wis", "wes", "uda"),
    ("capek", "cape", "capai", "cpk", "lelah"),
    ("kuat", "kuwat", "sanggup", "tahan"),
    ("semua", "smua", "smw", "sem", "semuanya"),
    ("selamanya", "slamanya", "selamany", "forever"),
    ("tidur", "bobo", "bobok", "turu"),
    ("bangun", "bngun", "tangi"),
    ("aku", "saya", "gue", "gw", "gua", "ak", "aq", "sy", "q", "diriku", "i", "me"),
    ("kalau", "kalo", "klo", "kl", "klw", "kalau", "if"),
    ("dengan", "pakai", "pake", "pk", "pakek", "sama", "ama"),
    ("sampai", "sampe", "smp", "ampe"),
    ("terus", "trs", "trus", "mulu", "melulu"),
    ("banyak", "byk", "bnyk", "sebanyak"),
    ("akhir", "end"),
    ("racun", "baygon", "pemutih", "pembersih"),
    ("lompat", "loncat", "terjun", "jump"),
    ("dunia", "bumi"),
    ("andai", "seandainya", "coba"),
    ("gunanya", "guna", "artinya", "arti", "berarti", "berguna", "gunanya"),
    ("barcode", "barkode"),
    ("pelecehan", "leceh"),
    ("bully", "buli", "bullying", "rundung"),
    ("supaya", "biar", "agar"),
    ("semoga", "moga", "mudah"),
    ("nyawa", "nyawaku", "roh"),
)

# Groups a phrase names with @: who, which part of the body, which blow.
GROUPS = {
    "self": ("aku", "diri"),
    "family": ("ayah", "bapak", "bapa", "papa", "papah", "pak", "abah", "abi", "ibu", "mama",
               "mamah", "mamak", "emak", "mak", "umi", "bunda", "kakak", "kak", "abang",
               "paman", "om", "pakde", "bude", "tante", "bibi", "kakek", "nenek", "mbah",
               "ortu", "tiri", "sepupu", "tetangga"),
    "body": ("dada", "payudara", "paha", "pantat", "bokong", "badan", "tubuh", "kelamin",
             "pribadi", "rok", "baju", "celana", "pinggang", "anu"),
    "limb": ("tangan", "lengan", "paha", "kaki", "nadi", "pergelangan", "kulit", "badan"),
    "hit": ("pukul", "tampar", "tendang", "tonjok", "hajar", "gebuk", "jambak", "cekik",
            "sabet", "cambuk", "sambuk", "lempar", "banting", "siksa", "aniaya", "gampar",
            "tempeleng", "injak", "sundut", "smackdown"),
}

CONCEPTS = (
    Concept("suicide", _l("Ingin mati atau bunuh diri"), (
        "bunuh diri", "bundir", "suicide", "unalive", "kys", "kill @self", "ingin mati=",
        "mati= saja", "mending mati", "baik mati", "semoga mati", "akhir hidup",
        "sudah+ hidup", "selesai+ hidup", "berhenti hidup", "serah hidup", "tidak ingin hidup",
        "tidak pantas hidup", "ngapain @self hidup", "apa @self hidup", "hidup tidak gunanya",
        "hidup gunanya", "hidup sia", "gunanya @self hidup", "alasan ... hidup",
        "bertahan hidup", "capek hidup", "gantung diri", "racun", "lompat dari gedung|jembatan|lantai|atap|tebing",
        "pinggir rel", "tabrak diri", "ingin ... tabrak", "semoga ... tabrak", "ingin tenggelam",
        "tidak pernah lahir", "sesal ... lahir", "kenapa @self ... lahir", "ambil nyawa",
        "cabut nyawa", "susul almarhum|almarhumah", "ingin susul", "surat ... pergi",
        "malam terakhir", "pesan terakhir", "terakhir kali @self cerita", "selamat tinggal",
        "bagi barang", "cara mati", "cara bunuh", "mati ... tanpa ... sakit", "mati ... enak",
        "iri ... meninggal", "end it all", "ambil nyawaku",
        "atas gedung", "pegang cutter", "pinggir jembatan")),
    Concept("disappear", _l("Ingin menghilang atau tidak ada"), (
        "ingin hilang=", "ingin lenyap", "ingin musnah", "ingin tidak ada", "tidak ingin ada",
        "andai @self tidak", "baik @self tidak ada", "@self tidak ada lagi",
        "kalau @self tidak ada", "hilang ... dunia", "hilang dari semua", "hilang selamanya",
        "hilang tanpa jejak", "hapus diri", "berhenti ada", "lebih baik tanpa @self",
        "bahagia kalau @self", "peduli kalau @self", "cari kalau @self", "kangen kalau @self",
        "pergi selamanya", "tidak balik lagi", "jadi debu", "lenyap")),
    Concept("end_all", _l("Ingin mengakhiri semuanya"), (
        "sudah+ semua", "akhir semua", "selesai+ semua", "ingin semua berakhir",
        "harus berakhir",
        "ingin udahan", "ingin sudah+", "sumpah ... sudah+", "sudah+ saja")),
    Concept("sleep_forever", _l("Ingin tidur selamanya"), (
        "tidur selamanya", "istirahat selamanya", "tidur abadi", "tidur ... tidak bangun lagi",
        "tidak bangun lagi", "tidak usah bangun", "tidur tanpa bangun", "harap tidak bangun",
        "supaya tidak bangun", "tidak bangun bangun", "tidak ingin bangun", "tidur panjang")),
    Concept("despair", _l("Putus asa"), (
        "tidak kuat lagi", "tidak kuat sumpah", "sudah tidak kuat", "sudah tidak sanggup",
        "putus asa", "tidak ada harapan", "tidak punya alasan")),
    Concept("self_harm", _l("Melukai diri sendiri"), (
        "sakit diri", "sakit+ diri", "sakit+ badan", "luka diri", "luka+ diri", "luka+ @limb",
        "self harm", "selfharm", "sh", "cutting", "silet @limb", "silet lagi", "silet biar",
        "@self silet", "bekas silet", "silet silet", "sayat @limb", "sayatan", "sayat diri",
        "N:gores @limb", "gores gores", "@limb ... N:gores", "N:gores lagi", "iris @limb",
        "potong nadi", "silet nadi", "bikin barcode", "barcode @self", "@limb ... barcode",
        "barcode di", "barcode lagi", "barcode ... kambuh", "bentur+ kepala", "pukul diri",
        "@hit ... sendiri", "hukum diri", "sundut @limb", "@limb ... @self sendiri")),
    Concept("overdose", _l("Minum obat berlebihan atau racun"), (
        "overdosis", "overdose", "od", "obat ... banyak", "obat ... sekaligus", "obat ... strip",
        "semua obat", "semua pil", "kumpul obat", "pil ... banyak", "telan ... obat",
        "telan ... pil", "obat nyamuk", "obat obatan")),
    Concept("threat", _l("Diancam atau terancam kekerasan"), (
        "di:ancam", "ancam @self", "ancam ... bunuh|pukul|tusuk|bacok|hajar|sebar|mati",
        "bunuh aku", "nanti di:bunuh", "ingin di:bunuh", "tusuk @self", "bacok @self",
        "di:bacok", "di:tusuk", "tusuk dia|kamu|pisau", "bunuh dia|kamu|anak|mereka",
        "bawa pisau|sajam|celurit|golok|senjata", "hajar rame", "keroyok", "di:hajar",
        "palak", "bully", "di:kunci", "siram @self", "pakai pisau")),
    Concept("hit", _l("Dipukul atau disiksa, juga di rumah"), (
        "@hit @self", "@family ... @hit", "di:@hit @family", "di:@hit sampai|dengan|terus",
        "rumah ... di:@hit", "di:@hit ... rumah", "@self ... di:@hit", "di:gebuk", "di:siksa", "di:aniaya",
        "di:cekik", "di:sundut", "di:cambuk", "di:sabet", "di:jambak", "di:tonjok",
        "kdrt", "siksa", "aniaya", "sundut rokok", "cubit sampai", "di:lempar dengan",
        "pukul ... sampai berdarah|memar|biru")),
    Concept("touched", _l("Disentuh atau diraba tanpa mau"), (
        "grepe", "gerayang", "di:raba", "raba @self", "raba @body", "raba raba @self",
        "pegang @body", "pegang pegang @self", "di:pegang pegang", "sentuh @body",
        "di:sentuh", "cium paksa", "di:cium paksa", "paksa cium", "peluk paksa",
        "paksa pegang", "cium @self ... tidak ingin", "colek @body", "tarik rok")),
    Concept("sexual", _l("Kekerasan seksual"), (
        "pelecehan", "perkosa", "cabul", "paksa hubungan|gituan|begituan|tidur|ciuman|buka|"
        "nonton|kirim|vcs|lakukan|lakuin", "vcs", "bugil", "telanjang", "tanpa baju",
        "suruh @self buka", "di:suruh buka baju", "video porno", "takut hamil",
        "di:jebak ... paksa", "paksa @self", "begituan ... paksa")),
)

# The concept of the terms a school configured or counselors added.
ADDED = "added"
ADDED_LABEL = _l("Kata tambahan Guru BK")

# Bigrams whose first word means nothing of danger: "mati lampu" is a power cut.
FIXED = frozenset((
    "mati lampu", "mati gaya", "mati kutu", "mati listrik", "mati ketawa", "mati suri",
    "mati rasa", "mati penasaran", "mati matian",
    # a ball in PE, the wind on a motorbike
    "dipukul bola", "ditampar angin", "kena bola",
))

ENCLITICS = ("nya", "ku", "mu", "lah", "kah", "pun")
SUFFIXES = ("kan", "in", "i")
# A root students drop the h of: "ilang", "idup", "ngilang".
H_DROPPED = frozenset(("hilang", "hidup", "habis", "hancur", "hapus", "hajar"))
# Words glued to the word before them ("pengenmatiaja") are split only into these.
FUNCTION_WORDS = ("aku", "aja", "saja", "deh", "lah", "sih", "dong", "ya", "yang", "yg",
                  "dari", "banget", "bgt")
GAP = 1
WIDE_GAP = 4
MIN_ROOT = 3

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s"})
# "grepe2", "anak2nya": a 2 glued to a word repeats it.
_REDUPLICATED = re.compile(r"([a-z]{2,})2([a-z]*)")
_SENTENCE = re.compile(r"[.!?\n;]+")


def _load_slang():
    rows = resources.files(__package__).joinpath("data/slangs.csv").read_text("utf-8")
    table = {}
    for row in csv.DictReader(rows.splitlines()):
        slang, formal = row["slang"].strip().lower(), row["formal"].strip().lower()
        if slang.isalpha() and formal.isalpha():
            table[slang] = formal
    return table


SLANG = _load_slang()
HEAD = {}
for _row in SYNONYMS:
    for _word in _row:
        HEAD.setdefault(_word, _row[0])


def normalise(text):
    """Lower-case a-z words with sentences kept apart by " . ", leetspeak undone,
    reduplication written out, runs of one letter cut to two."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _REDUPLICATED.sub(lambda m: f"{m[1]} {m[1]}{m[2]}", text)
    text = _SENTENCE.sub(" . ", text.translate(_LEET))
    text = re.sub(r"(.)\1{2,}", r"\1\1", re.sub(r"[^a-z.]+", " ", text))
    return " ".join(text.split())


def squeeze(word):
    """Collapse repeated letters: "nggaaak" -> "ngak"."""
    return re.sub(r"(.)\1+", r"\1", word)


def _unprefix(word):
    """(root, prefix class) pairs a word may be: class "" none, "di", "ke", "N" active."""
    out = [(word, "")]

    def add(root, kind):
        if len(root) >= MIN_ROOT:
            out.append((root, kind))

    if word.startswith("di"):
        add(word[2:], "di")
    for prefix in ("ke", "ter", "ber", "be"):
        if word.startswith(prefix):
            add(word[len(prefix):], "ke")
    for prefix in ("nge", "menge", "me", "pe", "per"):
        if word.startswith(prefix):
            add(word[len(prefix):], "N")
    for nasal in ("meng", "peng", "ng"):
        if word.startswith(nasal):
            rest = word[len(nasal):]
            add(rest, "N")
            if rest[:1] in "aiueo":
                add("k" + rest, "N")
    for nasal in ("meny", "peny", "ny"):
        if word.startswith(nasal) and word[len(nasal):len(nasal) + 1] in tuple("aiueo"):
            rest = word[len(nasal):]
            add("s" + rest, "N")
            add("c" + rest, "N")
    for nasal, restored in (("mem", "p"), ("pem", "p"), ("m", "p"), ("men", "t"),
                            ("pen", "t"), ("n", "t")):
        if word.startswith(nasal) and word[len(nasal):len(nasal) + 1] in tuple("aiueo"):
            add(restored + word[len(nasal):], "N")
    for nasal in ("mem", "men", "pem", "pen"):
        if word.startswith(nasal):
            add(word[len(nasal):], "N")
    return out


def _variants(root):
    yield root
    if root[:1] in "aiueo" and "h" + root in H_DROPPED:
        yield "h" + root
    # Javanese-coloured speech says "ancem", "diem" for "ancam", "diam".
    match = re.fullmatch(r"(.*[^aiueo])e([^aiueo])", root)
    if match:
        yield match[1] + "a" + match[2]
    squeezed = squeeze(root)
    if squeezed != root:
        yield squeezed


# Every root a phrase names (filled by _plan and term_phrase): a word's analysis keeps only
# readings among these, which is most of what makes an unseen word cheap.
KNOWN = set()


def _learn(words):
    new = {word for word in words if word not in KNOWN}
    if new:
        KNOWN.update(new)
        readings.cache_clear()


@lru_cache(maxsize=65536)
def readings(word):
    """Every string a phrase's word may match in `word` (see the module's docstring)."""
    found = {word}
    bases = {word, squeeze(word)}
    if word in SLANG:
        bases.add(SLANG[word])
    for base in bases:
        cores = [(base, False)]
        for enclitic in ENCLITICS:
            if base.endswith(enclitic) and len(base) - len(enclitic) >= MIN_ROOT:
                cores.append((base[:-len(enclitic)], False))
        for core, _ in list(cores):
            for suffix in SUFFIXES:
                if core.endswith(suffix) and len(core) - len(suffix) >= MIN_ROOT:
                    cores.append((core[:-len(suffix)], True))
            if core.endswith("an") and core[:2] in ("pe", "ke"):
                cores.append((core[:-2], None))
        for core, suffixed in cores:
            for root, kind in _unprefix(core):
                if kind == "" and suffixed is None:
                    continue
                for variant in _variants(root):
                    form = HEAD.get(variant, variant)
                    if form not in KNOWN:
                        continue
                    found.add(form)
                    if suffixed is not None:
                        found.add(form + ("+" if suffixed else "="))
                    if kind:
                        found.add(kind + ":" + form)
    return frozenset(found)


def _slot(spec):
    """A phrase word as the set of readings it accepts."""
    kind, _, rest = spec.rpartition(":")
    marker = rest[-1] if rest[-1:] in "=+" else ""
    rest = rest.rstrip("=+")
    words = []
    for alternative in rest.split("|"):
        if alternative.startswith("@"):
            words.extend(GROUPS[alternative[1:]])
        else:
            words.append(alternative)
    accepted = set()
    for word in words:
        word = HEAD.get(word, word)
        accepted.add((kind + ":" if kind else "") + word + marker)
    _learn(HEAD.get(word, word) for word in words)
    return frozenset(accepted)


def _phrase(text):
    """A phrase as ((slot, gap before it), ...)."""
    slots, gap = [], 0
    for spec in text.split():
        if spec == "...":
            gap = WIDE_GAP
            continue
        slots.append((_slot(spec), gap))
        gap = GAP
    return tuple(slots)


@lru_cache(maxsize=64)
def _plan(concepts):
    """Each phrase indexed by the readings its first word accepts."""
    index = {}
    for key, phrases in concepts:
        for text in phrases:
            phrase = _phrase(text)
            if not phrase:
                continue
            for reading in phrase[0][0]:
                index.setdefault(reading, []).append((key, text, phrase))
    return index


def _vocabulary():
    words = set(FUNCTION_WORDS) | set(HEAD)
    for concept in CONCEPTS:
        for text in concept.phrases:
            words.update(w for w in re.split(r"[ |]", text) if w.isalpha())
    for group in GROUPS.values():
        words.update(group)
    return frozenset(w for w in words if len(w) >= 2 and w not in ("di", "ke"))


VOCABULARY = _vocabulary()


@lru_cache(maxsize=16384)
def split_glued(word):
    """"pengenmatiaja" -> ("pengen", "mati", "aja"): words a student ran together, when
    the whole word is made of known words and is not a word itself."""
    if (len(word) < 6 or word in VOCABULARY or word in SLANG
            or not any(word[:end] in VOCABULARY for end in range(2, 13))):
        return (word,)
    best = {0: ()}
    for end in range(2, len(word) + 1):
        for start in range(max(0, end - 12), end - 1):
            if start in best and word[start:end] in VOCABULARY:
                best[end] = best[start] + (word[start:end],)
                break
    parts = best.get(len(word))
    return parts if parts and len(parts) > 1 else (word,)


def _words(text):
    """The text's words, each (as written, its readings), sentences as None."""
    tokens = []
    for word in normalise(text).split():
        if word == ".":
            tokens.append(None)
            continue
        tokens.extend(split_glued(word))
    words = []
    for index, word in enumerate(tokens):
        if word is None:
            words.append(None)
            continue
        if word == "di" and index + 1 < len(tokens) and tokens[index + 1]:
            # "di pukul" is "dipukul": its passive reading joins the next word's.
            continue
        joined = "di" + word if index and tokens[index - 1] == "di" else word
        found = readings(joined) | (readings(word) if joined != word else frozenset())
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following and f"{word} {following}" in FIXED:
            found = frozenset()
        words.append((joined if joined != word else word, found))
    return words


def _match(words, start, phrase):
    """The written words of `phrase` matched from `start`, or None."""
    matched = [words[start][0]]
    position = start
    for accepted, gap in phrase[1:]:
        for step in range(1, gap + 2):
            at = position + step
            if at >= len(words) or words[at] is None:
                return None
            if words[at][1] & accepted:
                matched.append(words[at][0])
                position = at
                break
        else:
            return None
    return matched


def check(text, added_terms=(), concepts=None):
    """The Flags for `text`: each concept that matched, with the words that made it match,
    in the order of the concepts. `added_terms` are the counselors' and the school's own
    (concept ADDED); `concepts` replaces the built-in CONCEPTS as ((key, phrases), ...)."""
    concepts = tuple((c.key, c.phrases) for c in CONCEPTS) if concepts is None else concepts
    if added_terms:
        concepts = (*concepts, (ADDED, tuple(term_phrase(term) for term in added_terms
                                             if term_phrase(term))))
    index = _plan(concepts)
    words = _words(text)
    found = {}
    for start, word in enumerate(words):
        if word is None:
            continue
        for reading in word[1]:
            for key, _text, phrase in index.get(reading, ()):
                matched = _match(words, start, phrase)
                if matched:
                    kept = found.setdefault(key, [])
                    kept.extend(w for w in matched if w not in kept)
    order = [key for key, _ in concepts]
    return [Flag(key, tuple(found[key])) for key in order if key in found]


def concept_label(key):
    for concept in CONCEPTS:
        if concept.key == key:
            return concept.label
    return ADDED_LABEL


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    factory = StemmerFactory()
    return factory.create_stemmer(), frozenset(factory.get_words())


@lru_cache(maxsize=1024)
def term_phrase(term):
    """A counselor's term as a phrase: each formal word replaced by its roots, so that
    "dilecehkan" also hears "dilecehin" and "pelecehan"; "" when it has no letters."""
    words = normalise(term).replace(".", " ").split()
    if not words:
        return ""
    stemmer, dictionary = _stemmer()
    slots = []
    for word in words:
        if word in HEAD or word in VOCABULARY or word in dictionary:
            slots.append(word)
            continue
        roots = {r for r in readings(word) if r.isalpha() and r in dictionary}
        stem = stemmer.stem(word)
        if stem in dictionary:
            roots.add(stem)
        slots.append("|".join(sorted(roots | {word})))
    return " ".join(slots)


def compile_term(term):
    """The phrase a counselor's term becomes, or None when it has no letters."""
    return term_phrase(term) or None


def find_terms(text, terms):
    """The terms (as given) that occur in `text`, in the order of `terms`."""
    found = []
    for term in terms:
        phrase = term_phrase(term)
        if phrase and term not in found and check(text, concepts=(("t", (phrase,)),)):
            found.append(term)
    return found
