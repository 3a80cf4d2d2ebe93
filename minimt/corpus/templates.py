"""The sentence templates of the embedded corpus: each makes one random (english, french) pair.

Each template is a function of a random.Random: it picks a subject, a verb, a tense, a mode
(affirmative, negative, question) from the hand-checked lexicon (minimt/lexicon.py) and builds
both sentences with the agreement and spelling rules of minimt/grammar.py. ``QUOTAS`` says how
many distinct pairs each template contributes; minimt/corpus.py runs them in that order.
"""
from __future__ import annotations

import random

from .grammar import (NOT_I, NOUN, NUMBERS, OBJECTS, PERSON_ADJECTIVES, PRONOUN_SUBJECTS, TIMES, VERB, BY_TAG,
                      agree, agree_pp, animal, complement, en_be, en_be_not, en_do, en_verb, english, french,
                      noun_phrase, noun_subject, person, pick_object)
from .lexicon import (ADJECTIVES, AVOIR, AVOIR_IDIOMS, ETRE, EVENT_TIME, FUTURE_TIMES, LIVE, LOCATIONS, MODALS,
                      MOTION, NOUNS, PAST_TIMES, PERSON_TIME, SAYING, TRANSITIVE, WORK)


def _mode(rng: random.Random) -> str:
    return rng.choices(("aff", "neg", "q"), (2, 1, 1))[0]


def _say(mode: str, en_aff: str, en_neg: str, en_q: str, fr_aff: str, fr_neg: str, fr_q: str):
    """Pick the affirmative, negative or question version of a pair and spell both sides."""
    i = ("aff", "neg", "q").index(mode)
    return english((en_aff, en_neg, en_q)[i], mode == "q"), french((fr_aff, fr_neg, fr_q)[i], mode == "q")


# ------------------------------------------------------------------ the templates
# Each takes the generator's rng and returns one (english, french) pair, or None for a combination
# it does not want ("Do I have a dog?"). generate_pairs() draws from each until it has its quota.
def present(rng):
    """Present tense with an object: je mange une pomme, il n'a pas de voiture, est-ce que tu bois du lait ?"""
    s, v, mode = person(rng), rng.choice(TRANSITIVE), _mode(rng)
    if mode == "q" and s.person == 0:
        return None
    o_en, o_fr = pick_object(rng, v, s, neg=mode == "neg")
    vf = v.fr[s.person]
    return _say(mode, f"{s.en} {en_verb(v.en, s)} {o_en}", f"{s.en} {en_do(s, True)} {v.en[0]} {o_en}",
                f"{en_do(s)} {s.en} {v.en[0]} {o_en}",
                f"{s.fr} {vf} {o_fr}", f"{s.fr} ne {vf} pas {o_fr}", f"est-ce que {s.fr} {vf} {o_fr}")


def past(rng):
    """Passé composé with avoir: j'ai mangé, elle n'a pas vu de chat."""
    s, v, mode = person(rng), rng.choice([v for v in TRANSITIVE if v.pp]), _mode(rng)
    if mode == "q" and s.person == 0 or mode == "aff" and v.en[2] == v.en[0] and s.person != 2:
        return None  # "I read the book" could be present or past: leave it out
    o_en, o_fr = pick_object(rng, v, s, neg=mode == "neg")
    aux = AVOIR[s.person]
    return _say(mode, f"{s.en} {v.en[2]} {o_en}", f"{s.en} didn't {v.en[0]} {o_en}", f"did {s.en} {v.en[0]} {o_en}",
                f"{s.fr} {aux} {v.pp} {o_fr}", f"{s.fr} ne {aux} pas {v.pp} {o_fr}",
                f"est-ce que {s.fr} {aux} {v.pp} {o_fr}")


def motion(rng):
    """Passé composé with être, the participle agreeing: elle est allée au marché hier."""
    s, v, mode = person(rng), rng.choice(MOTION), _mode(rng)
    if mode == "q" and s.person == 0:
        return None
    c_en, c_fr = complement(rng, v)
    t_en, t_fr = rng.choice(PAST_TIMES) if rng.random() < 0.2 else ("", "")
    aux, pp = ETRE[s.person], agree_pp(v.pp, s)
    rest_en, rest_fr = f"{c_en} {t_en}", f"{c_fr} {t_fr}"
    return _say(mode, f"{s.en} {v.en[2]} {rest_en}", f"{s.en} didn't {v.en[0]} {rest_en}",
                f"did {s.en} {v.en[0]} {rest_en}", f"{s.fr} {aux} {pp} {rest_fr}",
                f"{s.fr} ne {aux} pas {pp} {rest_fr}", f"est-ce que {s.fr} {aux} {pp} {rest_fr}")


def modal(rng):
    """Verb + infinitive: near future (je vais manger), vouloir (je veux partir), pouvoir (je peux venir)."""
    s, key, mode = person(rng), rng.choice(list(MODALS)), _mode(rng)
    if mode == "q" and s.person == 0:
        return None
    v = rng.choice([v for v in TRANSITIVE if not v.generic and v.inf != "vouloir"] + MOTION)
    r_en, r_fr = pick_object(rng, v, s, neg=mode == "neg") if v.objects else complement(rng, v)
    t_en, t_fr = rng.choice(FUTURE_TIMES) if rng.random() < 0.1 else ("", "")
    rest_en, rest_fr, m = f"{v.en[0]} {r_en} {t_en}", f"{v.inf} {r_fr} {t_fr}", MODALS[key][s.person]
    en = {"going": (f"{s.en} {en_be(s)} going to", f"{en_be_not(s)} going to", f"{en_be(s)} {s.en} going to"),
          "want": (f"{s.en} {en_verb(('want', 'wants'), s)} to", f"{s.en} {en_do(s, True)} want to",
                   f"{en_do(s)} {s.en} want to"),
          "can": (f"{s.en} can", f"{s.en} can't", f"can {s.en}")}[key]
    return _say(mode, f"{en[0]} {rest_en}", f"{en[1]} {rest_en}", f"{en[2]} {rest_en}",
                f"{s.fr} {m} {rest_fr}", f"{s.fr} ne {m} pas {rest_fr}", f"est-ce que {s.fr} {m} {rest_fr}")


def adjective(rng):
    """être + adjective, agreeing: elle est fatiguée, les voitures ne sont pas rouges."""
    mode = _mode(rng)
    if rng.random() < 0.5:
        s, adj = person(rng), rng.choice(PERSON_ADJECTIVES)
        if mode == "q" and s.person == 0:
            return None
    else:
        noun = rng.choice(NOUNS)
        adjs = [a for a in ADJECTIVES if a.predicative and a.tags & noun.tags and "person" not in noun.tags]
        if not adjs:
            return None
        adj, owner = rng.choice(adjs), (rng.choice(PRONOUN_SUBJECTS) if rng.random() < 0.3 else None)
        s = noun_subject(noun, "poss" if owner else "the", bool(noun.en_pl) and rng.random() < 0.35, owner)
    form, be = agree(adj, s.gender, s.plural), ETRE[s.person]
    return _say(mode, f"{s.en} {en_be(s)} {adj.en}", f"{en_be_not(s)} {adj.en}", f"{en_be(s)} {s.en} {adj.en}",
                f"{s.fr} {be} {form}", f"{s.fr} ne {be} pas {form}", f"est-ce que {s.fr} {be} {form}")


def numbers(rng):
    """Cardinals in words, agreeing: j'ai trois chats, elle a acheté une voiture, vingt et une pommes."""
    s, v = person(rng), VERB[rng.choice(("avoir", "voir", "vouloir", "acheter", "manger", "lire", "écrire", "trouver"))]
    noun, n = rng.choice([x for x in OBJECTS[v.inf] if x.en_pl and "family" not in x.tags]), rng.choice(NUMBERS)
    adjs = [a for a in ADJECTIVES if a.attributive and a.tags & noun.tags]
    adj = rng.choice(adjs) if adjs and rng.random() < 0.1 else None
    o_en, o_fr = noun_phrase(noun, "num", adj=adj, n=n)
    if v.pp and rng.random() < 0.3:
        return english(f"{s.en} {v.en[2]} {o_en}"), french(f"{s.fr} {AVOIR[s.person]} {v.pp} {o_fr}")
    return english(f"{s.en} {en_verb(v.en, s)} {o_en}"), french(f"{s.fr} {v.fr[s.person]} {o_fr}")


def it_is() -> list[tuple[str, str]]:
    """Every clock time: It is three o'clock. -> Il est trois heures."""
    return [(english(f"it is {e}"), french(f"il est {f}")) for e, f in TIMES] + \
        [("What time is it?", "Quelle heure est-il ?")]


def at_time(rng):
    """At a time of day: le train part à deux heures et demie ; à quelle heure est-ce que tu te lèves ?"""
    t_en, t_fr = rng.choice(TIMES)
    if rng.random() < 0.6:
        s, v = person(rng), rng.choice(PERSON_TIME)
    else:
        tag = rng.choice(list(EVENT_TIME))
        s, v = noun_subject(rng.choice(BY_TAG[tag])), VERB[rng.choice(EVENT_TIME[tag])]
    mode = rng.choices(("aff", "past", "q", "when"), (4, 2, 1, 1))[0]
    if mode in ("q", "when") and s.person == 0 or mode == "past" and not v.pp:
        return None
    vf = v.fr[s.person]
    if mode == "past":
        aux, pp = (ETRE, agree_pp(v.pp, s)) if v in MOTION else (AVOIR, v.pp)
        return english(f"{s.en} {v.en[2]} at {t_en}"), french(f"{s.fr} {aux[s.person]} {pp} à {t_fr}")
    if mode == "when":
        return english(f"what time {en_do(s)} {s.en} {v.en[0]}", True), \
            french(f"à quelle heure est-ce que {s.fr} {vf}", True)
    return _say(mode, f"{s.en} {en_verb(v.en, s)} at {t_en}", "", f"{en_do(s)} {s.en} {v.en[0]} at {t_en}",
                f"{s.fr} {vf} à {t_fr}", "", f"est-ce que {s.fr} {vf} à {t_fr}")


def _invert(form: str, pronoun: str) -> str:
    """Inverted question: as-tu, veut-il, a-t-elle (a -t- between two vowels)."""
    return f"{form}-t-{pronoun}" if pronoun in ("il", "elle") and form[-1] in "ae" else f"{form}-{pronoun}"


def wh_question(rng):
    """Où, Quand, Pourquoi, Qu'est-ce que, Qui, Combien de, Quel."""
    kind = rng.choice(("where", "where", "when", "why", "what", "who", "how many", "which"))
    s = person(rng)
    s = s if s.person else rng.choice(NOT_I)  # no "Where am I going?"
    p = s.person
    if kind == "where" and rng.random() < 0.5:  # Où est la gare ? Où sont mes clés ?
        noun = rng.choice(BY_TAG[rng.choice(("place", "thing", "pet", "family", "vehicle", "clothes"))])
        owner = rng.choice(PRONOUN_SUBJECTS) if rng.random() < 0.5 else None
        plural = bool(noun.en_pl) and rng.random() < 0.3
        en, fr = noun_phrase(noun, "poss" if owner else "the", plural, owner=owner)
        return english(f"where {'are' if plural else 'is'} {en}", True), french(f"où {'sont' if plural else 'est'} {fr}", True)
    if kind == "where":  # Où est-ce que tu vas ? Où est-ce qu'elle est allée ? Où est-ce qu'il habite ?
        how = rng.choice(("going", "went", "live", "work"))
        if how == "going":
            return english(f"where {en_be(s)} {s.en} going", True), french(f"où est-ce que {s.fr} {VERB['aller'].fr[p]}", True)
        if how == "went":
            return english(f"where did {s.en} go", True), french(f"où est-ce que {s.fr} {ETRE[p]} {agree_pp('allé', s)}", True)
        v = LIVE if how == "live" else WORK
        return english(f"where {en_do(s)} {s.en} {v.en[0]}", True), french(f"où est-ce que {s.fr} {v.fr[p]}", True)
    if kind in ("when", "why") and rng.random() < 0.6:  # Quand est-ce qu'il part ? Pourquoi est-ce qu'elle est partie ?
        v, q = rng.choice(MOTION[2:]), ("quand" if kind == "when" else "pourquoi")
        if rng.random() < 0.5:
            return english(f"{kind} {en_do(s)} {s.en} {v.en[0]}", True), french(f"{q} est-ce que {s.fr} {v.fr[p]}", True)
        return english(f"{kind} did {s.en} {v.en[0]}", True), \
            french(f"{q} est-ce que {s.fr} {ETRE[p]} {agree_pp(v.pp, s)}", True)
    if kind == "when":  # Quand est-ce que tu vas partir ?
        v = VERB[rng.choice(("venir", "arriver", "partir", "rentrer"))]
        return english(f"when {en_be(s)} {s.en} going to {v.en[0]}", True), \
            french(f"quand est-ce que {s.fr} {MODALS['going'][p]} {v.inf}", True)
    if kind == "why":  # Pourquoi est-ce qu'elle est triste ? Pourquoi est-ce que tu ne manges pas de pain ?
        if rng.random() < 0.5:
            adj = rng.choice(PERSON_ADJECTIVES)
            return english(f"why {en_be(s)} {s.en} {adj.en}", True), \
                french(f"pourquoi est-ce que {s.fr} {ETRE[p]} {agree(adj, s.gender, s.plural)}", True)
        v = rng.choice(TRANSITIVE)
        o_en, o_fr = pick_object(rng, v, s, neg=True)
        return english(f"why {en_do(s, True)} {s.en} {v.en[0]} {o_en}", True), \
            french(f"pourquoi est-ce que {s.fr} ne {v.fr[p]} pas {o_fr}", True)
    v = rng.choice([v for v in TRANSITIVE if not v.prep])
    if kind == "what":  # Qu'est-ce que tu veux ? Qu'est-ce qu'il a mangé ? Qu'est-ce que tu vas acheter ?
        how = rng.choice(("present", "past", "going", "doing") if v.pp else ("present", "going"))
        if how == "present":
            return english(f"what {en_do(s)} {s.en} {v.en[0]}", True), french(f"qu'est-ce que {s.fr} {v.fr[p]}", True)
        if how == "past":
            return english(f"what did {s.en} {v.en[0]}", True), french(f"qu'est-ce que {s.fr} {AVOIR[p]} {v.pp}", True)
        if how == "going":
            return english(f"what {en_be(s)} {s.en} going to {v.en[0]}", True), \
                french(f"qu'est-ce que {s.fr} {MODALS['going'][p]} {v.inf}", True)
        return english(f"what {en_be(s)} {s.en} doing", True), french(f"qu'est-ce que {s.fr} {VERB['faire'].fr[p]}", True)
    if kind == "who":  # Qui veut un café ? Qui a mangé le gâteau ? Qui est allé au marché ?
        he = PRONOUN_SUBJECTS[2]
        if rng.random() < 0.25:
            m = rng.choice(MOTION)
            c_en, c_fr = complement(rng, m)
            return english(f"who {m.en[2]} {c_en}", True), french(f"qui est {m.pp} {c_fr}", True)
        v = rng.choice(TRANSITIVE)
        o_en, o_fr = pick_object(rng, v, he)
        if v.pp and rng.random() < 0.4:
            return english(f"who {v.en[2]} {o_en}", True), french(f"qui a {v.pp} {o_fr}", True)
        return english(f"who {v.en[1]} {o_en}", True), french(f"qui {v.fr[2]} {o_fr}", True)
    s = rng.choice(NOT_I)  # inversion needs a pronoun: Combien de chats as-tu ? Quelle voiture veut-elle ?
    p, v = s.person, VERB[rng.choice(("avoir", "vouloir", "voir", "acheter", "manger", "lire", "prendre"))]
    noun = rng.choice([n for n in OBJECTS[v.inf] if n.en_pl and "parent" not in n.tags])
    inv = _invert(v.fr[p], s.fr)
    if kind == "how many":
        return english(f"how many {noun.en_pl} {en_do(s)} {s.en} {v.en[0]}", True), \
            french(f"combien de {noun.fr_pl} {inv}", True)
    plural = rng.random() < 0.3
    quel = ("quels" if plural else "quel") if noun.gender == "m" else ("quelles" if plural else "quelle")
    return english(f"which {noun.en_pl if plural else noun.en} {en_do(s)} {s.en} {v.en[0]}", True), \
        french(f"{quel} {noun.fr_pl if plural else noun.fr} {inv}", True)


def idiom(rng):
    """avoir faim/soif/peur (J'ai faim. Il n'a pas froid.) and que/qu' clauses (Je pense qu'elle est prête.)."""
    if rng.random() < 0.5:
        en_adj, fr_noun, animals = rng.choice(AVOIR_IDIOMS)
        s, mode = (animal(rng) if animals and rng.random() < 0.3 else person(rng)), _mode(rng)
        if mode == "q" and s.person == 0:
            return None
        have = AVOIR[s.person]
        return _say(mode, f"{s.en} {en_be(s)} {en_adj}", f"{en_be_not(s)} {en_adj}", f"{en_be(s)} {s.en} {en_adj}",
                    f"{s.fr} {have} {fr_noun}", f"{s.fr} ne {have} pas {fr_noun}", f"est-ce que {s.fr} {have} {fr_noun}")
    (base, third), that, forms = rng.choice(SAYING)
    s1, s2, adj = person(rng), person(rng), rng.choice(PERSON_ADJECTIVES)
    form, be = agree(adj, s2.gender, s2.plural), ETRE[s2.person]
    if rng.random() < 0.3:
        clause_en, clause_fr = f"{en_be_not(s2)} {adj.en}", f"{s2.fr} ne {be} pas {form}"
    else:
        clause_en, clause_fr = f"{s2.en} {en_be(s2)} {adj.en}", f"{s2.fr} {be} {form}"
    return english(f"{s1.en} {third if s1.person == 2 else base} {that} {clause_en}"), \
        french(f"{s1.fr} {forms[s1.person]} que {clause_fr}")


def there_is(rng):
    """il y a: Il y a un chat dans le jardin. Il n'y a pas de clés sur la table. Combien de livres y a-t-il… ?"""
    item = rng.choice(BY_TAG["small"])
    prep_en, prep_fr, places = rng.choice(LOCATIONS)
    place = NOUN[rng.choice(places.split())]
    if place is item:
        return None
    loc_en, loc_fr = noun_phrase(place, "the")
    loc_en, loc_fr = f"{prep_en} {loc_en}", f"{prep_fr} {loc_fr}"
    kind, mode = rng.choice(("one", "some", "num")), _mode(rng)
    if kind == "num":
        n = rng.choice(NUMBERS[1:])
        if mode == "q":
            return english(f"how many {item.en_pl} are there {loc_en}", True), \
                french(f"combien de {item.fr_pl} y a-t-il {loc_fr}", True)
        o_en, o_fr = noun_phrase(item, "num", n=n)
        return english(f"there are {o_en} {loc_en}"), french(f"il y a {o_fr} {loc_fr}")
    plural = kind == "some"
    o_en, o_fr = noun_phrase(item, "a", plural)
    n_en, n_fr = noun_phrase(item, "a", plural, neg=True)
    be = "are" if plural else "is"
    return _say(mode, f"there {be} {o_en} {loc_en}", f"there {be}n't {n_en} {loc_en}", f"{be} there {o_en} {loc_en}",
                f"il y a {o_fr} {loc_fr}", f"il n'y a pas {n_fr} {loc_fr}", f"est-ce que il y a {o_fr} {loc_fr}")


QUOTAS = [(present, 6300), (past, 4300), (motion, 3300), (modal, 3400), (adjective, 4500), (numbers, 2000),
          (at_time, 1200), (wh_question, 4500), (idiom, 1500), (there_is, 1200)]
