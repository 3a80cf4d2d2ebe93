"""The pieces of a generated sentence: French and English spelling, numbers, clock times,
subjects, noun phrases and agreement. minimt/corpus.py assembles them into sentences.

French spelling happens in two passes over a lowercase word sequence (see `french`):
  1. elision:      je ai -> j'ai, ne est -> n'est, le hôtel -> l'hôtel, que il -> qu'il
  2. contraction:  à le -> au, à les -> aux, de le -> du, de les -> des
so the code that builds a sentence can write "je ne ai pas vu de le pain" and get it right.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from .lexicon import (ADJECTIVES, CITIES, MOTION, NAME_PAIRS, NAMES, NOUNS, POSSESSIVES, PRONOUNS, TRANSITIVE)

# ------------------------------------------------------------------ spelling: elision, contraction
_VOWELS = "aeiouàâäéèêëîïôöùûüœæ"
_NO_ELISION = {"huit", "onze", "oui", "haricot", "héros", "hibou", "haut"}  # le huit, le onze, le héros
_ELIDES = {"je", "me", "te", "se", "le", "la", "ne", "de", "que", "ce"}
_CONTRACTIONS = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}


def starts_with_vowel(word: str) -> bool:
    """Does a French word start with a vowel sound (h is silent in our lexicon: l'hôtel, l'heure)?"""
    w = word.lower()
    return bool(w) and w not in _NO_ELISION and (w[0] in _VOWELS or w[0] == "h" or w == "y")


def french(text: str, question: bool = False) -> str:
    """Spell a lowercase French word sequence as a sentence: elide, contract, capitalise, punctuate."""
    words = text.split()
    elided = [w[:-1] + "'" if w.lower() in _ELIDES and i + 1 < len(words) and starts_with_vowel(words[i + 1])
              else w for i, w in enumerate(words)]
    out: list[str] = []
    for w in elided:  # after elision, so "de le hôtel" became "de l'hôtel" and stays
        if out and (out[-1], w) in _CONTRACTIONS:
            out[-1] = _CONTRACTIONS[(out[-1], w)]
        else:
            out.append(w)
    s = " ".join(out).replace("' ", "'")
    return s[0].upper() + s[1:] + (" ?" if question else ".")


def english(text: str, question: bool = False) -> str:
    """a -> an before a vowel sound (an apple, an hour, a university), capital, final punctuation."""
    words = text.split()
    for i, w in enumerate(words[:-1]):
        nxt = words[i + 1].lower()
        if w == "a" and (nxt in ("hour", "honest") or nxt[0] in "aeiou" and not nxt.startswith(("uni", "use", "one"))):
            words[i] = "an"
    s = " ".join(words)
    return s[0].upper() + s[1:] + ("?" if question else ".")


# ------------------------------------------------------------------ numbers and times
_FR = ("zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
       "dix-sept dix-huit dix-neuf").split()
_FR_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
_EN = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
       "sixteen seventeen eighteen nineteen").split()
_EN_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}
NUMBERS = list(range(1, 21)) + [21, 22, 25, 30, 31, 34, 40, 41, 45, 50, 51, 56, 60, 61, 68, 70, 71, 72, 77,
                                80, 81, 85, 90, 91, 99, 100]


def french_number(n: int, gender: str = "m") -> str:
    """1..100 in words: vingt et un, soixante et onze, quatre-vingts, quatre-vingt-un; une before a feminine noun."""
    if n < 20:
        w = _FR[n]
    elif n < 70:
        tens, unit = divmod(n, 10)
        w = _FR_TENS[tens] + ("" if unit == 0 else " et un" if unit == 1 else "-" + _FR[unit])
    elif n < 80:
        w = "soixante et onze" if n == 71 else "soixante-" + _FR[n - 60]
    elif n < 100:
        w = "quatre-vingts" if n == 80 else "quatre-vingt-" + _FR[n - 80]
    else:
        w = "cent"
    return w + "e" if gender == "f" and (w == "un" or w.endswith((" un", "-un"))) else w


def english_number(n: int) -> str:
    if n < 20:
        return _EN[n]
    if n == 100:
        return "one hundred"
    tens, unit = divmod(n, 10)
    return _EN_TENS[tens] + (f"-{_EN[unit]}" if unit else "")


def clock_times() -> list[tuple[str, str]]:
    """'half past two' -> 'deux heures et demie', 'a quarter to one' -> 'une heure moins le quart'."""
    out = []
    for h in range(1, 12):
        e, f = _EN[h], ("une heure" if h == 1 else f"{_FR[h]} heures")
        out += [(f"{e} o'clock", f), (f"half past {e}", f"{f} et demie"), (f"a quarter past {e}", f"{f} et quart"),
                (f"a quarter to {e}", f"{f} moins le quart"), (f"five past {e}", f"{f} cinq"),
                (f"ten past {e}", f"{f} dix"), (f"twenty past {e}", f"{f} vingt"), (f"ten to {e}", f"{f} moins dix")]
    return out + [("noon", "midi"), ("midnight", "minuit")]


TIMES = clock_times()


# ------------------------------------------------------------------ subjects and noun phrases
@dataclass(frozen=True)
class Subject:
    en: str
    fr: str
    person: int    # 0=je 1=tu 2=il/elle (and singular nouns) 3=nous 4=vous 5=ils/elles (and plural nouns)
    gender: str    # "m" or "f": past participles with être and adjectives agree with it
    en_poss: str   # my / your / his / her / our / their

    @property
    def plural(self) -> bool:
        return self.person >= 3


PRONOUN_SUBJECTS = [Subject(*p) for p in PRONOUNS]
NOT_I = PRONOUN_SUBJECTS[1:]
PEOPLE = [n for n in NOUNS if "person" in n.tags]
BY_TAG: dict[str, list] = {}
for _noun in NOUNS:  # tag -> nouns, in lexicon order
    for _tag in sorted(_noun.tags):
        BY_TAG.setdefault(_tag, []).append(_noun)
NOUN = {n.en: n for n in reversed(NOUNS)}  # english word -> noun (the first one, for "friend")
VERB = {v.inf: v for v in TRANSITIVE + MOTION}
OBJECTS = {v.inf: [n for n in NOUNS if n.tags & v.objects] for v in TRANSITIVE}
PERSON_ADJECTIVES = [a for a in ADJECTIVES if "person" in a.tags]


def agree(adj, gender: str, plural: bool, before: str = "") -> str:
    """The adjective's French form; masculine singular before a vowel: un bel arbre, un nouvel ami, un vieil hôtel."""
    ms, fs, mp, fp = adj.fr
    if plural:
        return mp if gender == "m" else fp
    if gender == "f":
        return fs
    return adj.ms_vowel if adj.ms_vowel and starts_with_vowel(before) else ms


def noun_phrase(noun, det: str, plural: bool = False, adj=None, owner: Subject | None = None,
                neg: bool = False, n: int = 0) -> tuple[str, str]:
    """English and French for a noun phrase. det is one of
    'the'     the cat / le chat, la pomme, l'école, les chats
    'a'       a cat / un chat; plural: cats / des chats (de petits chats); under negation: de chat, d'amis
    'some'    (mass noun) bread / du pain, de la viande, de l'eau; under negation: de pain, d'eau
    'generic' (after like/love/hate) apples / les pommes, bread / le pain
    'poss'    my cat / mon chat, ma voiture, mon école (mon before a vowel), mes clés
    'num'     three cats / trois chats, one car / une voiture"""
    if det == "num":
        plural = n > 1
    en, fr = (noun.en_pl, noun.fr_pl) if plural else (noun.en, noun.fr)
    g = noun.gender
    if adj:
        form = agree(adj, g, plural, before=fr)
        en, fr = f"{adj.en} {en}", (f"{form} {fr}" if adj.pre else f"{fr} {form}")
    the = "les" if plural else ("le" if g == "m" else "la")  # elided to l' by french()
    if det in ("the", "generic"):
        return (f"the {en}" if det == "the" else en), f"{the} {fr}"
    if det == "a":
        if neg:
            return (f"any {en}" if plural else f"a {en}"), f"de {fr}"
        if plural:  # des + adjective before a plural noun -> de: de petits chats
            return en, f"{'de' if adj and adj.pre else 'des'} {fr}"
        return f"a {en}", f"{'un' if g == 'm' else 'une'} {fr}"
    if det == "some":
        return en, (f"de {fr}" if neg else f"de {the} {fr}")
    if det == "poss":
        m, f, pl = POSSESSIVES[owner.person]
        word = pl if plural else (m if g == "m" or starts_with_vowel(fr.split()[0]) else f)
        return f"{owner.en_poss} {en}", f"{word} {fr}"
    if det == "num":
        return f"{english_number(n)} {en}", f"{french_number(n, g)} {fr}"
    raise ValueError(det)


def noun_subject(noun, det: str = "the", plural: bool = False, owner: Subject | None = None) -> Subject:
    en, fr = noun_phrase(noun, det, plural, owner=owner)
    return Subject(en, fr, 5 if plural else 2, noun.gender, "their" if plural else "his" if noun.gender == "m" else "her")


def person(rng: random.Random) -> Subject:
    """A human subject: a pronoun half of the time, else a name, two names, 'the teacher(s)', 'my sister'."""
    r = rng.random()
    if r < 0.6:
        return rng.choice(PRONOUN_SUBJECTS)
    if r < 0.7:
        name, g = rng.choice(NAMES)
        return Subject(name, name, 2, g, "his" if g == "m" else "her")
    if r < 0.73:
        en, fr, g = rng.choice(NAME_PAIRS)
        return Subject(en, fr, 5, g, "their")
    noun = rng.choice(PEOPLE)
    owner = rng.choice(PRONOUN_SUBJECTS) if "family" in noun.tags else None
    return noun_subject(noun, "poss" if owner else "the", rng.random() < (0.15 if owner else 0.35), owner)


def animal(rng: random.Random) -> Subject:
    owner = rng.choice(PRONOUN_SUBJECTS) if rng.random() < 0.3 else None
    return noun_subject(rng.choice(BY_TAG["pet"]), "poss" if owner else "the", rng.random() < 0.3, owner)


def pick_object(rng: random.Random, verb, subject: Subject, neg: bool = False) -> tuple[str, str]:
    """A noun phrase this verb can take, sometimes with an adjective or the subject's possessive."""
    noun = rng.choice([n for n in OBJECTS[verb.inf] if not (verb.inf == "avoir" and "parent" in n.tags)])
    count = bool(noun.en_pl)
    dets = ["the", "poss"] if verb.prep else ["the", "generic", "poss"] if verb.generic else \
        ["the", "a", "a", "poss"] if count else ["the", "some", "some", "poss"]
    det = rng.choice(dets)
    plural = count and (det == "generic" or det != "some" and rng.random() < 0.4)
    owner = (subject if rng.random() < 0.6 else rng.choice(PRONOUN_SUBJECTS)) if det == "poss" else None
    adjs = [a for a in ADJECTIVES if a.attributive and a.tags & noun.tags]
    adj = rng.choice(adjs) if adjs and rng.random() < 0.12 else None
    en, fr = noun_phrase(noun, det, plural, adj, owner, neg=neg and not verb.prep)
    return en, f"{verb.prep} {fr}"  # parler à le professeur -> parler au professeur


def complement(rng: random.Random, verb) -> tuple[str, str]:
    """Where a motion goes: to the market / au marché, in Paris / à Paris, from the station / de la gare."""
    if not verb.comp or verb.inf != "aller" and rng.random() < 0.25:  # "she went" needs a where
        return "", ""
    if verb.comp == "for" or rng.random() < 0.25 and verb.comp != "in":
        en, fr = rng.choice(CITIES)
        prep = {"to": ("to", "à"), "at": ("in", "à"), "for": ("for", "pour"), "from": ("from", "de")}[verb.comp]
        return f"{prep[0]} {en}", f"{prep[1]} {fr}"
    place = rng.choice(BY_TAG["building" if verb.comp == "in" else "place"] + BY_TAG["home"][:1])
    en, fr = noun_phrase(place, "the")
    prep = {"to": ("to", "à"), "at": ("at", "à"), "in": ("", "dans"), "from": ("from", "de")}[verb.comp]
    return f"{prep[0]} {en}", f"{prep[1]} {fr}"


# ------------------------------------------------------------------ English verb helpers
def en_verb(forms: tuple, s: Subject) -> str:
    return forms[1] if s.person == 2 else forms[0]  # third person singular -s: she eats


def en_do(s: Subject, neg: bool = False) -> str:
    return ("doesn't" if neg else "does") if s.person == 2 else ("don't" if neg else "do")


def en_be(s: Subject) -> str:
    return "am" if s.person == 0 else "is" if s.person == 2 else "are"


def en_be_not(s: Subject) -> str:  # with the subject: I'm not / she isn't / they aren't
    return "I'm not" if s.person == 0 else f"{s.en} {'isn' if s.person == 2 else 'aren'}'t"


def agree_pp(pp: str, s: Subject) -> str:
    """With être the participle agrees with the subject: elle est allée, ils sont partis, elles sont arrivées."""
    return pp + ("e" if s.gender == "f" else "") + ("s" if s.plural else "")
