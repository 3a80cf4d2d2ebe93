"""The Tatoeba import: download manythings.org's pairs or read tatoeba.org's exports, check, split."""
