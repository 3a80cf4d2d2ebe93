"""The word lists the corpus generator (`minimt.corpus`) composes sentences from.

Every French form here is written out by hand (gender, irregular plural, every present-tense
person, past participle), so the grammar code in grammar.py stays small: it only chooses forms,
agrees them and applies elision/contraction.

What is where:
- nouns.py: `Noun`, `Adjective` and their tables `NOUNS`, `ADJECTIVES` — the words that inflect
  for gender and number — re-exported below so `from minimt.corpus.lexicon import NOUNS` works.
- this file: verbs (`Verb`, regular -er conjugation, the verb lists, être/avoir and the modals)
  and the small closed lists: pronouns, possessives, names, cities, time phrases, idioms, places.

Noun tags link the two files: a verb lists the tags of the objects it takes ("drink" takes
`drink`), see nouns.py.
"""
from __future__ import annotations

from dataclasses import dataclass

# Nouns and adjectives live in nouns.py; re-exported so grammar.py and templates.py
# can take every word list from this one module.
from .nouns import ADJECTIVES, NOUNS, Adjective, Noun  # noqa: F401


@dataclass(frozen=True)
class Verb:
    en: tuple     # (base, 3rd person singular, simple past): ("eat", "eats", "ate")
    inf: str      # French infinitive
    fr: tuple     # present: je, tu, il/elle, nous, vous, ils/elles
    pp: str       # past participle ("" = not used in the past)
    objects: frozenset = frozenset()  # noun tags it takes as object (motion verbs: none)
    generic: bool = False  # like/love/hate: "I like apples" -> "J'aime les pommes"
    prep: str = ""         # "à" for talk to / answer: "parler à", "répondre à"
    comp: str = ""         # motion verbs: which complement ("to", "at", "for", "in", "from")


def er(inf: str) -> tuple:
    """Present tense of a regular -er verb. manger -> nous mangeons (keep the soft g),
    commencer -> nous commençons (keep the soft c)."""
    stem = inf[:-2]
    nous = stem + ("eons" if stem.endswith("g") else "ons")
    if stem.endswith("c"):
        nous = stem[:-1] + "çons"
    return (stem + "e", stem + "es", stem + "e", nous, stem + "ez", stem + "ent")


def _verb(en: str, inf: str, fr: str = "", pp: str | None = None, objects: str = "", **kw) -> Verb:
    forms = tuple(fr.split("/")) if fr else er(inf)
    assert len(forms) == 6, inf
    pp = inf[:-2] + "é" if pp is None else pp  # "" = not used in the passé composé
    return Verb(tuple(en.split("|")), inf, forms, pp, frozenset(objects.split()), **kw)


# Verbs that take an object. Irregular French present forms are written out (je/tu/il/nous/vous/ils).
TRANSITIVE = [
    _verb("eat|eats|ate", "manger", objects="food"),
    _verb("drink|drinks|drank", "boire", "bois/bois/boit/buvons/buvez/boivent", "bu", "drink"),
    _verb("read|reads|read", "lire", "lis/lis/lit/lisons/lisez/lisent", "lu", "text"),
    _verb("write|writes|wrote", "écrire", "écris/écris/écrit/écrivons/écrivez/écrivent", "écrit", "writable"),
    _verb("see|sees|saw", "voir", "vois/vois/voit/voyons/voyez/voient", "vu",
          "animal thing clothes vehicle place person furniture outdoor"),
    _verb("have|has|had", "avoir", "ai/as/a/avons/avez/ont", "", "pet thing clothes vehicle family"),
    _verb("want|wants|wanted", "vouloir", "veux/veux/veut/voulons/voulez/veulent", "", "food drink thing clothes vehicle pet"),
    _verb("take|takes|took", "prendre", "prends/prends/prend/prenons/prenez/prennent", "pris", "thing clothes"),
    _verb("buy|buys|bought", "acheter", "achète/achètes/achète/achetons/achetez/achètent", "acheté",
          "food drink thing clothes vehicle"),
    _verb("make|makes|made", "faire", "fais/fais/fait/faisons/faites/font", "fait", "dish"),
    _verb("like|likes|liked", "aimer", objects="food drink animal audible show", generic=True),
    _verb("love|loves|loved", "adorer", objects="food drink animal audible show", generic=True),
    _verb("hate|hates|hated", "détester", objects="food drink animal audible show", generic=True),
    _verb("watch|watches|watched", "regarder", objects="show animal"),
    _verb("wash|washes|washed", "laver", objects="vehicle clothes dishware furniture pet"),
    _verb("open|opens|opened", "ouvrir", "ouvre/ouvres/ouvre/ouvrons/ouvrez/ouvrent", "ouvert", "fixture openable"),
    _verb("close|closes|closed", "fermer", objects="fixture openable"),
    _verb("find|finds|found", "trouver", objects="thing clothes pet"),
    _verb("lose|loses|lost", "perdre", "perds/perds/perd/perdons/perdez/perdent", "perdu", "thing clothes pet"),
    _verb("forget|forgets|forgot", "oublier", objects="thing clothes"),
    _verb("listen to|listens to|listened to", "écouter", objects="audible"),
    _verb("carry|carries|carried", "porter", objects="container furniture"),
    _verb("sell|sells|sold", "vendre", "vends/vends/vend/vendons/vendez/vendent", "vendu", "vehicle property"),
    _verb("clean|cleans|cleaned", "nettoyer", "nettoie/nettoies/nettoie/nettoyons/nettoyez/nettoient", "nettoyé",
          "home vehicle furniture"),
    _verb("visit|visits|visited", "visiter", objects="sight"),
    _verb("start|starts|started", "commencer", objects="task"),
    _verb("finish|finishes|finished", "finir", "finis/finis/finit/finissons/finissez/finissent", "fini", "task"),
    _verb("talk to|talks to|talked to", "parler", objects="person", prep="à"),
    _verb("answer|answers|answered", "répondre", "réponds/réponds/répond/répondons/répondez/répondent", "répondu",
          "person question", prep="à"),
]

# Verbs of movement: the passé composé uses être, and the participle agrees with the subject.
MOTION = [
    _verb("go|goes|went", "aller", "vais/vas/va/allons/allez/vont", "allé", comp="to"),
    _verb("come|comes|came", "venir", "viens/viens/vient/venons/venez/viennent", "venu", comp="to"),
    _verb("arrive|arrives|arrived", "arriver", comp="at"),
    _verb("leave|leaves|left", "partir", "pars/pars/part/partons/partez/partent", "parti", comp="for"),
    _verb("stay|stays|stayed", "rester", comp="at"),
    _verb("fall|falls|fell", "tomber"),
    _verb("enter|enters|entered", "entrer", comp="in"),
    _verb("go out|goes out|went out", "sortir", "sors/sors/sort/sortons/sortez/sortent", "sorti"),
    _verb("come back|comes back|came back", "revenir", "reviens/reviens/revient/revenons/revenez/reviennent",
          "revenu", comp="from"),
    _verb("come home|comes home|came home", "rentrer"),  # rentrer = to come back home
]

# Things done at a time of day ("at seven o'clock"). Reflexive forms carry their pronoun.
PERSON_TIME = [
    _verb("eat lunch|eats lunch|ate lunch", "déjeuner"),
    _verb("eat dinner|eats dinner|ate dinner", "dîner"),
    _verb("get up|gets up|got up", "se lever", "me lève/te lèves/se lève/nous levons/vous levez/se lèvent", ""),
    _verb("go to bed|goes to bed|went to bed", "se coucher",
          "me couche/te couches/se couche/nous couchons/vous couchez/se couchent", ""),
] + [v for v in MOTION if v.inf in ("venir", "arriver", "partir", "rentrer")]
EVENT_TIME = {  # subject tag -> infinitives of the verbs it takes: "the train leaves at eight o'clock"
    "transport": ("arriver", "partir"),
    "event": ("commencer", "finir"),
    "show": ("commencer", "finir"),
    "opens": ("ouvrir", "fermer"),
}
LIVE = _verb("live|lives|lived", "habiter")
WORK = _verb("work|works|worked", "travailler")
# + infinitive: near future "be going to" (aller), "want to" (vouloir), "can" (pouvoir)
MODALS = {"going": ("vais", "vas", "va", "allons", "allez", "vont"),
          "want": ("veux", "veux", "veut", "voulons", "voulez", "veulent"),
          "can": ("peux", "peux", "peut", "pouvons", "pouvez", "peuvent")}
ETRE = ("suis", "es", "est", "sommes", "êtes", "sont")
AVOIR = ("ai", "as", "a", "avons", "avez", "ont")

# Subject pronouns: english, french, person (0=je 1=tu 2=il/elle 3=nous 4=vous 5=ils/elles), gender, "his/her…"
PRONOUNS = [("I", "je", 0, "m", "my"), ("you", "tu", 1, "m", "your"), ("he", "il", 2, "m", "his"),
            ("she", "elle", 2, "f", "her"), ("we", "nous", 3, "m", "our"), ("you", "vous", 4, "m", "your"),
            ("they", "ils", 5, "m", "their"), ("they", "elles", 5, "f", "their")]
POSSESSIVES = {0: ("mon", "ma", "mes"), 1: ("ton", "ta", "tes"), 2: ("son", "sa", "ses"),
               3: ("notre", "notre", "nos"), 4: ("votre", "votre", "vos"), 5: ("leur", "leur", "leurs")}
NAMES = [("Paul", "m"), ("Marie", "f"), ("Thomas", "m"), ("Sophie", "f"), ("Anne", "f"), ("Lucas", "m"),
         ("Emma", "f"), ("Alice", "f"), ("Pierre", "m"), ("Julie", "f"), ("Louis", "m"), ("Claire", "f")]
NAME_PAIRS = [("Paul and Marie", "Paul et Marie", "m"), ("Anne and Sophie", "Anne et Sophie", "f"),
              ("Thomas and Lucas", "Thomas et Lucas", "m"), ("Emma and Julie", "Emma et Julie", "f")]
CITIES = [("Paris", "Paris"), ("London", "Londres"), ("Rome", "Rome"), ("Berlin", "Berlin"),
          ("Madrid", "Madrid"), ("Lyon", "Lyon"), ("Montreal", "Montréal"), ("Brussels", "Bruxelles"),
          ("Avignon", "Avignon"), ("Geneva", "Genève")]
PAST_TIMES = [("yesterday", "hier"), ("this morning", "ce matin"), ("last night", "hier soir"),
              ("on Monday", "lundi"), ("on Sunday", "dimanche"), ("last week", "la semaine dernière"),
              ("last year", "la année dernière"), ("two days ago", "il y a deux jours")]
FUTURE_TIMES = [("tomorrow", "demain"), ("tonight", "ce soir"), ("this afternoon", "cet après-midi"),
                ("next week", "la semaine prochaine"), ("on Saturday", "samedi"), ("next year", "la année prochaine")]
# "avoir" idioms: english adjective, french noun, also said of animals?
AVOIR_IDIOMS = [("hungry", "faim", True), ("thirsty", "soif", True), ("cold", "froid", True),
                ("hot", "chaud", True), ("sleepy", "sommeil", True), ("afraid", "peur", True),
                ("right", "raison", False), ("wrong", "tort", False)]
# Verbs of saying and thinking + que: english (base, 3sg), "that"?, french forms
SAYING = [(("think", "thinks"), "", ("pense", "penses", "pense", "pensons", "pensez", "pensent")),
          (("know", "knows"), "that", ("sais", "sais", "sait", "savons", "savez", "savent")),
          (("say", "says"), "that", ("dis", "dis", "dit", "disons", "dites", "disent"))]
# Where things are: english preposition, french preposition, location nouns
LOCATIONS = [("in", "dans", "garden kitchen bedroom house box bag car park"),
             ("on", "sur", "table chair bed"), ("under", "sous", "table chair bed tree car"),
             ("near", "près de", "door window station school bank house tree park hotel"),
             ("next to", "à côté de", "door window lamp bed computer table"),
             ("behind", "derrière", "door house tree car"), ("in front of", "devant", "door house school station")]
