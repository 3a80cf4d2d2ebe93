# translates: 08_decoding.py sha256:e6659d5f8b1e
# %% [markdown]
# # 第 08 课 — 一步一步地解码：贪心解码、键值缓存与束搜索
#
# 训练（第 07 课）从不要求模型*写*：在教师强制（teacher forcing）下，它读到的始终是到目前为止
# 正确的法语。翻译一个新句子时，没有正确的法语可读。解码器必须写出一个词元（token），把它读
# 回来，再写下一个……直到写出 EOS：
#
#     [BOS]                         → "▁Comment"
#     [BOS, ▁Comment]               → "▁ça"
#     [BOS, ▁Comment, ▁ça]          → "▁va"   …   → EOS
#
# 本课先手工做这件事（贪心解码，greedy decoding），说明为什么**键值缓存**（key/value cache）
# 能让每一步只花一个位置的计算，而不是整个前缀；然后把“取最好的词元”换成带 GNMT **长度惩罚**
# （length penalty）的**束搜索**（beam search），并在一个概率由我们亲手设定的小模型上手算一遍。
# 代码：`minimt/decode.py` 和 `minimt/beam.py`。
#
# 可以作为脚本运行，也可以作为 notebook 打开。它需要一个训练好的模型，并取找到的第一个：最新的
# `minimt train` 运行（`runs/minimt`、`runs/minimt-2`……或 `$MINIMT_RUN`），否则用第 07 课的模型
# （`runs/lesson07`）；两者都没有时，它会当场运行第 07 课，由那一课的循环训练出这个模型（大约两
# 分钟，有进度条）。第一个单元格会说明是哪一种情况。`MINIMT_FAST=1`（给 CI 用）改为训练第 07 课
# 的 20 步模型：译文很差，机制相同。图片保存到 `$MINIMT_FIGURES`（默认 `lessons/figures`）。
#
# - **基于：** 第 07 课——一个训练好的模型（教师强制）——以及第 05 课的 `decode`。
# - **下一课：** 第 09 课——评估与注意力图：这些译文有多好？

# %%
import codecs
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a plain script: draw to files; a notebook keeps its own backend
import matplotlib.pyplot as plt
import torch

from minimt.batch import make_batch
from minimt.beam import beam_search, length_penalty
from minimt.checkpoint import load_checkpoint
from minimt.commands.course import lessons_dir
from minimt.data import embedded_path, load_pairs
from minimt.decode import greedy_decode
from minimt.files import PROJECT_ROOT
from minimt.plots import save_figure
from minimt.runtime.run_folder import checkpoints_in, latest_default

os.environ["MINIMT_LANG"] = "zh"  # 本课的语言：图片和提示信息都跟随它（英文版 lessons/：“en”）
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
MAX_LEN = 16 if FAST else 40  # most tokens to generate (a barely trained model rarely says EOS)
plt.rcParams.update({"font.size": 14, "axes.titlesize": 16})  # readable on a slide
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
model.eval()  # dropout off: generation must be deterministic
print(f"模型：{how}——{folder}（第 {meta['step']} 步，"
      f"{sum(p.numel() for p in model.parameters()):,} 个参数）")

# %% [markdown]
# ## 1. 贪心解码，一次一步
#
# 编码器只读一次英文；它的输出（`memory`，(B,S,D)）就是解码器需要从源句得到的全部信息。然后
# 每一步把到目前为止的词元喂给解码器，保留最可能的下一个词元。我们传入一个**缓存**
# （`model.new_cache()`）：这样每次调用只需要*最新*的那个词元，每个注意力层把这个词元的键和值
# 追加到之前存下的内容后面。看，存下的键每一步增长一个位置：

# %%
english = "How are you?"
input_ids = torch.tensor([tok.encode(english) + [tok.eos_id]])  # (1, S): English + EOS, as in lesson 03
attention_mask = torch.ones_like(input_ids)                      # (1, S): one sentence, no padding
with torch.no_grad():
    memory = model.encode(input_ids, attention_mask)  # (1, S, D), computed once
    cache = model.new_cache()
    generated, steps = [], []
    next_input = torch.tensor([[tok.bos_id]])  # (1, 1): start from BOS
    for step in range(MAX_LEN):
        logits = model.decode(next_input, memory, attention_mask, cache=cache)  # (1, 1, V)
        probs = logits[0, -1].softmax(-1)  # (V,)
        top = probs.topk(5)
        steps.append([(tok.id_to_piece(i), p) for p, i in zip(top.values.tolist(), top.indices.tolist())])
        best = int(top.indices[0])
        print(f"第 {step} 步：缓存的键 {tuple(cache.self_kv[0].k.shape)}  最可能 "
              + "  ".join(f"{piece} {p:.2f}" for piece, p in steps[-1][:3]))
        if best == tok.eos_id:
            break
        generated.append(best)
        next_input = torch.tensor([[best]])  # only the new token: the cache holds the rest
print(f"{english!r} → {tok.decode(generated)!r}")
assert generated == greedy_decode(model, input_ids, attention_mask, bos_id=tok.bos_id, eos_id=tok.eos_id,
                                  max_len=MAX_LEN)[0]

# %% [markdown]
# 第 0 层自注意力的键的形状是 `(B, H, 长度, D/H)`：长度每步加一。`greedy_decode`
# （minimt/decode.py）就是对整个批次做这个循环，每一行在自己的 EOS 处停下（断言检查它给出相同的
# 词元）。下图：模型在每一步犹豫的候选——贪心解码总是取最上面那一条。

# %%
shown = steps[:8]  # a slide holds 8 panels: 2 rows of 4
cols = min(4, len(shown))
rows = math.ceil(len(shown) / cols)
fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.3 * rows), squeeze=False)
for ax in axes.flat[len(shown):]:
    ax.axis("off")  # an unused panel of the last row
for t, (ax, cands) in enumerate(zip(axes.flat, shown)):
    ax.barh(range(len(cands)), [p for _, p in cands], color=["#1f4e79"] + ["#9fc5e8"] * (len(cands) - 1))
    ax.set_yticks(range(len(cands)), [c for c, _ in cands], fontsize=13)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_title(f"step {t}: {cands[0][0]}", fontsize=14)
    ax.set_xlabel("p(next token)")
fig.suptitle(f"Greedy decoding of {english!r}:\nthe 5 most likely next tokens at each step (dark = chosen)",
             fontsize=16)
fig.tight_layout()
print("saved", save_figure(fig, FIGURES / "08_greedy_steps.png"))

# %% [markdown]
# ## 2. 为什么要缓存：同样的词元，更少的计算
#
# 没有缓存时，第 t 步要在到目前为止的全部 t 个词元上重新运行解码器；有缓存时，只在一个词元上
# 运行。词元完全相同（tests/test_decode.py 在随机模型上证明了这一点）；省下的时间随输出长度增长。
# `bench/` 会做正式的测量；这里先快速看一眼：

# %%
valid = list(dict(load_pairs(embedded_path("valid"))).items())[: 8 if FAST else 64]  # one pair per English sentence
ids = [tok.encode(en) for en, _ in valid]
batch = make_batch(ids, [tok.encode(fr) for _, fr in valid], pad_id=tok.pad_id, bos_id=tok.bos_id,
                   eos_id=tok.eos_id)  # lesson 03's batch; decoding uses only its source half
timings, outputs = {}, {}
for use_cache in (False, True):
    start = time.perf_counter()
    outputs[use_cache] = greedy_decode(model, batch.input_ids, batch.attention_mask, bos_id=tok.bos_id,
                                       eos_id=tok.eos_id, max_len=MAX_LEN, use_cache=use_cache)
    timings[use_cache] = time.perf_counter() - start
assert outputs[True] == outputs[False]
print(f"{len(ids)} 个句子：不用缓存 {timings[False]:.2f} 秒，用缓存 {timings[True]:.2f} 秒——词元相同")

# %% [markdown]
# ## 3. 束搜索和长度惩罚，手算一遍
#
# 贪心解码只认*眼下*最好的词元。眼下看起来最好的词元，可能通向一个更差的句子。**束搜索**保留
# k 个最好的部分译文（“束”）；每一步把每个束用每个词元扩展一次，在 k×V 个候选中保留最好的 k 个。
# 选中 EOS 的束就**完成**了：它被移到完成列表里，不再被扩展。
#
# 怎样比较已完成的候选译文（hypothesis）？用对数概率 `log p(y) = Σ_t log p(y_t | …)`。每多一个
# 词元就加上一个负数，所以**原始分数偏爱短输出**。GNMT（Wu 等，2016）除以一个长度惩罚：
#
#     score(y) = log p(y) / lp(y),      lp(y) = ((5 + |y|) / 6) ** alpha
#
# 其中 |y| 是生成的词元数，**包括 EOS**。alpha = 0：没有惩罚（lp = 1）；alpha 越大，对较长的输出
# 越宽容。minimt 的默认值是 0.6。
#
# 为了看清它的作用，我们需要自己能控制的概率，所以写一个**手设模型**：五个词元，下一个词元的
# 概率由一张前缀表给出。束搜索只需要模型提供三样东西——`encode`、`decode(..., cache=...)`，以及
# 带 `reorder` 的 `new_cache()`——所以几行 Python 就能代替 Transformer：

# %%
BOS, EOS, A, B, C, D = 2, 3, 4, 5, 6, 7
V = 8
TABLE = {(): {A: 0.5, B: 0.4},            # first token: "a" (0.5) or "b" (0.4)
         (A,): {EOS: 0.7358},             # after "a": EOS → log p(a EOS) = log .5 + log .7358 = -1.0
         (B,): {C: 0.9097}, (B, C): {D: 0.9097}, (B, C, D): {EOS: 0.9097}}  # log p(b c d EOS) = -1.2


class HandSetModel:
    """p(next | prefix) from TABLE; the remaining probability is spread over the other tokens."""
    training = False

    class config:
        max_positions = 16

    def eval(self):
        return self

    def train(self, mode=True):
        return self

    def encode(self, input_ids, attention_mask):
        return torch.zeros(input_ids.size(0), 1, 1)  # no source needed: the table is the model

    def new_cache(self):
        class Prefixes:  # each row's tokens so far; beam search reorders rows as beams move
            rows = None

            def reorder(self, index):
                self.rows = [list(self.rows[i]) for i in index.tolist()]
        return Prefixes()

    def decode(self, new_tokens, memory, attention_mask, *, cache):
        cache.rows = cache.rows or [[] for _ in range(new_tokens.size(0))]
        out = []
        for row, t in zip(cache.rows, new_tokens[:, -1].tolist()):
            if t != BOS:
                row.append(t)
            probs = TABLE.get(tuple(row), {})
            rest = (1 - sum(probs.values())) / (V - len(probs))
            out.append([math.log(probs.get(v, rest)) for v in range(V)])
        return torch.tensor(out)[:, None, :]  # (rows, 1, V)


short, long_ = math.log(0.5) + math.log(0.7358), math.log(0.4) + 3 * math.log(0.9097)
print(f"log p(a EOS)     = {short:.3f}   （2 个词元）")
print(f"log p(b c d EOS) = {long_:.3f}   （4 个词元）")
for alpha in (0.0, 0.6, 1.0):
    s, l = short / length_penalty(2, alpha), long_ / length_penalty(4, alpha)
    print(f"alpha={alpha}: lp(2)={length_penalty(2, alpha):.3f} lp(4)={length_penalty(4, alpha):.3f}  "
          f"分数：短 {s:.3f}，长 {l:.3f} → {'短的' if s > l else '长的'}胜出")
assert round(short, 3) == -1.0 and round(long_, 3) == -1.2  # the numbers of the table's comments

# %% [markdown]
# 手算：alpha = 1 时，lp(2) = 7/6，lp(4) = 9/6，所以短的得分 -1.0 / 1.167 = -0.857，长的得分
# -1.2 / 1.5 = -0.800：长的胜出（代码里的断言检查这些数）。k = 2 的束搜索会找到这两个候选，
# 结果必须与我们的算术一致。贪心解码（k = 1）选 “a”（0.5 > 0.4），然后是 EOS——alpha 改变不了
# 这一点，它根本看不到 “b c d”：

# %%
assert abs(length_penalty(2, 1.0) - 7 / 6) < 1e-12 and abs(length_penalty(4, 1.0) - 9 / 6) < 1e-12
assert round(short / (7 / 6), 3) == -0.857 and round(long_ / (9 / 6), 3) == -0.8  # the prose above, checked
ids1, mask1 = torch.tensor([[EOS]]), torch.tensor([[1]])
for k, alpha in ((2, 0.0), (2, 1.0), (1, 1.0)):
    (best, score), = beam_search(HandSetModel(), ids1, mask1, bos_id=BOS, eos_id=EOS, beam_size=k,
                                 alpha=alpha, max_len=8)[0]
    print(f"束宽 {k}，alpha {alpha}：{best} 分数 {score:.3f}")
assert beam_search(HandSetModel(), ids1, mask1, bos_id=BOS, eos_id=EOS, beam_size=2, alpha=1.0,
                   max_len=8)[0][0][0] == [B, C, D]

alphas = [a / 20 for a in range(0, 31)]
fig, ax = plt.subplots(figsize=(8, 5))
ax.plot(alphas, [short / length_penalty(2, a) for a in alphas], label="a EOS (2 tokens)", lw=2.5)
ax.plot(alphas, [long_ / length_penalty(4, a) for a in alphas], label="b c d EOS (4 tokens)", lw=2.5)
ax.set(xlabel="alpha", ylabel="log p / lp   (higher wins)",
       title="The length penalty decides between a short and a long translation")
ax.legend(fontsize=13)
ax.grid(alpha=0.3)
print("saved", save_figure(fig, FIGURES / "08_length_penalty.png"))

# %% [markdown]
# ## 4. 在真实模型上做束搜索
#
# `beam_search` 同时处理一个批次里的所有句子：B 个句子 × k 个束 = B·k 行解码器输入。每一步它为
# 每个新束算出它延续的是哪一行旧束（`origin`），并**用同一个索引**重排**缓存、编码器状态和源句
# 掩码**——漏掉一个，束就会悄悄地读到另一个句子。`n_best` 返回多个候选译文及其分数。k = 1 时，
# 它给出的正是贪心解码的输出：

# %%
for k in (1, 4):
    hyps = beam_search(model, input_ids, attention_mask, bos_id=tok.bos_id, eos_id=tok.eos_id,
                       beam_size=k, alpha=0.6, n_best=min(k, 3), max_len=MAX_LEN)[0]
    for ids_, score in hyps:
        print(f"束宽 {k}：{tok.decode(ids_)!r:40} 分数 {score:.3f}")
one = beam_search(model, batch.input_ids, batch.attention_mask, bos_id=tok.bos_id, eos_id=tok.eos_id, beam_size=1,
                  max_len=MAX_LEN)
assert [h[0][0] for h in one] == outputs[True], "束宽 1 必须等于贪心解码"
four = beam_search(model, batch.input_ids, batch.attention_mask, bos_id=tok.bos_id, eos_id=tok.eos_id, beam_size=4,
                   max_len=MAX_LEN)
changed = [(en, tok.decode(g), tok.decode(b[0][0])) for (en, _), g, b in zip(valid, outputs[True], four)
           if g != b[0][0]]
print(f"束宽 4 改变了 {len(valid)} 个译文中的 {len(changed)} 个，例如：")
for en, g, b in changed[:3]:
    print(f"  {en!r}\n    贪心：  {g!r}\n    束宽 4：{b!r}")

# %% [markdown]
# 这些改变是否*更好*，是第 09 课的问题：我们需要一个分数。
#
# ## 动手试试
#
# 1. `minimt translate --checkpoint runs/lesson07 --beam 5 --n-best 3 "How are you?"`（或者在
#    `minimt train` 之后用 `runs/minimt`）：三个分数相差多远？
# 2. 对一个长句分别用 `--alpha 0` 和 `--alpha 1.5` 翻译。哪个给出更长的输出，为什么？
# 3. 在第 3 节中，alpha 取多少时两个候选译文打平？（在图上解
#    log p(a EOS) / lp(2) = log p(b c d EOS) / lp(4)，或用二分法。）

# %% [markdown]
# ## 练习
#
# 练习本课内容：`minimt exercises start N`，然后 `minimt exercises check N`。
#
# - **11** — `greedy_decode`：对一个批次做贪心解码，每一行在自己的 EOS 处停下
# - **13** — `best_hypothesis`：用 GNMT 长度惩罚选出最好的已完成候选译文
# - **14** — `beam_search`：带长度惩罚的束搜索
