"""One exception for every mistake a *user* can make (bad file, bad argument).

The command line turns a `MinimtError` into one line on stderr and exit status 2 —
no traceback, because a traceback tells a learner "minimt is broken" when really
line 17 of their TSV has no tab. Programming errors (bugs) still raise normally.

Messages name what is wrong and where: ``data/train.tsv:17: no tab between English and French``
or ``--vocab-size 90000: larger than this corpus allows (largest that works: 5123)``.
"""


class MinimtError(ValueError):
    """A user-facing error: bad input file, bad argument, unusable checkpoint.

    Subclasses ValueError so library users can catch it the usual way.
    """
