"""One grader per exercise: ``HINTS`` and ``grade(answer) -> number of cases checked``."""
