"""Tests for minimt.corpus (with minimt.grammar and minimt.lexicon): the generated French is
correct, the generator is deterministic, and the committed splits are exactly what it writes."""
from __future__ import annotations

import re

import pytest

from minimt import corpus
from minimt.errors import MinimtError
from minimt.files import DATA_DIR
from minimt.corpus.grammar import english, english_number, french, french_number

# Generator outputs (seed 0) whose French was checked by hand. If you change the lexicon or the
# templates, the random draws move: re-pick pairs from the new output and check them again.
HAND_CHECKED = [
    # present tense, elision, negation (ne … pas, n' before a vowel, de/d' for un/une/des/du)
    ("She has a dress.", "Elle a une robe."),
    ("We have a computer.", "Nous avons un ordinateur."),
    ("He doesn't have a ball.", "Il n'a pas de ballon."),
    ("Marie doesn't lose a computer.", "Marie ne perd pas d'ordinateur."),
    ("We don't eat the pears.", "Nous ne mangeons pas les poires."),
    ("Do you buy shoes?", "Est-ce que tu achètes des chaussures ?"),
    ("Do they wash a dog?", "Est-ce qu'ils lavent un chien ?"),
    ("We start the exercise.", "Nous commençons l'exercice."),
    ("Your father talks to my friend.", "Votre père parle à mon amie."),
    ("The doctor can drink milk.", "Le médecin peut boire du lait."),
    # passé composé with avoir (irregular participles: écrit, fait, vu, perdu, bu…)
    ("I wrote ten books.", "J'ai écrit dix livres."),
    ("I closed her box.", "J'ai fermé sa boîte."),
    ("I didn't find their ticket.", "Je n'ai pas trouvé leur billet."),
    ("I didn't lose the shoe.", "Je n'ai pas perdu la chaussure."),
    ("He didn't hate cows.", "Il n'a pas détesté les vaches."),
    ("The doctor made salad.", "Le médecin a fait de la salade."),
    ("The student made his pie.", "L'étudiant a fait sa tarte."),
    ("Did they make a pie?", "Est-ce qu'elles ont fait une tarte ?"),
    ("She saw ninety balls.", "Elle a vu quatre-vingt-dix ballons."),
    ("Who listened to his music?", "Qui a écouté sa musique ?"),
    # passé composé with être: the participle agrees with the subject
    ("They arrived.", "Elles sont arrivées."),
    ("They left.", "Ils sont partis."),
    ("Alice went to Avignon.", "Alice est allée à Avignon."),
    ("They went to Montreal.", "Ils sont allés à Montréal."),
    ("Their sisters stayed at the beach.", "Leurs sœurs sont restées à la plage."),
    ("They left for Geneva yesterday.", "Elles sont parties pour Genève hier."),
    ("The neighbors left for Avignon.", "Les voisins sont partis pour Avignon."),
    ("Did she come to Brussels?", "Est-ce qu'elle est venue à Bruxelles ?"),
    ("She didn't go to Geneva.", "Elle n'est pas allée à Genève."),
    ("Alice didn't leave.", "Alice n'est pas partie."),
    ("Did you arrive at the store?", "Est-ce que tu es arrivé au magasin ?"),
    # near future, vouloir, pouvoir + infinitive
    ("He is going to visit the museum.", "Il va visiter le musée."),
    ("We are going to take computers.", "Nous allons prendre des ordinateurs."),
    ("Emma isn't going to start an exercise.", "Emma ne va pas commencer d'exercice."),
    ("Your mother isn't going to buy coffee.", "Ta mère ne va pas acheter de café."),
    ("He wants to arrive at the restaurant.", "Il veut arriver au restaurant."),
    ("They can watch a cat.", "Elles peuvent regarder un chat."),
    ("Are you going to write your story?", "Est-ce que tu vas écrire ton histoire ?"),
    # possessives (mon before a vowel, son/sa/ses by the noun's gender, leur/leurs)
    ("The friends watched my spider.", "Les amis ont regardé mon araignée."),
    ("Their cousin makes his pies.", "Leur cousin fait ses tartes."),
    ("Where is his bag?", "Où est son sac ?"),
    # adjectives: agreement, place, bel/nouvel/vieil, de + adjective + plural noun
    ("She is tired.", "Elle est fatiguée."),
    ("I am tired.", "Je suis fatigué."),
    ("The teachers want a gray cat.", "Les professeurs veulent un chat gris."),
    ("I cleaned a beautiful apartment.", "J'ai nettoyé un bel appartement."),
    ("He buys a beautiful computer.", "Il achète un bel ordinateur."),
    ("Is his beach old?", "Est-ce que sa plage est vieille ?"),
    ("Is the swimming pool beautiful?", "Est-ce que la piscine est belle ?"),
    ("The train isn't old.", "Le train n'est pas vieux."),
    ("Who sells beautiful boats?", "Qui vend de beaux bateaux ?"),
    ("Their sister lost old umbrellas.", "Leur sœur a perdu de vieux parapluies."),
    # questions: Est-ce que / qu', Où, Quand, Pourquoi, Qu'est-ce que, Qui, Combien de, Quel + inversion
    ("Where is the station?", "Où est la gare ?"),
    ("When did Anne fall?", "Quand est-ce qu'Anne est tombée ?"),
    ("When is my mother going to come home?", "Quand est-ce que ma mère va rentrer ?"),
    ("Why did their sister come back?", "Pourquoi est-ce que leur sœur est revenue ?"),
    ("Why do they enter?", "Pourquoi est-ce qu'ils entrent ?"),
    ("What are you doing?", "Qu'est-ce que tu fais ?"),
    ("What are Paul and Marie doing?", "Qu'est-ce que Paul et Marie font ?"),
    ("Who sold the bus?", "Qui a vendu le bus ?"),
    ("How many churches do we see?", "Combien d'églises voyons-nous ?"),
    ("How many oranges does he want?", "Combien d'oranges veut-il ?"),
    ("How many tomatoes does he buy?", "Combien de tomates achète-t-il ?"),
    ("How many hats does she take?", "Combien de chapeaux prend-elle ?"),
    ("Which boxes do they want?", "Quelles boîtes veulent-elles ?"),
    ("Which egg do we eat?", "Quel œuf mangeons-nous ?"),
    # avoir idioms and que/qu' clauses
    ("I am hungry.", "J'ai faim."),
    ("Paul and Marie aren't hungry.", "Paul et Marie n'ont pas faim."),
    ("The birds are thirsty.", "Les oiseaux ont soif."),
    ("He thinks Alice is happy.", "Il pense qu'Alice est contente."),
    ("Anne knows that they aren't tired.", "Anne sait qu'ils ne sont pas fatigués."),
    # il y a, prepositions with contractions
    ("There is a bird next to the bed.", "Il y a un oiseau à côté du lit."),
    ("There isn't a mouse on the chair.", "Il n'y a pas de souris sur la chaise."),
    ("There aren't any plates on the bed.", "Il n'y a pas d'assiettes sur le lit."),
    ("How many keys are there on the bed?", "Combien de clés y a-t-il sur le lit ?"),
    # numbers and times
    ("Marie reads ninety stories.", "Marie lit quatre-vingt-dix histoires."),
    ("It is one o'clock.", "Il est une heure."),
    ("It is three o'clock.", "Il est trois heures."),
    ("It is half past two.", "Il est deux heures et demie."),
    ("It is a quarter to two.", "Il est deux heures moins le quart."),
    ("It is noon.", "Il est midi."),
    ("What time is it?", "Quelle heure est-il ?"),
    ("The train leaves at half past ten.", "Le train part à dix heures et demie."),
    ("Her sister arrives at half past six.", "Sa sœur arrive à six heures et demie."),
    ("Emma gets up at half past one.", "Emma se lève à une heure et demie."),
    ("I come home at a quarter to ten.", "Je rentre à dix heures moins le quart."),
]

# Patterns that must never match generated French: each catches a missing contraction, elision or agreement.
BAD_FRENCH = {
    "à le / à les / de le / de les (au, aux, du, des)": r"\b(à|de) les?\b",
    "je ai, ne est, le ami, que il, de eau… (elision)": r"\b(je|me|te|se|le|la|ne|de|que|ce) [aeiouyéèêâîôûœh]",
    "ma amie (mon before a vowel)": r"\b(ma|ta|sa) [aeiouéèêâîôûœh]",
    "beau/nouveau before a vowel (bel, nouvel)": r"\b(beau|nouveau) [aeiouéèêh]",
    "bel/nouvel/vieil not before a vowel": r"\b(bel|nouvel|vieil)\b(?! [aeiouéèêh])",
    "des + adjective + plural noun (de)": r"\bdes (petite?s|grande?s|beaux|belles|bonne?s|nouveaux|nouvelles|vieux|vieilles) ",
    "être participle not agreeing with elle(s)": r"\belles? (ne )?(est|sont) (pas )?(allé|arrivé|parti|venu|resté|tombé|sorti|entré|revenu|rentré)s?\b",
    "être participle not agreeing with ils/nous": r"\b(ils|nous) (ne )?(sont|sommes) (pas )?(allé|arrivé|parti|venu|resté|tombé|sorti|entré|revenu|rentré)e?\b",
    "double space": r"  ",
    "? or ! without the space before it": r"[^ ][?!:;]",
}
BAD_ENGLISH = {
    "a before a vowel": r"\ba [aeio]",
    "an before a consonant": r"\ban [^aeiouh]",
    "he/she with a plural verb": r"\b(he|she) (don't|are|were)\b",
    "he/she have, not after does/did/can": r"^(?!.*\b(does|did|doesn't|didn't|can|can't)\b).*\b(he|she) (have|do)\b",
    "I with is/are": r"\bI (is|are|has)\b",
    "space before punctuation": r" [?.!]",
}


@pytest.fixture(scope="module")
def pairs():
    return corpus.generate_pairs()


def read_tsv(name: str) -> list[tuple[str, str]]:
    text = (DATA_DIR / f"{name}.tsv").read_text(encoding="utf-8")
    return [tuple(line.split("\t")) for line in text.split("\n") if line]


def test_hand_checked_pairs_are_generated(pairs):
    assert len(HAND_CHECKED) >= 60
    have = set(pairs)
    missing = [p for p in HAND_CHECKED if p not in have]
    assert not missing, f"{len(missing)} hand-checked pairs not generated, e.g. {missing[:3]}"


def test_many_distinct_pairs(pairs):
    assert len(pairs) == len(set(pairs)) >= 30_000


def test_deterministic_and_seeded(pairs):
    assert corpus.generate_pairs(0) == pairs
    assert corpus.generate_pairs(1)[:2000] != pairs[:2000]


@pytest.mark.parametrize("name,pattern", BAD_FRENCH.items())
def test_french_grammar_invariants(pairs, name, pattern):
    bad = [fr for _, fr in pairs if re.search(pattern, fr, flags=re.IGNORECASE)]
    assert not bad, f"{name}: {bad[:3]}"


@pytest.mark.parametrize("name,pattern", BAD_ENGLISH.items())
def test_english_grammar_invariants(pairs, name, pattern):
    bad = [en for en, _ in pairs if re.search(pattern, en, flags=re.IGNORECASE if "I " not in name else 0)]
    assert not bad, f"{name}: {bad[:3]}"


def test_sentence_shape(pairs):
    for en, fr in pairs:
        assert en[0].isupper() and fr[0].isupper(), (en, fr)
        assert en.endswith((".", "?")) and (fr.endswith(" ?") or fr.endswith(".") and not fr.endswith(" .")), (en, fr)
        assert en.endswith("?") == fr.endswith("?"), (en, fr)
        assert "\t" not in en + fr and "\n" not in en + fr and "’" not in fr


def test_spelling_passes():
    assert french("je ne ai pas vu de le pain") == "Je n'ai pas vu du pain."
    assert french("est-ce que il va à le marché", True) == "Est-ce qu'il va au marché ?"
    assert french("il parle à les enfants de le hôtel") == "Il parle aux enfants de l'hôtel."
    assert french("il ne y a pas de eau") == "Il n'y a pas d'eau."
    assert french("le huit") == "Le huit."  # h aspiré: no elision
    assert english("she eats a apple") == "She eats an apple."
    assert english("a university and a hour") == "A university and an hour."


@pytest.mark.parametrize("n,gender,fr,en", [
    (1, "f", "une", "one"), (17, "m", "dix-sept", "seventeen"), (21, "f", "vingt et une", "twenty-one"),
    (31, "m", "trente et un", "thirty-one"), (70, "m", "soixante-dix", "seventy"), (71, "m", "soixante et onze", "seventy-one"),
    (77, "m", "soixante-dix-sept", "seventy-seven"), (80, "m", "quatre-vingts", "eighty"),
    (81, "f", "quatre-vingt-une", "eighty-one"), (91, "m", "quatre-vingt-onze", "ninety-one"),
    (99, "m", "quatre-vingt-dix-neuf", "ninety-nine"), (100, "m", "cent", "one hundred")])
def test_numbers(n, gender, fr, en):
    assert french_number(n, gender) == fr and english_number(n) == en


def test_committed_splits_are_what_write_splits_writes(tmp_path):
    counts = corpus.write_splits(tmp_path)
    for name in ("train", "valid", "test"):
        assert (tmp_path / f"{name}.tsv").read_bytes() == (DATA_DIR / f"{name}.tsv").read_bytes(), \
            f"data/{name}.tsv is stale: run `python -m minimt.corpus`"
        assert counts[name] == len(read_tsv(name))


def test_split_rules():
    train, valid, test = read_tsv("train"), read_tsv("valid"), read_tsv("test")
    en_train, en_valid, en_test = ({en for en, _ in s} for s in (train, valid, test))
    assert not en_valid & en_train and not en_test & en_train and not en_valid & en_test
    assert 950 <= len(valid) <= 1100 and 950 <= len(test) <= 1100
    assert ("How are you?", "Comment ça va ?") in train
    assert (DATA_DIR / "train.tsv").stat().st_size < 2_000_000
    for name in ("train", "valid", "test"):
        raw = (DATA_DIR / f"{name}.tsv").read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n") and not raw.startswith(b"\xef\xbb\xbf")
    book = set(corpus.read_phrasebook(DATA_DIR / "phrasebook.tsv"))
    if len(book) >= 1000:  # the phrasebook is in every split, mostly in train
        in_valid, in_test = len(book & set(valid)), len(book & set(test))
        assert in_valid >= 150 and in_test >= 150
        assert len(book & set(train)) > len(book) / 2


def test_without_phrasebook_and_bad_phrasebook(tmp_path):
    counts = corpus.write_splits(tmp_path, phrasebook=tmp_path / "missing.tsv")
    assert counts["phrasebook"] == 0 and counts["valid"] >= 1000
    assert "How are you?\tComment ça va ?\n" in (tmp_path / "train.tsv").read_text(encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("Hello.\tBonjour.\nno tab here\n", encoding="utf-8")
    with pytest.raises(MinimtError, match=r"bad\.tsv:2"):
        corpus.write_splits(tmp_path, phrasebook=bad)
