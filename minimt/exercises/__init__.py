"""Graded classroom exercises: a ladder from special tokens to beam search, backprop, BLEU and
chrF, plus "fix it" and "break it" exercises on the masks and labels. See docs/teaching.md and
`minimt exercises --help`.

    catalog.py   the ladder (number, title, lesson, minutes)
    stubs/       what students start from          solutions/   the teacher's reference answers
    graders/     property checks + hints            wrong_answers/  typical mistakes (tested)
    grading.py   loading and calling student code   runner.py    the subprocess with a timeout
    proofs.py    the four proofs and the switches that break them
    cli.py       `minimt exercises list | start | check | hint | show | solution | teacher | report | prove`
    progress.py  a student's .progress.json         report.py    a class's folders in one table and a CSV
"""
