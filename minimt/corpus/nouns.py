"""Nouns and the adjectives that describe them: the two long hand-written tables of the lexicon.

The inflected open word classes: every entry carries its French gender and plural, and an
adjective agrees with its noun (gender, number) and picks the nouns it can describe by their
tags. The verbs and the small closed word lists are the other idea, in lexicon.py, which
re-exports these tables so grammar.py and templates.py take every word list from one module.

Noun tags say what a noun can do in a sentence: a verb (lexicon.py) lists the tags of the objects
it takes ("drink" takes `drink`), an adjective lists the tags of the nouns it can describe.
Tables are whitespace-separated columns; an underscore stands for a space inside one column
("orange_juice" -> "orange juice") and "-" marks an empty one (a mass noun has no plural).
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


def _table(text: str) -> list[list[str]]:
    rows = []
    for line in text.strip().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            rows.append([c.replace("_", " ") for c in line.split()])
    return rows


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
