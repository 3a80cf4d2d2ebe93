"""The word lists the corpus generator (`minimt.corpus`) composes sentences from.

Every French form here is written out by hand (gender, irregular plural, every present-tense
person, past participle), so the grammar code in corpus.py stays small: it only chooses forms,
agrees them and applies elision/contraction. Tables are whitespace-separated columns; an
underscore stands for a space inside one column ("orange_juice" -> "orange juice").

Noun tags say what a noun can do in a sentence: a verb lists the tags of the objects it takes
("drink" takes `drink`), an adjective lists the tags of the nouns it can describe.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Noun:
    en: str       # "apple"
    en_pl: str    # "apples"; "" for a mass noun (bread, water): no "a", no plural
    fr: str       # "pomme"
    fr_pl: str    # "pommes"
    gender: str   # "m" or "f"
    tags: frozenset


@dataclass(frozen=True)
class Adjective:
    en: str
    fr: tuple     # (masc. sing., fem. sing., masc. plural, fem. plural)
    pre: bool     # goes before the noun (petit, grand, bon, nouveau, beau, vieux)
    ms_vowel: str  # masc. sing. before a vowel: bel, nouvel, vieil ("" = same as ms)
    tags: frozenset
    predicative: bool = True   # "the car is new" is "neuve", not "nouvelle": new is not used after être

    @property
    def attributive(self) -> bool:  # "a tired man" is fine, but we keep person words for être + adjective
        return not self.tags <= {"person", "animal"}


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


def _table(text: str) -> list[list[str]]:
    rows = []
    for line in text.strip().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            rows.append([c.replace("_", " ") for c in line.split()])
    return rows


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


NOUNS = [Noun(en, "" if pl == "-" else pl, fr, "" if fpl == "-" else fpl, g, frozenset(tags))
         for en, pl, fr, fpl, g, *tags in _table("""
# english      plural        french        plural         g  tags
boy            boys          garçon        garçons        m  person
girl           girls         fille         filles         f  person
man            men           homme         hommes         m  person
woman          women         femme         femmes         f  person
child          children      enfant        enfants        m  person
teacher        teachers      professeur    professeurs    m  person
student        students      étudiant      étudiants      m  person
doctor         doctors       médecin       médecins       m  person
neighbor       neighbors     voisin        voisins        m  person
friend         friends       ami           amis           m  person
friend         friends       amie          amies          f  person
brother        brothers      frère         frères         m  person family
sister         sisters       sœur          sœurs          f  person family
mother         mothers       mère          mères          f  person family parent
father         fathers       père          pères          m  person family parent
uncle          uncles        oncle         oncles         m  person family
aunt           aunts         tante         tantes         f  person family
cousin         cousins       cousin        cousins        m  person family
son            sons          fils          fils           m  person family
grandmother    grandmothers  grand-mère    grands-mères   f  person family parent
cat            cats          chat          chats          m  animal pet small
dog            dogs          chien         chiens         m  animal pet small
bird           birds         oiseau        oiseaux        m  animal pet small
rabbit         rabbits       lapin         lapins         m  animal pet small
mouse          mice          souris        souris         f  animal small
spider         spiders       araignée      araignées      f  animal small
horse          horses        cheval        chevaux        m  animal
cow            cows          vache         vaches         f  animal
duck           ducks         canard        canards        m  animal
elephant       elephants     éléphant      éléphants      m  animal
book           books         livre         livres         m  thing text writable openable small
pen            pens          stylo         stylos         m  thing small
pencil         pencils       crayon        crayons        m  thing small
key            keys          clé           clés           f  thing small
phone          phones        téléphone     téléphones     m  thing small
umbrella       umbrellas     parapluie     parapluies     m  thing small
watch          watches       montre        montres        f  thing small
ball           balls         ballon        ballons        m  thing small
ticket         tickets       billet        billets        m  thing small
map            maps          carte         cartes         f  thing small
picture        pictures      photo         photos         f  thing small
computer       computers     ordinateur    ordinateurs    m  thing
lamp           lamps         lampe         lampes         f  thing
bag            bags          sac           sacs           m  thing container openable small
box            boxes         boîte         boîtes         f  thing container openable small
bottle         bottles       bouteille     bouteilles     f  container dishware openable small
glass          glasses       verre         verres         m  container dishware small
cup            cups          tasse         tasses         f  container dishware small
plate          plates        assiette      assiettes      f  dishware small
shirt          shirts        chemise       chemises       f  clothes
dress          dresses       robe          robes          f  clothes
hat            hats          chapeau       chapeaux       m  clothes small
shoe           shoes         chaussure     chaussures     f  clothes small
coat           coats         manteau       manteaux       m  clothes
table          tables        table         tables         f  furniture
chair          chairs        chaise        chaises        f  furniture
bed            beds          lit           lits           m  furniture
door           doors         porte         portes         f  fixture
window         windows       fenêtre       fenêtres       f  fixture
tree           trees         arbre         arbres         m  outdoor
car            cars          voiture       voitures       f  vehicle
bike           bikes         vélo          vélos          m  vehicle
letter         letters       lettre        lettres        f  text writable
newspaper      newspapers    journal       journaux       m  text
story          stories       histoire      histoires      f  text writable
poem           poems         poème         poèmes         m  text writable
message        messages      message       messages       m  text writable
question       questions     question      questions      f  question
lesson         lessons       leçon         leçons         f  task
exercise       exercises     exercice      exercices      m  task
project        projects      projet        projets        m  task
movie          movies        film          films          m  show
game           games         match         matchs         m  show
song           songs         chanson       chansons       f  audible
music          -             musique       -              f  audible
radio          radios        radio         radios         f  audible
apple          apples        pomme         pommes         f  food fruit
orange         oranges       orange        oranges        f  food fruit
banana         bananas       banane        bananes        f  food fruit
pear           pears         poire         poires         f  food fruit
tomato         tomatoes      tomate        tomates        f  food
carrot         carrots       carotte       carottes       f  food
egg            eggs          œuf           œufs           m  food
cake           cakes         gâteau        gâteaux        m  food dish
pie            pies          tarte         tartes         f  food dish
sandwich       sandwiches    sandwich      sandwichs      m  food dish
cookie         cookies       biscuit       biscuits       m  food
bread          -             pain          -              m  food
cheese         -             fromage       -              m  food
rice           -             riz           -              m  food dish
soup           -             soupe         -              f  food dish hot
meat           -             viande        -              f  food
butter         -             beurre        -              m  food
jam            -             confiture     -              f  food
chocolate      -             chocolat      -              m  food
chicken        -             poulet        -              m  food dish
salad          -             salade        -              f  food dish
water          -             eau           -              f  drink
milk           -             lait          -              m  drink
coffee         -             café          -              m  drink hot
tea            -             thé           -              m  drink hot
orange_juice   -             jus_d'orange  -              m  drink
wine           -             vin           -              m  drink
lemonade       -             limonade      -              f  drink
station        stations      gare          gares          f  place
school         schools       école         écoles         f  place building
university     universities  université    universités    f  place building
market         markets       marché        marchés        m  place
park           parks         parc          parcs          m  place outdoor
hospital       hospitals     hôpital       hôpitaux       m  place building
hotel          hotels        hôtel         hôtels         m  place building
museum         museums       musée         musées         m  place building sight opens
library        libraries     bibliothèque  bibliothèques  f  place building opens
bank           banks         banque        banques        f  place building opens
beach          beaches       plage         plages         f  place outdoor
restaurant     restaurants   restaurant    restaurants    m  place building opens
church         churches      église        églises        f  place building sight
airport        airports      aéroport      aéroports      m  place
office         offices       bureau        bureaux        m  place building
store          stores        magasin       magasins       m  place building opens
supermarket    supermarkets  supermarché   supermarchés   m  place building opens
swimming_pool  swimming_pools piscine      piscines       f  place opens
castle         castles       château       châteaux       m  place sight
garden         gardens       jardin        jardins        m  outdoor
house          houses        maison        maisons        f  home property
apartment      apartments    appartement   appartements   m  home property
kitchen        kitchens      cuisine       cuisines       f  home room
bedroom        bedrooms      chambre       chambres       f  home room
train          trains        train         trains         m  vehicle transport
bus            buses         bus           bus            m  vehicle transport
plane          planes        avion         avions         m  vehicle transport
boat           boats         bateau        bateaux        m  vehicle transport
class          classes       cours         cours          m  event
concert        concerts      concert       concerts       m  event
meeting        meetings      réunion       réunions       f  event
party          parties       fête          fêtes          f  event
""")]

ADJECTIVES = [Adjective(en, (ms, fs, mp, fp), pos == "pre", "" if v == "-" else v, frozenset(tags),
                        predicative=(en != "new"))
              for en, ms, fs, mp, fp, pos, v, *tags in _table("""
# english   m.sg        f.sg         m.pl         f.pl          place  before-vowel  tags
red         rouge       rouge        rouges       rouges        post   -   thing clothes vehicle
blue        bleu        bleue        bleus        bleues        post   -   thing clothes vehicle
green       vert        verte        verts        vertes        post   -   thing clothes vehicle
yellow      jaune       jaune        jaunes       jaunes        post   -   thing clothes vehicle
black       noir        noire        noirs        noires        post   -   thing clothes vehicle animal
white       blanc       blanche      blancs       blanches      post   -   thing clothes vehicle animal
gray        gris        grise        gris         grises        post   -   thing clothes vehicle animal
small       petit       petite       petits       petites       pre    -   thing vehicle animal place home container
big         grand       grande       grands       grandes       pre    -   thing vehicle animal place home container
new         nouveau     nouvelle     nouveaux     nouvelles     pre    nouvel  thing clothes vehicle place home
old         vieux       vieille      vieux        vieilles      pre    vieil   thing vehicle animal place home
beautiful   beau        belle        beaux        belles        pre    bel     thing clothes vehicle animal place home outdoor
good        bon         bonne        bons         bonnes        pre    -   food text show
expensive   cher        chère        chers        chères        post   -   thing clothes vehicle
heavy       lourd       lourde       lourds       lourdes       post   -   container furniture
clean       propre      propre       propres      propres       post   -   clothes vehicle home dishware
dirty       sale        sale         sales        sales         post   -   clothes vehicle home dishware
empty       vide        vide         vides        vides         post   -   container
full        plein       pleine       pleins       pleines       post   -   container
hot         chaud       chaude       chauds       chaudes       post   -   hot
cold        froid       froide       froids       froides       post   -   drink
fresh       frais       fraîche      frais        fraîches      post   -   fruit
delicious   délicieux   délicieuse   délicieux    délicieuses   post   -   dish
interesting intéressant intéressante intéressants intéressantes post   -   text show
tired       fatigué     fatiguée     fatigués     fatiguées     post   -   person animal
happy       content     contente     contents     contentes     post   -   person
sad         triste      triste       tristes      tristes       post   -   person
sick        malade      malade       malades      malades       post   -   person animal
ready       prêt        prête        prêts        prêtes        post   -   person
busy        occupé      occupée      occupés      occupées      post   -   person
late        en_retard   en_retard    en_retard    en_retard     post   -   person
tall        grand       grande       grands       grandes       post   -   person
short       petit       petite       petits       petites       post   -   person
young       jeune       jeune        jeunes       jeunes        post   -   person
kind        gentil      gentille     gentils      gentilles     post   -   person
nervous     nerveux     nerveuse     nerveux      nerveuses     post   -   person
surprised   surpris     surprise     surpris      surprises     post   -   person
at_home     à_la_maison à_la_maison  à_la_maison  à_la_maison   post   -   person animal
""")]

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
