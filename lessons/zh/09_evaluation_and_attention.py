# translates: 09_evaluation_and_attention.py sha256:d0746c0866b8
# %% [markdown]
# # 第 09 课 — 评估（BLEU、chrF）与观察模型内部（注意力图）
#
# 第 08 课产生了译文。它们好吗？读几句不算测量。机器翻译领域用 **BLEU**（n-gram 重叠）和
# **chrF**（字符 n-gram 的 F 值）把整个测试集与人工参考译文（reference translation）比较打分，
# 并用 **sacreBLEU** 计算，这样不同的人得出的数字含义相同。然后我们看看模型关注（attend to）
# 了什么——以及为什么一张注意力图只是一张图，而不是一个解释。
#
# 代码：`minimt/evaluate.py`（`minimt evaluate`）以及 `minimt/plots/scores.py`、
# `minimt/plots/attention_maps.py`（`minimt plot attention`）。
# 它需要一个训练好的模型，并像第 08 课那样取找到的第一个：最新的 `minimt train` 运行
# （`runs/minimt`、`runs/minimt-2`……或 `$MINIMT_RUN`），否则用第 07 课的模型（`runs/lesson07`）；
# 两者都没有时，它会当场运行第 07 课（大约两分钟，有进度条）。第一个单元格会说明是哪一种情况。
# `MINIMT_FAST=1`（给 CI 用）改为训练第 07 课的 20 步模型：分数接近 0，机制相同。图片保存到
# `$MINIMT_FIGURES`（默认 `lessons/figures`）。
#
# - **基于：** 第 08 课——贪心解码和束搜索的译文。
# - **下一课：** 第 10 课——部署：把同样的权重放进推理引擎（CTranslate2）。

# %%
import codecs
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a plain script: draw to files; a notebook keeps its own backend
import torch
from sacrebleu.metrics import BLEU, CHRF

from minimt import plots
from minimt.checkpoint import load_checkpoint
from minimt.commands.course import lessons_dir
from minimt.data import embedded_path, load_pairs
from minimt.decode import greedy_decode
from minimt.evaluate import corpus_scores, group_references, normalize, sentence_chrf, translate_all
from minimt.files import PROJECT_ROOT
from minimt.runtime.run_folder import checkpoints_in, latest_default

os.environ["MINIMT_LANG"] = "zh"  # 本课的语言：图片和提示信息都跟随它（英文版 lessons/：“en”）
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
MAX_LEN = 16 if FAST else None  # FAST: a barely trained model rarely says EOS; cap its babbling
ROOT = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else Path.cwd()  # the clone, else here
LESSON07 = Path(os.environ.get("MINIMT_LESSON07_RUN") or ROOT / "runs" / "lesson07")


def run_lesson_07(out: Path) -> None:
    """Run lesson 07 as a script: its loop trains the model and saves it in ``out``.
    Its progress bar comes through; its other output and pictures are not needed here."""
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, MINIMT_LESSON07_RUN=str(out), MINIMT_FIGURES=scratch, MPLBACKEND="Agg")
        with open(Path(scratch) / "stdout.txt", "w+", encoding="utf-8") as log:
            proc = subprocess.Popen([sys.executable, str(lessons_dir() / "07_training_loop.py")], cwd=scratch,
                                    env=env, stdout=log, stderr=subprocess.PIPE)
            text = codecs.getincrementaldecoder("utf-8")(errors="replace")
            for chunk in iter(lambda: proc.stderr.read1(256), b""):
                sys.stderr.write(text.decode(chunk))  # the progress bar
            if proc.wait() != 0:
                log.seek(0)
                raise RuntimeError(f"lesson 07 failed (exit {proc.returncode}):\n{log.read()[-2000:]}")


def find_model() -> tuple[Path, str]:
    """The newest `minimt train` run; else lesson 07's model; else run lesson 07 to make it."""
    if os.environ.get("MINIMT_RUN"):
        runs = [Path(os.environ["MINIMT_RUN"])]
    else:
        runs = [latest_default(base) for base in (Path("runs/minimt"), ROOT / "runs" / "minimt")]
    for run in runs:
        if run is not None and checkpoints_in(run):
            return run, "最新的 `minimt train` 运行结果"
    if checkpoints_in(LESSON07):
        return LESSON07, "第 07 课训练的模型"
    out = Path(tempfile.mkdtemp(prefix="minimt_lesson07_")) if FAST else LESSON07
    print("还没有训练好的模型：现在运行第 07 课，由它的循环训练一个"
          + ("（快速模式：20 步）……" if FAST else "（大约两分钟）……"), flush=True)
    run_lesson_07(out)
    return out, "第 07 课刚刚训练好的模型"


folder, how = find_model()
model, tok, meta = load_checkpoint(folder)
model.eval()
print(f"模型：{how}——{folder}（第 {meta['step']} 步，"
      f"{sum(p.numel() for p in model.parameters()):,} 个参数）")

# %% [markdown]
# ## 1. 给测试集打分
#
# 一个测试文件可以为同一个英文句子提供多个法语译文（Tatoeba 的数据常常如此）：我们把每个英文
# 句子翻译一次，再用它的全部参考译文打分。在内置的测试集（test split）里，大多数英文句子只有
# 一个参考译文，少数有两个——下面第一行会数出来；签名里写的是 `nrefs:var`（个数不固定）。

# %%
pairs = load_pairs(embedded_path("test"))[: 24 if FAST else 500]
sources, references = group_references(pairs)
n_refs = [len(r) for r in references]
print(f"{len(pairs)} 个句对 → {len(sources)} 个英文句子；每句的参考译文数："
      + "，".join(f"{n} 个的有 {n_refs.count(n)} 句" for n in sorted(set(n_refs))))
scores = {}
for k in (1, 4):
    hyps = translate_all(model, tok, sources, beam_size=k, max_len=MAX_LEN)
    scores[k] = corpus_scores(hyps, references)
    print(f"束宽 {k}：BLEU {scores[k]['bleu']:5.2f}  chrF {scores[k]['chrf']:5.2f}")
print("BLEU 签名：", scores[1]["bleu_signature"])
print("chrF 签名：", scores[1]["chrf_signature"])
for en, refs, hyp in list(zip(sources, references, hyps))[:4]:  # beam 4's output
    print(f"  EN {en}\n  REF {' | '.join(refs)}\n  HYP {hyp}   （句子 chrF {sentence_chrf(hyp, refs):.1f}）")
print(plots.plot_sentence_scores(hyps, references, sources=sources, title="Beam 4 on the test set",
                                 path=FIGURES / "09_sentence_scores.png", max_rows=8 if FAST else 12))

# %% [markdown]
# **BLEU** 统计候选译文（hypothesis）里的 1、2、3、4 元词语 n-gram 有多少出现在参考译文中（截断
# 精确率），取它们的几何平均，再乘以简短惩罚（太短的输出不能靠少说话得分）。它是一个*语料级*
# 分数：短句只有寥寥几个 4-gram，一个错词就可能把它们全部去掉，这时它不加平滑的 BLEU 就是 0
# （下面的单元格演示了这一点）。
# **chrF** 比较字符 n-gram（最长 6）：它对 “parle” 和 “parles” 这样的差别给部分分数，在单个句子
# 上表现更好——我们用它给出逐句的数字。图 `09_sentence_scores.png` 同时展示两者：标题里是语料级
# BLEU 和 chrF，每个句子一根 chrF 条，标注英文原句、我们的输出（→）和一个参考译文。
#
# 图的标题写着 “without smoothing: no shared 4-gram → 0”（不加平滑时，没有共同的 4-gram → 0），
# 这个限定条件很重要：BLEU 的几何平均把四个精确率相乘，其中一个是 0。sacreBLEU 的默认设置
# （`corpus_scores` 用的就是它，签名里的 `smooth:exp`）把每个为零的 n-gram 匹配数换成一个小的
# 正数，于是缺一个 4-gram 不再让分数变成 0。下面用一个“差一点就对”的例子同时给出两者：

# %%
hyp, ref = "Je ne comprends rien.", "Je ne comprends pas."  # 1- to 3-grams shared, no 4-gram
plain = BLEU(smooth_method="none").corpus_score([hyp], [[ref]])
smooth = BLEU().corpus_score([hyp], [[ref]])  # smooth_method="exp", sacreBLEU's default
print(f"1-4 元精确率：{[round(x, 1) for x in plain.precisions]}")
print(f"不加平滑的 BLEU：{plain.score:.1f}   用 sacreBLEU 的 'exp' 平滑：{smooth.score:.1f}")
assert plain.precisions[3] == 0 and plain.score == 0 and smooth.score > 0

# %% [markdown]
# **签名**说明了这个数是怎么算出来的：参考译文的个数（`nrefs`）、大小写、分词方式（`tok:13a`）、
# 平滑方法、sacreBLEU 的版本。只有签名相同的两个 BLEU 分数才能比较。
#
# ## 2. 为什么用去分词的文本，以及一种固定的分词方式
#
# BLEU 数的是*词*，所以它取决于文本怎样被切成词。如果每个人都用自己的分词方式打分，数字就无法
# 比较。两个诱人的错误：

# %%
hyp, ref = "Je ne comprends pas pourquoi il est parti.", "Je ne comprends pas pourquoi elle est partie."
as_pieces = lambda s: " ".join(tok.pieces(s))  # noqa: E731 — the model's own units, joined by spaces
print("子词片段：", as_pieces(hyp))
print(f"在文本上的 BLEU    ： {BLEU().corpus_score([hyp], [[ref]]).score:5.1f}")
print(f"在子词片段上的 BLEU： {BLEU().corpus_score([as_pieces(hyp)], [[as_pieces(ref)]]).score:5.1f}  "
      "（数字不同，译文相同——而且换一个分词器它就会变）")

# %% [markdown]
# 法语标点让情况更糟。法语在 `? ! : ;` 前面以及 « » 里面加一个空格——常常是*不换行*空格 U+00A0
# 或窄空格 U+202F。我们的分词器（tokenizer）做的 NFKC 规范化（第 02 课）会把这些空格都变成普通
# 空格，并把 “…” 变成 “...”。所以模型只能写出 “...”，而一个带 “…” 的参考译文会把它算错：

# %%
hyp = "Attends... Il pleut depuis trois jours, tu sais ?"  # what the model can write
ref = "Attends… Il pleut depuis trois jours, tu sais\u00a0?"   # what a human typed
print(f"sacreBLEU 直接用原始文本：BLEU {BLEU().corpus_score([hyp], [[ref]]).score:5.1f}"
      f"  chrF {CHRF().corpus_score([hyp], [[ref]]).score:5.1f}")
both = corpus_scores([hyp], [ref])
print(f"两边做同样的规范化    ：BLEU {both['bleu']:5.1f}  chrF {both['chrf']:5.1f}  ({both['normalization']})")
print(repr(normalize(ref)))

# %% [markdown]
# 因此 `corpus_scores` 用同样的方式规范化候选译文**和**参考译文（像分词器一样做 NFKC，再把空白
# 合并为单个空格），并说明这一点。去分词的文本 + sacreBLEU 固定的 `13a` 分词 + 签名 = 别人可以
# 复现的数字。
#
# ## 3. 注意力图
#
# 传入 `return_attention=True` 时，模型还会返回每一个注意力权重矩阵：`"encoder"`（每个头、每层
# S×S）、`"decoder_self"`（T×T，因果）和 `"cross"`（T×S：每生成一个法语词元时，各个英文子词片段
# 被读了多少）。`minimt plot attention` 画的就是它们；下面是它用的函数：

# %%
sentence = "How are you?"
translation, paths = plots.attention_pictures(model, tok, sentence, FIGURES / "09_attention", max_len=MAX_LEN)
print(f"{sentence!r} → {translation!r}")
for p in paths:
    print(p)

# %% [markdown]
# 交叉注意力（cross-attention）图的每一行加起来等于 1：它表示一个目标位置如何把“阅读”分配到源句
# 上。在解码器自注意力（self-attention）中，对角线以上的部分全是 0——这是第 04 课的因果掩码
# 在起作用。不同的注意力头（head）常常不一样：一个看对齐的词，另一个看 EOS 或标点。
#
# ## 4. 注意力不是解释
#
# 人们很容易把交叉注意力图读成“哪个英文词导致了这个法语词”。要小心（Jain & Wallace 2019，
# “Attention is not Explanation”；Wiegreffe & Pinter 2019）：这些权重混合的是*值向量*，而值向量
# 已经融合了整个句子（编码器先在各处做了注意力）；多个头和多层会组合起来；前馈网络和残差流携带
# 着注意力从不显示的信息。一个诚实的检验是**遮挡**（occlusion）：把每个英文子词片段藏起来（把它
# 的注意力掩码设为 0），测量每个法语词元的对数概率下降了多少。然后与注意力最高的位置比较：

# %%
src = tok.encode(sentence) + [tok.eos_id]
input_ids = torch.tensor([src])                                    # (1, S)
out = greedy_decode(model, input_ids, torch.ones_like(input_ids), bos_id=tok.bos_id, eos_id=tok.eos_id,
                    max_len=MAX_LEN)[0]
dec_in = torch.tensor([[tok.bos_id] + out])                        # (1, T)
target = torch.tensor([out + [tok.eos_id]])                        # (1, T)
with torch.no_grad():
    logits, attn = model(input_ids, torch.ones_like(input_ids), dec_in, return_attention=True)
    base = logits.log_softmax(-1).gather(-1, target[..., None])[0, :, 0]   # (T,) log p of each token
    drop = torch.zeros(len(base), len(src))                                  # (T, S)
    for s in range(len(src) - 1):                                            # hide one piece (keep EOS)
        mask = torch.ones_like(input_ids)
        mask[0, s] = 0
        hidden = model(input_ids, mask, dec_in).log_softmax(-1).gather(-1, target[..., None])[0, :, 0]
        drop[:, s] = (base - hidden).clamp(min=0)                            # how much worse without it
cross = torch.stack([w[0] for w in attn["cross"]]).mean(dim=(0, 1))          # (T, S): layers and heads averaged
agree = (cross[:, :-1].argmax(1) == drop[:, :-1].argmax(1)).float().mean().item()
print(f"在 {len(base)} 个输出词元中，有 {agree:.0%} 的“最受关注的子词片段”就是“最被需要的子词片段”")
q = [tok.id_to_piece(i) for i in out + [tok.eos_id]]
k = [tok.id_to_piece(i) for i in src]
plots.plot_attention(cross, query_pieces=q, key_pieces=k, path=FIGURES / "09_attention_mean.png",
                     title="Cross-attention (mean over layers and heads)")
plots.plot_attention(drop / drop.sum(1, keepdim=True).clamp(min=1e-9), query_pieces=q, key_pieces=k,
                     path=FIGURES / "09_occlusion.png",
                     title="Drop in log p when one English piece is hidden (row-normalised)",
                     value_label="share of the drop in log p")

# %% [markdown]
# 两张图一致的地方，注意力碰巧指向了重要的东西；不一致的地方，注意力是个糟糕的向导。两者都不是
# “那个”解释：藏起一个子词片段也会改变其他每个子词片段的编码。用注意力图来*调试掩码*（被填充的
# 一列不为零是 bug；解码器的图在对角线以上有权重是 bug）以及提出假设——再用上面这样的干预去检验
# 这些假设。
#
# ## 动手试试
#
# 1. `minimt evaluate --checkpoint runs/lesson07 --data data/test.tsv --beam 4`（或者在
#    `minimt train` 之后用 `runs/minimt`）：它打印的是第 1 节的数字吗？为什么可能不是？
# 2. `minimt plot attention --checkpoint runs/lesson07 "Where is the station?"`：“▁gare” 最关注
#    哪个英文子词片段？把它藏起来（第 4 节）的结果与之一致吗？
# 3. 在第 2 节中，用 “Je ne comprends pas.” 给它自己打分，再给 “Je comprends pas.” 打分——少一个
#    词，在 BLEU 里损失多少，在 chrF 里又损失多少？

# %% [markdown]
# ## 练习
#
# 练习本课内容：`minimt exercises start N`，然后 `minimt exercises check N`。
#
# - **12** — `exact_match`：完全匹配准确率，以及为什么它对翻译来说太苛刻
# - **19** — `corpus_bleu`：手算语料级 BLEU——截断精确率、简短惩罚
# - **21** — `corpus_chrf`：手算语料级 chrF——字符 n-gram、F-beta
