"""`minimt lessons [--out DIR] [--format py|ipynb|both] [--lang en|zh]`: the lessons, copied into a folder you own.

Works the same from a clone and from `pip install minimt` (the wheel carries the lessons). Files that
already exist are kept, never overwritten — your notes in a lesson survive a second run. `--lang zh`
(or MINIMT_LANG=zh, or a zh_CN locale) copies the Chinese lessons (lessons/zh/), the English one
where a lesson has no Chinese version yet, and says which.
"""
from __future__ import annotations

import sys

from ..lang import choose_language
from .course import FORMATS, copy_lessons, lesson_files, lessons_dir

SAY = {
    "en": {"wrote": "wrote {path}", "kept": "kept  {path} (exists; not overwritten)",
           "total": "{written} written, {kept} kept in {out} (from {source})",
           "english": "in English (no Chinese version yet): {names}",
           "script": "run one as a script: cd {out} && MINIMT_FAST=1 python 01_data.py",
           "notebook": "or as a notebook: open {out}/01_data.ipynb in JupyterLab or VS Code, then Run All"},
    "zh": {"wrote": "已写入 {path}", "kept": "已保留 {path}（文件已存在，不覆盖）",
           "total": "写入 {written} 个、保留 {kept} 个文件，位于 {out}（来自 {source}）",
           "english": "以下几课还没有中文版，复制的是英文版：{names}",
           "script": "作为脚本运行：cd {out} && MINIMT_FAST=1 python 01_data.py",
           "notebook": "或作为笔记本运行：用 JupyterLab 或 VS Code 打开 {out}/01_data.ipynb，然后点 Run All"},
}


def run(args) -> int:
    lang = choose_language(args.lang)
    say = SAY[lang]
    written, kept = copy_lessons(args.out, args.format, lang)
    for path in written:
        print(say["wrote"].format(path=path))
    for path in kept:
        print(say["kept"].format(path=path))
    source = lessons_dir() if lang == "en" else lessons_dir() / lang
    print(say["total"].format(written=len(written), kept=len(kept), out=args.out, source=source))
    english = [p.name for p in lesson_files(lang) if lang != "en" and p.parent.name != lang]
    if english:
        print(say["english"].format(names=", ".join(english)))
    if args.format in ("py", "both"):
        print(say["script"].format(out=args.out))
    if args.format in ("ipynb", "both"):
        print(say["notebook"].format(out=args.out))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("lessons", help="copy the lessons (scripts and/or notebooks) into a folder",
                              description=__doc__.splitlines()[0])
    p.add_argument("--out", default="minimt-lessons", metavar="DIR", help="folder to copy into (default: ./minimt-lessons)")
    # Checked by copy_lessons, not argparse `choices`: the same one-line error from the library and the CLI.
    p.add_argument("--format", default="both", metavar="|".join(FORMATS),
                   help="the # %%%% scripts, notebooks generated from them, or both (default: both)")
    p.add_argument("--lang", metavar="en|zh", help="English or Chinese (中文) lessons; default: $MINIMT_LANG, "
                                                  "else the locale, else en")
    p.set_defaults(func=run)


def main(argv: list[str] | None = None) -> int:
    """`python -m minimt.commands.lessons ...`, the same as `minimt lessons ...`."""
    from . import main as dispatch
    return dispatch(["lessons", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
